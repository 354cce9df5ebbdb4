-- 0123_debtor_tax_id_and_country_fixed: staff no longer rewrite a debtor's tax id or country.
--
-- 0002 granted staff UPDATE on both; no command has ever used it (`debtor edit` changes the name,
-- kind, salutation, contacts, address and time zone). The contact rules count a debtor by tax id
-- across every client (0055), and the country picks the rule pack: with psql a collector could
-- give a debtor a fresh tax id, contact it again inside the law's week, and put the old one back
-- (audited, but not refused). The same tax id is what a posting publishes in the commercial
-- registry. A debtor entered under a wrong tax id is a different debtor: its cases are withdrawn
-- and placed again under the right one.
-- ContactRulesTests.aDebtorsTaxIDAndCountryAreNotRewrittenToDodgeTheCounters.

SET LOCAL ROLE cobranza_owner;

REVOKE UPDATE (tax_id, country) ON cobranza.debtor FROM cobranza_admin, cobranza_collector;

RESET ROLE;
