-- Debtor history and grade (issue 19, item 4): the agency's own credit check.
--
-- debtor_history(country, tax_id): every case of that debtor, across every client the agency
-- collects for: what was placed and paid, when the first and last payments came, how many days
-- a paid case took from placement to its close, promises made and broken, disputes, and the
-- registry posting. debtor_grade(country, tax_id) sums it up as a letter (A best, D worst):
--
--   D  a case closed uncollectible or prescribed, 3 or more broken promises, or more than 180
--      days to pay on average;
--   C  2 broken promises, or more than 90 days on average;
--   B  1 broken promise, or more than 30 days on average;
--   A  otherwise;
--
-- where a case's days to pay are its placement to its close as paid or settled, or, while it is
-- open, its placement to today (it has taken at least that long); cases closed otherwise
-- (withdrawn, disputed) do not count. NULL when the agency has no case of the debtor.
--
-- Staff's alone: SECURITY INVOKER, so row security reads every client's rows only for admins
-- and collectors, and EXECUTE is granted to them and nobody else. An SME calling either is
-- refused by the grant; its own tables give it its own cases and nothing of another client's.
-- (Lawyers read promises and disputes of referred cases only, so a history would be partial for
-- them: they are not granted it either.)

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.debtor_history(p_country char(2), p_tax_id text)
RETURNS TABLE (client text, case_number text, debtor_name text, currency char(3), opened_on date, stage text,
               close_code text, closed_on date, placed bigint, paid bigint, outstanding bigint, payments bigint,
               first_paid_on date, last_paid_on date, days_to_pay integer, promises bigint, broken_promises bigint,
               disputes bigint, posted_on date, withdrawn_on date)
    LANGUAGE sql STABLE SECURITY INVOKER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT t.code::text, c.number, d.name, c.currency, c.opened_on, c.stage, c.close_code, k.closed_on,
           i.placed, coalesce(p.paid, 0), CASE WHEN c.close_code = 'settled' THEN 0 ELSE i.placed - coalesce(p.paid, 0) END,
           coalesce(p.payments, 0)::bigint, p.first_paid_on, p.last_paid_on,
           CASE WHEN c.close_code IN ('paid', 'settled') THEN k.closed_on - c.opened_on
                WHEN c.stage <> 'closed' THEN cobranza.today() - c.opened_on END,
           coalesce(r.promises, 0), coalesce(r.broken, 0),
           (SELECT count(*) FROM cobranza.dispute x WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id),
           g.published_on, g.withdrawn_on
      FROM cobranza.debtor d
      JOIN cobranza.tenant t ON t.id = d.tenant_id
      JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
     CROSS JOIN LATERAL (SELECT coalesce(sum(v.amount), 0)::bigint AS placed FROM cobranza.invoice v
                          WHERE v.tenant_id = c.tenant_id AND v.case_id = c.id) i
      LEFT JOIN LATERAL (SELECT sum(y.amount)::bigint AS paid, count(*) FILTER (WHERE y.amount > 0) - count(*) FILTER (WHERE y.amount < 0) AS payments,
                                min(y.paid_on) FILTER (WHERE y.amount > 0) AS first_paid_on, max(y.paid_on) AS last_paid_on
                           FROM cobranza.payment y WHERE y.tenant_id = c.tenant_id AND y.case_id = c.id) p ON true
      LEFT JOIN LATERAL (SELECT count(*) AS promises, count(*) FILTER (WHERE s.status = 'broken') AS broken
                           FROM cobranza.promise_status s WHERE s.tenant_id = c.tenant_id AND s.case_id = c.id) r ON true
      LEFT JOIN LATERAL (SELECT e.occurred_on AS closed_on FROM cobranza.case_event e
                          WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'closed' AND c.stage = 'closed'
                          ORDER BY e.id DESC LIMIT 1) k ON true
      LEFT JOIN LATERAL (SELECT q.published_on, q.withdrawn_on FROM cobranza.posting q
                          WHERE q.tenant_id = c.tenant_id AND q.case_id = c.id ORDER BY q.id DESC LIMIT 1) g ON true
     WHERE d.country = p_country AND d.tax_id = p_tax_id
     ORDER BY c.opened_on, c.number
$$;

CREATE FUNCTION cobranza.debtor_grade(p_country char(2), p_tax_id text) RETURNS text
    LANGUAGE sql STABLE SECURITY INVOKER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL
                WHEN bool_or(h.close_code IN ('uncollectible', 'prescribed')) OR sum(h.broken_promises) >= 3
                     OR avg(h.days_to_pay) > 180 THEN 'D'
                WHEN sum(h.broken_promises) = 2 OR avg(h.days_to_pay) > 90 THEN 'C'
                WHEN sum(h.broken_promises) = 1 OR avg(h.days_to_pay) > 30 THEN 'B'
                ELSE 'A' END
      FROM cobranza.debtor_history(p_country, p_tax_id) h
$$;

REVOKE ALL ON FUNCTION cobranza.debtor_history(char, text), cobranza.debtor_grade(char, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.debtor_history(char, text), cobranza.debtor_grade(char, text)
    TO cobranza_admin, cobranza_collector;

RESET ROLE;
