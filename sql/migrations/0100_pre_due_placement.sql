-- Pre-collection placement (issue 17). A friendly reminder before the due date could never
-- happen: intake admitted only invoices already due (0017), so every case was past due when
-- placed and a ladder's day -3 step was always skipped "too late". A client's contract now says
-- how far ahead it hands invoices over: pre_due_days (0, the default, is the old rule: only
-- invoices already due; N = invoices due within the next N days, at most 60).
--   * invoice_overdue_check reads the term of the contract in force today for each client in
--     the statement (one lookup per client, not per row) and refuses an invoice due later than
--     today + N, naming the column and the rule; as before, only the rows a statement wrote are
--     read, and the rows whose due date is not in the future cost one comparison each.
--   * An invoice joining a case (case open, batch opening: case_id set) is checked again, so a
--     term lowered after the placement is honoured when the case is opened; and an invoice not
--     yet due does not join a case already judicial or posted (a debt not due is neither sued
--     nor published: it waits for its due date, or goes to a case of its own once that closes).
-- What must not happen to a debt not yet due (a letter demanding it, a posting, a referral) is
-- refused by 0101.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.contract
    ADD COLUMN pre_due_days integer NOT NULL DEFAULT 0
        CONSTRAINT contract_pre_due_days_check CHECK (pre_due_days BETWEEN 0 AND 60);

GRANT INSERT (pre_due_days) ON cobranza.contract TO cobranza_admin;

-- Replaces 0017's: the window is the contract's, not always zero days.
CREATE OR REPLACE FUNCTION cobranza.invoice_overdue_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_today constant date := cobranza.today();
    v_number text;
    v_due date;
    v_days integer;
    v_case text;
    v_stage text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH future AS (
            SELECT n.tenant_id, n.number, n.due FROM new_rows n WHERE n.due > v_today
        ), terms AS (
            SELECT t.tenant_id,
                   coalesce((SELECT k.pre_due_days FROM cobranza.contract k
                              WHERE k.tenant_id = t.tenant_id AND k.effective_on <= v_today
                              ORDER BY k.version DESC LIMIT 1), 0) AS days
              FROM (SELECT DISTINCT f.tenant_id FROM future f) t
        )
        SELECT f.number, f.due, k.days INTO v_number, v_due, v_days
          FROM future f JOIN terms k ON k.tenant_id = f.tenant_id
         WHERE f.due > v_today + k.days ORDER BY f.due DESC LIMIT 1;
    ELSE
        -- One pass over the rows changed: a due date moved, or an invoice joining a case.
        WITH future AS MATERIALIZED (
            SELECT n.tenant_id, n.number, n.due, n.case_id, (o.case_id IS NULL AND n.case_id IS NOT NULL) AS joining
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
             WHERE n.due > v_today
               AND (n.due IS DISTINCT FROM o.due OR (o.case_id IS NULL AND n.case_id IS NOT NULL))
        ), terms AS (
            SELECT t.tenant_id,
                   coalesce((SELECT k.pre_due_days FROM cobranza.contract k
                              WHERE k.tenant_id = t.tenant_id AND k.effective_on <= v_today
                              ORDER BY k.version DESC LIMIT 1), 0) AS days
              FROM (SELECT DISTINCT f.tenant_id FROM future f) t
        )
        SELECT f.number, f.due, k.days, c.number, CASE WHEN c.stage = 'judicial' THEN 'judicial' ELSE 'posted' END
          INTO v_number, v_due, v_days, v_case, v_stage
          FROM future f JOIN terms k ON k.tenant_id = f.tenant_id
          LEFT JOIN cobranza.collection_case c ON f.joining AND c.tenant_id = f.tenant_id AND c.id = f.case_id
         WHERE f.due > v_today + k.days OR c.stage = 'judicial' OR c.posted
         ORDER BY f.due > v_today + k.days DESC, f.due DESC LIMIT 1;
        IF FOUND AND v_due <= v_today + v_days THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_due_check', COLUMN = 'due',
                MESSAGE = format('due: %s is not yet due and case %s is %s: an invoice not yet due joins no such case (invoice %s)',
                                 v_due, v_case, v_stage, v_number);
        END IF;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_due_check', COLUMN = 'due',
            MESSAGE = format('due: %s is not yet due and %s (invoice %s)', v_due,
                             CASE WHEN v_days = 0 THEN 'the contract admits only invoices already due'
                                  ELSE format('the contract admits invoices due within %s day%s', v_days, CASE WHEN v_days = 1 THEN '' ELSE 's' END) END,
                             v_number);
    END IF;
    RETURN NULL;
END
$$;

RESET ROLE;
