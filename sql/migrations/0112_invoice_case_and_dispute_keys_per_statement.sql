-- 0112_invoice_case_and_dispute_keys_per_statement: an invoice's keys to its case and to the
-- dispute that cancelled it checked once per statement, and only where they are set (issue 20,
-- item 3).
--
-- Both are NULL on every placed invoice, and a foreign key's check is skipped for a NULL only
-- after its row trigger is queued and called: a placement of 200,000 invoices ran 400,000 calls
-- that checked nothing (0.26-0.29 s, and the queue). Now, for every writer:
--   * INSERT into invoice: the rows whose case_id (or cancelled_by_dispute) is set are one
--     anti-join against collection_case (dispute), whose matching rows are locked FOR KEY SHARE
--     as the foreign key locks them; a placement sets neither, so it costs a scan of its rows.
--   * UPDATE of invoices (staff join them to a case, a dispute cancels them): the same for the
--     rows whose key changed (old and new rows paired by (tenant_id, id); a row whose id changed
--     is checked), once per statement, as accepting a whole placement (`case open --batch`)
--     sets the case of every invoice at once.
--   * DELETE, an UPDATE of the key columns or TRUNCATE of a case or dispute an invoice points at
--     is refused as NO ACTION did (no person may; the owner could).
-- The SQLSTATE, constraint names and messages are the foreign keys' (23503, invoice_case_fkey,
-- invoice_cancelled_by_dispute_fkey). The owner reads and locks cases and disputes through
-- collection_case_owner_trusted and dispute_owner_trusted (0005, 0031).

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.invoice DROP CONSTRAINT invoice_case_fkey;
ALTER TABLE cobranza.invoice DROP CONSTRAINT invoice_cancelled_by_dispute_fkey;

-- SECURITY DEFINER: the check sees every case and dispute, as a foreign key's check does,
-- whatever the writer's row security shows it (a key into another client's case is refused
-- either way, since the tenant is part of the key).
CREATE FUNCTION cobranza.invoice_case_keys_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- The keys set and, for an update, changed (a query naming old_rows is planned only for an
    -- update, which has them): each distinct key once; the cases and disputes that match are
    -- locked, and only if fewer match than there are keys is one that does not named.
    IF TG_OP = 'INSERT' THEN
        WITH changed AS MATERIALIZED (
            SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency, n.cancelled_by_dispute
              FROM new_rows n
             WHERE n.case_id IS NOT NULL OR n.cancelled_by_dispute IS NOT NULL),
        keys AS MATERIALIZED (SELECT DISTINCT tenant_id, case_id, debtor_id, currency FROM changed WHERE case_id IS NOT NULL),
        locked AS (SELECT 1 FROM cobranza.collection_case c
                     JOIN keys k ON c.tenant_id = k.tenant_id AND c.id = k.case_id AND c.debtor_id = k.debtor_id AND c.currency = k.currency
                      FOR KEY SHARE OF c),
        disputes AS MATERIALIZED (SELECT DISTINCT tenant_id, cancelled_by_dispute AS id FROM changed WHERE cancelled_by_dispute IS NOT NULL),
        locked_disputes AS (SELECT 1 FROM cobranza.dispute d JOIN disputes k ON d.tenant_id = k.tenant_id AND d.id = k.id
                             FOR KEY SHARE OF d)
        SELECT (SELECT count(*) FROM keys) + (SELECT count(*) FROM disputes),
               (SELECT count(*) FROM locked) + (SELECT count(*) FROM locked_disputes)
          INTO v_keys, v_locked;
    ELSE
        WITH changed AS MATERIALIZED (
            SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency, n.cancelled_by_dispute
              FROM new_rows n
             WHERE (n.case_id IS NOT NULL OR n.cancelled_by_dispute IS NOT NULL)
               AND NOT EXISTS (
                    SELECT 1 FROM old_rows o
                     WHERE o.tenant_id = n.tenant_id AND o.id = n.id AND o.debtor_id = n.debtor_id AND o.currency = n.currency
                       AND o.case_id IS NOT DISTINCT FROM n.case_id
                       AND o.cancelled_by_dispute IS NOT DISTINCT FROM n.cancelled_by_dispute)),
        keys AS MATERIALIZED (SELECT DISTINCT tenant_id, case_id, debtor_id, currency FROM changed WHERE case_id IS NOT NULL),
        locked AS (SELECT 1 FROM cobranza.collection_case c
                     JOIN keys k ON c.tenant_id = k.tenant_id AND c.id = k.case_id AND c.debtor_id = k.debtor_id AND c.currency = k.currency
                      FOR KEY SHARE OF c),
        disputes AS MATERIALIZED (SELECT DISTINCT tenant_id, cancelled_by_dispute AS id FROM changed WHERE cancelled_by_dispute IS NOT NULL),
        locked_disputes AS (SELECT 1 FROM cobranza.dispute d JOIN disputes k ON d.tenant_id = k.tenant_id AND d.id = k.id
                             FOR KEY SHARE OF d)
        SELECT (SELECT count(*) FROM keys) + (SELECT count(*) FROM disputes),
               (SELECT count(*) FROM locked) + (SELECT count(*) FROM locked_disputes)
          INTO v_keys, v_locked;
    END IF;
    IF v_locked = v_keys THEN
        RETURN NULL;
    END IF;
    SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE n.case_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.collection_case c
                        WHERE c.tenant_id = n.tenant_id AND c.id = n.case_id AND c.debtor_id = n.debtor_id AND c.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_case_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_case_fkey"',
            DETAIL = format('Key (tenant_id, case_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "collection_case".',
                            v.tenant_id, v.case_id, v.debtor_id, v.currency);
    END IF;
    SELECT n.tenant_id, n.cancelled_by_dispute INTO v
      FROM new_rows n
     WHERE n.cancelled_by_dispute IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = n.tenant_id AND d.id = n.cancelled_by_dispute)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_cancelled_by_dispute_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_cancelled_by_dispute_fkey"',
            DETAIL = format('Key (tenant_id, cancelled_by_dispute)=(%s, %s) is not present in table "dispute".',
                            v.tenant_id, v.cancelled_by_dispute);
    END IF;
    RETURN NULL;
END
$$;

-- A case or dispute an invoice points at keeps its key and stays (NO ACTION).
CREATE FUNCTION cobranza.invoice_case_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_constraint text := CASE TG_TABLE_NAME WHEN 'collection_case' THEN 'invoice_case_fkey'
                                            ELSE 'invoice_cancelled_by_dispute_fkey' END;
    v_key text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.invoice i
                    WHERE CASE TG_TABLE_NAME WHEN 'collection_case' THEN i.case_id ELSE i.cancelled_by_dispute END IS NOT NULL) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = format('Table "invoice" references "%s" (%s).', TG_TABLE_NAME, v_constraint);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'collection_case' THEN
        IF EXISTS (SELECT 1 FROM cobranza.invoice i
                    WHERE i.tenant_id = OLD.tenant_id AND i.case_id = OLD.id AND i.debtor_id = OLD.debtor_id AND i.currency = OLD.currency) THEN
            v_key := format('Key (tenant_id, id, debtor_id, currency)=(%s, %s, %s, %s)', OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency);
        END IF;
    ELSE
        IF EXISTS (SELECT 1 FROM cobranza.invoice i WHERE i.tenant_id = OLD.tenant_id AND i.cancelled_by_dispute = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    END IF;
    IF v_key IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = v_constraint,
            TABLE = TG_TABLE_NAME, SCHEMA = 'cobranza',
            MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "invoice"',
                             TG_TABLE_NAME, v_constraint),
            DETAIL = v_key || ' is still referenced from table "invoice".';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoice_case_keys_insert AFTER INSERT ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_keys_check();
CREATE TRIGGER invoice_case_keys_update AFTER UPDATE ON cobranza.invoice
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_keys_check();

CREATE TRIGGER collection_case_invoice_referenced_delete AFTER DELETE ON cobranza.collection_case
    FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_case_referenced_check();
CREATE TRIGGER collection_case_invoice_referenced_update AFTER UPDATE OF tenant_id, id, debtor_id, currency ON cobranza.collection_case
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency) IS DISTINCT FROM (NEW.tenant_id, NEW.id, NEW.debtor_id, NEW.currency))
    EXECUTE FUNCTION cobranza.invoice_case_referenced_check();
CREATE TRIGGER collection_case_invoice_referenced_truncate BEFORE TRUNCATE ON cobranza.collection_case
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

CREATE TRIGGER dispute_invoice_referenced_delete AFTER DELETE ON cobranza.dispute
    FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_case_referenced_check();
CREATE TRIGGER dispute_invoice_referenced_update AFTER UPDATE OF tenant_id, id ON cobranza.dispute
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id) IS DISTINCT FROM (NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION cobranza.invoice_case_referenced_check();
CREATE TRIGGER dispute_invoice_referenced_truncate BEFORE TRUNCATE ON cobranza.dispute
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

REVOKE EXECUTE ON FUNCTION cobranza.invoice_case_keys_check(), cobranza.invoice_case_referenced_check() FROM PUBLIC;

RESET ROLE;
