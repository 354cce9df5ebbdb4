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

RESET ROLE;
