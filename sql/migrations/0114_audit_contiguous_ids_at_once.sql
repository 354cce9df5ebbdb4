-- 0114_audit_contiguous_ids_at_once: the statement audit says a client's rows are one id range
-- without sorting them when their ids are contiguous (issue 20, item 3).
--
-- audit_insert_statement (0052, 0091) writes each client's share of a statement as its count and
-- its id ranges, found by numbering the rows in id order (a sort and a window over every row).
-- The rows of one INSERT ... SELECT draw their ids one after another, so a client's ids are
-- usually one run: when max - min + 1 equals the count, they are exactly [min, max] (ids are
-- unique within a client: every audited table's primary key is (tenant_id, id)). That is now
-- found by one grouping; only the clients whose ids have gaps are numbered as before. For the
-- 200,000 invoices of a placement the sort and window were most of the audit's 120-290 ms. Same
-- rows written to audit_log; only the work changes.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0091 (its current definition): `spans` first, the window only for clients
-- whose ids have gaps, in both forms.
CREATE OR REPLACE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $_$
DECLARE
    v_columns text;
BEGIN
    IF TG_NARGS = 0 THEN
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
