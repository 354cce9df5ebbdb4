-- 0066_invoice_submission_checked_per_statement: the invoice -> submission key checked once per
-- statement instead of once per row (issue 20, item 3).
--
-- invoice_submission_fkey was checked by a row trigger: a placement of 1,000,000 invoices ran a
-- million lookups, the largest single cost of `submission import` after the rows themselves
-- (4.7 s of 14.5 s for the invoices of a 200,000-row file). The same rule is now one anti-join
-- over the statement's new rows, for every writer (the import, `submit invoice`, plain SQL), with
-- the message and SQLSTATE the foreign key gave (23503, naming invoice_submission_fkey), so a bad
-- row is refused exactly as before:
--   * INSERT into invoice: every new row's (tenant_id, submission_id, debtor_id, currency) is a
--     submission's; the submissions are locked FOR KEY SHARE first, as the foreign key locks
--     them, so none can be removed or re-keyed under the insert.
--   * UPDATE of those columns of an invoice (no person has the privilege; the owner could): the
--     same, row by row.
--   * DELETE of a submission, an UPDATE of its key columns or TRUNCATE (again owner only, as no
--     person may): refused while an invoice points at it, as NO ACTION did.
-- The unique key submission (tenant_id, id, debtor_id, currency) the foreign key used stays.
-- The owner's functions gain submission_owner_trusted, as 0005 gave them invoice's.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.invoice DROP CONSTRAINT invoice_submission_fkey;

-- A foreign key's check sees every row whatever the row security; these functions run as the
-- owner, whom FORCE ROW LEVEL SECURITY binds, so the owner gets the trusted policy on submission
-- that 0005 gave it on invoice, case and the rest (reading, and locking FOR KEY SHARE).
CREATE POLICY submission_owner_trusted ON cobranza.submission FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);

-- SECURITY DEFINER: the check sees every submission, as a foreign key's check does, whatever
-- the inserter's row security shows it (a client sees its own; a key into another client's
-- submission is refused either way, since the tenant is part of the key).
CREATE FUNCTION cobranza.invoice_submission_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- Each distinct key once (a placement has ten invoices a submission): the submissions that
    -- match are locked, and only if fewer match than there are keys is one that does not named.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, submission_id, debtor_id, currency FROM new_rows),
    locked AS (
        SELECT 1 FROM cobranza.submission s
          JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency
           FOR KEY SHARE OF s)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked = v_keys THEN
        RETURN NULL;
    END IF;
    SELECT n.tenant_id, n.submission_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM cobranza.submission s
                        WHERE s.tenant_id = n.tenant_id AND s.id = n.submission_id
                          AND s.debtor_id = n.debtor_id AND s.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_submission_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_submission_fkey"',
            DETAIL = format('Key (tenant_id, submission_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "submission".',
                            v.tenant_id, v.submission_id, v.debtor_id, v.currency);
    END IF;
    RETURN NULL;
END
$$;

-- The row form, for an update of the key columns (owner only): one row, same rule.
CREATE FUNCTION cobranza.invoice_submission_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    PERFORM 1 FROM cobranza.submission s
     WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id AND s.debtor_id = NEW.debtor_id AND s.currency = NEW.currency
       FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_submission_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_submission_fkey"',
            DETAIL = format('Key (tenant_id, submission_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "submission".',
                            NEW.tenant_id, NEW.submission_id, NEW.debtor_id, NEW.currency);
    END IF;
    RETURN NULL;
END
$$;

-- A submission an invoice points at keeps its key and stays (NO ACTION).
CREATE FUNCTION cobranza.submission_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.invoice) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = 'Table "invoice" references "submission" (invoice_submission_fkey).';
        END IF;
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM cobranza.invoice i
                WHERE i.tenant_id = OLD.tenant_id AND i.submission_id = OLD.id
                  AND i.debtor_id = OLD.debtor_id AND i.currency = OLD.currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_submission_fkey',
            TABLE = 'submission', SCHEMA = 'cobranza',
            MESSAGE = 'update or delete on table "submission" violates foreign key constraint "invoice_submission_fkey" on table "invoice"',
            DETAIL = format('Key (tenant_id, id, debtor_id, currency)=(%s, %s, %s, %s) is still referenced from table "invoice".',
                            OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoice_submission_check AFTER INSERT ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_submission_check();
CREATE TRIGGER invoice_submission_update_check AFTER UPDATE OF tenant_id, submission_id, debtor_id, currency ON cobranza.invoice
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.submission_id, OLD.debtor_id, OLD.currency)
                       IS DISTINCT FROM (NEW.tenant_id, NEW.submission_id, NEW.debtor_id, NEW.currency))
    EXECUTE FUNCTION cobranza.invoice_submission_row_check();
CREATE TRIGGER submission_referenced_delete AFTER DELETE ON cobranza.submission
    FOR EACH ROW EXECUTE FUNCTION cobranza.submission_referenced_check();
CREATE TRIGGER submission_referenced_update AFTER UPDATE OF tenant_id, id, debtor_id, currency ON cobranza.submission
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency)
                       IS DISTINCT FROM (NEW.tenant_id, NEW.id, NEW.debtor_id, NEW.currency))
    EXECUTE FUNCTION cobranza.submission_referenced_check();
CREATE TRIGGER submission_referenced_truncate BEFORE TRUNCATE ON cobranza.submission
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_referenced_check();

REVOKE EXECUTE ON FUNCTION cobranza.invoice_submission_check(), cobranza.invoice_submission_row_check(),
                           cobranza.submission_referenced_check() FROM PUBLIC;

RESET ROLE;
