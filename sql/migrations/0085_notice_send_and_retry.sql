-- 0085_notice_send_and_retry: staff queue a notice by hand and send a failed one again
-- (issue 18, items 1 and 5).
--
-- `notice send` writes the outbox row with the template that rendered it and whether the client
-- sees it on the timeline once sent: staff may now give those two columns (0051 granted the
-- others). `notice retry` moves a failed message back to the queue: staff may change status and
-- not_before, and the policy lets them do only that one move — a failed row may become queued,
-- nothing else (the worker's own moves are its own grants). What the row says stays as written
-- (outbound_message_transition, 0077), and attempts only grow, so the worker's retry limit still
-- counts the attempts before the retry.
--
-- SME users still read no outbox row (0051: staff only). The outbox holds addresses, provider ids
-- and errors of the agency's channels; what a client needs — that its debtor was contacted, and
-- how — is the case event the worker writes when the message is sent, visible to the client
-- when the message is marked so, through case_event's own policy.

SET LOCAL ROLE cobranza_owner;

GRANT INSERT (template, client_visible) ON cobranza.outbound_message TO cobranza_admin, cobranza_collector;
GRANT UPDATE (status, not_before) ON cobranza.outbound_message TO cobranza_admin, cobranza_collector;

CREATE POLICY outbound_message_staff_retry ON cobranza.outbound_message FOR UPDATE TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector') AND status = 'failed')
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector') AND status = 'queued');

-- A phone as people write it ('+56 9 5555 1234', '+57 (601) 345-6789') in the E.164 form SMS and
-- WhatsApp providers take ('+56955551234'), or NULL when it has no country code or is not 8 to
-- 15 digits: the rule of CobranzaCore's ContactAddress.phone, which `debtor contact` stores and
-- `notice send` queues (NoticeTests holds the two to each other). For whoever queues from SQL
-- (the strategy run) and the worker: debtor.phone keeps what was typed or imported.
CREATE FUNCTION cobranza.phone_e164(p_phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN d ~ '^\+[1-9][0-9]{7,14}$' THEN d END
      FROM (SELECT CASE WHEN t ~ '^\+[0-9 ().-]*$' THEN pg_catalog.translate(t, ' ().-', '') END AS d
              FROM (SELECT pg_catalog.btrim(p_phone, E' \t' || pg_catalog.chr(160)) AS t) y) x
$$;
COMMENT ON FUNCTION cobranza.phone_e164(text) IS 'a phone as written, in E.164 (+56955551234), or NULL when it cannot be';

RESET ROLE;
