-- Reports as they stood on a date (issue 19: aging, the SME summary; `--as-of DATE`).
--
-- invoice_balance (0004) says what each invoice owes now. A report as of an earlier day needs
-- the same allocation over the facts of that day only, and those facts are frozen: invoices
-- placed by then, payments (and reversals) paid on or before it, and the case's own closing and
-- reopening events. invoice_balance_as_of(p_on) is that view with a date:
--
--   * an invoice counts once it was placed: the day its submission was handed over, or the
--     day its case opened if that was later (an invoice accepted into a case opened for it);
--   * the case's payments paid_on <= p_on fill its invoices oldest due first, ties by id, as
--     invoice_balance does (a reversal is a negative payment on its own date);
--   * case_open: the case was open at the end of p_on: opened by then, and its latest 'closed'
--     or 'reopened' event on or before p_on (by date, then order of writing) is not a 'closed'
--     one. A case closed without such an event (none are, since 0004) falls back to closed_at.
--     Those events are client-visible (every writer marks them so), so an SME computes the same.
--
-- SECURITY INVOKER, like invoice_balance: the caller's grants and row security apply to every
-- table underneath, so an SME's call sees its own client's invoices and nothing else. It reads
-- only columns SMEs may read (no assigned_to), so it works for every kind of person.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.invoice_balance_as_of(p_on date)
RETURNS TABLE (tenant_id bigint, invoice_id bigint, case_id bigint, number text, due date, amount bigint,
               currency char(3), placed_on date, paid bigint, outstanding bigint, case_open boolean)
    LANGUAGE sql STABLE SECURITY INVOKER PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    WITH placed AS (
        SELECT v.tenant_id, v.id, v.case_id, v.number, v.due, v.amount, v.currency,
               greatest(s.submitted_on, c.opened_on) AS placed_on,
               sum(v.amount) OVER (PARTITION BY v.tenant_id, v.case_id ORDER BY v.due, v.id) AS running
          FROM cobranza.invoice v
          JOIN cobranza.submission s ON s.tenant_id = v.tenant_id AND s.id = v.submission_id
          JOIN cobranza.collection_case c ON c.tenant_id = v.tenant_id AND c.id = v.case_id
         WHERE v.case_id IS NOT NULL AND greatest(s.submitted_on, c.opened_on) <= p_on
    ),
    paid AS (
        SELECT y.tenant_id, y.case_id, sum(y.amount) AS paid
          FROM cobranza.payment y WHERE y.paid_on <= p_on
         GROUP BY y.tenant_id, y.case_id
    ),
    open_then AS (
        SELECT c.tenant_id, c.id,
               coalesce((SELECT e.kind <> 'closed' FROM cobranza.case_event e
                          WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id
                            AND e.kind IN ('closed', 'reopened') AND e.occurred_on <= p_on
                          ORDER BY e.occurred_on DESC, e.id DESC LIMIT 1),
                        NOT (c.stage = 'closed' AND c.closed_at::date <= p_on
                             AND NOT EXISTS (SELECT 1 FROM cobranza.case_event x
                                              WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id AND x.kind = 'closed'))) AS open
          FROM cobranza.collection_case c
    )
    SELECT i.tenant_id, i.id, i.case_id, i.number, i.due, i.amount, i.currency, i.placed_on,
           least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount)))::bigint,
           (i.amount - least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount))))::bigint,
           o.open
      FROM placed i
      JOIN open_then o ON o.tenant_id = i.tenant_id AND o.id = i.case_id
      LEFT JOIN paid p ON p.tenant_id = i.tenant_id AND p.case_id = i.case_id
$$;
REVOKE ALL ON FUNCTION cobranza.invoice_balance_as_of(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.invoice_balance_as_of(date)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- The age bucket of a debt so many days past due, as every aging report names it. Days before
-- the due date count as 0 (only overdue invoices are placed, but a due date may be corrected).
CREATE FUNCTION cobranza.age_bucket(p_days integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN p_days <= 30 THEN '0-30' WHEN p_days <= 60 THEN '31-60' WHEN p_days <= 90 THEN '61-90'
                WHEN p_days <= 180 THEN '91-180' WHEN p_days <= 365 THEN '181-365' ELSE '>365' END
$$;
REVOKE ALL ON FUNCTION cobranza.age_bucket(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.age_bucket(integer)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

RESET ROLE;
