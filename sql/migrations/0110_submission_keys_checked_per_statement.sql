-- 0110_submission_keys_checked_per_statement: a submission's keys to its debtor, currency and
-- batch checked once per statement instead of once per row (issue 20, item 3), as 0066 did for
-- invoice -> submission.
--
-- `submission import` of 200,000 rows inserts 20,000 submissions, and their five foreign keys
-- ran 100,000 row triggers (0.6 s of the 1.2 s the submissions took). Now:
--   * submission_tenant_fkey goes: it is implied. Every submission's (tenant_id, debtor_id) is a
--     debtor's (below), and every debtor's tenant_id is a tenant's (debtor_tenant_country_fkey),
--     which stays while a debtor does; so a tenant of submissions cannot go either.
--   * submission_debtor_fkey, submission_currency_fkey and submission_batch_fkey become one
--     anti-join per key over the statement's new rows, for every writer (the import, `submit
--     invoice`, plain SQL), with the SQLSTATE, constraint name and message each foreign key gave
--     (23503). The debtors, currencies and batches found are locked FOR KEY SHARE, as a foreign
--     key locks them, so none can be removed or re-keyed under the insert.
--   * An UPDATE of those columns (staff may move a submission to another batch): the same, for
--     the row, only when a key changed.
--   * DELETE, an UPDATE of the key columns or TRUNCATE of a debtor, currency or batch a
--     submission points at is refused as NO ACTION did (no person may; the owner could).
-- submission_case_fkey stays a foreign key: NULL on every placed row, it costs a call and no
-- lookup, and accepting a submission checks it once.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.submission DROP CONSTRAINT submission_tenant_fkey;
ALTER TABLE cobranza.submission DROP CONSTRAINT submission_debtor_fkey;
ALTER TABLE cobranza.submission DROP CONSTRAINT submission_currency_fkey;
ALTER TABLE cobranza.submission DROP CONSTRAINT submission_batch_fkey;

-- The checks run as the owner, whom FORCE ROW LEVEL SECURITY binds: locking a row FOR KEY SHARE
-- needs an UPDATE policy besides the read one (debtor has debtor_owner_read since 0005).
CREATE POLICY debtor_owner_lock ON cobranza.debtor FOR UPDATE TO cobranza_owner USING (true);
CREATE POLICY import_batch_owner_read ON cobranza.import_batch FOR SELECT TO cobranza_owner USING (true);
CREATE POLICY import_batch_owner_lock ON cobranza.import_batch FOR UPDATE TO cobranza_owner USING (true);

-- The foreign key's words for a key that names nothing.
CREATE FUNCTION cobranza.submission_key_violation(p_constraint text, p_columns text, p_values text, p_table text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = p_constraint,
        TABLE = 'submission', SCHEMA = 'cobranza',
        MESSAGE = format('insert or update on table "submission" violates foreign key constraint "%s"', p_constraint),
        DETAIL = format('Key (%s)=(%s) is not present in table "%s".', p_columns, p_values, p_table);
END
$$;

-- SECURITY DEFINER: the check sees every debtor and batch, as a foreign key's check does,
-- whatever the inserter's row security shows it (a key into another client's debtor is refused
-- either way, since the tenant is part of the key).
CREATE FUNCTION cobranza.submission_keys_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- Each distinct key once: the parents that match are locked, and only if fewer match than
    -- there are keys is one that does not named.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, debtor_id FROM new_rows),
    locked AS (SELECT 1 FROM cobranza.debtor d JOIN keys n ON d.tenant_id = n.tenant_id AND d.id = n.debtor_id
                  FOR KEY SHARE OF d)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.debtor_id INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.debtor d WHERE d.tenant_id = n.tenant_id AND d.id = n.debtor_id)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_debtor_fkey', 'tenant_id, debtor_id',
                                                      format('%s, %s', v.tenant_id, v.debtor_id), 'debtor');
        END IF;
    END IF;

    WITH keys AS MATERIALIZED (SELECT DISTINCT currency FROM new_rows),
    locked AS (SELECT 1 FROM cobranza.currency c JOIN keys n ON c.code = n.currency FOR KEY SHARE OF c)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.currency INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.currency c WHERE c.code = n.currency)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_currency_fkey', 'currency', v.currency::text, 'currency');
        END IF;
    END IF;

    -- MATCH SIMPLE: a submission of no batch (`submit invoice`) has nothing to check.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, batch_id FROM new_rows WHERE batch_id IS NOT NULL),
    locked AS (SELECT 1 FROM cobranza.import_batch b JOIN keys n ON b.tenant_id = n.tenant_id AND b.id = n.batch_id
                  FOR KEY SHARE OF b)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.batch_id INTO v FROM new_rows n
         WHERE n.batch_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM cobranza.import_batch b WHERE b.tenant_id = n.tenant_id AND b.id = n.batch_id)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_batch_fkey', 'tenant_id, batch_id',
                                                      format('%s, %s', v.tenant_id, v.batch_id), 'import_batch');
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- The row form, for an update that changes a key (staff moving a submission to another batch).
CREATE FUNCTION cobranza.submission_keys_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF (OLD.tenant_id, OLD.debtor_id) IS DISTINCT FROM (NEW.tenant_id, NEW.debtor_id) THEN
        PERFORM 1 FROM cobranza.debtor d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.debtor_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_debtor_fkey', 'tenant_id, debtor_id',
                                                      format('%s, %s', NEW.tenant_id, NEW.debtor_id), 'debtor');
        END IF;
    END IF;
    IF OLD.currency IS DISTINCT FROM NEW.currency THEN
        PERFORM 1 FROM cobranza.currency c WHERE c.code = NEW.currency FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_currency_fkey', 'currency', NEW.currency::text, 'currency');
        END IF;
    END IF;
    IF NEW.batch_id IS NOT NULL AND (OLD.tenant_id, OLD.batch_id) IS DISTINCT FROM (NEW.tenant_id, NEW.batch_id) THEN
        PERFORM 1 FROM cobranza.import_batch b WHERE b.tenant_id = NEW.tenant_id AND b.id = NEW.batch_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_batch_fkey', 'tenant_id, batch_id',
                                                      format('%s, %s', NEW.tenant_id, NEW.batch_id), 'import_batch');
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A debtor, currency or batch a submission points at keeps its key and stays (NO ACTION).
CREATE FUNCTION cobranza.submission_parent_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_constraint text := CASE TG_TABLE_NAME WHEN 'debtor' THEN 'submission_debtor_fkey'
                                            WHEN 'currency' THEN 'submission_currency_fkey'
                                            ELSE 'submission_batch_fkey' END;
    v_key text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = format('Table "submission" references "%s" (%s).', TG_TABLE_NAME, v_constraint);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'debtor' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.tenant_id = OLD.tenant_id AND s.debtor_id = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'currency' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.currency = OLD.code) THEN
            v_key := format('Key (code)=(%s)', OLD.code);
        END IF;
    ELSE
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.tenant_id = OLD.tenant_id AND s.batch_id = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    END IF;
    IF v_key IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = v_constraint,
            TABLE = TG_TABLE_NAME, SCHEMA = 'cobranza',
            MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "submission"',
                             TG_TABLE_NAME, v_constraint),
            DETAIL = v_key || ' is still referenced from table "submission".';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER submission_keys_check AFTER INSERT ON cobranza.submission
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_keys_check();
CREATE TRIGGER submission_keys_update_check AFTER UPDATE OF tenant_id, debtor_id, currency, batch_id ON cobranza.submission
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.debtor_id, OLD.currency, OLD.batch_id)
                       IS DISTINCT FROM (NEW.tenant_id, NEW.debtor_id, NEW.currency, NEW.batch_id))
    EXECUTE FUNCTION cobranza.submission_keys_row_check();

CREATE TRIGGER debtor_submission_referenced_delete AFTER DELETE ON cobranza.debtor
    FOR EACH ROW EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER debtor_submission_referenced_update AFTER UPDATE OF tenant_id, id ON cobranza.debtor
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id) IS DISTINCT FROM (NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER debtor_submission_referenced_truncate BEFORE TRUNCATE ON cobranza.debtor
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

CREATE TRIGGER currency_submission_referenced_delete AFTER DELETE ON cobranza.currency
    FOR EACH ROW EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER currency_submission_referenced_update AFTER UPDATE OF code ON cobranza.currency
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER currency_submission_referenced_truncate BEFORE TRUNCATE ON cobranza.currency
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

CREATE TRIGGER import_batch_submission_referenced_delete AFTER DELETE ON cobranza.import_batch
    FOR EACH ROW EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER import_batch_submission_referenced_update AFTER UPDATE OF tenant_id, id ON cobranza.import_batch
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id) IS DISTINCT FROM (NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION cobranza.submission_parent_referenced_check();
CREATE TRIGGER import_batch_submission_referenced_truncate BEFORE TRUNCATE ON cobranza.import_batch
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

REVOKE EXECUTE ON FUNCTION cobranza.submission_key_violation(text, text, text, text), cobranza.submission_keys_check(),
                           cobranza.submission_keys_row_check(), cobranza.submission_parent_referenced_check() FROM PUBLIC;

RESET ROLE;
