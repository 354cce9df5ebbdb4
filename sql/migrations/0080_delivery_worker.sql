-- 0080_delivery_worker: who delivers the outbox, and the only things it may do (issue 18, item 2).
--
-- `cobranza worker` logs in as a member of the group cobranza_worker (NOLOGIN, created here). A
-- worker is not a person of any client or of the agency's staff: it has no row in person (so
-- current_kind() and current_tenant() are NULL for it), no privilege on any table, and every
-- staff and client policy is closed to it. It acts only through the SECURITY DEFINER functions
-- below, granted to cobranza_worker alone, each touching only outbound_message's delivery columns
-- and the one case event a sent message records:
--
--   outbox_claim(channels, limit, lease)   takes due messages (queued, not_before <= now()) with
--                                          FOR UPDATE SKIP LOCKED and marks them sending
--                                          (attempts + 1, claimed_at); a message left sending
--                                          longer than the lease (its worker died) is first put
--                                          back in the queue, to be claimed again under the same
--                                          idempotency key.
--   outbox_gate(tenant, id, claim)         with the debtor's contact lock held (until the
--                                          transaction ends, so across the send), says whether
--                                          the message may go now: the claim still ours, no
--                                          opt-out of its channel, contact_check at now().
--   outbox_settle(tenant, id, claim, ...)  records what happened: sent (and the contact's case
--                                          event, kind = the channel, linked in event_id), back
--                                          to the queue (a deferral or a retry: not_before),
--                                          failed or bounced, with the reason.
--   outbox_wait()                          how long until the next message falls due.
--
-- An admin makes a worker's login with create_worker(name, password) (the login's only group is
-- cobranza_worker). The embedded database makes one, "worker", with its password in
-- worker.password beside the admin's.
--
-- Every insert into outbound_message, and every message put back in the queue, NOTIFYs the
-- channel cobranza_outbox (no payload: a listener learns only "look again"), which the worker
-- LISTENs to.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_worker') THEN
        BEGIN
            CREATE ROLE cobranza_worker NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by the same migration in another database
        END;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_auth_members m
         WHERE m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_worker')
           AND m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_owner')
           AND m.admin_option)
    THEN
        GRANT cobranza_worker TO cobranza_owner WITH ADMIN OPTION;
    END IF;
    EXECUTE pg_catalog.format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO cobranza_worker', pg_catalog.current_database());
END
$roles$;

GRANT USAGE ON SCHEMA cobranza TO cobranza_worker;

SET LOCAL ROLE cobranza_owner;

-- A message left sending is found by its claim's age.
CREATE INDEX outbound_message_claimed_idx ON cobranza.outbound_message (claimed_at) WHERE status = 'sending';

------------------------------------------------------------------------------------------------
-- A worker's login
------------------------------------------------------------------------------------------------
CREATE FUNCTION cobranza.create_worker(p_name text, p_password text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
    SET password_encryption = 'scram-sha-256'
AS $$
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only agency admins can add a delivery worker';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{1,40}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('worker name "%s" must be 2-41 characters: a lowercase letter, then lowercase letters, digits or _',
                             cobranza.quote_for_message(coalesce(p_name, '')));
    END IF;
    IF p_name LIKE 'pg\_%' OR p_name LIKE 'cobranza%'
       OR p_name IN ('public', 'none', 'current_user', 'current_role', 'session_user') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('worker name "%s" is reserved: it must not start with pg_ or cobranza', p_name);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = format('user "%s" already exists', p_name);
    END IF;
    IF p_password IS NULL OR length(p_password) < 8 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'password must be at least 8 characters';
    END IF;
    IF p_password ~ '^md5[0-9a-f]{32}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'password must not be an MD5 hash';
    END IF;
    -- As in create_person: errors re-raised so no CONTEXT quotes the statement and its password.
    BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE cobranza_worker', p_name, p_password);
    EXCEPTION
        WHEN unique_violation OR duplicate_object THEN
            RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = format('user "%s" already exists', p_name);
        WHEN OTHERS THEN
            RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;
END
$$;
REVOKE ALL ON FUNCTION cobranza.create_worker(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.create_worker(text, text) TO cobranza_admin;

------------------------------------------------------------------------------------------------
-- Claiming
------------------------------------------------------------------------------------------------
CREATE FUNCTION cobranza.outbox_claim(p_channels text[], p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id bigint, id bigint, case_id bigint, channel text, address text, subject text, body text,
                   idempotency_key text, attempts integer, claimed_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker claims messages';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 OR p_lease IS NULL OR p_lease < interval '1 second' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'a claim takes 1 to 1000 messages and a lease of at least a second';
    END IF;
    -- A claim older than the lease belongs to a worker that died (or hung) mid-send: back to the
    -- queue, as it was written, to be sent again under the same key. One it still holds (its
    -- gate keeps the row locked through the send) is skipped.
    UPDATE cobranza.outbound_message m
       SET status = 'queued', claimed_at = NULL,
           last_error = format('the worker that claimed it at %s did not finish (lease %s)', m.claimed_at, p_lease)
      FROM (SELECT s.tenant_id, s.id FROM cobranza.outbound_message s
             WHERE s.status = 'sending' AND s.claimed_at < pg_catalog.clock_timestamp() - p_lease
             FOR UPDATE SKIP LOCKED) stale
     WHERE m.tenant_id = stale.tenant_id AND m.id = stale.id;
    -- claimed_at is the real clock (a lease is a real duration) and names the claim: the gate and
    -- the settlement hold the worker to it, so a reclaimed message is settled by its new owner only.
    RETURN QUERY
    WITH claimed AS (
    UPDATE cobranza.outbound_message m
       SET status = 'sending', attempts = m.attempts + 1, claimed_at = pg_catalog.clock_timestamp()
      FROM (SELECT q.tenant_id, q.id FROM cobranza.outbound_message q
             WHERE q.status = 'queued' AND q.not_before <= cobranza.now() AND q.channel = ANY (p_channels)
             ORDER BY q.not_before, q.id
             LIMIT p_limit
             FOR UPDATE SKIP LOCKED) due
     WHERE m.tenant_id = due.tenant_id AND m.id = due.id
    RETURNING m.tenant_id, m.id, m.case_id, m.channel, m.address, m.subject, m.body, m.idempotency_key, m.attempts, m.claimed_at)
    SELECT c.tenant_id, c.id, c.case_id, c.channel, c.address, c.subject, c.body, c.idempotency_key, c.attempts, c.claimed_at
      FROM claimed c ORDER BY c.id;
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbox_claim(text[], integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.outbox_claim(text[], integer, interval) TO cobranza_worker;

------------------------------------------------------------------------------------------------
-- The gate before a send
------------------------------------------------------------------------------------------------
-- verdict: 'send'; 'lost' (no longer this claim's: reclaimed after the lease); 'opted_out'
-- (reason says since when); 'refused' (rule, and allowed_at, NULL when no moment allows it;
-- reason: that moment on the debtor's clock, "Monday 2026-12-07 07:00 America/Bogota").
CREATE FUNCTION cobranza.outbox_gate(p_tenant bigint, p_id bigint, p_claim timestamptz,
                                     OUT verdict text, OUT rule text, OUT allowed_at timestamptz, OUT reason text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_message cobranza.outbound_message;
    v_opt_out cobranza.debtor_opt_out;
    v_check   record;
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker sends messages';
    END IF;
    SELECT m.* INTO v_message FROM cobranza.outbound_message m WHERE m.tenant_id = p_tenant AND m.id = p_id FOR UPDATE;
    IF NOT FOUND OR v_message.status <> 'sending' OR v_message.claimed_at IS DISTINCT FROM p_claim THEN
        verdict := 'lost';
        RETURN;
    END IF;
    -- Held until the transaction ends: across the send and the contact's event, so no other
    -- contact of this debtor is judged in between (0056).
    PERFORM cobranza.lock_debtor_contacts(p_tenant, v_message.case_id);
    SELECT o.* INTO v_opt_out FROM cobranza.debtor_opt_out o
     WHERE o.tenant_id = p_tenant AND o.debtor_id = v_message.debtor_id AND o.channel = v_message.channel;
    IF FOUND THEN
        verdict := 'opted_out';
        reason := format('the debtor opted out of %s on %s (%s)', v_message.channel, v_opt_out.opted_out_on, v_opt_out.source);
        RETURN;
    END IF;
    SELECT * INTO v_check FROM cobranza.contact_check(p_tenant, v_message.case_id, v_message.channel, cobranza.now());
    IF v_check.rule IS NOT NULL THEN
        verdict := 'refused';
        rule := v_check.rule;
        allowed_at := v_check.allowed_at;
        -- The moment as the debtor's clock shows it, as the rules' own refusals name it.
        SELECT cobranza.local_moment(v_check.allowed_at, cobranza.debtor_time_zone(d.country, d.time_zone)) INTO reason
          FROM cobranza.debtor d WHERE d.tenant_id = p_tenant AND d.id = v_message.debtor_id;
        RETURN;
    END IF;
    verdict := 'send';
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbox_gate(bigint, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.outbox_gate(bigint, bigint, timestamptz) TO cobranza_worker;

------------------------------------------------------------------------------------------------
-- What happened
------------------------------------------------------------------------------------------------
-- p_status: 'sent' (p_provider_id; writes the contact's case event and returns its id),
-- 'queued' (p_not_before, p_error), 'failed' or 'bounced' (p_error).
CREATE FUNCTION cobranza.outbox_settle(p_tenant bigint, p_id bigint, p_claim timestamptz, p_status text,
                                       p_not_before timestamptz, p_error text, p_provider_id text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_message cobranza.outbound_message;
    v_event   bigint;
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker settles messages';
    END IF;
    SELECT m.* INTO v_message FROM cobranza.outbound_message m WHERE m.tenant_id = p_tenant AND m.id = p_id FOR UPDATE;
    IF NOT FOUND OR v_message.status <> 'sending' OR v_message.claimed_at IS DISTINCT FROM p_claim THEN
        RAISE EXCEPTION USING ERRCODE = 'serialization_failure', CONSTRAINT = 'outbound_message_claimed_check',
            MESSAGE = format('message %s is no longer this worker''s to settle (its claim expired)', p_id);
    END IF;
    CASE p_status
    WHEN 'sent' THEN
        -- The contact happens now: kind = the channel, through the contact rules' trigger.
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible)
        VALUES (p_tenant, v_message.case_id, v_message.channel, 'sent',
                left(format('%s to %s%s', v_message.channel, v_message.address,
                            CASE WHEN v_message.channel = 'email' THEN ': ' || v_message.subject ELSE '' END), 2000),
                v_message.client_visible)
        RETURNING id INTO v_event;
        UPDATE cobranza.outbound_message m
           SET status = 'sent', sent_at = cobranza.now(), provider_id = p_provider_id, event_id = v_event,
               claimed_at = NULL, last_error = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    WHEN 'queued' THEN
        UPDATE cobranza.outbound_message m
           SET status = 'queued', not_before = coalesce(p_not_before, cobranza.now()), last_error = p_error, claimed_at = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    WHEN 'failed', 'bounced' THEN
        UPDATE cobranza.outbound_message m
           SET status = p_status, last_error = coalesce(p_error, 'failed'), claimed_at = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', COLUMN = 'status',
            MESSAGE = format('status: a message is settled sent, queued, failed or bounced, not %s', p_status);
    END CASE;
    RETURN v_event;
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbox_settle(bigint, bigint, timestamptz, text, timestamptz, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.outbox_settle(bigint, bigint, timestamptz, text, timestamptz, text, text) TO cobranza_worker;

-- Milliseconds until the next queued message of `p_channels` falls due (0: one is due now; NULL:
-- none is queued), on the session's clock.
CREATE FUNCTION cobranza.outbox_wait(p_channels text[]) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT greatest(0, ceil(extract(epoch FROM min(m.not_before) - cobranza.now()) * 1000))::bigint
      FROM cobranza.outbound_message m
     WHERE m.status = 'queued' AND m.channel = ANY (p_channels)
       AND pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER')
$$;
REVOKE ALL ON FUNCTION cobranza.outbox_wait(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.outbox_wait(text[]) TO cobranza_worker;

------------------------------------------------------------------------------------------------
-- Waking the worker
------------------------------------------------------------------------------------------------
CREATE FUNCTION cobranza.outbound_message_notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('cobranza_outbox', '');
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION cobranza.outbound_message_notify() FROM PUBLIC;
CREATE TRIGGER outbound_message_notify_insert AFTER INSERT ON cobranza.outbound_message
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_notify();
CREATE TRIGGER outbound_message_notify_requeue AFTER UPDATE OF status ON cobranza.outbound_message
    FOR EACH ROW WHEN (NEW.status = 'queued' AND OLD.status <> 'queued') EXECUTE FUNCTION cobranza.outbound_message_notify();

RESET ROLE;
