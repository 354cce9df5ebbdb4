-- 0119_debtor_contacts_from_the_debtor: a debtor's contacts are found from the debtor, its cases
-- first and then their events, whatever the statistics say (issue 17: letters at scale).
--
-- debtor_contacts (0055) runs for every contact written, from the contact-rule trigger, and
-- finds a debtor's recent contacts across every client. 0075 forced it to index lookups in
-- nested loops, but which index leads was still the planner's: with case_event small when the
-- plan was made, it started from case_event_contact_moment_idx (every client's contacts of the
-- period) and kept the debtor's. Each contact written then read every contact of the week before
-- it: a strategy run writing 500 letters read 125,000 events, and one writing 100,000 would read
-- 5·10⁹. The events are now read per case of the debtor (a lateral lookup the planner cannot
-- turn around) by case_event_contact_idx, the period written as row comparisons that only that
-- index serves; the debtor by (country, tax_id) and its cases by (tenant_id, debtor_id). Same
-- rows, same order. ContactRulesTests.aDebtorsContactsAreFoundFromTheDebtor reads the plans.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0055 (its only body), with 0075's planner options restated (a replaced function
-- keeps only the options it is given).
CREATE OR REPLACE FUNCTION cobranza.debtor_contacts(p_country text, p_tax_id text, p_kinds text[],
                                                    p_after timestamptz, p_until timestamptz)
    RETURNS TABLE (occurred_at timestamptz, kind text)
    LANGUAGE plpgsql STABLE
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
    RETURN QUERY
    SELECT e.occurred_at, e.kind
      FROM cobranza.debtor d
      JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
     CROSS JOIN LATERAL (SELECT x.occurred_at, x.kind FROM cobranza.case_event x
                          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                            AND x.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') AND x.kind = ANY (p_kinds)
                            -- the period as row comparisons, which only case_event_contact_idx
                            -- (tenant_id, case_id, occurred_at) serves: a bare occurred_at range
                            -- let the moment index lead even here
                            AND (x.tenant_id, x.case_id, x.occurred_at) > (c.tenant_id, c.id, p_after)
                            AND (x.tenant_id, x.case_id, x.occurred_at) <= (c.tenant_id, c.id, p_until)) e
     WHERE d.country = p_country::char(2) AND d.tax_id = p_tax_id
     ORDER BY e.occurred_at DESC;
END
$$;

RESET ROLE;
