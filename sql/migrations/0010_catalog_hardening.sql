-- 0010_catalog_hardening: nobody draws a gapless number except the row that keeps it.
--
-- The catalog checks (Tests/CobranzaStoreTests/CatalogTests.swift) found the two functions that
-- hand out numbers executable by person groups: next_case_number by admins and collectors (0002:
-- a column default runs with the inserter's privileges, so they needed EXECUTE) and
-- reserve_fee_numbers by admins (0004: issue_credit_note, which runs with the caller's rights,
-- reserves its number). Both are SECURITY DEFINER and commit their counter row with the caller's
-- transaction, so a plain `SELECT cobranza.next_case_number(current_date)` in a committed
-- transaction burnt a case number, and reserve_fee_numbers('F', ..., 1000) a thousand invoice
-- numbers: the gapless series the tax authority reads would have holes no document explains.
--
-- Now the number is drawn by a BEFORE INSERT trigger on the row that keeps it. A trigger
-- function needs no EXECUTE privilege of the inserter, so the dispensers' EXECUTE goes back to
-- the owner alone; and a number is only ever drawn for a row being inserted, which a rollback
-- returns together with the number.

SET LOCAL ROLE cobranza_owner;

-- Case numbers: a trigger instead of the column default. It runs after the other BEFORE INSERT
-- triggers (alphabetical order), so a case they refuse draws nothing. SECURITY DEFINER: the
-- inserter has no EXECUTE on next_case_number any more.
CREATE FUNCTION cobranza.collection_case_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    NEW.number := cobranza.next_case_number(cobranza.today());
    RETURN NEW;
END
$$;

ALTER TABLE cobranza.collection_case ALTER COLUMN number DROP DEFAULT;
CREATE TRIGGER collection_case_number BEFORE INSERT ON cobranza.collection_case
    FOR EACH ROW WHEN (NEW.number IS NULL) EXECUTE FUNCTION cobranza.collection_case_number();

-- Nobody but the counter names a case number any more: an explicit one would be a number the
-- counter later hands out again (a unique violation for whoever opens that case).
REVOKE INSERT (number) ON cobranza.collection_case FROM cobranza_admin, cobranza_collector;
REVOKE EXECUTE ON FUNCTION cobranza.next_case_number(date) FROM cobranza_admin, cobranza_collector;

-- Fee document numbers: a document inserted without a number gets the next one of its kind's
-- series (F for invoices, NC for credit notes) for its issue date's year. issue_fee_invoices
-- (owner) still reserves a block for all its invoices at once and names them, so the trigger
-- does not fire for its rows.
CREATE FUNCTION cobranza.fee_document_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_series text := CASE NEW.kind WHEN 'invoice' THEN 'F' ELSE 'NC' END;
BEGIN
    NEW.number := cobranza.fee_number(v_series, NEW.issued_on,
                                      cobranza.reserve_fee_numbers(v_series, NEW.issued_on, 1));
    RETURN NEW;
END
$$;

CREATE TRIGGER fee_document_number BEFORE INSERT ON cobranza.fee_document
    FOR EACH ROW WHEN (NEW.number IS NULL) EXECUTE FUNCTION cobranza.fee_document_number();

-- 0008's issue_credit_note, but the trigger numbers the note.
CREATE OR REPLACE FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer,
                                                      p_currency char(3), p_reason text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_on     date := cobranza.today();
    v_number text;
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
    INSERT INTO cobranza.fee_document AS d (tenant_id, kind, currency, issued_on, subtotal, vat_bp, vat, total,
                                            voids_id, reason, payment_ids, case_labels)
    SELECT p_tenant, 'credit_note', p_currency, v_on, t.subtotal, p_vat_bp,
           cobranza.apply_rate(p_vat_bp, t.subtotal), t.subtotal + cobranza.apply_rate(p_vat_bp, t.subtotal),
           p_voids, p_reason, t.payment_ids, t.case_labels
      FROM totals t
    RETURNING d.number INTO v_number;
    RETURN v_number;
END
$$;

REVOKE EXECUTE ON FUNCTION cobranza.reserve_fee_numbers(text, date, integer) FROM cobranza_admin;
REVOKE EXECUTE ON FUNCTION cobranza.collection_case_number(), cobranza.fee_document_number() FROM PUBLIC;

RESET ROLE;
