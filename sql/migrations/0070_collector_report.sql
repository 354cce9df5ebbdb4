-- The collectors' report (issue 19, item 3): what each person working cases did in a window of
-- days and what came of it, as it stood at the end of a day.
--
-- collector_report(p_from, p_to, p_on) returns long rows (collector, measure, currency, n,
-- amount, fees) that the shell lays out; the window is p_from .. least(p_to, p_on) and nothing
-- dated after p_on counts, so a report as of an earlier day is rebuilt from the frozen facts
-- (events, promises, agreements and payments by their own dates).
--
-- Who a fact belongs to:
--
--   * what a person did (contacts: reminder, call, letter, visit, email, sms, whatsapp events;
--     promises and agreements made) is theirs by created_by, whoever holds the case;
--   * what a case yielded (payments and their fees, closes as paid or settled, the first
--     payment after an assignment) is its assignee's on that day. Assignments are the
--     timeline's 'assigned' events (Cases.assign and disable_person write them as 'assigned to
--     NAME…'): each holds from its date until the case's next one; a case that has none but an
--     assigned_to (set with plain SQL) counts as assigned on its opening day. A fact on a case
--     nobody held that day is '(unassigned)'s.
--
-- Measures: 'assigned' (cases with an assignment dated in the window), each contact kind,
-- 'promise_kept' / 'promise_broken' / 'promise_pending' (promises made in the window, as each
-- stood at the end of p_on: kept once the case's payments up to its deadline covered it, broken
-- once its deadline passed, as promise_status says for today), 'agreements' and
-- 'agreements_in_default' (made in the window; in default as agreement_status would have said on
-- p_on: not superseded, not completed, an instalment unpaid past its days), 'closed_paid' and
-- 'closed_settled' (close events in the window), 'recovered' per currency (payments paid in the
-- window, n net of reversals, amount less the court costs repaid, fees before VAT, as the
-- recovery report counts them), 'first_payment' (n assignments whose first payment, while
-- assigned, came in the window; amount the days from the assignment to it, summed) and
-- 'collector' (every enabled collector, so that a collector with nothing to show has a row).
--
-- Staff's alone: SECURITY INVOKER, EXECUTE granted to admins and collectors only (the rows it
-- reads are theirs to read already under row security; a lawyer would see a partial agency and
-- an SME nothing of who works its cases, and both are refused by the grant).

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date)
RETURNS TABLE (collector text, measure text, currency text, n bigint, amount bigint, fees bigint)
    LANGUAGE sql STABLE SECURITY INVOKER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    WITH win AS (SELECT p_from AS lo, least(p_to, p_on) AS hi),
    spans AS MATERIALIZED (
        SELECT a.tenant_id, a.case_id, a.collector, a.since,
               lead(a.since) OVER (PARTITION BY a.tenant_id, a.case_id ORDER BY a.since, a.seq) AS until
          FROM (SELECT e.tenant_id, e.case_id, substring(e.note FROM '^assigned to ([^ ]+)') AS collector,
                       e.occurred_on AS since, e.id AS seq
                  FROM cobranza.case_event e
                 WHERE e.kind = 'assigned' AND e.occurred_on <= p_on
                UNION ALL
                SELECT c.tenant_id, c.id, c.assigned_to::text, c.opened_on, 0
                  FROM cobranza.collection_case c
                 WHERE c.assigned_to IS NOT NULL AND c.opened_on <= p_on
                   AND NOT EXISTS (SELECT 1 FROM cobranza.case_event e
                                    WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'assigned')) a
    ),
    promised AS (
        SELECT p.created_by::text AS collector,
               CASE WHEN greatest(0, coalesce(k.paid, 0) - p.paid_before) >= p.amount THEN 'promise_kept'
                    WHEN p_on > p.due + p.grace_days THEN 'promise_broken'
                    ELSE 'promise_pending' END AS measure
          FROM cobranza.promise p CROSS JOIN win
          CROSS JOIN LATERAL (SELECT sum(y.amount) AS paid FROM cobranza.payment y
                               WHERE y.tenant_id = p.tenant_id AND y.case_id = p.case_id
                                 AND y.paid_on <= least(p.due + p.grace_days, p_on)) k
         WHERE p.promised_on BETWEEN win.lo AND win.hi
    ),
    agreed AS (
        SELECT a.created_by::text AS collector,
               NOT EXISTS (SELECT 1 FROM cobranza.payment_agreement b
                            WHERE b.tenant_id = a.tenant_id AND b.case_id = a.case_id AND b.id > a.id AND b.agreed_on <= p_on)
               AND k.paid < a.total
               AND EXISTS (SELECT 1 FROM cobranza.instalment i
                            WHERE i.tenant_id = a.tenant_id AND i.agreement_id = a.id AND p_on > i.due + a.default_days
                              AND k.paid < (SELECT sum(j.amount) FROM cobranza.instalment j
                                             WHERE j.tenant_id = i.tenant_id AND j.agreement_id = i.agreement_id
                                               AND j.sequence <= i.sequence)) AS in_default
          FROM cobranza.payment_agreement a CROSS JOIN win
          CROSS JOIN LATERAL (SELECT greatest(0, coalesce(sum(y.amount), 0) - a.paid_before) AS paid FROM cobranza.payment y
                               WHERE y.tenant_id = a.tenant_id AND y.case_id = a.case_id AND y.paid_on <= p_on) k
         WHERE a.agreed_on BETWEEN win.lo AND win.hi
    ),
    facts AS (
        SELECT s.collector, 'assigned' AS measure, NULL::text AS currency,
               count(DISTINCT (s.tenant_id, s.case_id)) AS n, 0::numeric AS amount, 0::numeric AS fees
          FROM spans s CROSS JOIN win
         WHERE s.since BETWEEN win.lo AND win.hi AND s.collector IS NOT NULL
         GROUP BY s.collector
        UNION ALL
        SELECT e.created_by::text, e.kind, NULL, count(*), 0, 0
          FROM cobranza.case_event e CROSS JOIN win
         WHERE e.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
           AND e.occurred_on BETWEEN win.lo AND win.hi
         GROUP BY e.created_by, e.kind
        UNION ALL
        SELECT p.collector, p.measure, NULL, count(*), 0, 0 FROM promised p GROUP BY p.collector, p.measure
        UNION ALL
        SELECT a.collector, 'agreements', NULL, count(*), 0, 0 FROM agreed a GROUP BY a.collector
        UNION ALL
        SELECT a.collector, 'agreements_in_default', NULL, count(*), 0, 0 FROM agreed a WHERE a.in_default GROUP BY a.collector
        UNION ALL
        SELECT coalesce(s.collector, '(unassigned)'), 'closed_' || e.outcome, NULL, count(*), 0, 0
          FROM cobranza.case_event e CROSS JOIN win
          LEFT JOIN spans s ON s.tenant_id = e.tenant_id AND s.case_id = e.case_id
                           AND s.since <= e.occurred_on AND (s.until IS NULL OR e.occurred_on < s.until)
         WHERE e.kind = 'closed' AND e.outcome IN ('paid', 'settled') AND e.occurred_on BETWEEN win.lo AND win.hi
         GROUP BY 1, e.outcome
        UNION ALL
        SELECT coalesce(s.collector, '(unassigned)'), 'recovered', y.currency::text,
               count(*) FILTER (WHERE y.amount > 0) - count(*) FILTER (WHERE y.amount < 0),
               sum(y.amount - y.court_costs), sum(y.fee)
          FROM cobranza.payment y CROSS JOIN win
          LEFT JOIN spans s ON s.tenant_id = y.tenant_id AND s.case_id = y.case_id
                           AND s.since <= y.paid_on AND (s.until IS NULL OR y.paid_on < s.until)
         WHERE y.paid_on BETWEEN win.lo AND win.hi
         GROUP BY 1, y.currency
        UNION ALL
        SELECT s.collector, 'first_payment', NULL, count(*), sum(f.first_paid - s.since), 0
          FROM spans s CROSS JOIN win
          CROSS JOIN LATERAL (SELECT min(y.paid_on) AS first_paid FROM cobranza.payment y
                               WHERE y.tenant_id = s.tenant_id AND y.case_id = s.case_id AND y.amount > 0
                                 AND y.paid_on >= s.since AND (s.until IS NULL OR y.paid_on < s.until)
                                 AND y.paid_on <= p_on) f
         WHERE s.collector IS NOT NULL AND f.first_paid BETWEEN win.lo AND win.hi
         GROUP BY s.collector
        UNION ALL
        SELECT p.role_name::text, 'collector', NULL, 0, 0, 0
          FROM cobranza.person p WHERE p.kind = 'collector' AND NOT p.disabled
    )
    SELECT f.collector, f.measure, f.currency, f.n::bigint, f.amount::bigint, f.fees::bigint
      FROM facts f
     ORDER BY f.collector, f.measure, f.currency
$$;
REVOKE ALL ON FUNCTION cobranza.collector_report(date, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.collector_report(date, date, date) TO cobranza_admin, cobranza_collector;

RESET ROLE;
