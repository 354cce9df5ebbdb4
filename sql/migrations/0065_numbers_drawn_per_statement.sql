-- 0065_numbers_drawn_per_statement: a placement of 100,000 debtors draws its numbers in one pass
-- (issue 20, items 3 and 4).
--
-- Case numbers (0002/0010) and the per-client submission and import batch numbers (0019) were
-- each drawn by an upsert of one counter row per inserted row. In one transaction every upsert
-- of the same row adds a version that cannot be pruned, and the next upsert walks past them all:
-- 10,000 submissions inserted by one statement cost 9 s, 20,000 cost 20 s, most of a large
-- placement's import and most of accepting it as a batch.
--
-- Now the first row of a statement draws its number from the counter as before (the upsert that
-- creates or bumps the row and locks it until the transaction ends, so concurrent inserts still
-- queue there), and the statement's next rows count on from it in a transaction-local setting
-- (cobranza.drawn_<series>_<key>). An AFTER STATEMENT trigger then checks, against the counter
-- row it locks, that the statement's numbers are exactly the counter's last value and the ones
-- right after it, each once, writes the last of them to the counter in one update and clears the
-- setting. Nobody chooses a number: a setting changed before or during the statement (set_config
-- is open to everyone) gives numbers that do not start at the counter's value, or that repeat or
-- skip, and the statement is refused (or a number already taken meets its unique key). A
-- rolled-back statement or savepoint takes its numbers, its counter update and the setting back
-- with it, so the series stay gapless.
--
-- Replaces the bodies of 0010's collection_case_number() and 0019's client_number() (same
-- signatures) and adds two statement triggers.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.client_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_key   text := format('cobranza.drawn_%s_%s', TG_TABLE_NAME, NEW.tenant_id);
    v_drawn text := current_setting(v_key, true);
BEGIN
    IF v_drawn IS NULL OR v_drawn = '' THEN
        INSERT INTO cobranza.client_number_counter AS c (tenant_id, series, last_value)
        VALUES (NEW.tenant_id, TG_TABLE_NAME, 1)
            ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = c.last_value + 1
            RETURNING c.last_value INTO NEW.number;
    ELSE
        NEW.number := v_drawn::integer + 1;
    END IF;
    PERFORM set_config(v_key, NEW.number::text, true);
    RETURN NEW;
END
$$;

-- After each statement that inserted submissions or import batches: per client, the numbers
-- drawn are the counter's value and the ones right after it; the counter takes the last.
CREATE FUNCTION cobranza.client_numbers_drawn() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    r      record;
    v_key  text;
    v_last integer;
BEGIN
    FOR r IN SELECT tenant_id, min(number) AS lo, max(number) AS hi, count(*) AS n, count(DISTINCT number) AS d
               FROM new_rows GROUP BY tenant_id LOOP
        v_key := format('cobranza.drawn_%s_%s', TG_TABLE_NAME, r.tenant_id);
        SELECT last_value INTO v_last FROM cobranza.client_number_counter
         WHERE tenant_id = r.tenant_id AND series = TG_TABLE_NAME FOR UPDATE;
        IF v_last IS DISTINCT FROM r.lo OR r.d <> r.n OR r.hi - r.lo + 1 <> r.n
           OR coalesce(current_setting(v_key, true), '') <> r.hi::text THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'number', TABLE = TG_TABLE_NAME,
                MESSAGE = format('%s numbers are drawn from the counter, one after another: %s to %s are not',
                                 replace(TG_TABLE_NAME, '_', ' '), r.lo, r.hi);
        END IF;
        UPDATE cobranza.client_number_counter SET last_value = r.hi
         WHERE tenant_id = r.tenant_id AND series = TG_TABLE_NAME AND last_value <> r.hi;
        PERFORM set_config(v_key, '', true);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER submission_numbers_drawn AFTER INSERT ON cobranza.submission
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.client_numbers_drawn();
CREATE TRIGGER import_batch_numbers_drawn AFTER INSERT ON cobranza.import_batch
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.client_numbers_drawn();

CREATE OR REPLACE FUNCTION cobranza.collection_case_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_year  integer := extract(year FROM cobranza.today())::integer;
    v_key   text := 'cobranza.drawn_case_' || v_year;
    v_drawn text := current_setting(v_key, true);
    v_value integer;
BEGIN
    IF v_drawn IS NULL OR v_drawn = '' THEN
        NEW.number := cobranza.next_case_number(cobranza.today());
        v_value := substring(NEW.number FROM 8)::integer;
    ELSE
        v_value := v_drawn::integer + 1;
        -- As case_counter_last_value_check says it: six digits a year.
        IF v_value > 999999 THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_counter_last_value_check',
                MESSAGE = format('the case numbers of %s are used up (999999)', v_year);
        END IF;
        NEW.number := format('C-%s-%s', lpad(v_year::text, 4, '0'), lpad(v_value::text, 6, '0'));
    END IF;
    PERFORM set_config(v_key, v_value::text, true);
    RETURN NEW;
END
$$;

-- After each statement that inserted cases: per year whose numbers this statement drew, they
-- are the counter's value and the ones right after it; the counter takes the last.
CREATE FUNCTION cobranza.case_numbers_drawn() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    r      record;
    v_key  text;
    v_last integer;
BEGIN
    FOR r IN SELECT substring(number FROM 3 FOR 4)::integer AS year, min(substring(number FROM 8)::integer) AS lo,
                    max(substring(number FROM 8)::integer) AS hi, count(*) AS n, count(DISTINCT number) AS d
               FROM new_rows GROUP BY 1 LOOP
        v_key := 'cobranza.drawn_case_' || r.year;
        SELECT last_value INTO v_last FROM cobranza.case_counter WHERE year = r.year FOR UPDATE;
        IF v_last IS DISTINCT FROM r.lo OR r.d <> r.n OR r.hi - r.lo + 1 <> r.n
           OR coalesce(current_setting(v_key, true), '') <> r.hi::text THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'number', TABLE = 'collection_case',
                MESSAGE = format('case numbers are drawn from the counter, one after another: C-%s-%s to C-%s-%s are not',
                                 r.year, lpad(r.lo::text, 6, '0'), r.year, lpad(r.hi::text, 6, '0'));
        END IF;
        UPDATE cobranza.case_counter SET last_value = r.hi WHERE year = r.year AND last_value <> r.hi;
        PERFORM set_config(v_key, '', true);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER collection_case_numbers_drawn AFTER INSERT ON cobranza.collection_case
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.case_numbers_drawn();

REVOKE EXECUTE ON FUNCTION cobranza.client_numbers_drawn(), cobranza.case_numbers_drawn() FROM PUBLIC;

RESET ROLE;
