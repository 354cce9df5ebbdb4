-- 0113_debtor_tenant_country_per_statement: a debtor's key to its tenant and the tenant's country
-- checked once per statement instead of once per row (issue 20, item 3), as 0066 and 0110 did.
--
-- debtor_tenant_country_fkey ran a row trigger for each new debtor (0.13-0.21 s for the 20,000
-- debtors of a 200,000-row placement); a placement's debtors are all of one tenant and country.
-- Now, for every writer, with the foreign key's SQLSTATE, name and message (23503,
-- debtor_tenant_country_fkey):
--   * INSERT into debtor: each distinct (tenant_id, country) of the statement's rows is a
--     tenant's (id, country); the tenants are locked FOR KEY SHARE as the foreign key locks them.
--   * UPDATE of a debtor's tenant_id or country (staff may correct the country): the same, for
--     the row, only when one changed.
--   * DELETE, an UPDATE of id or country, or TRUNCATE of a tenant with debtors is refused as NO
--     ACTION did. The owner reads and locks tenants through tenant_owner_trusted (0005).

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.debtor DROP CONSTRAINT debtor_tenant_country_fkey;

CREATE FUNCTION cobranza.debtor_tenant_violation(p_tenant bigint, p_country text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'debtor_tenant_country_fkey',
        TABLE = 'debtor', SCHEMA = 'cobranza',
        MESSAGE = 'insert or update on table "debtor" violates foreign key constraint "debtor_tenant_country_fkey"',
        DETAIL = format('Key (tenant_id, country)=(%s, %s) is not present in table "tenant".', p_tenant, p_country);
END
$$;

-- SECURITY DEFINER: the check sees every tenant, as a foreign key's check does, whatever the
-- writer's row security shows it.
CREATE FUNCTION cobranza.debtor_tenant_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        PERFORM 1 FROM cobranza.tenant t WHERE t.id = NEW.tenant_id AND t.country = NEW.country FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.debtor_tenant_violation(NEW.tenant_id, NEW.country);
        END IF;
        RETURN NULL;
    END IF;
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, country FROM new_rows),
    locked AS (SELECT 1 FROM cobranza.tenant t JOIN keys k ON t.id = k.tenant_id AND t.country = k.country
                  FOR KEY SHARE OF t)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.country INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.tenant t WHERE t.id = n.tenant_id AND t.country = n.country)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.debtor_tenant_violation(v.tenant_id, v.country);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A tenant with debtors keeps its id and country and stays (NO ACTION).
CREATE FUNCTION cobranza.tenant_debtor_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.debtor) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = 'Table "debtor" references "tenant" (debtor_tenant_country_fkey).';
        END IF;
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM cobranza.debtor d WHERE d.tenant_id = OLD.id AND d.country = OLD.country) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'debtor_tenant_country_fkey',
            TABLE = 'tenant', SCHEMA = 'cobranza',
            MESSAGE = 'update or delete on table "tenant" violates foreign key constraint "debtor_tenant_country_fkey" on table "debtor"',
            DETAIL = format('Key (id, country)=(%s, %s) is still referenced from table "debtor".', OLD.id, OLD.country);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER debtor_tenant_insert_check AFTER INSERT ON cobranza.debtor
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.debtor_tenant_check();
CREATE TRIGGER debtor_tenant_update_check AFTER UPDATE OF tenant_id, country ON cobranza.debtor
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.country) IS DISTINCT FROM (NEW.tenant_id, NEW.country))
    EXECUTE FUNCTION cobranza.debtor_tenant_check();

CREATE TRIGGER tenant_debtor_referenced_delete AFTER DELETE ON cobranza.tenant
    FOR EACH ROW EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();
CREATE TRIGGER tenant_debtor_referenced_update AFTER UPDATE OF id, country ON cobranza.tenant
    FOR EACH ROW WHEN ((OLD.id, OLD.country) IS DISTINCT FROM (NEW.id, NEW.country))
    EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();
CREATE TRIGGER tenant_debtor_referenced_truncate BEFORE TRUNCATE ON cobranza.tenant
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();

REVOKE EXECUTE ON FUNCTION cobranza.debtor_tenant_violation(bigint, text), cobranza.debtor_tenant_check(),
                           cobranza.tenant_debtor_referenced_check() FROM PUBLIC;

RESET ROLE;
