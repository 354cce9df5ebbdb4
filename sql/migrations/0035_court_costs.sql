-- 0035_court_costs: issue 16, item 3. Court costs go somewhere.
--
-- A cost recorded on a referral (referral update --cost) was kept and shown to staff, and then
-- nothing: nobody was billed for it. A client's contract now says who bears them
-- (court_costs: client, the usual pass-through and the default; debtor; or agency, which
-- absorbs them), and whether a cost billed to the client carries VAT (court_costs_vat, default
-- no: a pass-through of what a court or receptor charged is not the agency's service).
--
--   * Each cost freezes who bears it when it is recorded (court_cost.borne_by, from the contract
--     in force on the day it was incurred; court_cost_prepare sets it, no grant names it), so a
--     later contract version does not move a cost already recorded.
--   * client: the next `fee invoice issue` bills every unbilled client-borne cost incurred up to
--     the end of the period as its own lines (fee_document.cost_ids, costs, cost_vat_bp; the
--     document's vat is the fees' plus the costs' at cost_vat_bp, its total subtotal + costs +
--     vat). Only issue_fee_invoices (owner) writes those columns: no grant names them. A cost is
--     billed while a standing document names it (billed_court_cost), under the billing lock, as
--     payments are; voiding the invoice credits its costs too (fee_document_void_costs) and
--     frees them for the next invoice.
--   * agency: absorbed; shown for information.
--   * debtor: owed by the debtor after the invoices, earning no fee (0036_debtor_court_costs).
-- Costs recorded before this migration are the client's: the term's default.

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- The term
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.contract
    ADD COLUMN court_costs text NOT NULL DEFAULT 'client'
        CONSTRAINT contract_court_costs_check CHECK (court_costs IN ('client', 'debtor', 'agency')),
    ADD COLUMN court_costs_vat boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT contract_court_costs_text CHECK (cobranza.single_line(court_costs, 'court_costs'));

GRANT INSERT (court_costs, court_costs_vat) ON cobranza.contract TO cobranza_admin;

------------------------------------------------------------------------------------------------
-- Who bears a cost, frozen when it is recorded
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.court_cost
    ADD COLUMN borne_by text NOT NULL DEFAULT 'client'
        CONSTRAINT court_cost_borne_by_check CHECK (borne_by IN ('client', 'debtor', 'agency')),
    ADD CONSTRAINT court_cost_borne_by_text CHECK (cobranza.single_line(borne_by, 'borne_by'));
ALTER TABLE cobranza.court_cost ALTER COLUMN borne_by DROP DEFAULT;

-- 0012's, and the bearer from the contract in force on the day the cost was incurred.
CREATE OR REPLACE FUNCTION cobranza.court_cost_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a court cost');
    NEW.currency := v_case.currency;
    IF NEW.incurred_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'court_cost_incurred_on_check',
            COLUMN = 'incurred_on', MESSAGE = format('incurred_on: %s is in the future', NEW.incurred_on);
    END IF;
    NEW.borne_by := coalesce((cobranza.contract_on(NEW.tenant_id, NEW.incurred_on)).court_costs, 'client');
    RETURN NEW;
END
$$;

------------------------------------------------------------------------------------------------
-- Cost lines on fee documents
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.fee_document
    ADD COLUMN cost_ids    bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN costs       bigint   NOT NULL DEFAULT 0,
    ADD COLUMN cost_vat_bp integer  NOT NULL DEFAULT 0
        CONSTRAINT fee_document_cost_vat_bp_check CHECK (cost_vat_bp BETWEEN 0 AND 10000),
    ADD CONSTRAINT fee_document_cost_ids_check
        CHECK (cardinality(cost_ids) = 0 OR (array_ndims(cost_ids) = 1 AND array_position(cost_ids, NULL) IS NULL)),
    DROP CONSTRAINT fee_document_total_check,
    ADD CONSTRAINT fee_document_total_check
        CHECK (total = subtotal + costs + vat
               AND vat = cobranza.apply_rate(vat_bp, subtotal) + cobranza.apply_rate(cost_vat_bp, costs)),
    DROP CONSTRAINT fee_document_kind_shape_check,
    ADD CONSTRAINT fee_document_kind_shape_check CHECK (
        CASE kind WHEN 'invoice' THEN voids_id IS NULL AND reason IS NULL AND period IS NOT NULL
                                      AND subtotal >= 0 AND costs >= 0 AND subtotal + costs > 0
                  ELSE reason IS NOT NULL AND period IS NULL AND subtotal <= 0 AND costs <= 0 END);
ALTER TABLE cobranza.fee_document ALTER COLUMN cost_ids SET STORAGE EXTERNAL;

-- 0008's standing documents, re-expanded so they carry the new columns (d.* was expanded when
-- the view was made).
CREATE OR REPLACE VIEW cobranza.standing_fee_document WITH (security_invoker = true) AS
    SELECT d.*
      FROM cobranza.fee_document d
     WHERE d.voids_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.fee_document v
                        WHERE v.tenant_id = d.tenant_id AND v.voids_id = d.id);

-- issue_fee_invoices (owner) reads the costs it bills.
CREATE POLICY court_cost_owner_read ON cobranza.court_cost FOR SELECT TO cobranza_owner USING (true);

-- A cost is billed while a standing document names it; voiding the invoice frees it.
CREATE VIEW cobranza.billed_court_cost WITH (security_invoker = true) AS
    SELECT d.tenant_id, u.cost_id, d.id AS document_id, d.number
      FROM cobranza.standing_fee_document d
     CROSS JOIN LATERAL unnest(d.cost_ids) AS u(cost_id);

-- One line per court cost a document bills (an invoice) or credits (a voiding credit note,
-- negated), after its payment lines: by date incurred, case number, cost id.
CREATE VIEW cobranza.fee_document_cost_line WITH (security_invoker = true) AS
    SELECT d.tenant_id, d.id AS document_id,
           row_number() OVER (PARTITION BY d.tenant_id, d.id
                              ORDER BY k.incurred_on, d.case_labels -> k.case_id::text ->> 0, k.id)::integer AS line_no,
           k.id AS cost_id,
           d.case_labels -> k.case_id::text ->> 0 AS case_number,
           d.case_labels -> k.case_id::text ->> 1 AS debtor_name,
           k.incurred_on, k.note,
           CASE WHEN d.kind = 'credit_note' THEN -k.amount ELSE k.amount END AS amount,
           d.cost_vat_bp
      FROM cobranza.fee_document d
     CROSS JOIN LATERAL unnest(d.cost_ids) AS u(cost_id)
      JOIN cobranza.court_cost k ON k.tenant_id = d.tenant_id AND k.id = u.cost_id;

-- A voiding credit note credits the invoice's costs as it credits its fees: whoever issues it
-- (issue_credit_note computes the fees' part), the costs, their VAT and the total follow the
-- voided invoice here. Nobody else names costs on a document (no grant does).
CREATE FUNCTION cobranza.fee_document_void_costs() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_invoice record;
BEGIN
    SELECT d.cost_ids, d.costs, d.cost_vat_bp INTO v_invoice FROM cobranza.fee_document d
     WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.voids_id;
    IF FOUND AND v_invoice.costs <> 0 THEN
        NEW.cost_ids := v_invoice.cost_ids;
        NEW.costs := -v_invoice.costs;
        NEW.cost_vat_bp := v_invoice.cost_vat_bp;
        NEW.vat := NEW.vat + cobranza.apply_rate(NEW.cost_vat_bp, NEW.costs);
        NEW.total := NEW.total + NEW.costs + cobranza.apply_rate(NEW.cost_vat_bp, NEW.costs);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fee_document_void_costs BEFORE INSERT ON cobranza.fee_document
    FOR EACH ROW WHEN (NEW.kind = 'credit_note' AND NEW.voids_id IS NOT NULL)
    EXECUTE FUNCTION cobranza.fee_document_void_costs();

-- A case label for every case a cost line names as well (the payments' check covers theirs).
-- Only the owner writes cost_ids, but a label missing would print a line without its case.
ALTER TABLE cobranza.fee_document ADD CONSTRAINT fee_document_cost_labels_check CHECK (costs = 0 OR case_labels <> '{}');

------------------------------------------------------------------------------------------------
-- Issuing bills the client's costs
------------------------------------------------------------------------------------------------
-- 0012's, with the unbilled client-borne costs incurred up to the end of the period as lines
-- of their own (cost_ids, costs) at the contract's cost VAT (0 unless court_costs_vat), and a
-- client with costs but no fees gets an invoice for the costs alone. Returns the costs too.
DROP FUNCTION cobranza.issue_fee_invoices(text, text);
CREATE FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text)
    RETURNS TABLE (number text, client_code text, currency char(3), lines integer, subtotal bigint, costs bigint, vat bigint,
                   total bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
    SET work_mem = '64MB'
    SET jit = off
AS $$
DECLARE
    v_end    date;
    v_on     date := cobranza.today();
    v_tenant bigint;
BEGIN
    -- Row-level security no longer stands behind this check, so it asks what the policies asked:
    -- an enabled admin person of this database (EXECUTE goes to the cluster-wide group).
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only agency admins can issue fee invoices';
    END IF;
    IF p_period IS NULL OR p_period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            COLUMN = 'period', MESSAGE = format('period: "%s" is not a month (write YYYY-MM)', cobranza.quote_for_message(p_period));
    END IF;
    v_end := (p_period || '-01')::date + interval '1 month' - interval '1 day';
    IF p_client IS NOT NULL THEN
        SELECT t.id INTO v_tenant FROM cobranza.tenant t WHERE t.code = upper(p_client);
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found',
                COLUMN = 'client', MESSAGE = format('client: no client "%s"', cobranza.quote_for_message(p_client));
        END IF;
    END IF;
    PERFORM cobranza.lock_billing();

    RETURN QUERY
    WITH per_case AS MATERIALIZED (
        SELECT p.tenant_id, p.currency, p.case_id, sum(p.fee)::bigint AS subtotal, array_agg(p.id) AS ids
          FROM cobranza.payment p
         WHERE (v_tenant IS NULL OR p.tenant_id = v_tenant)
           AND p.paid_on <= v_end AND p.fee <> 0 AND p.reverses_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM cobranza.payment r
                            WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id AND r.reverses_id IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM cobranza.billed_payment b WHERE b.tenant_id = p.tenant_id AND b.payment_id = p.id)
         GROUP BY p.tenant_id, p.currency, p.case_id
    ),
    cost AS MATERIALIZED (
        SELECT k.tenant_id, k.currency, k.case_id, k.id, k.amount
          FROM cobranza.court_cost k
         WHERE (v_tenant IS NULL OR k.tenant_id = v_tenant)
           AND k.borne_by = 'client' AND k.incurred_on <= v_end
           AND NOT EXISTS (SELECT 1 FROM cobranza.billed_court_cost b WHERE b.tenant_id = k.tenant_id AND b.cost_id = k.id)
    ),
    labelled AS MATERIALIZED (
        SELECT x.tenant_id, x.currency, jsonb_object_agg(x.case_id::text, jsonb_build_array(c.number, de.name)) AS case_labels
          FROM (SELECT pc.tenant_id, pc.currency, pc.case_id FROM per_case pc
                UNION SELECT k.tenant_id, k.currency, k.case_id FROM cost k) x
          JOIN cobranza.collection_case c ON c.tenant_id = x.tenant_id AND c.id = x.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
         GROUP BY x.tenant_id, x.currency
    ),
    drafts AS MATERIALIZED (
        SELECT l.tenant_id, l.currency, l.case_labels,
               coalesce(f.subtotal, 0)::bigint AS subtotal, coalesce(x.payment_ids, '{}') AS payment_ids,
               coalesce(k.costs, 0)::bigint AS costs, coalesce(k.cost_ids, '{}') AS cost_ids
          FROM labelled l
          LEFT JOIN (SELECT pc.tenant_id, pc.currency, sum(pc.subtotal) AS subtotal
                       FROM per_case pc GROUP BY pc.tenant_id, pc.currency) f
                 ON f.tenant_id = l.tenant_id AND f.currency = l.currency
          LEFT JOIN (SELECT pc.tenant_id, pc.currency, array_agg(u.id) AS payment_ids
                       FROM per_case pc CROSS JOIN LATERAL unnest(pc.ids) AS u(id)
                      GROUP BY pc.tenant_id, pc.currency) x ON x.tenant_id = l.tenant_id AND x.currency = l.currency
          LEFT JOIN (SELECT k.tenant_id, k.currency, sum(k.amount) AS costs, array_agg(k.id ORDER BY k.id) AS cost_ids
                       FROM cost k GROUP BY k.tenant_id, k.currency) k
                 ON k.tenant_id = l.tenant_id AND k.currency = l.currency
    ),
    numbered AS MATERIALIZED (
        SELECT d.tenant_id, d.currency, t.code, k.vat_bp,
               CASE WHEN k.court_costs_vat THEN k.vat_bp ELSE 0 END AS cost_vat_bp,
               row_number() OVER (ORDER BY t.code, d.currency)::integer AS rn
          FROM (SELECT dr.tenant_id, dr.currency FROM drafts dr) d
          JOIN cobranza.tenant t ON t.id = d.tenant_id
          CROSS JOIN LATERAL (SELECT c.vat_bp, c.court_costs_vat FROM cobranza.contract c
                               WHERE c.tenant_id = d.tenant_id AND c.effective_on <= v_on
                               ORDER BY c.version DESC LIMIT 1) k
    ),
    first_number AS (
        SELECT cobranza.reserve_fee_numbers('F', v_on, (SELECT count(*)::integer FROM numbered)) AS value
    ),
    documents AS (
        INSERT INTO cobranza.fee_document AS d (tenant_id, kind, number, currency, issued_on, period, subtotal, vat_bp, vat, total,
                                                payment_ids, case_labels, cost_ids, costs, cost_vat_bp)
        SELECT g.tenant_id, 'invoice', cobranza.fee_number('F', v_on, f.value + n.rn - 1), g.currency, v_on, p_period,
               g.subtotal, n.vat_bp, cobranza.apply_rate(n.vat_bp, g.subtotal) + cobranza.apply_rate(n.cost_vat_bp, g.costs),
               g.subtotal + g.costs + cobranza.apply_rate(n.vat_bp, g.subtotal) + cobranza.apply_rate(n.cost_vat_bp, g.costs),
               g.payment_ids, g.case_labels, g.cost_ids, g.costs, n.cost_vat_bp
          FROM drafts g
          JOIN numbered n ON n.tenant_id = g.tenant_id AND n.currency = g.currency
          CROSS JOIN first_number f
        RETURNING d.tenant_id, d.currency, d.number, cardinality(d.payment_ids) + cardinality(d.cost_ids) AS lines,
                  d.subtotal, d.costs, d.vat, d.total
    )
    SELECT d.number, n.code, d.currency, d.lines, d.subtotal, d.costs, d.vat, d.total
      FROM documents d
      JOIN numbered n ON n.tenant_id = d.tenant_id AND n.currency = d.currency
     ORDER BY d.number;
END
$$;

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC)
------------------------------------------------------------------------------------------------
REVOKE ALL ON cobranza.billed_court_cost, cobranza.fee_document_cost_line FROM PUBLIC;
GRANT SELECT ON cobranza.billed_court_cost, cobranza.fee_document_cost_line
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
REVOKE EXECUTE ON FUNCTION cobranza.issue_fee_invoices(text, text), cobranza.fee_document_void_costs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.issue_fee_invoices(text, text) TO cobranza_admin;

RESET ROLE;
