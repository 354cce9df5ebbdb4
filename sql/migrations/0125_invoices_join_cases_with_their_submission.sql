-- 0125_invoices_join_cases_with_their_submission: an invoice goes onto a case only with its
-- submission, when `case open` accepts the submission into it.
--
-- Staff held INSERT on an invoice's case_id (0002) and could add invoices to any submission
-- (only a client was held to pending ones, invoice_client_pending_check). With psql a collector
-- could enter an invoice straight onto a case, or add one to a submission already accepted and
-- then set its case (0120 holds a case_id only once it is set): what the debtor owes rose from
-- 1.000.000 to 91.000.000, and letters, notices, the run and the fee's age surcharge followed.
-- The commands enter invoices into a pending submission only and move them onto the case as
-- the submission is accepted (Cases.open, BatchOpening). So:
--   * the INSERT grant no longer names case_id;
--   * invoice_submission_check, which already reads each statement's submissions, refuses a
--     person's invoices for a submission that is no longer pending (the owner's fixtures and
--     benches still place accepted ones directly);
--   * invoice_case_submission_check (BEFORE UPDATE OF case_id) lets a person move an invoice
--     off no case onto a case only when its submission was accepted into that case.
-- The owner (its fixtures and benches place accepted invoices directly) is held by the keys
-- and bounds as before.
-- SubmissionReviewTests.anInvoiceJoinsACaseOnlyWithItsSubmission.

SET LOCAL ROLE cobranza_owner;

REVOKE INSERT (case_id) ON cobranza.invoice FROM cobranza_admin, cobranza_collector;

-- 0115's, counting too the rows whose submission is no longer pending, refused for a person.
CREATE OR REPLACE FUNCTION cobranza.invoice_submission_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
    SET enable_nestloop = on
AS $$
DECLARE
    v        record;
    v_rows   bigint;
    v_tenant bigint;
    v_top    bigint;
    v_low    bigint;
    v_high   bigint;
    v_keys   bigint;
    v_found  bigint;
    v_closed bigint;
    v_person boolean := (SELECT cobranza.current_kind()) IS NOT NULL;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id)
      INTO v_rows, v_tenant, v_top, v_low, v_high
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_top AND v_high - v_low < 4 * v_rows THEN
        -- Planned as a hash join whatever the fresh tables' statistics say (a nested loop over
        -- the statement's rows is what a guess of one row picks).
        PERFORM set_config('enable_nestloop', 'off', true);
        SELECT count(*), count(*) FILTER (WHERE s.status <> 'pending') INTO v_found, v_closed
          FROM new_rows n
          JOIN (SELECT s.id, s.debtor_id, s.currency, s.status FROM cobranza.submission s
                 WHERE s.tenant_id = v_tenant AND s.id BETWEEN v_low AND v_high) s
            ON s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency;
        PERFORM set_config('enable_nestloop', 'on', true);
        IF v_found = v_rows AND (v_closed = 0 OR NOT v_person) THEN
            RETURN NULL;
        END IF;
    ELSE
        WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, submission_id, debtor_id, currency FROM new_rows)
        SELECT (SELECT count(*) FROM keys),
               (SELECT count(*) FROM cobranza.submission s
                  JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency),
               (SELECT count(*) FROM cobranza.submission s
                  JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.status <> 'pending')
          INTO v_keys, v_found, v_closed;
        IF v_found = v_keys AND (v_closed = 0 OR NOT v_person) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT n.tenant_id, n.submission_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM cobranza.submission s
                        WHERE s.tenant_id = n.tenant_id AND s.id = n.submission_id
                          AND s.debtor_id = n.debtor_id AND s.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        PERFORM cobranza.invoice_submission_violation(v.tenant_id, v.submission_id, v.debtor_id, v.currency);
    END IF;
    SELECT s.number, s.status, n.number AS invoice INTO v
      FROM new_rows n JOIN cobranza.submission s ON s.tenant_id = n.tenant_id AND s.id = n.submission_id
     WHERE s.status <> 'pending'
     ORDER BY s.id, n.number
     LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_submission_pending_check', COLUMN = 'submission_id',
        MESSAGE = format('invoice %s: submission %s is %s; invoices are added to a pending submission only (submit the invoice again as a new one)',
                         v.invoice, v.number, v.status);
END
$$;

CREATE FUNCTION cobranza.invoice_case_submission_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_status text;
    v_case   bigint;
BEGIN
    IF (SELECT cobranza.current_kind()) IS NULL THEN
        RETURN NEW;
    END IF;
    -- By the primary key alone: asked with status = 'accepted' too, the planner took the
    -- (tenant_id, status) index, which statistics gathered while the batch was pending call
    -- selective, and read every submission accepted so far for each invoice (a batch of 200,000
    -- invoices ran for more than 20 minutes).
    SELECT s.status, s.case_id INTO v_status, v_case FROM cobranza.submission s
     WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id;
    IF v_status IS DISTINCT FROM 'accepted' OR v_case IS DISTINCT FROM NEW.case_id THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_case_submission_check', COLUMN = 'case_id',
            MESSAGE = format('case_id: invoice %s goes onto a case only with its submission, as the submission is accepted into it (case open)',
                             NEW.number);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER invoice_case_submission_check BEFORE UPDATE OF case_id ON cobranza.invoice
    FOR EACH ROW WHEN (OLD.case_id IS NULL AND NEW.case_id IS NOT NULL)
    EXECUTE FUNCTION cobranza.invoice_case_submission_check();

RESET ROLE;
