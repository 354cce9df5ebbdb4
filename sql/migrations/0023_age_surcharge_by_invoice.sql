-- 0023_age_surcharge_by_invoice: issue 16, item 2. An age surcharge belongs to an invoice, is
-- counted by the calendar, and applies to the part of a payment allocated to that invoice only.
--
--   * "Over 12 months overdue at placement" counted whole months (overdue_months): an invoice due
--     2025-10-27 placed 2026-11-02 was "12 months" and earned no surcharge. Now an invoice due D is
--     over N months overdue on P when P > D + N calendar months, month ends clamped as
--     `date + interval` clamps them (overdue_more_than; CobranzaCore.OverdueAge is the same rule,
--     held to it by AgeSurchargeTests over thousands of dates).
--   * The surcharge was decided by the case's oldest invoice and applied to the whole payment, so
--     a payment on a 32-day-old invoice paid it too when an old one sat in the same case.
--     payment_prepare now splits the payment across the invoices as invoice_balance allocates
--     money (oldest due first, ties by id, from what earlier payments covered) and payment_fee
--     rates each part by its own invoice's age. Parts at the same rate are summed before the
--     half-up rounding, so a payment without surcharges earns exactly what it did before.
--   * What is frozen: fee (the sum), fee_bp (the rate of the largest part: what most of the money
--     was charged at) and, whenever a part carries a surcharge, fee_note listing every part as
--     "17% on $100.000 of invoice F-1 (over 12 months overdue at placement); 15% on $20.000 of
--     invoice F-2". `payment show` and `fee invoice show` print it beside the line.
--   * The minimum fee and the cap at half of the payment (0022) apply to the sum, after.
--
-- Fees frozen before this migration stay as they were charged.

SET LOCAL ROLE cobranza_owner;

-- Whether an invoice due p_due is more than p_months calendar months overdue on p_on
-- (CobranzaCore.OverdueAge.isOverdue). NULL due: NULL (no invoice, no surcharge).
CREATE FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_on > (p_due + make_interval(months => p_months))::date
$$;

-- The fee one payment earns (the tests' FeeCalculator.fee): each allocated part at the stage's
-- rate plus its invoice's age surcharge, parts of one rate summed and rounded half up; the
-- minimum fee; at most half of the payment, rounded down (FeeContract.maximumFee); no fee on
-- direct payments when the contract says so. p_dues, p_numbers and p_parts describe the parts
-- in allocation order; NULL parts mean one part of the whole payment without a surcharge.
CREATE FUNCTION cobranza.payment_fee(
    p_amount bigint, p_currency char(3), p_stage text, p_channel text, p_placed date,
    p_dues date[], p_numbers text[], p_parts bigint[],
    p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer,
    p_minimum_fee bigint, p_direct_earns_fee boolean,
    OUT fee_bp integer, OUT fee bigint, OUT note text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_base   integer := CASE WHEN p_stage = 'judicial' THEN p_judicial_bp ELSE p_extrajudicial_bp END;
    v_adjust text;
BEGIN
    IF p_channel = 'direct' AND NOT p_direct_earns_fee THEN
        fee_bp := 0;
        fee := 0;
        note := 'paid directly to the client; the contract charges no fee on direct payments';
        RETURN;
    END IF;
    WITH part AS (
        SELECT u.n, u.number, u.part,
               CASE WHEN cobranza.overdue_more_than(u.due, 24, p_placed) THEN 24
                    WHEN cobranza.overdue_more_than(u.due, 12, p_placed) THEN 12
                    ELSE 0 END AS age
          FROM unnest(coalesce(p_dues, ARRAY[NULL::date]), coalesce(p_numbers, ARRAY[NULL::text]),
                      coalesce(p_parts, ARRAY[p_amount])) WITH ORDINALITY AS u(due, number, part, n)
    ), rated AS (
        SELECT p.*, v_base + CASE p.age WHEN 24 THEN p_surcharge_24m_bp WHEN 12 THEN p_surcharge_12m_bp ELSE 0 END AS bp
          FROM part p
    ), by_rate AS (
        SELECT r.bp, sum(r.part)::bigint AS base, min(r.n) AS first FROM rated r GROUP BY r.bp
    )
    SELECT (SELECT coalesce(sum(cobranza.apply_rate(b.bp, b.base)), 0)::bigint FROM by_rate b),
           coalesce((SELECT b.bp FROM by_rate b ORDER BY b.base DESC, b.first LIMIT 1), v_base),
           CASE WHEN EXISTS (SELECT 1 FROM rated r WHERE r.bp <> v_base) THEN
               (SELECT string_agg(format('%s%% on %s of invoice %s', trim_scale(r.bp / 100.0),
                                         cobranza.format_money(r.part, p_currency), r.number)
                                  || CASE WHEN r.bp <> v_base THEN format(' (over %s months overdue at placement)', r.age) ELSE '' END,
                                  '; ' ORDER BY r.n)
                  FROM rated r)
           END
      INTO fee, fee_bp, note
      FROM (SELECT 1) one;
    IF p_amount > 0 AND fee < p_minimum_fee THEN
        fee := p_minimum_fee;
        v_adjust := 'minimum fee per payment';
    END IF;
    -- Half, rounded toward zero: integer division (FeeContract.maximumFee).
    IF fee > p_amount / 2 THEN
        fee := p_amount / 2;
        v_adjust := concat_ws(', ', v_adjust, 'capped at 50% of the payment');
    END IF;
    note := concat_ws('; ', note, v_adjust);
    note := nullif(note, '');
END
$$;

-- The whole-month count and the one-age fee are replaced by the two above.
DROP FUNCTION cobranza.payment_fee(bigint, text, text, integer, integer, integer, integer, integer, bigint, boolean);
DROP FUNCTION cobranza.overdue_months(date, date);

REVOKE EXECUTE ON FUNCTION cobranza.overdue_more_than(date, integer, date),
    cobranza.payment_fee(bigint, char, text, text, date, date[], text[], bigint[], integer, integer, integer, integer, bigint, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.overdue_more_than(date, integer, date),
    cobranza.payment_fee(bigint, char, text, text, date, date[], text[], bigint[], integer, integer, integer, integer, bigint, boolean)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

------------------------------------------------------------------------------------------------
-- payment_prepare: 0014's, with the payment split across its invoices for the fee
------------------------------------------------------------------------------------------------
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
    SELECT coalesce(i.invoiced, 0)::bigint AS invoiced,
           (coalesce(i.invoiced, 0)
             - coalesce((SELECT sum(p.amount) FROM cobranza.payment p
                          WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id), 0))::bigint AS outstanding,
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
                MESSAGE = format('payment %s is itself a reversal and cannot be reversed', v_original.id);
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
                MESSAGE = format('the fee of payment %s is on invoice %s, so reversing it issues a credit note: only an admin can',
                                 v_original.id, v_billed.number);
        END IF;
        NEW.amount := -v_original.amount;
        NEW.channel := v_original.channel;
        NEW.method := v_original.method;
        NEW.external_ref := NULL;
        NEW.stage := v_original.stage;
        NEW.contract_version := v_original.contract_version;
        NEW.fee_bp := v_original.fee_bp;
        NEW.fee := -v_original.fee;
        NEW.fee_note := format('reverses payment %s', v_original.id);
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
            SELECT p.id, c.number INTO v_holder
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
                    SELECT r.payment_id AS id, c.number INTO v_holder
                      FROM cobranza.received_transfer r
                      LEFT JOIN cobranza.payment p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
                      LEFT JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
                     WHERE r.external_ref = NEW.external_ref;
                END IF;
            END IF;
            IF v_holder.id IS NOT NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = v_key, COLUMN = 'external_ref',
                    MESSAGE = format('external_ref: %s is already recorded (payment %s on case %s); '
                                     'the same bank reference is never counted twice',
                                     NEW.external_ref, v_holder.id, coalesce(v_holder.number, '?'));
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
                       least(v.running, v_facts.invoiced - v_facts.outstanding + NEW.amount)
                       - greatest(v.running - v.amount, v_facts.invoiced - v_facts.outstanding) AS part
                  FROM (SELECT i.id, i.due, i.number, i.amount,
                               sum(i.amount) OVER (ORDER BY i.due, i.id) AS running
                          FROM cobranza.invoice i
                         WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id) v) a
         WHERE a.part > 0;
        -- The minimum fee is in the client's currency; cases in another currency have none.
        v_fee := cobranza.payment_fee(
            NEW.amount, NEW.currency, NEW.stage, NEW.channel, v_case.opened_on, v_parts.dues, v_parts.numbers, v_parts.amounts,
            v_facts.extrajudicial_bp, v_facts.judicial_bp, v_facts.surcharge_12m_bp, v_facts.surcharge_24m_bp,
            CASE WHEN v_facts.client_currency = v_case.currency THEN v_facts.minimum_fee ELSE 0 END,
            v_facts.direct_earns_fee);
        NEW.fee_bp := v_fee.fee_bp;
        NEW.fee := v_fee.fee;
        NEW.fee_note := v_fee.note;
    END IF;

    v_after := v_facts.outstanding - NEW.amount;
    IF NEW.amount > 0 AND v_after = 0 THEN
        UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'paid', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'paid', format('paid in full (payment %s)', NEW.id), true, NEW.paid_on);
    ELSIF NEW.amount < 0 AND v_after > 0 AND v_case.close_code = 'paid' THEN
        UPDATE cobranza.collection_case
           SET stage = CASE WHEN v_facts.judicial THEN 'judicial' ELSE 'extrajudicial' END,
               close_code = NULL, closed_at = NULL
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'reopened', NULL,
                format('payment %s reversed: %s owed again', NEW.reverses_id, cobranza.format_money(v_after, NEW.currency)),
                true, NEW.paid_on);
    END IF;
    RETURN NEW;
END
$$;

RESET ROLE;
