-- 0077_outbox: the queue of 0051 becomes an outbox whose messages live until they are sent
-- (issue 18, item 1), and a debtor may refuse a channel (item 4).
--
-- A message is a contact when it is sent, not when it is queued: the worker records the case
-- event (through the contact-rule trigger, at the moment it sends) and links it in event_id.
-- Until then the row carries its life:
--
--   queued ──claim──▶ sending ──▶ sent ──▶ bounced     (a bounce reported after delivery)
--     ▲                  │  └────▶ failed ──retry──▶ queued
--     └──defer/backoff───┘  └────▶ bounced
--   queued ──▶ failed                                  (opted out, no address: never sendable)
--
-- What was written (debtor, channel, address, subject, body, idempotency key, who and when) never
-- changes: a retry sends the same text under the same key, so the provider (and the Message-ID
-- of an email) makes a retry after a crash one message, not two. not_before is the first moment
-- the message may go (a deferral by the contact rules or a backoff moves it); attempts only grow.
--
-- debtor_opt_out: the channels a debtor refused ("no más SMS"), with the day and where it was
-- said. Nothing is queued to, nor sent through, a refused channel; removing the row (audited) is
-- the debtor taking it back.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.outbound_message
    ADD COLUMN template       text
        CONSTRAINT outbound_message_template_check CHECK (template ~ '^[a-z0-9-]{1,64}$')
        CONSTRAINT outbound_message_template_text CHECK (cobranza.single_line(template, 'template')),
    ADD COLUMN client_visible boolean NOT NULL DEFAULT false,
    ADD COLUMN not_before     timestamptz NOT NULL DEFAULT cobranza.now(),
    ADD COLUMN attempts       integer NOT NULL DEFAULT 0
        CONSTRAINT outbound_message_attempts_check CHECK (attempts BETWEEN 0 AND 1000),
    ADD COLUMN last_error     text
        CONSTRAINT outbound_message_last_error_text CHECK (cobranza.note_text(last_error, 'last_error', 2000)),
    ADD COLUMN provider_id    text
        CONSTRAINT outbound_message_provider_id_check CHECK (length(provider_id) BETWEEN 1 AND 200)
        CONSTRAINT outbound_message_provider_id_text CHECK (cobranza.single_line(provider_id, 'provider_id')),
    ADD COLUMN claimed_at     timestamptz,
    ADD COLUMN sent_at        timestamptz,
    ADD COLUMN event_id       bigint,
    ADD CONSTRAINT outbound_message_event_fkey FOREIGN KEY (tenant_id, event_id) REFERENCES cobranza.case_event (tenant_id, id),
    ADD CONSTRAINT outbound_message_sent_check CHECK (status <> 'sent' OR sent_at IS NOT NULL),
    ADD CONSTRAINT outbound_message_claimed_check CHECK ((status = 'sending') = (claimed_at IS NOT NULL));
ALTER TABLE cobranza.outbound_message DROP CONSTRAINT outbound_message_status_check;
ALTER TABLE cobranza.outbound_message ADD CONSTRAINT outbound_message_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'bounced'));
COMMENT ON COLUMN cobranza.outbound_message.template IS 'the templates/avisos kind that rendered it (NULL: the strategy run''s own text)';
COMMENT ON COLUMN cobranza.outbound_message.not_before IS 'the first moment it may be sent: moved by a contact-rule deferral or a retry''s backoff';
COMMENT ON COLUMN cobranza.outbound_message.event_id IS 'the case event that records the contact, written when it was sent';

-- The worker finds what is due by this index: queued, oldest moment first.
CREATE INDEX outbound_message_due_idx ON cobranza.outbound_message (not_before) WHERE status = 'queued';
CREATE INDEX outbound_message_status_idx ON cobranza.outbound_message (tenant_id, status);

-- The life above, and nothing else: what was written stays as written.
CREATE FUNCTION cobranza.outbound_message_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF (NEW.tenant_id, NEW.id, NEW.case_id, NEW.debtor_id, NEW.step_id, NEW.channel, NEW.address, NEW.subject, NEW.body,
        NEW.idempotency_key, NEW.created_at, NEW.created_by, NEW.template, NEW.client_visible)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.id, OLD.case_id, OLD.debtor_id, OLD.step_id, OLD.channel, OLD.address, OLD.subject, OLD.body,
        OLD.idempotency_key, OLD.created_at, OLD.created_by, OLD.template, OLD.client_visible) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_written_check',
            MESSAGE = 'a message is kept as it was written: only its delivery status changes';
    END IF;
    IF NEW.attempts < OLD.attempts THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_attempts_check',
            COLUMN = 'attempts', MESSAGE = 'attempts: a message''s attempts only grow';
    END IF;
    IF OLD.event_id IS NOT NULL AND NEW.event_id IS DISTINCT FROM OLD.event_id THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_event_check',
            COLUMN = 'event_id', MESSAGE = 'event_id: a sent message''s contact is recorded once';
    END IF;
    IF NOT ((OLD.status, NEW.status) IN (('queued', 'sending'), ('queued', 'failed'), ('queued', 'queued'),
                                         ('sending', 'queued'), ('sending', 'sent'), ('sending', 'failed'), ('sending', 'bounced'),
                                         ('sent', 'bounced'), ('failed', 'queued'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_status_transition_check',
            COLUMN = 'status', MESSAGE = format('status: a %s message can''t become %s', OLD.status, NEW.status);
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbound_message_transition() FROM PUBLIC;

DROP TRIGGER outbound_message_append_only ON cobranza.outbound_message;
CREATE TRIGGER outbound_message_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.outbound_message
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a message is kept, never deleted');
CREATE TRIGGER outbound_message_transition BEFORE UPDATE ON cobranza.outbound_message
    FOR EACH ROW EXECUTE FUNCTION cobranza.outbound_message_transition();
CREATE TRIGGER outbound_message_audit AFTER UPDATE ON cobranza.outbound_message
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

------------------------------------------------------------------------------------------------
-- Channels a debtor refused
------------------------------------------------------------------------------------------------

CREATE TABLE cobranza.debtor_opt_out (
    tenant_id     bigint NOT NULL DEFAULT cobranza.current_tenant(),
    debtor_id     bigint NOT NULL,
    channel       text NOT NULL CONSTRAINT debtor_opt_out_channel_check CHECK (channel IN ('email', 'sms', 'whatsapp')),
    opted_out_on  date NOT NULL DEFAULT cobranza.today(),
    source        text NOT NULL CONSTRAINT debtor_opt_out_source_check CHECK (length(btrim(source)) BETWEEN 1 AND 500)
                       CONSTRAINT debtor_opt_out_source_text CHECK (cobranza.single_line(source, 'source')),
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by    name NOT NULL DEFAULT session_user,
    CONSTRAINT debtor_opt_out_pkey PRIMARY KEY (tenant_id, debtor_id, channel),
    CONSTRAINT debtor_opt_out_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor (tenant_id, id),
    CONSTRAINT debtor_opt_out_channel_text CHECK (cobranza.single_line(channel, 'channel')),
    CONSTRAINT debtor_opt_out_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'))
);
COMMENT ON TABLE cobranza.debtor_opt_out IS 'the channels a debtor asked not to be contacted through, with the day and where it was said';

ALTER TABLE cobranza.debtor_opt_out ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.debtor_opt_out FORCE ROW LEVEL SECURITY;
CREATE POLICY debtor_opt_out_staff_all ON cobranza.debtor_opt_out TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY debtor_opt_out_client_read ON cobranza.debtor_opt_out FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY debtor_opt_out_owner_read ON cobranza.debtor_opt_out FOR SELECT TO cobranza_owner USING (true);
REVOKE ALL ON cobranza.debtor_opt_out FROM PUBLIC;
GRANT SELECT ON cobranza.debtor_opt_out TO cobranza_admin, cobranza_collector, cobranza_client;
GRANT INSERT (tenant_id, debtor_id, channel, opted_out_on, source), DELETE ON cobranza.debtor_opt_out
    TO cobranza_admin, cobranza_collector;

CREATE TRIGGER debtor_opt_out_audit AFTER INSERT OR DELETE ON cobranza.debtor_opt_out
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Nothing is queued to a channel the debtor refused, whoever writes it.
CREATE FUNCTION cobranza.outbound_message_opt_out_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_channel text;
    v_case    bigint;
BEGIN
    SELECT n.channel, n.case_id INTO v_channel, v_case
      FROM new_rows n
      JOIN cobranza.debtor_opt_out o ON o.tenant_id = n.tenant_id AND o.debtor_id = n.debtor_id AND o.channel = n.channel
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_opt_out_check', COLUMN = 'channel',
            MESSAGE = format('channel: the debtor of case %s opted out of %s', v_case, v_channel);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbound_message_opt_out_check() FROM PUBLIC;
CREATE TRIGGER outbound_message_opt_out AFTER INSERT ON cobranza.outbound_message
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_opt_out_check();

RESET ROLE;
