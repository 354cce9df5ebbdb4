-- 0009_audit_id_ranges: the statement audit names the rows it saw by runs of ids, and a trigger
-- may leave bulky columns out of the rows it copies.
--
-- audit_insert_statement (0002) wrote every new id into one JSON array per tenant: a
-- 1,000,000-invoice placement wrote an audit row of about 8 MB and spent 2.7 s building it
-- (scripts/bench intake). The ids a statement inserts are consecutive runs of one identity, so
-- 'id_ranges' lists each run as [first, last]: the same ids, a few bytes. (Rows written before
-- this migration keep their 'ids' list.) The rows themselves are still copied when a tenant's
-- share of the statement is at most 100 rows; the trigger's arguments name columns to leave out
-- of that copy: fee_document's payment ids and case labels, which the document itself keeps
-- unchangeable, and which took a sixth of a month-end invoicing run to turn into JSON.

SET LOCAL ROLE cobranza_owner;

-- The statement is static when the trigger names no columns (every payment runs it: planning it
-- anew each time would cost a payment a third more); with columns to leave out, the copy's
-- column list is built from the catalog, so the bulky columns are never turned into JSON. Both
-- read new_rows twice: once for each tenant's runs of ids, once for the rows of small shares.
CREATE OR REPLACE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
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
        copies AS (
                SELECT nr.tenant_id, jsonb_agg(to_jsonb(nr) ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM shares s WHERE s.n <= 100)
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
        copies AS (
                SELECT nr.tenant_id, jsonb_agg((SELECT to_jsonb(x) FROM (SELECT %s) x) ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM shares s WHERE s.n <= 100)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, $1, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id
        $sql$, v_columns) USING TG_TABLE_NAME;
    RETURN NULL;
END
$$;

DROP TRIGGER fee_document_audit_insert ON cobranza.fee_document;
CREATE TRIGGER fee_document_audit_insert AFTER INSERT ON cobranza.fee_document
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement('payment_ids', 'case_labels');

RESET ROLE;
