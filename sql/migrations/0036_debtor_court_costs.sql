-- 0036_debtor_court_costs: issue 16, item 3, the debtor's part. When a client's contract says
-- court costs are the debtor's (court_costs = 'debtor'), a cost recorded on the referral is
-- added to what the case owes:
--
--   * case_outstanding and payment_prepare count the invoices plus the debtor-borne costs less
--     the case's net payments. Payments fill the invoices first (invoice_balance's order,
--     unchanged) and then the costs: the part of a payment that goes to costs is frozen on it
--     (payment.court_costs, in no grant; a reversal negates it) and earns no fee (recovering
--     the court costs the agency advanced is not a collection for the client: the fee is on the
--     invoices' parts only, the minimum fee and the cap at half apply to that part).
--   * A case is paid in full (closed as paid) only when its debtor-borne costs are paid too;
--     record_payment reports the costs still owed in its outstanding.
-- payment_prepare is 0030's (0023's with the payment's number within its case), carried over
-- intact but for those lines.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.payment ADD COLUMN court_costs bigint NOT NULL DEFAULT 0;

-- The case's amount still owed: its invoices and the court costs its debtor bears, less its net
-- payments.
CREATE OR REPLACE FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT (coalesce((SELECT sum(i.amount) FROM cobranza.invoice i WHERE i.tenant_id = p_tenant AND i.case_id = p_case), 0)
          + coalesce((SELECT sum(k.amount) FROM cobranza.court_cost k
                       WHERE k.tenant_id = p_tenant AND k.case_id = p_case AND k.borne_by = 'debtor'), 0)
          - coalesce((SELECT sum(p.amount) FROM cobranza.payment p WHERE p.tenant_id = p_tenant AND p.case_id = p_case), 0))::bigint
$$;

CREATE OR REPLACE FUNCTION cobranza.payment_prepare() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case     record;
    v_facts    record;
    v_original record;
    v_billed   record;
    v_holder   record;
    v_key      text := 'payment_tenant_id_external_ref_key';
    v_fee      record;
    v_parts    record;
    v_after    bigint;
    v_to_costs bigint := 0;
BEGIN
    IF NEW.reverses_id IS NOT NULL THEN
        PERFORM cobranza.lock_billing();
    END IF;
    SELECT c.number, c.stage, c.close_code, c.opened_on, c.currency INTO v_case FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'payment_case_fkey',
            MESSAGE = 'no such case';
    END IF;
    NEW.currency := v_case.currency;
    -- The payment's number within its case, drawn under the case's lock taken just above: a
    -- concurrent payment on the case waits there and then reads this one. Whatever the row
    -- said is overwritten (no person has INSERT on the column anyway).
    NEW.number := coalesce((SELECT max(p.number) FROM cobranza.payment p
                             WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id), 0) + 1;
    SELECT coalesce(i.invoiced, 0)::bigint AS invoiced,
           m.paid,
           -- What the debtor owes: the invoices and the court costs the debtor bears, less the
           -- case's net payments (0036).
           (coalesce(i.invoiced, 0) + m.costs - m.paid)::bigint AS outstanding,
           i.oldest_due,
           EXISTS (SELECT 1 FROM cobranza.case_event e
                    WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id AND e.kind = 'stage_change'
                      AND e.outcome = 'judicial' AND e.occurred_on <= NEW.paid_on) AS judicial,
           t.code AS client, t.currency AS client_currency,
           k.version, k.extrajudicial_bp, k.judicial_bp, k.surcharge_12m_bp, k.surcharge_24m_bp, k.minimum_fee,
           k.direct_earns_fee
      INTO v_facts
      FROM (SELECT sum(v.amount) AS invoiced, min(v.due) AS oldest_due FROM cobranza.invoice v
             WHERE v.tenant_id = NEW.tenant_id AND v.case_id = NEW.case_id) i
      CROSS JOIN LATERAL (SELECT coalesce((SELECT sum(p.amount) FROM cobranza.payment p
                                            WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id), 0)::bigint AS paid,
                                 coalesce((SELECT sum(k.amount) FROM cobranza.court_cost k
                                            WHERE k.tenant_id = NEW.tenant_id AND k.case_id = NEW.case_id
                                              AND k.borne_by = 'debtor'), 0)::bigint AS costs) m
      JOIN cobranza.tenant t ON t.id = NEW.tenant_id
      LEFT JOIN LATERAL (SELECT c.* FROM cobranza.contract c
                          WHERE c.tenant_id = NEW.tenant_id AND c.effective_on <= NEW.paid_on
                          ORDER BY c.version DESC LIMIT 1) k ON true;

    IF NEW.reverses_id IS NOT NULL THEN
        SELECT p.* INTO v_original FROM cobranza.payment p
         WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.reverses_id;
        IF NOT FOUND OR v_original.case_id <> NEW.case_id THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'payment_reverses_fkey',
                MESSAGE = format('payment %s is not a payment of case %s', NEW.reverses_id, v_case.number);
        END IF;
        IF v_original.reverses_id IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_reversal_check',
                MESSAGE = format('payment %s/%s is itself a reversal and cannot be reversed', v_case.number, v_original.number);
        END IF;
        IF NEW.paid_on < v_original.paid_on OR NEW.paid_on > cobranza.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_paid_on_check',
                COLUMN = 'paid_on', MESSAGE = format('paid_on: a reversal falls between its payment (%s) and today', v_original.paid_on);
        END IF;
        -- Issuing the credit note is an admin's (fee documents are theirs), so is this reversal.
        SELECT b.number INTO v_billed FROM cobranza.billed_payment b
         WHERE b.tenant_id = NEW.tenant_id AND b.payment_id = v_original.id
         LIMIT 1;
        IF FOUND AND NOT cobranza.caller_is_admin() THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = format('the fee of payment %s/%s is on invoice %s, so reversing it issues a credit note: only an admin can',
                                 v_case.number, v_original.number, v_billed.number);
        END IF;
        NEW.amount := -v_original.amount;
        NEW.channel := v_original.channel;
        NEW.method := v_original.method;
        NEW.external_ref := NULL;
        NEW.stage := v_original.stage;
        NEW.contract_version := v_original.contract_version;
        NEW.fee_bp := v_original.fee_bp;
        NEW.fee := -v_original.fee;
        NEW.fee_note := format('reverses payment %s/%s', v_case.number, v_original.number);
        NEW.court_costs := -v_original.court_costs;
    ELSE
        IF v_case.stage = 'closed' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_case_open_check',
                MESSAGE = format('case %s is closed (%s): payments are recorded on open cases', v_case.number, v_case.close_code);
        END IF;
        IF NEW.paid_on > cobranza.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_paid_on_check',
                COLUMN = 'paid_on', MESSAGE = format('paid_on: %s is in the future', NEW.paid_on);
        END IF;
        IF NEW.paid_on < v_case.opened_on THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_paid_on_check',
                COLUMN = 'paid_on', MESSAGE = format('paid_on: %s is before case %s was opened (%s)', NEW.paid_on, v_case.number, v_case.opened_on);
        END IF;
        IF NEW.amount > v_facts.outstanding THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_overpayment_check',
                MESSAGE = format('payment of %s is more than the %s outstanding on case %s',
                                 cobranza.format_money(NEW.amount, v_case.currency),
                                 cobranza.format_money(v_facts.outstanding, v_case.currency), v_case.number);
        END IF;
        IF v_facts.version IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_contract_check',
                MESSAGE = format('client %s has no contract in force on %s: an admin sets one with "client contract set"',
                                 v_facts.client, NEW.paid_on);
        END IF;
        IF NEW.external_ref IS NOT NULL THEN
            -- Stored as the bank prints it, without the spaces around: ' TRF-1' is TRF-1.
            NEW.external_ref := btrim(NEW.external_ref);
            -- The client's reference (a race past this look is still stopped by the index).
            SELECT p.id, c.number, p.number AS payment_number INTO v_holder
              FROM cobranza.payment p
              JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
             WHERE p.tenant_id = NEW.tenant_id AND p.external_ref = NEW.external_ref;
            IF NOT FOUND AND NEW.channel = 'agency' THEN
                -- The agency's reference, claimed for this payment.
                INSERT INTO cobranza.received_transfer (external_ref, tenant_id, payment_id)
                VALUES (NEW.external_ref, NEW.tenant_id, NEW.id)
                    ON CONFLICT (external_ref) DO NOTHING;
                IF NOT FOUND THEN
                    v_key := 'received_transfer_pkey';
                    SELECT r.payment_id AS id, c.number, p.number AS payment_number INTO v_holder
                      FROM cobranza.received_transfer r
                      LEFT JOIN cobranza.payment p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
                      LEFT JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
                     WHERE r.external_ref = NEW.external_ref;
                END IF;
            END IF;
            IF v_holder.id IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = v_key, COLUMN = 'external_ref',
                    MESSAGE = format('external_ref: %s is already recorded (payment %s); '
                                     'the same bank reference is never counted twice',
                                     NEW.external_ref, coalesce(v_holder.number || '/' || v_holder.payment_number, '?'));
            END IF;
        END IF;
        NEW.stage := CASE WHEN v_facts.judicial THEN 'judicial' ELSE 'extrajudicial' END;
        NEW.contract_version := v_facts.version;
        -- The parts of the payment each invoice receives (invoice_balance's order: oldest due
        -- first, ties by id), from what the case's payments had covered before it.
        SELECT array_agg(a.due ORDER BY a.due, a.id) AS dues, array_agg(a.number ORDER BY a.due, a.id) AS numbers,
               array_agg(a.part::bigint ORDER BY a.due, a.id) AS amounts
          INTO v_parts
          FROM (SELECT v.id, v.due, v.number,
                       least(v.running, v_facts.paid + NEW.amount)
                       - greatest(v.running - v.amount, v_facts.paid) AS part
                  FROM (SELECT i.id, i.due, i.number, i.amount,
                               sum(i.amount) OVER (ORDER BY i.due, i.id) AS running
                          FROM cobranza.invoice i
                         WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id) v) a
         WHERE a.part > 0;
        -- What the invoices do not take goes to the court costs the debtor bears (the
        -- overpayment check above keeps it within them). Recovering costs earns no fee: the
        -- fee is on the invoices' parts only.
        v_to_costs := NEW.amount - coalesce((SELECT sum(x) FROM unnest(v_parts.amounts) AS x), 0)::bigint;
        NEW.court_costs := v_to_costs;
        -- The minimum fee is in the client's currency; cases in another currency have none.
        v_fee := cobranza.payment_fee(
            NEW.amount - v_to_costs, NEW.currency, NEW.stage, NEW.channel, v_case.opened_on, v_parts.dues, v_parts.numbers, v_parts.amounts,
            v_facts.extrajudicial_bp, v_facts.judicial_bp, v_facts.surcharge_12m_bp, v_facts.surcharge_24m_bp,
            CASE WHEN v_facts.client_currency = v_case.currency THEN v_facts.minimum_fee ELSE 0 END,
            v_facts.direct_earns_fee);
        NEW.fee_bp := v_fee.fee_bp;
        NEW.fee := v_fee.fee;
        NEW.fee_note := v_fee.note;
        IF v_to_costs > 0 THEN
            NEW.fee_note := concat_ws('; ', NEW.fee_note,
                                      format('no fee on %s to the court costs the debtor bears',
                                             cobranza.format_money(v_to_costs, NEW.currency)));
        END IF;
    END IF;

    v_after := v_facts.outstanding - NEW.amount;
    IF NEW.amount > 0 AND v_after = 0 THEN
        UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'paid', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'paid', format('paid in full (payment %s/%s)', v_case.number, NEW.number), true, NEW.paid_on);
    ELSIF NEW.amount < 0 AND v_after > 0 AND v_case.close_code = 'paid' THEN
        UPDATE cobranza.collection_case
           SET stage = CASE WHEN v_facts.judicial THEN 'judicial' ELSE 'extrajudicial' END,
               close_code = NULL, closed_at = NULL
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'reopened', NULL,
                format('payment %s/%s reversed: %s owed again', v_case.number, v_original.number, cobranza.format_money(v_after, NEW.currency)),
                true, NEW.paid_on);
    END IF;
    RETURN NEW;
END
$$;

-- 0030's (0025's with the payment's number), with the court costs the debtor bears in what is
-- still owed.
CREATE OR REPLACE FUNCTION cobranza.record_payment(
    p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text)
RETURNS TABLE (id bigint, number integer, amount bigint, currency text, paid_on date, channel text, method text, external_ref text,
               reverses_id bigint, reason text, stage text, fee_bp integer, fee bigint, fee_note text,
               contract_version integer, created_by text, outstanding bigint, close_code text,
               agreement_expects bigint, forgiven bigint)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v cobranza.payment;
BEGIN
    INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
    VALUES (p_tenant, p_case, p_amount, coalesce(p_paid_on, cobranza.today()), p_channel, p_method, p_ref)
    RETURNING * INTO v;
    -- A new statement: it sees the payment just written (and the case closed by it, if paid or
    -- settled).
    RETURN QUERY
    SELECT v.id, v.number, v.amount, v.currency::text, v.paid_on, v.channel, v.method, v.external_ref, v.reverses_id, v.reason,
           v.stage, v.fee_bp, v.fee, v.fee_note, v.contract_version, v.created_by::text,
           CASE WHEN c.close_code = 'settled' THEN 0 ELSE b.owed END,
           c.close_code,
           (SELECT greatest(0, a.total - a.paid)::bigint FROM cobranza.agreement_status a
             WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id AND c.stage <> 'closed' AND a.status IN ('active', 'default')
             ORDER BY a.id DESC LIMIT 1),
           CASE WHEN c.close_code = 'settled' THEN b.owed END
      FROM cobranza.collection_case c
     CROSS JOIN LATERAL (SELECT coalesce(sum(x.outstanding), 0)::bigint
                                + greatest(0, cobranza.case_outstanding(c.tenant_id, c.id)
                                              - coalesce(sum(x.outstanding), 0))::bigint AS owed
                           FROM cobranza.invoice_balance x
                          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id) b
     WHERE c.tenant_id = v.tenant_id AND c.id = v.case_id;
END
$$;
REVOKE ALL ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text)
    TO cobranza_admin, cobranza_collector;

RESET ROLE;
