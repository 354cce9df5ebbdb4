-- 0106_run_keys_checked_per_statement: the foreign keys of what a strategy run writes, checked
-- once per statement instead of once per row (issue 17 item 5).
--
-- A run that queues 100,000 messages wrote 200,000 rows (the step done, the message) and ran
-- 600,000 foreign-key checks, one lookup and one row lock each: 3.3 s of a 15 s run, twice the
-- whole bare SQL the bench holds it to. As 0066 did for invoice -> submission, each of these keys
-- is now one anti-join over the statement's new rows, for every writer, with the SQLSTATE, the
-- constraint name and the message the foreign key gave:
--   outbound_message (tenant_id, case_id) -> collection_case, (tenant_id, debtor_id) -> debtor,
--     (step_id) -> strategy_step, (tenant_id, event_id) -> case_event;
--   strategy_case_step (tenant_id, case_id) -> collection_case, (step_id) -> strategy_step.
-- The foreign key locked each referenced row (FOR KEY SHARE) so that no one could delete or re-key
-- it before the insert committed; that lock was most of the cost. Here the referenced rows can't
-- go at all: a case is closed and a debtor kept, never deleted, and neither changes its key (a
-- ladder's step was never deleted nor edited already, 0050, and a case event never changed). Only
-- the owner had those privileges; now no one has, so a row the check sees stays, with no lock.
-- TRUNCATE of a referenced table is refused too. An UPDATE of a key column of the referencing
-- table is checked row by row (only the delivery worker's outbox_settle sets one: event_id).
--
-- keys_present is generic, told the constraint, the tables and the columns by its triggers'
-- arguments: identifiers written by the owner in this file, quoted with %I, never a
-- value.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.outbound_message
    DROP CONSTRAINT outbound_message_case_fkey,
    DROP CONSTRAINT outbound_message_debtor_fkey,
    DROP CONSTRAINT outbound_message_step_fkey,
    DROP CONSTRAINT outbound_message_event_fkey;
ALTER TABLE cobranza.strategy_case_step
    DROP CONSTRAINT strategy_case_step_case_fkey,
    DROP CONSTRAINT strategy_case_step_step_fkey;
-- These served the step keys' other side (a step deleted or re-keyed), which is now refused
-- outright; nothing looks a step's cases or messages up by the step alone.
DROP INDEX cobranza.strategy_case_step_step_id_idx;
DROP INDEX cobranza.outbound_message_step_id_idx;

-- Arguments: constraint, referenced table, referencing columns, referenced columns (the column
-- lists comma-separated, in the same order). A row with a NULL in its key is not checked, as
-- MATCH SIMPLE does not check it.
CREATE FUNCTION cobranza.keys_present() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_child   text[] := string_to_array(TG_ARGV[2], ',');
    v_parent  text[] := string_to_array(TG_ARGV[3], ',');
    v_columns text;
    v_set     text;
    v_match   text;
    v_keys    bigint;
    v_found   bigint;
    v_missing text;
BEGIN
    SELECT string_agg(format('n.%I', c), ', '), string_agg(format('n.%I IS NOT NULL', c), ' AND '),
           string_agg(format('p.%I = n.%I', p, c), ' AND ')
      INTO v_columns, v_set, v_match
      FROM unnest(v_child, v_parent) AS k(c, p);
    IF TG_LEVEL = 'STATEMENT' THEN
        -- Each distinct key once; only if fewer referenced rows are found than keys is one
        -- that is missing looked for.
        EXECUTE format('WITH keys AS MATERIALIZED (SELECT DISTINCT %1$s FROM new_rows n WHERE %2$s)
                        SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM cobranza.%3$I p JOIN keys n ON %4$s)',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_keys, v_found;
        IF v_keys = v_found THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT concat_ws('', '', %1$s) FROM new_rows n
                         WHERE %2$s AND NOT EXISTS (SELECT 1 FROM cobranza.%3$I p WHERE %4$s) LIMIT 1',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_missing;
    ELSE
        EXECUTE format('SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM cobranza.%3$I p WHERE %4$s)
                                    THEN concat_ws('', '', %1$s) END
                          FROM (SELECT ($1).*) n WHERE %2$s',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_missing USING NEW;
    END IF;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0],
            TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            MESSAGE = format('insert or update on table "%s" violates foreign key constraint "%s"', TG_TABLE_NAME, TG_ARGV[0]),
            DETAIL = format('Key (%s)=(%s) is not present in table "%s".', array_to_string(v_child, ', '), v_missing, TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION cobranza.keys_present() FROM PUBLIC;

-- A referenced row stays, with its key.
CREATE FUNCTION cobranza.refuse_key_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
        MESSAGE = format('%s keeps its rows and their keys: %s', TG_TABLE_NAME, TG_ARGV[0]);
END
$$;
REVOKE EXECUTE ON FUNCTION cobranza.refuse_key_change() FROM PUBLIC;

CREATE TRIGGER collection_case_kept BEFORE DELETE OR TRUNCATE ON cobranza.collection_case
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a case is closed, never deleted');
CREATE TRIGGER collection_case_key_kept BEFORE UPDATE OF tenant_id, id ON cobranza.collection_case
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id) IS DISTINCT FROM (NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION cobranza.refuse_key_change('a case keeps its client and its id');
CREATE TRIGGER debtor_kept BEFORE DELETE OR TRUNCATE ON cobranza.debtor
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a debtor is kept, never deleted');
CREATE TRIGGER debtor_key_kept BEFORE UPDATE OF tenant_id, id ON cobranza.debtor
    FOR EACH ROW WHEN ((OLD.tenant_id, OLD.id) IS DISTINCT FROM (NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION cobranza.refuse_key_change('a debtor keeps its client and its id');

-- The checks: on insert, per statement; on an update of the key, per row.
DO $$
DECLARE
    k      record;
    v_args text;
BEGIN
    FOR k IN SELECT * FROM (VALUES
        ('outbound_message_case_fkey', 'outbound_message', '{tenant_id,case_id}'::text[], 'collection_case', '{tenant_id,id}'::text[]),
        ('outbound_message_debtor_fkey', 'outbound_message', '{tenant_id,debtor_id}', 'debtor', '{tenant_id,id}'),
        ('outbound_message_step_fkey', 'outbound_message', '{step_id}', 'strategy_step', '{id}'),
        ('outbound_message_event_fkey', 'outbound_message', '{tenant_id,event_id}', 'case_event', '{tenant_id,id}'),
        ('strategy_case_step_case_fkey', 'strategy_case_step', '{tenant_id,case_id}', 'collection_case', '{tenant_id,id}'),
        ('strategy_case_step_step_fkey', 'strategy_case_step', '{step_id}', 'strategy_step', '{id}'))
        AS x(name, child, child_columns, parent, parent_columns)
    LOOP
        v_args := format('%L, %L, %L, %L', k.name, k.parent, array_to_string(k.child_columns, ','), array_to_string(k.parent_columns, ','));
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cobranza.%I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present(%s)', k.name || '_check', k.child, v_args);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF %s ON cobranza.%I FOR EACH ROW WHEN ((%s) IS DISTINCT FROM (%s))
                        EXECUTE FUNCTION cobranza.keys_present(%s)', k.name || '_update_check',
                       (SELECT string_agg(format('%I', c), ', ') FROM unnest(k.child_columns) c), k.child,
                       (SELECT string_agg(format('OLD.%I', c), ', ') FROM unnest(k.child_columns) c),
                       (SELECT string_agg(format('NEW.%I', c), ', ') FROM unnest(k.child_columns) c), v_args);
    END LOOP;
END
$$;

RESET ROLE;
