-- 0095_invoice_totals_bound_grouped: the bound on a submission's invoices (0016) summed in one
-- grouped pass instead of one lookup per submission (issue 20, item 3).
--
-- invoice_totals_bound summed each submission the statement touched by its own subquery: a
-- 200,000-row placement ran 20,000 bitmap scans of invoice (about 2 s, a fifth of the invoice
-- insert). When the statement's rows are of one client and its submissions lie close together
-- (an import's are numbered in one run), the invoices between the lowest and the highest
-- submission written are now summed in one pass, grouped by submission, and a submission over
-- the bound is looked for among those the statement wrote. Otherwise (rows of several clients,
-- submissions far apart) each submission is still summed by its own lookup. The rule, the
-- SQLSTATE and the message are unchanged; the case half is untouched (an import writes no case).

SET LOCAL ROLE cobranza_owner;

-- The range is read by index, in submission order, so the sums need no sort: invoices written a
-- moment ago have no statistics, and planned as "1 row" the range went through a bitmap scan and
-- a sort that spilled to disk.
CREATE OR REPLACE FUNCTION cobranza.invoice_totals_bound() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET enable_bitmapscan = off SET enable_sort = off AS $$
DECLARE
    v            record;
    v_rows       bigint;
    v_tenant     bigint;
    v_tenant_top bigint;
    v_low        bigint;
    v_high       bigint;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id)
      INTO v_rows, v_tenant, v_tenant_top, v_low, v_high
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_tenant_top AND v_high - v_low < 4 * v_rows THEN
        -- One scan of the range, summed by submission with no join (a join planned on a fresh
        -- table's missing statistics ran as a nested loop over the statement's rows); only a
        -- submission over the bound is then looked for among the rows written.
        SELECT 'submission ' || g.submission_id AS what, g.currency INTO v
          FROM (SELECT i.submission_id, min(i.currency) AS currency
                  FROM cobranza.invoice i
                 WHERE i.tenant_id = v_tenant AND i.submission_id BETWEEN v_low AND v_high
                 GROUP BY i.submission_id
                HAVING sum(i.amount) > 1000000000000000) g
         WHERE EXISTS (SELECT 1 FROM new_rows n WHERE n.submission_id = g.submission_id)
         LIMIT 1;
    ELSE
        SELECT 'submission ' || n.submission_id AS what, n.currency INTO v
          FROM (SELECT DISTINCT tenant_id, submission_id, currency FROM new_rows) n
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.submission_id = n.submission_id) > 1000000000000000
         LIMIT 1;
    END IF;
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

RESET ROLE;
