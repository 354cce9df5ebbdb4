-- What a debt not yet due must not suffer (issue 17, pre-collection placement). Since 0100 a
-- case may hold invoices whose due date has not come: a friendly reminder is what it is for.
-- Nothing firmer may happen while any of the case's invoices (not cancelled) is not yet due:
--   * a letter (levels 1 to 3 all demand payment, the last threatens posting and court), on the
--     letter's own date;
--   * a posting notice or its publication (a registry publishes unpaid debts, and one not yet due
--     is not unpaid);
--   * a referral to court.
-- One trigger function over the three tables, before the rows' own checks would write anything;
-- it reads the case's invoices with the writer's rights, as the rows' other checks do.
-- The strategy run renders letters and posting notices behind a savepoint: such a step is
-- "paused" with this refusal and weighed again at the next run.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.case_not_yet_due_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_on date;
    v_what text;
    v_number text;
    v_due date;
BEGIN
    IF TG_TABLE_NAME = 'case_event' THEN
        v_on := coalesce(NEW.occurred_on, cobranza.today());
        v_what := 'a letter demands only what is due';
    ELSIF TG_TABLE_NAME = 'posting' THEN
        v_on := cobranza.today();
        v_what := 'a debt is posted only once it is due';
    ELSE
        v_on := cobranza.today();
        v_what := 'a case goes to court only once its invoices are due';
    END IF;
    SELECT i.number, i.due INTO v_number, v_due FROM cobranza.invoice i
     WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id AND i.due > v_on AND i.cancel_reason IS NULL
     ORDER BY i.due DESC, i.number LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_not_yet_due_check',
            MESSAGE = format('invoice %s is not yet due (due %s): %s', v_number, v_due, v_what);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER case_event_letter_not_yet_due BEFORE INSERT ON cobranza.case_event
    FOR EACH ROW WHEN (NEW.kind = 'letter') EXECUTE FUNCTION cobranza.case_not_yet_due_check();
CREATE TRIGGER posting_not_yet_due BEFORE INSERT ON cobranza.posting
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_not_yet_due_check();
CREATE TRIGGER posting_publish_not_yet_due BEFORE UPDATE ON cobranza.posting
    FOR EACH ROW WHEN (OLD.published_on IS NULL AND NEW.published_on IS NOT NULL)
    EXECUTE FUNCTION cobranza.case_not_yet_due_check();
CREATE TRIGGER judicial_referral_not_yet_due BEFORE INSERT ON cobranza.judicial_referral
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_not_yet_due_check();

REVOKE ALL ON FUNCTION cobranza.case_not_yet_due_check() FROM PUBLIC;

RESET ROLE;
