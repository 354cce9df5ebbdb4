-- 0075_contact_lookups_by_index: a debtor's contacts are always looked up by index.
--
-- debtor_contacts (0055) runs for every contact inserted, from the contact-rule trigger, and
-- finds a debtor's recent contacts across every client: debtor by (country, tax_id), its cases,
-- their events by case_event_contact_idx. PL/pgSQL caches the plan it first made. A database
-- whose case_event was small or empty when the plan was made (a new installation, the strategy
-- bench) kept a plan that scans case_event whole, and a strategy run inserting 100,000 contacts
-- in one statement then scanned the growing table once per row: quadratic, still running after
-- a quarter of an hour. The lookup is selective by construction, so the function asks for index
-- lookups in nested loops whatever the statistics say.

SET LOCAL ROLE cobranza_owner;

ALTER FUNCTION cobranza.debtor_contacts(text, text, text[], timestamptz, timestamptz)
    SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;

RESET ROLE;
