-- 0116_statement_plans_for_their_own_rows: a statement trigger plans its queries for the
-- statement's own rows (issue 17, item 5).
--
-- PL/pgSQL keeps the plan of each static statement for the session, and a query over a transition
-- table is planned for that table's size the first time. The strategy run inserts its steps three
-- times: "too late" and "skipped" first, usually no rows, then the 100,000 done. The audit's
-- statement (0114) was planned on the empty one and kept: each of its two semi-joins a nested loop
-- over every row, 1.2-1.5 s of a 7.6 s run. The same happens to any session that writes a few rows
-- and then many (one invoice, then a placement). The static form is now kept for statements of at
-- most 100 rows, where any plan is cheap; a larger one runs the same query through EXECUTE, planned
-- for its rows each time. Same rows written to audit_log. The opt-out check of a message (0077), a
-- join of the new rows to the opt-outs, is planned each time too: one query, a message or many.
-- RunWritesTests.statementTriggersPlanForTheirOwnRows holds every trigger of the run's two tables
-- to plans made for their statement's rows.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0114 (its current definition).
CREATE OR REPLACE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $_$
DECLARE
    v_columns text;
    -- each row as audit_log keeps it: whole, or without the columns named
    v_row text := 'to_jsonb(nr)';
BEGIN
    -- A statement of at most 100 rows: the plan kept from whichever statement came first serves.
    IF TG_NARGS = 0 AND (SELECT count(*) FROM (SELECT FROM new_rows LIMIT 101) x) <= 100 THEN
        WITH spans AS MATERIALIZED (
                SELECT nr.tenant_id, min(nr.id) AS first, max(nr.id) AS last, count(*) AS n
                  FROM new_rows nr GROUP BY nr.tenant_id),
        shares AS (
                SELECT s.tenant_id, s.n, jsonb_build_array(jsonb_build_array(s.first, s.last)) AS id_ranges
                  FROM spans s WHERE s.last - s.first + 1 = s.n
                UNION ALL
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr
                                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM spans s WHERE s.last - s.first + 1 <> s.n)) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS MATERIALIZED (
                SELECT nr.tenant_id, jsonb_agg(to_jsonb(nr) ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT m.tenant_id FROM small m)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, TG_TABLE_NAME, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id;
        RETURN NULL;
    END IF;
    IF TG_NARGS > 0 THEN
        SELECT string_agg(format('nr.%I', a.attname), ', ' ORDER BY a.attnum) INTO v_columns
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (TG_ARGV);
        IF v_columns IS NULL OR EXISTS (
            SELECT 1 FROM unnest(TG_ARGV) AS x(name)
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = TG_RELID AND a.attname = x.name AND a.attnum > 0 AND NOT a.attisdropped)) THEN
            RAISE EXCEPTION 'audit_insert_statement on %: % must name some, not all, of its columns', TG_TABLE_NAME, TG_ARGV;
        END IF;
        v_row := format('(SELECT to_jsonb(x) FROM (SELECT %s) x)', v_columns);
    END IF;
    EXECUTE format($sql$
        WITH spans AS MATERIALIZED (
                SELECT nr.tenant_id, min(nr.id) AS first, max(nr.id) AS last, count(*) AS n
                  FROM new_rows nr GROUP BY nr.tenant_id),
        shares AS (
                SELECT s.tenant_id, s.n, jsonb_build_array(jsonb_build_array(s.first, s.last)) AS id_ranges
                  FROM spans s WHERE s.last - s.first + 1 = s.n
                UNION ALL
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr
                                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM spans s WHERE s.last - s.first + 1 <> s.n)) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS MATERIALIZED (
                SELECT nr.tenant_id, jsonb_agg(%s ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT m.tenant_id FROM small m)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, $1, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id
        $sql$, v_row) USING TG_TABLE_NAME;
    RETURN NULL;
END
$_$;

-- Redefined from 0077 (its only definition): the same check, planned for the statement's rows.
CREATE OR REPLACE FUNCTION cobranza.outbound_message_opt_out_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_channel text;
    v_case    bigint;
BEGIN
    EXECUTE $sql$
        SELECT n.channel, n.case_id
          FROM new_rows n
          JOIN cobranza.debtor_opt_out o ON o.tenant_id = n.tenant_id AND o.debtor_id = n.debtor_id AND o.channel = n.channel
         LIMIT 1
        $sql$ INTO v_channel, v_case;
    IF v_channel IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_opt_out_check', COLUMN = 'channel',
            MESSAGE = format('channel: the debtor of case %s opted out of %s', v_case, v_channel);
    END IF;
    RETURN NULL;
END
$$;

RESET ROLE;
