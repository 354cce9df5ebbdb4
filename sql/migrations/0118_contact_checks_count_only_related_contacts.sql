-- 0118_contact_checks_count_only_related_contacts: contact_checks asks contact_check one by one
-- only for a contact some rule counts against the contact asked, and once for contacts that can
-- only get the same answer (issue 17, item 5).
--
-- contact_checks (0090) judges a run's contacts set-wise, and sends one by one through
-- contact_check (about 160 µs each) every contact not plainly allowed:
-- * Any contact of the debtor in the week before sent it there. A ladder that emails on one day
--   and calls ten days later found, the day after a run of emails, every debtor "near": 100,000
--   calls took 16.9 s. Whether a contact counts depends on the rules: Chile counts calls and
--   visits together and written contacts together; Colombia every kind. Now a debtor's contact
--   near the moments sends a contact asked one by one only if a rule that counts contacts
--   (rolling, gap, daily, one channel) lists both kinds, in any pack of the country, so never
--   fewer than the pack in force: 2.5 s.
-- * Every contact outside the hours went there too: a run of 100,000 calls before 08:00 spent
--   30 s deferring each to the same opening. For a debtor with no contact from the start of the
--   rules' periods to three weeks after the moment, where no rule needs an authorisation, the
--   answer depends only on the country, the zone, the kind and the moment: it is asked once for
--   each and shared, unless it lies further out than the contacts looked at.
-- The answers are contact_check's, as ContactRulesTests.contactChecksAnswersAsContactCheckRowByRow
-- holds; StrategyRunTests.onlyAContactARuleCountsSendsACaseToTheRowByRowCheck holds that an email
-- does not send a call there.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0090 (its only definition). Same signature and answers.
CREATE OR REPLACE FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamptz[])
    RETURNS TABLE (key bigint, rule text, allowed_at timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_lo timestamptz;
    v_hi timestamptz;
BEGIN
    -- Contacts that could count against any moment asked: the longest period of any rule before
    -- the earliest, and the rest of the day of the latest (a daily rule counts the local day).
    SELECT min(m) - make_interval(days => coalesce((SELECT max(r.period_days) FROM cobranza.contact_rule r), 0) + 1),
           max(m) + interval '1 day'
      INTO v_lo, v_hi
      FROM unnest(p_moments) m;
    RETURN QUERY
    WITH asked AS MATERIALIZED (
        SELECT a.key, a.tenant_id, a.case_id, a.kind, a.at, d.country, d.tax_id,
               cobranza.debtor_time_zone(d.country, d.time_zone) AS zone
          FROM unnest(p_keys, p_tenants, p_cases, p_kinds, p_moments) AS a(key, tenant_id, case_id, kind, at)
          LEFT JOIN cobranza.collection_case c ON c.tenant_id = a.tenant_id AND c.id = a.case_id
          LEFT JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id),
    -- Debtors (country, tax id) with a contact from the start of the periods before the moments
    -- to three weeks after the latest (as far as an hour window moves a contact, below), each
    -- kind once, and whether one of that kind falls near the moments (up to a day after the latest).
    contacts AS MATERIALIZED (
        SELECT d.country, d.tax_id, e.kind, bool_or(e.occurred_at <= v_hi) AS near
          FROM cobranza.case_event e
          JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
          JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
         WHERE e.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
           AND e.occurred_at > v_lo AND e.occurred_at <= v_hi + interval '23 days'
         GROUP BY d.country, d.tax_id, e.kind),
    -- The kinds a rule counts against a kind asked: both among the kinds of a rule that counts
    -- contacts, in any pack of the country (more than the pack in force: never fewer).
    counted AS MATERIALIZED (
        SELECT DISTINCT r.country, k.kind AS asked, j.kind AS near
          FROM cobranza.contact_rule r
         CROSS JOIN unnest(r.kinds) k(kind)
         CROSS JOIN unnest(r.kinds) j(kind)
         WHERE r.limit_kind IN ('rolling', 'gap', 'daily', 'one_channel')),
    -- Whether the pack in force lets a kind through at a moment on its own, with no contact near:
    -- no rule forbids it or needs an authorisation, every hour window holds the moment.
    plain AS (
        SELECT x.country, x.zone, x.kind, x.at,
               NOT EXISTS (
                   SELECT 1 FROM cobranza.contact_rule r
                    WHERE r.country = x.country AND x.kind = ANY (r.kinds)
                      AND r.effective_from = (SELECT max(f.effective_from) FROM cobranza.contact_rule f
                                               WHERE f.country = x.country AND f.effective_from <= (x.at AT TIME ZONE x.zone)::date)
                      AND (r.limit_kind IN ('forbidden', 'authorised')
                           OR r.limit_kind = 'hours'
                              AND (r.closed_on_holidays AND EXISTS (SELECT 1 FROM cobranza.holiday h
                                                                     WHERE h.country = r.country AND h.day = (x.at AT TIME ZONE x.zone)::date)
                                   OR NOT EXISTS (SELECT 1 FROM cobranza.contact_rule_hours w
                                                   WHERE (w.country, w.effective_from, w.code) = (r.country, r.effective_from, r.code)
                                                     AND w.isodow = extract(isodow FROM (x.at AT TIME ZONE x.zone))
                                                     AND (x.at AT TIME ZONE x.zone)::time >= w.opens
                                                     AND (x.at AT TIME ZONE x.zone)::time < w.closes)))) AS ok
          FROM (SELECT DISTINCT a.country, a.zone, a.kind, a.at FROM asked a WHERE a.country IS NOT NULL) x),
    judged AS MATERIALIZED (
        SELECT a.*,
               a.country IS NOT NULL
               AND (a.at IS NULL OR a.kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
                    OR coalesce(p.ok, false)
                       AND NOT EXISTS (SELECT 1 FROM contacts n JOIN counted x ON x.country = n.country AND x.near = n.kind
                                        WHERE n.near AND n.country = a.country AND n.tax_id = a.tax_id AND x.asked = a.kind))
                   AS allowed
          FROM asked a
          LEFT JOIN plain p ON p.country = a.country AND p.zone = a.zone AND p.kind = a.kind AND p.at = a.at),
    -- For debtors with no contact in that range, where no rule needs an authorisation,
    -- contact_check's answer depends only on the country, the zone, the kind and the moment: it
    -- is asked once for each (a run of calls before 08:00 defers every one of them to the same
    -- opening).
    refused AS MATERIALIZED (
        SELECT j.*,
               j.country IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM contacts t WHERE t.country = j.country AND t.tax_id = j.tax_id)
               AND NOT EXISTS (SELECT 1 FROM cobranza.contact_rule r
                                WHERE r.country = j.country AND j.kind = ANY (r.kinds) AND r.limit_kind = 'authorised') AS alike
          FROM judged j WHERE NOT j.allowed),
    shared AS MATERIALIZED (
        SELECT g.country, g.zone, g.kind, g.at, k.rule, k.allowed_at
          FROM (SELECT DISTINCT ON (f.country, f.zone, f.kind, f.at) f.country, f.zone, f.kind, f.at, f.tenant_id, f.case_id
                  FROM refused f WHERE f.alike ORDER BY f.country, f.zone, f.kind, f.at, f.key) g
         CROSS JOIN LATERAL cobranza.contact_check(g.tenant_id, g.case_id, g.kind, g.at) k
         -- an answer further out than the contacts looked at is asked again of each
         WHERE k.allowed_at IS NULL OR k.allowed_at <= v_hi + interval '22 days')
    SELECT j.key, NULL::text, j.at FROM judged j WHERE j.allowed
    UNION ALL
    SELECT f.key, s.rule, s.allowed_at
      FROM refused f JOIN shared s ON s.country = f.country AND s.zone = f.zone AND s.kind = f.kind AND s.at = f.at
     WHERE f.alike
    UNION ALL
    SELECT f.key, k.rule, k.allowed_at
      FROM refused f CROSS JOIN LATERAL cobranza.contact_check(f.tenant_id, f.case_id, f.kind, f.at) k
     WHERE NOT f.alike
        OR NOT EXISTS (SELECT 1 FROM shared s WHERE s.country = f.country AND s.zone = f.zone AND s.kind = f.kind AND s.at = f.at);
END
$$;

RESET ROLE;
