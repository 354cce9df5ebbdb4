-- 0126_messages_go_to_the_cases_debtor: a queued message goes to its case's own debtor, at the
-- address that debtor gave for the channel, and never on a closed case.
--
-- `notice send` and the strategy run take the debtor from the case and the address from the
-- debtor (email, or the phone in E.164), on open cases only. The outbox held none of it: with
-- psql a collector could queue a message naming another debtor than the case's (its opt-outs,
-- not the case debtor's, were then asked, by 0077's trigger and the worker's gate: an SMS the
-- debtor had refused went out), to any address (a debtor's employer, which the contact laws
-- forbid), or on a closed case. The worker sends what the outbox holds.
--
-- outbound_message_to_case_debtor checks each statement's messages in one set-wise query (the
-- run queues 100,000 at once), after the key checks and the opt-out check (AFTER triggers run
-- in name order), for people; the owner's fixtures and benches queue to test addresses.
-- NoticeTests.aMessageGoesOnlyToItsCasesDebtorAtTheirAddress.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.outbound_message_to_case_debtor() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v record;
BEGIN
    IF (SELECT cobranza.current_kind()) IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT n.channel, n.address, n.debtor_id <> c.debtor_id AS stranger, c.stage = 'closed' AS closed, c.number,
           CASE n.channel WHEN 'email' THEN d.email ELSE cobranza.phone_e164(d.phone) END AS expected
      INTO v
      FROM new_rows n
      JOIN cobranza.collection_case c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE n.debtor_id <> c.debtor_id OR c.stage = 'closed'
        OR n.address IS DISTINCT FROM CASE n.channel WHEN 'email' THEN d.email ELSE cobranza.phone_e164(d.phone) END
           AND (n.channel <> 'email' OR n.address IS DISTINCT FROM btrim(d.email, E' \t' || chr(160)))
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    ELSIF v.stranger THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_debtor_check', COLUMN = 'debtor_id',
            MESSAGE = format('debtor_id: a message of case %s goes to the case''s own debtor', v.number);
    ELSIF v.closed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_case_open_check', COLUMN = 'case_id',
            MESSAGE = format('case %s is closed: nothing more is sent on it', v.number);
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_address_check', COLUMN = 'address',
            MESSAGE = CASE WHEN v.expected IS NULL
                           THEN format('address: the debtor of case %s has no %s on record (debtor contact records one)', v.number,
                                       CASE v.channel WHEN 'email' THEN 'email address' ELSE 'phone number in international form' END)
                           ELSE format('address: a %s of case %s goes to its debtor''s %s, %s', v.channel, v.number,
                                       CASE v.channel WHEN 'email' THEN 'email' ELSE 'phone' END, v.expected) END;
    END IF;
END
$$;

CREATE TRIGGER outbound_message_to_case_debtor AFTER INSERT ON cobranza.outbound_message
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_to_case_debtor();

RESET ROLE;
