-- 0127_case_flags_and_close_moment: a case's agreement flag only ever turns on, and a close is
-- dated when it happens.
--
-- Staff hold UPDATE on collection_case's on_agreement and closed_at (0002) for the triggers and
-- commands that write them as staff (agreement_prepare sets on_agreement; closing sets
-- closed_at = now()). With psql a collector could turn on_agreement off: record_payment and
-- agreement_settle read it first, so a discounted agreement paid in full no longer settled the
-- case and the debtor was left owing the discount. A case closed by hand took whatever closed_at
-- was typed (a date months back), which the recovery report and the case's clock read.
-- A person's own trigger can pass for a nested one (WorkflowTests.aUsersOwnTriggerCannotPass…),
-- so the rules do not ask pg_trigger_depth():
--   * on_agreement never goes back from true (it means "the case ever had an agreement");
--   * closing writes closed_at = now(), reopening clears it, and nothing else changes it (the
--     closed branch of case_transition already refuses changing a closed case's).
-- WorkflowTests.aCasesAgreementFlagAndCloseMomentAreNotWrittenByHand.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.case_flags_and_close_moment() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.on_agreement AND NOT NEW.on_agreement THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_on_agreement_check', COLUMN = 'on_agreement',
            MESSAGE = format('on_agreement: case %s has had an instalment agreement, and that stays said', OLD.number);
    END IF;
    IF NEW.stage = 'closed' AND OLD.stage <> 'closed' THEN
        NEW.closed_at := now();
    ELSIF NEW.stage <> 'closed' THEN
        NEW.closed_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER collection_case_flags_and_close_moment BEFORE UPDATE ON cobranza.collection_case
    FOR EACH ROW WHEN (OLD.on_agreement IS DISTINCT FROM NEW.on_agreement OR OLD.stage IS DISTINCT FROM NEW.stage
                       OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
    EXECUTE FUNCTION cobranza.case_flags_and_close_moment();

RESET ROLE;
