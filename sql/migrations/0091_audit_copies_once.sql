-- 0091_audit_copies_once: the statement audit copies each small client's rows once.
--
-- audit_insert_statement (0052) copies whole the rows of clients with at most 100 rows in the
-- statement. The copies were joined to the per-client summary as a subquery the planner thought
-- one row long (a transition table's estimate), so it ran the copy, every row to jsonb, once per
-- client: a strategy run of 20,000 cases over 200 clients (100 each) spent about 1.4 s per
-- thousand rows audited, quadratic in the clients (found measuring scripts/bench strategy at a
-- smaller scale; at 500 rows a client nothing is copied and it did not show). The copies are now
-- computed once (MATERIALIZED). Same rows written to audit_log; only the plan changes.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0052 (its current definition): `copies` MATERIALIZED in both forms.
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
        copies AS MATERIALIZED (
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
