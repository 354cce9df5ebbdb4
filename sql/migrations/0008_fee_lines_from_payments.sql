-- 0008_fee_lines_from_payments: a fee document's lines are its payments, not copies of them.
--
-- Every line copied a payment row that can never change (payments are append-only): its date,
-- amount, stage, rate and fee. Month-end invoicing for 200 clients x 500 payments wrote 100,000
-- such rows, each with its two referential checks and index entries, and took 2.7 s where the
-- bare aggregate over the same payments takes 0.04 s (scripts/bench invoicing). A document now
-- keeps what only it knows:
--   * payment_ids: the payments it bills (an invoice) or credits (a credit note);
--   * case_labels: {case id: [case number, debtor name]} as they were at issue, so a debtor
--     renamed later does not change a document already issued.
-- cobranza.fee_document_line is now a view that reads the lines back from those payments, with
-- the same columns, order and signs as before. The database still has the last word on lines:
-- issue_fee_invoices takes ids, currency and subtotal from the one pass that selects them, and
-- for any other writer fee_document_check_lines verifies, set-wise once per statement, that every
-- id is a payment of the document's client and currency, named once, labelled, of the kind the
-- document bills or credits and billed nowhere else, and that the fees add up to the subtotal.
-- The documents already issued are converted in place, line for line, or not at all.

SET LOCAL ROLE cobranza_owner;

-- Reversals are rare; issuing leaves out reversed payments with one probe of this small index
-- instead of a second pass over every payment.
CREATE INDEX payment_tenant_id_reverses_id_idx ON cobranza.payment (tenant_id, reverses_id)
    WHERE reverses_id IS NOT NULL;

------------------------------------------------------------------------------------------------
-- The documents carry their payments; the issued ones are converted from their lines
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.fee_document ADD COLUMN payment_ids bigint[], ADD COLUMN case_labels jsonb;
-- Ids compress poorly and pglz spent more time than the rest of an issue: store them as they are.
ALTER TABLE cobranza.fee_document ALTER COLUMN payment_ids SET STORAGE EXTERNAL,
                                  ALTER COLUMN case_labels SET STORAGE EXTERNAL;

-- issue_fee_invoices runs as the owner, which is bound by FORCE ROW LEVEL SECURITY like
-- everyone (see 0005): it reads debtors' names and writes documents (and this
-- migration converts them). The old line table, which has no owner policy, lets go of RLS for
-- the conversion before it is dropped.
CREATE POLICY debtor_owner_read ON cobranza.debtor FOR SELECT TO cobranza_owner USING (true);
CREATE POLICY fee_document_owner_trusted ON cobranza.fee_document FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);

ALTER TABLE cobranza.fee_document_line NO FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.fee_document DISABLE TRIGGER fee_document_append_only;
UPDATE cobranza.fee_document d
   SET payment_ids = coalesce(l.ids, '{}'), case_labels = coalesce(l.labels, '{}')
  FROM cobranza.fee_document x
  LEFT JOIN (SELECT l.tenant_id, l.document_id, array_agg(l.payment_id ORDER BY l.line_no) AS ids,
                    jsonb_object_agg(p.case_id::text, jsonb_build_array(l.case_number, l.debtor_name)) AS labels
               FROM cobranza.fee_document_line l
               JOIN cobranza.payment p ON p.tenant_id = l.tenant_id AND p.id = l.payment_id
              GROUP BY l.tenant_id, l.document_id) l ON l.tenant_id = x.tenant_id AND l.document_id = x.id
 WHERE d.tenant_id = x.tenant_id AND d.id = x.id;
ALTER TABLE cobranza.fee_document ENABLE TRIGGER fee_document_append_only;
-- The conversion must change no issued document: every old line must be what the view will
-- read back (its payment's values, negated on a credit note unless a reversal), once per
-- document, and one case must have had one label.
DO $verify$
DECLARE
    v_number text;
BEGIN
    SELECT d.number INTO v_number
      FROM cobranza.fee_document_line l
      JOIN cobranza.fee_document d ON d.tenant_id = l.tenant_id AND d.id = l.document_id
      JOIN cobranza.payment p ON p.tenant_id = l.tenant_id AND p.id = l.payment_id
     WHERE (l.paid_on, l.amount, l.stage, l.fee_bp, l.fee) IS DISTINCT FROM
           (p.paid_on,
            CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.amount ELSE p.amount END,
            p.stage, p.fee_bp,
            CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.fee ELSE p.fee END)
     LIMIT 1;
    IF NOT FOUND THEN
        SELECT d.number INTO v_number
          FROM (SELECT l.tenant_id, l.document_id
                  FROM cobranza.fee_document_line l
                  JOIN cobranza.payment p ON p.tenant_id = l.tenant_id AND p.id = l.payment_id
                 GROUP BY l.tenant_id, l.document_id, p.case_id
                HAVING count(DISTINCT l.payment_id) <> count(*)
                    OR count(DISTINCT (l.case_number, l.debtor_name)) > 1) bad
          JOIN cobranza.fee_document d ON d.tenant_id = bad.tenant_id AND d.id = bad.document_id
         LIMIT 1;
    END IF;
    IF NOT FOUND THEN  -- the view numbers lines by date, case number, payment id, as issuing did
        SELECT d.number INTO v_number
          FROM (SELECT l.tenant_id, l.document_id, l.line_no,
                       row_number() OVER (PARTITION BY l.tenant_id, l.document_id
                                          ORDER BY l.paid_on, l.case_number, l.payment_id) AS position
                  FROM cobranza.fee_document_line l) o
          JOIN cobranza.fee_document d ON d.tenant_id = o.tenant_id AND d.id = o.document_id
         WHERE o.line_no <> o.position
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'data_exception',
            MESSAGE = format('0008: the lines of %s are not what its payments say; converting it would change an issued document', v_number);
    END IF;
END
$verify$;

ALTER TABLE cobranza.fee_document
    ALTER COLUMN payment_ids SET NOT NULL,
    ALTER COLUMN case_labels SET NOT NULL,
    ADD CONSTRAINT fee_document_payment_ids_check
        CHECK (cardinality(payment_ids) = 0 OR (array_ndims(payment_ids) = 1 AND array_position(payment_ids, NULL) IS NULL)),
    ADD CONSTRAINT fee_document_case_labels_check CHECK (jsonb_typeof(case_labels) = 'object');

DROP VIEW cobranza.billed_payment;
DROP TABLE cobranza.fee_document_line;

-- One line per payment: an invoice bills the payment's fee; a credit note credits it, so an
-- original payment's amount and fee are negated there, while a reversal's are negative already.
-- Ordered as issued: by payment date, case number, payment id. Filter on tenant_id and
-- document_id (the window's partition) so only that document's lines are computed.
CREATE VIEW cobranza.fee_document_line WITH (security_invoker = true) AS
    SELECT d.tenant_id, d.id AS document_id,
           row_number() OVER (PARTITION BY d.tenant_id, d.id
                              ORDER BY p.paid_on, d.case_labels -> p.case_id::text ->> 0, p.id)::integer AS line_no,
           p.id AS payment_id,
           d.case_labels -> p.case_id::text ->> 0 AS case_number,
           d.case_labels -> p.case_id::text ->> 1 AS debtor_name,
           p.paid_on,
           CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.amount ELSE p.amount END AS amount,
           p.stage, p.fee_bp,
           CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.fee ELSE p.fee END AS fee
      FROM cobranza.fee_document d
     CROSS JOIN LATERAL unnest(d.payment_ids) AS u(payment_id)
      JOIN cobranza.payment p ON p.tenant_id = d.tenant_id AND p.id = u.payment_id;

-- The documents that stand: invoices not voided, and correction credit notes. (A credit note
-- that voids an invoice stands for nothing: it cancels.)
CREATE VIEW cobranza.standing_fee_document WITH (security_invoker = true) AS
    SELECT d.*
      FROM cobranza.fee_document d
     WHERE d.voids_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.fee_document v
                        WHERE v.tenant_id = d.tenant_id AND v.voids_id = d.id);

-- A payment's fee is billed while a standing document names it. Voiding an invoice makes its
-- payments billable again. (To look up one payment, ask standing_fee_document for
-- payment_ids @> ARRAY[id]: one containment test per document instead of unnesting each.)
CREATE VIEW cobranza.billed_payment WITH (security_invoker = true) AS
    SELECT d.tenant_id, u.payment_id, d.id AS document_id, d.number, d.vat_bp
      FROM cobranza.standing_fee_document d
     CROSS JOIN LATERAL unnest(d.payment_ids) AS u(payment_id);

-- Lines a new document may carry, checked set-wise once per statement:
--   * payments of its own client, in its currency, each named once, each with its case's label
--     [case number, debtor name], whose fees (negated on a credit note, as in
--     fee_document_line) add up to its subtotal;
--   * of the right kind: an invoice bills original payments not reversed; a correction credit
--     note credits reversals; a void credits payments of the invoice it voids;
--   * none already on another standing document (one array overlap test per standing document
--     of the client), under the billing lock, so two writers cannot bill one payment at once.
-- Invoker's rights: only admins (who see every payment) and the owner may insert documents. The
-- owner's inserts are issue_fee_invoices', whose ids, currency and subtotal come from the one
-- pass over the payments that selects them: checking them again would cost more than the issue.
CREATE FUNCTION cobranza.fee_document_check_lines() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_bad record;
BEGIN
    IF current_user = 'cobranza_owner' THEN
        RETURN NULL;
    END IF;
    PERFORM cobranza.lock_billing();
    SELECT x.* INTO v_bad
      FROM (SELECT d.number, count(u.payment_id) AS lines, count(p.id) AS payments, d.subtotal,
                   coalesce(sum(CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.fee ELSE p.fee END), 0) AS fees,
                   coalesce(bool_and(p.currency = d.currency), true) AS same_currency,
                   -- (a missing label makes the test NULL, which bool_and would skip)
                   coalesce(bool_and(p.id IS NULL
                                     OR coalesce(jsonb_typeof(d.case_labels -> p.case_id::text) = 'array'
                                                 AND jsonb_array_length(d.case_labels -> p.case_id::text) = 2
                                                 AND jsonb_typeof(d.case_labels -> p.case_id::text -> 0) = 'string'
                                                 AND jsonb_typeof(d.case_labels -> p.case_id::text -> 1) = 'string', false)),
                            true) AS labelled,
                   coalesce(bool_and(CASE WHEN d.kind = 'invoice'
                                          THEN p.reverses_id IS NULL
                                               AND NOT EXISTS (SELECT 1 FROM cobranza.payment r
                                                                WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id)
                                          WHEN d.voids_id IS NULL THEN p.reverses_id IS NOT NULL
                                          ELSE u.payment_id = ANY (v.payment_ids) END), true) AS right_kind
              FROM new_documents d
              LEFT JOIN cobranza.fee_document v ON v.tenant_id = d.tenant_id AND v.id = d.voids_id
              LEFT JOIN LATERAL unnest(d.payment_ids) AS u(payment_id) ON true
              LEFT JOIN cobranza.payment p ON p.tenant_id = d.tenant_id AND p.id = u.payment_id
             GROUP BY d.tenant_id, d.id, d.number, d.subtotal) x
     WHERE x.lines <> x.payments OR x.fees <> x.subtotal OR NOT x.same_currency OR NOT x.labelled OR NOT x.right_kind
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = CASE
                WHEN v_bad.lines <> v_bad.payments THEN
                    format('%s: %s of its %s payment ids are not payments of its client', v_bad.number,
                           v_bad.lines - v_bad.payments, v_bad.lines)
                WHEN NOT v_bad.same_currency THEN format('%s: a payment is not in the document''s currency', v_bad.number)
                WHEN NOT v_bad.labelled THEN format('%s: a payment''s case has no label [case number, debtor name]', v_bad.number)
                WHEN NOT v_bad.right_kind THEN
                    format('%s: an invoice bills original payments not reversed, a correction credits reversals, '
                           'a void credits its invoice''s payments', v_bad.number)
                ELSE format('%s: the lines'' fees add up to %s, not the subtotal %s', v_bad.number, v_bad.fees, v_bad.subtotal)
            END;
    END IF;
    SELECT d.number INTO v_bad
      FROM new_documents d CROSS JOIN LATERAL unnest(d.payment_ids) AS u(payment_id)
     GROUP BY d.tenant_id, d.id, d.number, u.payment_id
    HAVING count(*) > 1
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = format('%s: a payment appears twice among its lines', v_bad.number);
    END IF;
    SELECT d.number, b.number AS other,
           (SELECT min(x.id) FROM unnest(d.payment_ids) AS x(id) WHERE x.id = ANY (b.payment_ids)) AS payment_id
      INTO v_bad
      FROM new_documents d
      JOIN cobranza.standing_fee_document b ON b.tenant_id = d.tenant_id AND b.id <> d.id AND b.payment_ids && d.payment_ids
     WHERE d.voids_id IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = format('%s: payment %s is already billed on %s', v_bad.number, v_bad.payment_id, v_bad.other);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER fee_document_check_lines AFTER INSERT ON cobranza.fee_document
    REFERENCING NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.fee_document_check_lines();

------------------------------------------------------------------------------------------------
-- Issuing writes the documents only
------------------------------------------------------------------------------------------------

-- Issues one success-fee invoice per client and currency for every fee not yet billed that was
-- earned up to the end of p_period ('YYYY-MM'), for one client (p_client) or all (NULL).
-- Payments reversed before they were billed are left out together with their reversals.
-- Returns one row per invoice issued; none when there is nothing new.
-- Owner's rights, so fee_document_check_lines trusts what it writes; the caller must be an
-- admin of this database, who sees every client anyway. The payments are gathered per case
-- first, a few thousand groups hashed in memory, so each case's label is read once rather than
-- per payment. JIT is off: compiling this plan took longer than running it.
CREATE OR REPLACE FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text)
    RETURNS TABLE (number text, client_code text, currency char(3), lines integer, subtotal bigint, vat bigint, total bigint)
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
            MESSAGE = format('--period: "%s" is not a month (write YYYY-MM)', cobranza.quote_for_message(p_period));
    END IF;
    v_end := (p_period || '-01')::date + interval '1 month' - interval '1 day';
    IF p_client IS NOT NULL THEN
        SELECT t.id INTO v_tenant FROM cobranza.tenant t WHERE t.code = upper(p_client);
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found',
                MESSAGE = format('--client: no client "%s"', cobranza.quote_for_message(p_client));
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
    labelled AS MATERIALIZED (
        SELECT pc.tenant_id, pc.currency, sum(pc.subtotal)::bigint AS subtotal,
               jsonb_object_agg(pc.case_id::text, jsonb_build_array(c.number, de.name)) AS case_labels
          FROM per_case pc
          JOIN cobranza.collection_case c ON c.tenant_id = pc.tenant_id AND c.id = pc.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
         GROUP BY pc.tenant_id, pc.currency
    ),
    drafts AS MATERIALIZED (
        SELECT l.*, x.payment_ids
          FROM labelled l
          JOIN (SELECT pc.tenant_id, pc.currency, array_agg(u.id) AS payment_ids
                  FROM per_case pc CROSS JOIN LATERAL unnest(pc.ids) AS u(id)
                 GROUP BY pc.tenant_id, pc.currency) x ON x.tenant_id = l.tenant_id AND x.currency = l.currency
    ),
    numbered AS MATERIALIZED (
        SELECT d.tenant_id, d.currency, t.code, k.vat_bp, row_number() OVER (ORDER BY t.code, d.currency)::integer AS rn
          FROM (SELECT dr.tenant_id, dr.currency FROM drafts dr) d
          JOIN cobranza.tenant t ON t.id = d.tenant_id
          CROSS JOIN LATERAL (SELECT c.vat_bp FROM cobranza.contract c
                               WHERE c.tenant_id = d.tenant_id AND c.effective_on <= v_on
                               ORDER BY c.version DESC LIMIT 1) k
    ),
    first_number AS (
        SELECT cobranza.reserve_fee_numbers('F', v_on, (SELECT count(*)::integer FROM numbered)) AS value
    ),
    documents AS (
        INSERT INTO cobranza.fee_document AS d (tenant_id, kind, number, currency, issued_on, period, subtotal, vat_bp, vat, total,
                                                payment_ids, case_labels)
        SELECT g.tenant_id, 'invoice', cobranza.fee_number('F', v_on, f.value + n.rn - 1), g.currency, v_on, p_period,
               g.subtotal, n.vat_bp, cobranza.apply_rate(n.vat_bp, g.subtotal),
               g.subtotal + cobranza.apply_rate(n.vat_bp, g.subtotal), g.payment_ids, g.case_labels
          FROM drafts g
          JOIN numbered n ON n.tenant_id = g.tenant_id AND n.currency = g.currency
          CROSS JOIN first_number f
        RETURNING d.tenant_id, d.currency, d.number, cardinality(d.payment_ids) AS lines, d.subtotal, d.vat, d.total
    )
    SELECT d.number, n.code, d.currency, d.lines, d.subtotal, d.vat, d.total
      FROM documents d
      JOIN numbered n ON n.tenant_id = d.tenant_id AND n.currency = d.currency
     ORDER BY d.number;
END
$$;

-- Issues a credit note: for a whole invoice (p_voids) or for the reversal payments p_reversals
-- (whose invoice gives the VAT rate). Its lines credit the fees (see fee_document_line).
CREATE OR REPLACE FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer,
                                                      p_currency char(3), p_reason text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_on     date := cobranza.today();
    v_number text := cobranza.fee_number('NC', v_on, cobranza.reserve_fee_numbers('NC', v_on, 1));
BEGIN
    WITH credited AS MATERIALIZED (
        -- Voiding: every payment of the invoice, but for those already credited by a correction.
        SELECT p.id, -p.fee AS fee, i.case_labels -> p.case_id::text AS label, p.case_id
          FROM cobranza.fee_document i
         CROSS JOIN LATERAL unnest(i.payment_ids) AS u(payment_id)
          JOIN cobranza.payment p ON p.tenant_id = i.tenant_id AND p.id = u.payment_id
         WHERE p_voids IS NOT NULL AND i.tenant_id = p_tenant AND i.id = p_voids
           AND NOT EXISTS (SELECT 1 FROM cobranza.payment r
                             JOIN cobranza.billed_payment b ON b.tenant_id = r.tenant_id AND b.payment_id = r.id
                            WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id)
        UNION ALL
        -- Correcting: the reversals themselves, whose fee is already negative.
        SELECT r.id, r.fee, jsonb_build_array(c.number, de.name), r.case_id
          FROM cobranza.payment r
          JOIN cobranza.collection_case c ON c.tenant_id = r.tenant_id AND c.id = r.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
         WHERE p_voids IS NULL AND r.tenant_id = p_tenant AND r.id = ANY (p_reversals)
    ),
    totals AS (
        SELECT coalesce(sum(c.fee), 0)::bigint AS subtotal,
               coalesce(array_agg(c.id ORDER BY c.id) FILTER (WHERE c.id IS NOT NULL), '{}') AS payment_ids,
               coalesce(jsonb_object_agg(c.case_id::text, c.label) FILTER (WHERE c.id IS NOT NULL), '{}') AS case_labels
          FROM credited c
    )
    INSERT INTO cobranza.fee_document (tenant_id, kind, number, currency, issued_on, subtotal, vat_bp, vat, total,
                                       voids_id, reason, payment_ids, case_labels)
    SELECT p_tenant, 'credit_note', v_number, p_currency, v_on, t.subtotal, p_vat_bp,
           cobranza.apply_rate(p_vat_bp, t.subtotal), t.subtotal + cobranza.apply_rate(p_vat_bp, t.subtotal),
           p_voids, p_reason, t.payment_ids, t.case_labels
      FROM totals t;
    RETURN v_number;
END
$$;

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC)
------------------------------------------------------------------------------------------------
REVOKE ALL ON cobranza.fee_document_line, cobranza.standing_fee_document, cobranza.billed_payment FROM PUBLIC;
GRANT SELECT ON cobranza.fee_document_line, cobranza.standing_fee_document, cobranza.billed_payment
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT INSERT (payment_ids, case_labels) ON cobranza.fee_document TO cobranza_admin;
REVOKE EXECUTE ON FUNCTION cobranza.fee_document_check_lines() FROM PUBLIC;

RESET ROLE;
