-- 0121_debtor_time_zone_inlined: a debtor's zone is worked out inside the query that asks for it
-- (issue 17, item 5).
--
-- debtor_time_zone (0055) pinned its search_path, and PostgreSQL never inlines a function that
-- carries a setting: each call saved and restored the setting, about 2 µs against 0.3 µs inline.
-- The strategy run asks it twice for every case (the deferral's clock, contact_checks): about
-- 0.35 s of a run of 100,000 cases. The body is a CASE on text and coalesce, nothing a caller's
-- search_path could shadow (operators resolve in pg_catalog first, a temporary schema is never
-- searched for them), and it is no SECURITY DEFINER function, which alone must pin its path
-- (CatalogChecks). Same answers: ContactRulesTests.aDebtorsZoneIsWorkedOutInTheQuery.

SET LOCAL ROLE cobranza_owner;

ALTER FUNCTION cobranza.debtor_time_zone(text, text) RESET search_path;

RESET ROLE;
