-- A submission is not accepted into a case its debtor is disputing (issue 20, item 1).
--
-- A case-wide dispute (collection_case.disputed, 0031) means the debtor contests what the case
-- claims; folding a new submission into it would put fresh invoices under a dispute they are
-- not part of, or collect them while the rest is frozen. So accepting a pending submission into
-- a disputed case is refused, whoever does it: `case open`, `case open --batch` (which lists
-- the refusal and goes on) or plain SQL. The submission stays pending until the dispute is
-- resolved. A dispute about some invoices only leaves the case undisputed and is not a refusal.
-- SECURITY INVOKER: whoever may accept a submission (staff) may read its case.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.submission_accepted_undisputed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_number text;
BEGIN
    SELECT c.number INTO v_number FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id AND c.disputed;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_case_undisputed_check',
            MESSAGE = format('case %s is disputed: its debtor''s new submission waits until the dispute is resolved', v_number);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER submission_accepted_undisputed BEFORE UPDATE OF status, case_id ON cobranza.submission
    FOR EACH ROW WHEN (NEW.status = 'accepted' AND NEW.case_id IS NOT NULL)
    EXECUTE FUNCTION cobranza.submission_accepted_undisputed();
RESET ROLE;
