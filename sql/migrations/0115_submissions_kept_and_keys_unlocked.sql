-- 0115_submissions_kept_and_keys_unlocked: a submission is kept, as a case and a debtor are
-- (0106), so the keys that point at submissions and debtors are checked without row locks; and
-- three smaller costs of `submission import` (issue 20, item 3).
--
-- * A submission is never deleted, truncated or re-keyed (tenant_id, id, debtor_id, currency):
--   it is rejected, never removed, and no person ever had DELETE on it (the owner did). The
--   parent-side triggers of 0066 (a submission an invoice points at stays) are then moot and go.
-- * invoice_submission_check (0066) and the debtor half of submission_keys_check (0110) locked
--   every submission and debtor their statement pointed at, FOR KEY SHARE, so none could go
--   before the insert committed: a 200,000-row placement locked 20,000 of each, a write to every
--   one of those rows. Neither can go at all now, so a row the check sees stays, and the checks
--   only look. A currency or batch can still be removed by the owner: those stay locked. The
--   debtor parent-side triggers of 0110 go as well (a debtor refuses it all since 0106). And a
--   placement's rows are matched against its range of submissions without grouping them first.
-- * submission (tenant_id, id, debtor_id, currency) was unique for invoice_submission_fkey,
--   which 0066 replaced; nothing uses it, and every submission paid for it.
-- * debtor_tax_id_check read `{5,20}`: PostgreSQL expands a bounded repeat into as many states
--   (0105 found the same in the outbox), 0.8 us a row; `+` and a length test say the same.
-- * invoice_totals_bound sums a placement's range of submissions: read through the index one
--   row at a time, that is a heap page visit per invoice in index order (0.12 s of 200,000);
--   as a bitmap, each page once, in order, and grouped by hashing (0.07 s). And it read the
--   statement's rows a second time to find the cases they join (0.3 s of a million-row
--   placement, which joins none): the first pass counts them.
-- * client_number, run for every submission, set its counter setting with PERFORM, a query
--   through the executor for each row; an assignment evaluates the call directly (0.3 of its
--   3.5 us a row).

SET LOCAL ROLE cobranza_owner;

CREATE TRIGGER submission_kept BEFORE DELETE OR TRUNCATE ON cobranza.submission
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a submission is rejected, never deleted');
CREATE TRIGGER submission_key_kept BEFORE UPDATE OF tenant_id, id, debtor_id, currency ON cobranza.submission
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency)
                       IS DISTINCT FROM (NEW.tenant_id, NEW.id, NEW.debtor_id, NEW.currency))
    EXECUTE FUNCTION cobranza.refuse_key_change('a submission keeps its client, id, debtor and currency');

DROP TRIGGER submission_referenced_delete ON cobranza.submission;
DROP TRIGGER submission_referenced_update ON cobranza.submission;
DROP TRIGGER submission_referenced_truncate ON cobranza.submission;
DROP FUNCTION cobranza.submission_referenced_check();

DROP TRIGGER debtor_submission_referenced_delete ON cobranza.debtor;
DROP TRIGGER debtor_submission_referenced_update ON cobranza.debtor;
DROP TRIGGER debtor_submission_referenced_truncate ON cobranza.debtor;

ALTER TABLE cobranza.submission DROP CONSTRAINT submission_tenant_id_id_debtor_id_currency_key;

ALTER TABLE cobranza.debtor DROP CONSTRAINT debtor_tax_id_check,
    ADD CONSTRAINT debtor_tax_id_check CHECK (tax_id ~ '^[A-Z0-9&Ñ-]+$' AND length(tax_id) BETWEEN 5 AND 20);

-- The foreign key's words for an invoice whose submission is not there, said once for the
-- statement check and the row check.
CREATE FUNCTION cobranza.invoice_submission_violation(p_tenant bigint, p_submission bigint, p_debtor bigint, p_currency text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_submission_fkey',
        TABLE = 'invoice', SCHEMA = 'cobranza',
        MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_submission_fkey"',
        DETAIL = format('Key (tenant_id, submission_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "submission".',
                        p_tenant, p_submission, p_debtor, p_currency);
END
$$;
REVOKE EXECUTE ON FUNCTION cobranza.invoice_submission_violation(bigint, bigint, bigint, text) FROM PUBLIC;

-- Only if fewer rows find their submission than there are rows is one that does not named. A
-- placement's submissions are one range of the key: they are read once and hashed, and every
-- row is matched against them (grouping a million rows by their key first cost twice that).
-- Otherwise each distinct key once, as before. No lock: a submission stays.
CREATE OR REPLACE FUNCTION cobranza.invoice_submission_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
    SET enable_nestloop = on
AS $$
DECLARE
    v        record;
    v_rows   bigint;
    v_tenant bigint;
    v_top    bigint;
    v_low    bigint;
    v_high   bigint;
    v_keys   bigint;
    v_found  bigint;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id)
      INTO v_rows, v_tenant, v_top, v_low, v_high
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_top AND v_high - v_low < 4 * v_rows THEN
        -- Planned as a hash join whatever the fresh tables' statistics say (a nested loop over
        -- the statement's rows is what a guess of one row picks).
        PERFORM set_config('enable_nestloop', 'off', true);
        SELECT count(*) INTO v_found
          FROM new_rows n
          JOIN (SELECT s.id, s.debtor_id, s.currency FROM cobranza.submission s
                 WHERE s.tenant_id = v_tenant AND s.id BETWEEN v_low AND v_high) s
            ON s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency;
        PERFORM set_config('enable_nestloop', 'on', true);
        IF v_found = v_rows THEN
            RETURN NULL;
        END IF;
    ELSE
        WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, submission_id, debtor_id, currency FROM new_rows)
        SELECT (SELECT count(*) FROM keys),
               (SELECT count(*) FROM cobranza.submission s
                  JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency)
          INTO v_keys, v_found;
        IF v_found = v_keys THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT n.tenant_id, n.submission_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM cobranza.submission s
                        WHERE s.tenant_id = n.tenant_id AND s.id = n.submission_id
                          AND s.debtor_id = n.debtor_id AND s.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        PERFORM cobranza.invoice_submission_violation(v.tenant_id, v.submission_id, v.debtor_id, v.currency);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cobranza.invoice_submission_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    PERFORM 1 FROM cobranza.submission s
     WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id AND s.debtor_id = NEW.debtor_id AND s.currency = NEW.currency;
    IF NOT FOUND THEN
        PERFORM cobranza.invoice_submission_violation(NEW.tenant_id, NEW.submission_id, NEW.debtor_id, NEW.currency);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cobranza.submission_keys_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- Debtors are kept (0106): found is enough.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, debtor_id FROM new_rows)
    SELECT (SELECT count(*) FROM keys),
           (SELECT count(*) FROM cobranza.debtor d JOIN keys n ON d.tenant_id = n.tenant_id AND d.id = n.debtor_id)
      INTO v_keys, v_locked;
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

CREATE OR REPLACE FUNCTION cobranza.submission_keys_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF (OLD.tenant_id, OLD.debtor_id) IS DISTINCT FROM (NEW.tenant_id, NEW.debtor_id) THEN
        PERFORM 1 FROM cobranza.debtor d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.debtor_id;
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

-- As 0095, but the range of a placement is read as a bitmap (each heap page once, in order) and
-- grouped by hashing, for that query only: the function's own settings keep the other two
-- queries on plain index lookups, which is what a statement of a few rows wants.
CREATE OR REPLACE FUNCTION cobranza.invoice_totals_bound() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET enable_bitmapscan = off
    SET enable_sort = off
    SET enable_indexscan = on
AS $$
DECLARE
    v            record;
    v_rows       bigint;
    v_tenant     bigint;
    v_tenant_top bigint;
    v_low        bigint;
    v_high       bigint;
    v_cased      bigint;
    v_over       boolean;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id), count(case_id)
      INTO v_rows, v_tenant, v_tenant_top, v_low, v_high, v_cased
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_tenant_top AND v_high - v_low < 4 * v_rows THEN
        -- One scan of the range, summed by submission with no join (a join planned on a fresh
        -- table's missing statistics ran as a nested loop over the statement's rows); only a
        -- submission over the bound is then looked for among the rows written.
        PERFORM set_config('enable_bitmapscan', 'on', true), set_config('enable_indexscan', 'off', true);
        SELECT 'submission ' || g.submission_id AS what, g.currency INTO v
          FROM (SELECT i.submission_id, min(i.currency) AS currency
                  FROM cobranza.invoice i
                 WHERE i.tenant_id = v_tenant AND i.submission_id BETWEEN v_low AND v_high
                 GROUP BY i.submission_id
                HAVING sum(i.amount) > 1000000000000000) g
         WHERE EXISTS (SELECT 1 FROM new_rows n WHERE n.submission_id = g.submission_id)
         LIMIT 1;
        v_over := FOUND;
        PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', 'on', true);
    ELSE
        SELECT 'submission ' || n.submission_id AS what, n.currency INTO v
          FROM (SELECT DISTINCT tenant_id, submission_id, currency FROM new_rows) n
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.submission_id = n.submission_id) > 1000000000000000
         LIMIT 1;
        v_over := FOUND;
    END IF;
    -- A placement's invoices join no case: their rows are not read again to find none.
    IF NOT v_over AND v_cased > 0 THEN
        SELECT 'case ' || c.number AS what, c.currency INTO v
          FROM (SELECT DISTINCT tenant_id, case_id FROM new_rows WHERE case_id IS NOT NULL) n
          JOIN cobranza.collection_case c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.case_id = n.case_id) > 1000000000000000
         LIMIT 1;
        v_over := FOUND;
    END IF;
    IF v_over THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'amount',
            MESSAGE = format('amount: the invoices of %s would add up to more than %s, the most one submission or case holds',
                             v.what, cobranza.format_money(1000000000000000, v.currency));
    END IF;
    RETURN NULL;
END
$$;

-- As 0065, the call evaluated as an expression.
CREATE OR REPLACE FUNCTION cobranza.client_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_key   text := format('cobranza.drawn_%s_%s', TG_TABLE_NAME, NEW.tenant_id);
    v_drawn text := current_setting(v_key, true);
    v_set   text;
BEGIN
    IF v_drawn IS NULL OR v_drawn = '' THEN
        INSERT INTO cobranza.client_number_counter AS c (tenant_id, series, last_value)
        VALUES (NEW.tenant_id, TG_TABLE_NAME, 1)
            ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = c.last_value + 1
            RETURNING c.last_value INTO NEW.number;
    ELSE
        NEW.number := v_drawn::integer + 1;
    END IF;
    v_set := set_config(v_key, NEW.number::text, true);
    RETURN NEW;
END
$$;

RESET ROLE;
