-- The whole-book reports at a million cases (issue 19, item 8: scripts/bench reports).
--
-- invoice_balance_as_of (0040) is every report's base. Read as staff, each table under it
-- carries its row-security qual ((select current_kind()) = ANY (...)), whose selectivity the
-- planner cannot know and guesses at about 1 %: every join then looks like one row against one
-- row, and the plan became nested loops of index probes, one per invoice into submission and
-- twice into collection_case, plus a correlated look-up of each case's latest close or reopen
-- event: 400,000 probes of each at 200,000 cases, three to four times the bare aggregate. Same
-- signature and result, rewritten set-wise:
--
--   * the close and reopen events are read in one grouped pass (the latest on or before p_on,
--     and whether the case was ever closed by an event), hash-joined to the cases;
--   * collection_case is read once;
--   * the function runs with enable_nestloop off (a SET of its own, restored on return), so the
--     row-security guess cannot turn the whole-book joins into per-row probes. Every caller
--     reads the whole book through it (it is not inlined), so a hash join is right for all.
--
-- age_bucket loses its SET search_path (it names nothing but built-in operators): a SQL
-- function with a SET clause is never inlined, and the aging report called it once per open
-- invoice. Inlined, the bucket is a plain CASE in the query.
--
-- Both functions were defined in 0040 and are replaced here, bodies only.
--
-- recovery_cohorts(p_first, p_last, p_on, p_tenant) is `report recovery`'s cohort table, which
-- read invoice_balance_as_of and so paid for an allocation it never used (a window over every
-- invoice and every case's payments), then probed the payments case by case. It needs only
-- each case's placement, amount and whether it stood closed: the same rules as
-- invoice_balance_as_of (an invoice counts from the later of its submission and its case's
-- opening; a case is closed on p_on by its latest close or reopen event on or before it), read
-- in one pass, hash-joined to the payments. Rows: 'placed' per cohort and currency (n cases,
-- amount placed), 'paid' per cohort, currency and month paid (amount net of reversals and of
-- court costs repaid, fees), 'closed' per cohort, currency and close code (n cases). p_tenant
-- NULL: every client the caller may read. SECURITY INVOKER: row security decides whose cases
-- count, as for the report's other queries.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.invoice_balance_as_of(p_on date)
RETURNS TABLE (tenant_id bigint, invoice_id bigint, case_id bigint, number text, due date, amount bigint,
               currency char(3), placed_on date, paid bigint, outstanding bigint, case_open boolean)
    LANGUAGE sql STABLE SECURITY INVOKER PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
    SET enable_nestloop = off
AS $$
    WITH closes AS (
        SELECT e.tenant_id, e.case_id,
               (array_agg(e.kind ORDER BY e.occurred_on DESC, e.id DESC) FILTER (WHERE e.occurred_on <= p_on))[1] AS last_kind,
               bool_or(e.kind = 'closed') AS ever_closed
          FROM cobranza.case_event e
         WHERE e.kind IN ('closed', 'reopened')
         GROUP BY e.tenant_id, e.case_id
    ),
    placed AS (
        SELECT v.tenant_id, v.id, v.case_id, v.number, v.due, v.amount, v.currency,
               greatest(s.submitted_on, c.opened_on) AS placed_on,
               sum(v.amount) OVER (PARTITION BY v.tenant_id, v.case_id ORDER BY v.due, v.id) AS running,
               coalesce(k.last_kind <> 'closed',
                        NOT (c.stage = 'closed' AND c.closed_at::date <= p_on AND NOT coalesce(k.ever_closed, false))) AS open
          FROM cobranza.invoice v
          JOIN cobranza.submission s ON s.tenant_id = v.tenant_id AND s.id = v.submission_id
          JOIN cobranza.collection_case c ON c.tenant_id = v.tenant_id AND c.id = v.case_id
          LEFT JOIN closes k ON k.tenant_id = v.tenant_id AND k.case_id = v.case_id
         WHERE v.case_id IS NOT NULL AND greatest(s.submitted_on, c.opened_on) <= p_on
    ),
    paid AS (
        SELECT y.tenant_id, y.case_id, sum(y.amount) AS paid
          FROM cobranza.payment y WHERE y.paid_on <= p_on
         GROUP BY y.tenant_id, y.case_id
    )
    SELECT i.tenant_id, i.id, i.case_id, i.number, i.due, i.amount, i.currency, i.placed_on,
           least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount)))::bigint,
           (i.amount - least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount))))::bigint,
           i.open
      FROM placed i
      LEFT JOIN paid p ON p.tenant_id = i.tenant_id AND p.case_id = i.case_id
$$;

CREATE OR REPLACE FUNCTION cobranza.age_bucket(p_days integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_days <= 30 THEN '0-30' WHEN p_days <= 60 THEN '31-60' WHEN p_days <= 90 THEN '61-90'
                WHEN p_days <= 180 THEN '91-180' WHEN p_days <= 365 THEN '181-365' ELSE '>365' END
$$;

CREATE FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint)
RETURNS TABLE (measure text, cohort date, currency text, month date, code text, n bigint, amount bigint, fees bigint)
    LANGUAGE sql STABLE SECURITY INVOKER PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
    SET enable_nestloop = off
AS $$
    WITH closes AS (
        SELECT e.tenant_id, e.case_id,
               (array_agg(e.kind ORDER BY e.occurred_on DESC, e.id DESC) FILTER (WHERE e.occurred_on <= p_on))[1] AS last_kind,
               bool_or(e.kind = 'closed') AS ever_closed
          FROM cobranza.case_event e
         WHERE e.kind IN ('closed', 'reopened') AND (p_tenant IS NULL OR e.tenant_id = p_tenant)
         GROUP BY e.tenant_id, e.case_id
    ),
    placed AS MATERIALIZED (
        SELECT v.tenant_id, v.case_id, v.currency::text AS currency,
               date_trunc('month', min(greatest(s.submitted_on, c.opened_on)))::date AS cohort,
               sum(v.amount)::bigint AS placed,
               NOT bool_or(coalesce(k.last_kind <> 'closed',
                                    NOT (c.stage = 'closed' AND c.closed_at::date <= p_on AND NOT coalesce(k.ever_closed, false)))) AS closed,
               min(c.close_code) AS close_code
          FROM cobranza.invoice v
          JOIN cobranza.submission s ON s.tenant_id = v.tenant_id AND s.id = v.submission_id
          JOIN cobranza.collection_case c ON c.tenant_id = v.tenant_id AND c.id = v.case_id
          LEFT JOIN closes k ON k.tenant_id = v.tenant_id AND k.case_id = v.case_id
         WHERE v.case_id IS NOT NULL AND greatest(s.submitted_on, c.opened_on) <= p_on
           AND (p_tenant IS NULL OR v.tenant_id = p_tenant)
         GROUP BY v.tenant_id, v.case_id, v.currency
        HAVING min(greatest(s.submitted_on, c.opened_on)) BETWEEN p_first AND p_last
    ),
    paid AS (
        SELECT c.cohort, c.currency, date_trunc('month', p.paid_on)::date AS month,
               sum(p.amount - p.court_costs)::bigint AS recovered, sum(p.fee)::bigint AS fees
          FROM placed c
          JOIN cobranza.payment p ON p.tenant_id = c.tenant_id AND p.case_id = c.case_id
         WHERE p.paid_on <= p_on AND (p_tenant IS NULL OR p.tenant_id = p_tenant)
         GROUP BY 1, 2, 3
    )
    SELECT 'placed'::text, cohort, currency, NULL::date, NULL::text, count(*)::bigint, sum(placed)::bigint, 0::bigint
      FROM placed GROUP BY cohort, currency
    UNION ALL
    SELECT 'paid', cohort, currency, month, NULL, 0, recovered, fees FROM paid
    UNION ALL
    SELECT 'closed', cohort, currency, NULL, close_code, count(*), 0, 0 FROM placed WHERE closed GROUP BY cohort, currency, close_code
$$;
REVOKE ALL ON FUNCTION cobranza.recovery_cohorts(date, date, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.recovery_cohorts(date, date, date, bigint)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

RESET ROLE;
