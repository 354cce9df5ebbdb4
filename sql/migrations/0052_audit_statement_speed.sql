-- 0052_audit_statement_speed: the statement audit of a large insert over many clients, fast.
--
-- audit_insert_statement (0009) picks the clients whose rows it copies whole (at most 100) with
-- `tenant_id IN (SELECT … FROM shares …)`. A transition table is planned as one row, so that ran
-- as a nested loop rescanning `shares` once per inserted row, and each `shares` row carries the
-- client's id ranges as jsonb: the strategy run's 100,000 rows over 200 clients cost about 54 s
-- per audited table (scripts/bench strategy). The clients copied whole are now their own small
-- materialized list. Same rows written to audit_log; only the plan changes.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $_$
DECLARE
    v_columns text;
BEGIN
    IF TG_NARGS = 0 THEN
        WITH shares AS (
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS (
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
    SELECT string_agg(format('nr.%I', a.attname), ', ' ORDER BY a.attnum) INTO v_columns
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (TG_ARGV);
    IF v_columns IS NULL OR EXISTS (
        SELECT 1 FROM unnest(TG_ARGV) AS x(name)
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                            WHERE a.attrelid = TG_RELID AND a.attname = x.name AND a.attnum > 0 AND NOT a.attisdropped)) THEN
        RAISE EXCEPTION 'audit_insert_statement on %: % must name some, not all, of its columns', TG_TABLE_NAME, TG_ARGV;
    END IF;
    EXECUTE format($sql$
        WITH shares AS (
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS (
                SELECT nr.tenant_id, jsonb_agg((SELECT to_jsonb(x) FROM (SELECT %s) x) ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT m.tenant_id FROM small m)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, $1, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id
        $sql$, v_columns) USING TG_TABLE_NAME;
    RETURN NULL;
END
$_$;

RESET ROLE;
