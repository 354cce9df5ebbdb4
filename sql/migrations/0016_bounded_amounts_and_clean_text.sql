-- Issue 14, items 4, 5 and 12: what an SME (or anyone with a login) may write is bounded, so
-- that every list and show still works afterwards and nothing written reaches a terminal as a
-- control sequence. The database is the gate: psql gets the same refusals as the shell.
--
-- 1. Amounts. An invoice, a court cost, a remittance and a contract's minimum fee or judicial
--    threshold are at most 10^15 minor units, and the invoices of one submission, and of one
--    case, add up to at most 10^15 as well (a statement trigger on invoice: a CHECK sees one
--    row). 10^15 leaves three orders of magnitude of bigint for sums over cases, so totals the
--    shell reads as bigint never overflow; products with a rate (× at most 10,000 basis points)
--    still fit.
--
-- 2. Text. Every text column of every table in the schema refuses C0 control characters, DEL
--    and C1 controls (U+0080–U+009F: some terminals read U+009B as CSI): ESC, BEL, CR and their
--    kind are how a stored value repaints a colleague's terminal. Notes and reasons may keep
--    newlines and tabs and are limited in length. The columns are found from the catalog, so
--    none is forgotten; CatalogTests fails for a text column added later without the check.
--    The refusal names the column in its message and in COLUMN, as every refusal does (0012).
--
-- Existing rows: each constraint is added NOT VALID and then validated. Where old rows break
-- it, it stays NOT VALID (new and changed rows are checked, old ones are not) and the migration
-- says so with a WARNING naming the table, column and constraint: those rows may be append-only
-- history (payments, timeline events) that no migration should rewrite. The shell escapes
-- control characters when it prints, so such rows still show safely; an admin who has cleaned
-- them runs ALTER TABLE … VALIDATE CONSTRAINT.
SET LOCAL ROLE cobranza_owner;

-- One line of text: no control character at all. NULL passes (NOT NULL says otherwise).
-- Written as one SQL expression so a CHECK inlines it: a million-row import evaluates it per
-- column per row, and only a refused value reaches the plpgsql that words the refusal.
CREATE FUNCTION cobranza.refuse_text(p_value text, p_column text, p_max integer, p_multiline boolean) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_at integer;
    v_char text;
BEGIN
    IF p_max IS NOT NULL AND length(p_value) > p_max THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
            MESSAGE = format('%s: longer than %s characters', p_column, p_max);
    END IF;
    v_at := (SELECT min(o.n) FROM regexp_split_to_table(p_value, '') WITH ORDINALITY AS o(c, n)
              WHERE o.c ~ CASE WHEN p_multiline THEN '[\x01-\x08\x0b-\x1f\x7f-\x9f]' ELSE '[\x01-\x1f\x7f-\x9f]' END);
    v_char := substr(p_value, v_at, 1);
    RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
        MESSAGE = format('%s: control character U+%s at character %s is not allowed%s', p_column,
                         upper(lpad(to_hex(ascii(v_char)), 4, '0')), v_at,
                         CASE WHEN p_multiline THEN ' (only newlines and tabs are)' ELSE '' END);
END
$$;

CREATE FUNCTION cobranza.single_line(p_value text, p_column text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_value IS NULL OR p_value !~ '[\x01-\x1f\x7f-\x9f]' THEN true
                ELSE cobranza.refuse_text(p_value, p_column, NULL, false) END
$$;

-- A note or reason: newlines and tabs allowed, other controls not, at most p_max characters.
CREATE FUNCTION cobranza.note_text(p_value text, p_column text, p_max integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_value IS NULL OR (p_value !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]' AND length(p_value) <= p_max) THEN true
                ELSE cobranza.refuse_text(p_value, p_column, p_max, true) END
$$;

-- A bounded amount: at most 10^15 minor units, inlined like single_line.
-- The refusals take the value although they do not need it: an IMMUTABLE call whose arguments
-- are all constants is evaluated when the CHECK is planned, and would refuse every row.
CREATE FUNCTION cobranza.refuse_amount(p_amount bigint, p_column text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
        MESSAGE = format('%s: more than 1000000000000000 minor units, the most an amount may be', p_column);
END
$$;

CREATE FUNCTION cobranza.bounded_amount(p_amount bigint, p_column text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_amount IS NULL OR p_amount <= 1000000000000000 THEN true ELSE cobranza.refuse_amount(p_amount, p_column) END
$$;

-- Adds every constraint NOT VALID, then validates each, leaving NOT VALID (with a WARNING) the
-- ones old rows break. Text: every column of the string category (text, varchar, char, name)
-- of every table of the schema; the columns that may span lines are listed with their limits
-- (a letter's body is the rendered letter).
DO $$
DECLARE
    c record;
    v_name text;
    v_added text[] := '{}';
BEGIN
    FOR c IN
        SELECT cl.relname AS table_name, a.attname AS column_name, m.max_length
          FROM pg_catalog.pg_class cl
          JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped
          JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
          LEFT JOIN (VALUES
                ('case_event', 'note', 2000), ('case_event', 'body', 50000),
                ('invoice', 'note', 2000), ('submission', 'note', 2000), ('submission', 'reject_reason', 2000),
                ('promise', 'note', 2000), ('court_cost', 'note', 2000),
                ('dispute', 'reason', 2000), ('dispute', 'resolution_note', 2000),
                ('payment', 'reason', 500), ('fee_document', 'reason', 500),
                ('judicial_referral', 'override_reason', 2000)) AS m(table_name, column_name, max_length)
            ON m.table_name = cl.relname AND m.column_name = a.attname
         WHERE cl.relnamespace = 'cobranza'::regnamespace AND cl.relkind IN ('r', 'p') AND t.typcategory = 'S'
         ORDER BY 1, 2
    LOOP
        v_name := c.table_name || '_' || c.column_name || '_text';
        EXECUTE format('ALTER TABLE cobranza.%I ADD CONSTRAINT %I CHECK (%s) NOT VALID', c.table_name, v_name,
                       CASE WHEN c.max_length IS NULL
                            THEN format('cobranza.single_line(%I, %L)', c.column_name, c.column_name)
                            ELSE format('cobranza.note_text(%I, %L, %s)', c.column_name, c.column_name, c.max_length) END);
        v_added := v_added || ARRAY[c.table_name::text, v_name];
    END LOOP;

    FOR c IN SELECT * FROM (VALUES ('invoice', 'amount'), ('court_cost', 'amount'), ('remittance', 'amount'),
                                   ('contract', 'minimum_fee'), ('contract', 'judicial_threshold')) AS b(table_name, column_name)
    LOOP
        v_name := c.table_name || '_' || c.column_name || '_bound';
        EXECUTE format('ALTER TABLE cobranza.%I ADD CONSTRAINT %I CHECK (cobranza.bounded_amount(%I, %L)) NOT VALID',
                       c.table_name, v_name, c.column_name, c.column_name);
        v_added := v_added || ARRAY[c.table_name::text, v_name];
    END LOOP;

    FOR i IN 1 .. array_length(v_added, 1) / 2 LOOP
        BEGIN
            EXECUTE format('ALTER TABLE cobranza.%I VALIDATE CONSTRAINT %I', v_added[2 * i - 1], v_added[2 * i]);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'cobranza.%: existing rows break %, left NOT VALID (new and changed rows are checked; clean the old ones, then VALIDATE CONSTRAINT)',
                v_added[2 * i - 1], v_added[2 * i];
        END;
    END LOOP;
END
$$;

-- The invoices of one submission, and of one case, add up to at most 10^15: checked once per
-- statement over the submissions and cases it touched (a million-row import is one statement).
-- Security invoker: whoever writes an invoice sees every invoice of its own submissions and
-- cases. Concurrent writers to one case are serialized by the case row lock `case open` takes.
CREATE FUNCTION cobranza.invoice_totals_bound() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v record;
BEGIN
    SELECT 'submission ' || n.submission_id AS what, n.currency INTO v
      FROM (SELECT DISTINCT tenant_id, submission_id, currency FROM new_rows) n
     WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
             WHERE i.tenant_id = n.tenant_id AND i.submission_id = n.submission_id) > 1000000000000000
     LIMIT 1;
    IF NOT FOUND THEN
        SELECT 'case ' || c.number AS what, c.currency INTO v
          FROM (SELECT DISTINCT tenant_id, case_id FROM new_rows WHERE case_id IS NOT NULL) n
          JOIN cobranza.collection_case c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.case_id = n.case_id) > 1000000000000000
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'amount',
            MESSAGE = format('amount: the invoices of %s would add up to more than %s, the most one submission or case holds',
                             v.what, cobranza.format_money(1000000000000000, v.currency));
    END IF;
    RETURN NULL;
END
$$;

-- amount × rate (0004) for the amounts now allowed: 10^15 × 10,000 bp is past bigint in
-- between, though the result is not. Small amounts keep the bigint arithmetic (month-end
-- invoicing applies it to every payment); larger ones go through numeric, rounding the same way
-- (half up, away from zero: CobranzaCore.Rounding.apply). Still an SQL expression, inlined.
CREATE OR REPLACE FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_amount BETWEEN -922337203685477 AND 922337203685477 AND p_bp BETWEEN -10000 AND 10000
                THEN (pg_catalog.sign(p_amount * p_bp::bigint) * ((pg_catalog.abs(p_amount * p_bp::bigint) + 5000) / 10000))::bigint
                ELSE (pg_catalog.sign(p_amount::numeric * p_bp)
                      * pg_catalog.trunc((pg_catalog.abs(p_amount::numeric * p_bp) + 5000) / 10000))::bigint END
$$;

-- Transition tables allow one event per trigger.
CREATE TRIGGER invoice_totals_bound_insert AFTER INSERT ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_totals_bound();
CREATE TRIGGER invoice_totals_bound_update AFTER UPDATE ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_totals_bound();

RESET ROLE;
