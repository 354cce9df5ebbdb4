-- What the shell checks when debts are placed, the database checks too, whoever inserts. Through
-- psql an SME placed an invoice due next year, for a debtor with an invalid RUT, in a country and
-- a currency the shell would have refused:
--   * tax ids (a client's and a debtor's) must be their country's canonical form with the right
--     check digit: tax_id_is_valid, held by a property test to the same answers as the Swift
--     TaxID parser;
--   * a debtor is of its client's country (a foreign key to the tenant's (id, country));
--   * (a submission's currency was already a known currency, by submission_currency_fkey, and
--     its invoices share it by theirs: the shell allows any known currency, so does the database);
--   * an invoice is overdue when placed: its due date is not after today, as the database
--     counts it. Checked once per statement over the rows it wrote, so a million-row placement
--     pays one scan, not a trigger call per row.
-- Rows written before this migration are checked too; the migration stops, naming how many break
-- a rule, rather than leave a rule that holds only for new rows.

SET LOCAL ROLE cobranza_owner;

-- Each country's check digit, as TaxID computes it: RUT modulo 11 with weights 2..7 from the
-- right (10 is K, 11 is 0); NIT with DIAN's weights from the right (remainders 0 and 1 are
-- themselves); RFC with SAT's modulo 11 over the first 12 characters, a company's padded with a
-- space in front (1 is A). Fixtures and scripts that write ids directly use them too.
CREATE FUNCTION cobranza.rut_check_digit(p_body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_sum integer := 0;
    v_weight integer := 2;
BEGIN
    FOR i IN REVERSE length(p_body)..1 LOOP
        v_sum := v_sum + substr(p_body, i, 1)::integer * v_weight;
        v_weight := CASE WHEN v_weight = 7 THEN 2 ELSE v_weight + 1 END;
    END LOOP;
    RETURN CASE 11 - v_sum % 11 WHEN 11 THEN '0' WHEN 10 THEN 'K' ELSE (11 - v_sum % 11)::text END;
END
$$;

CREATE FUNCTION cobranza.nit_check_digit(p_body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_weights constant integer[] := ARRAY[3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    v_sum integer := 0;
BEGIN
    FOR i IN 1..length(p_body) LOOP
        v_sum := v_sum + substr(p_body, length(p_body) - i + 1, 1)::integer * v_weights[i];
    END LOOP;
    RETURN (CASE WHEN v_sum % 11 < 2 THEN v_sum % 11 ELSE 11 - v_sum % 11 END)::text;
END
$$;

CREATE FUNCTION cobranza.rfc_check_digit(p_body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_alphabet constant text := '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
    v_padded text := CASE WHEN length(p_body) = 11 THEN ' ' || p_body ELSE p_body END;
    v_sum integer := 0;
BEGIN
    FOR i IN 1..12 LOOP
        v_sum := v_sum + greatest(strpos(v_alphabet, substr(v_padded, i, 1)) - 1, 0) * (14 - i);
    END LOOP;
    RETURN CASE v_sum % 11 WHEN 0 THEN '0' WHEN 1 THEN 'A' ELSE (11 - v_sum % 11)::text END;
END
$$;

-- The canonical forms TaxID stores: RUT `76123456-0` (no leading zero), NIT `900123456-7` (5 to
-- 15 digits), RFC `ABC010203XY9` (3 or 4 letters, a real YYMMDD, a 3-character homoclave ending
-- in the check digit), each with its country's check digit.
CREATE FUNCTION cobranza.tax_id_is_valid(p_country text, p_tax_id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    v_letters integer;
    v_month integer;
    v_day integer;
BEGIN
    IF p_country = 'CL' THEN
        RETURN p_tax_id ~ '^[1-9][0-9]{0,7}-[0-9K]$'
           AND right(p_tax_id, 1) = cobranza.rut_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'CO' THEN
        RETURN p_tax_id ~ '^[0-9]{5,15}-[0-9]$'
           AND right(p_tax_id, 1) = cobranza.nit_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'MX' THEN
        IF p_tax_id !~ '^[A-Z&Ñ]{3,4}[0-9]{6}[A-Z0-9]{3}$' THEN RETURN false; END IF;
        v_letters := length(p_tax_id) - 9;
        v_month := substr(p_tax_id, v_letters + 3, 2)::integer;
        v_day := substr(p_tax_id, v_letters + 5, 2)::integer;
        RETURN v_month BETWEEN 1 AND 12
           AND v_day BETWEEN 1 AND (CASE WHEN v_month = 2 THEN 29 WHEN v_month IN (4, 6, 9, 11) THEN 30 ELSE 31 END)
           AND right(p_tax_id, 1) = cobranza.rfc_check_digit(left(p_tax_id, length(p_tax_id) - 1));
    END IF;
    RETURN false;
END
$$;

CREATE FUNCTION cobranza.invoice_overdue_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_number text;
    v_due date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT n.number, n.due INTO v_number, v_due FROM new_rows n WHERE n.due > cobranza.today() ORDER BY n.due DESC LIMIT 1;
    ELSE
        SELECT n.number, n.due INTO v_number, v_due FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
         WHERE n.due > cobranza.today() AND n.due IS DISTINCT FROM o.due ORDER BY n.due DESC LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_due_check', COLUMN = 'due',
            MESSAGE = format('due: %s is in the future: only overdue invoices can be placed (invoice %s)', v_due, v_number);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoice_overdue_insert AFTER INSERT ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_overdue_check();
CREATE TRIGGER invoice_overdue_update AFTER UPDATE ON cobranza.invoice
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_overdue_check();

RESET ROLE;

-- Existing rows first, so a refusal says what to fix instead of a bare constraint name.
DO $$
DECLARE
    v_tenants bigint := (SELECT count(*) FROM cobranza.tenant WHERE NOT cobranza.tax_id_is_valid(country, tax_id));
    v_debtors bigint := (SELECT count(*) FROM cobranza.debtor WHERE NOT cobranza.tax_id_is_valid(country, tax_id));
    v_foreign bigint := (SELECT count(*) FROM cobranza.debtor d JOIN cobranza.tenant t ON t.id = d.tenant_id WHERE d.country <> t.country);
    v_future bigint := (SELECT count(*) FROM cobranza.invoice WHERE due > current_date);
BEGIN
    IF v_tenants + v_debtors + v_foreign + v_future > 0 THEN
        RAISE EXCEPTION 'placement rules: % client(s) and % debtor(s) with an invalid tax id, % debtor(s) of another country than their client, % invoice(s) not yet due; correct them, then migrate again',
            v_tenants, v_debtors, v_foreign, v_future;
    END IF;
END
$$;

ALTER TABLE cobranza.tenant ADD CONSTRAINT tenant_tax_id_valid_check CHECK (cobranza.tax_id_is_valid(country, tax_id));
ALTER TABLE cobranza.debtor ADD CONSTRAINT debtor_tax_id_valid_check CHECK (cobranza.tax_id_is_valid(country, tax_id));
ALTER TABLE cobranza.tenant ADD CONSTRAINT tenant_id_country_key UNIQUE (id, country);
ALTER TABLE cobranza.debtor ADD CONSTRAINT debtor_tenant_country_fkey
    FOREIGN KEY (tenant_id, country) REFERENCES cobranza.tenant (id, country);
