-- 0111_debtor_tenant_key_implied: debtor_tenant_fkey goes, implied by debtor_tenant_country_fkey
-- (issue 20, item 3).
--
-- A debtor's (tenant_id, country) must be a tenant's (id, country) since 0017, so its tenant_id
-- is a tenant's id: the older key on tenant_id alone checked the same thing again, one row
-- trigger per new debtor (0.13 s of the 20,000 debtors of a 200,000-row placement). A debtor of
-- no tenant is still refused (23503, by debtor_tenant_country_fkey), and a tenant with debtors
-- can still be neither removed nor re-keyed (NO ACTION on (id, country)).

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.debtor DROP CONSTRAINT debtor_tenant_fkey;

RESET ROLE;
