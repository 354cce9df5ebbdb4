-- 0030_payment_numbers: a payment is named by its number within its case (issue 14, item 10).
--
-- Payments took their ids from one agency-wide identity sequence, and those ids were what people
-- read and typed ("payment 42", "reversed by 57", "paid in full (payment 61)"). An SME that saw
-- payment 42 and then 61 on its cases learnt that the agency recorded eighteen payments for
-- other clients in between. Now each case numbers its payments 1, 2, 3, … and a payment's
-- reference, as people read and type it, is the case's number and its own: C-2026-000001/3.
-- The identity id stays the key every foreign key (reverses_id, fee_document.payment_ids,
-- received_transfer) uses; the shell no longer shows or accepts it.
--
-- The number is drawn by payment_prepare under the case's row lock it already takes (FOR
-- UPDATE): payments on one case queue there anyway, so max + 1 is read after the one before
-- committed. No counter per client: a bank import locks many cases in one transaction, and a
-- client-wide counter would make every other payment of that client wait for the whole import
-- (and two imports touching the same clients in other orders could deadlock). Nobody chooses
-- or changes a number: the trigger overwrites whatever the row says, no person has INSERT on
-- the column, and payment has no UPDATE for anyone (payment_append_only).
--
-- The texts the triggers write quote the reference: the fee note of a reversal ("reverses
-- payment C-…/1"), the timeline's close ("paid in full (payment C-…/3)", "agreement 1 paid in
-- full (payment C-…/4)", the agreement by its number within the case as the shell shows it)
-- and reopening ("payment C-…/3 reversed: … owed again"), and the refusals that name a payment.
-- reverse_payment takes the reference (case number, payment number) instead of the id.
--
-- Existing rows are numbered per case in the order of their ids, and the texts already written
-- with ids are rewritten to the references. That backfill is an UPDATE of rows nobody may
-- change, not a change anyone made: the append-only and audit triggers are off for it. It runs
-- as the migrating superuser, whom the owner's FORCE ROW LEVEL SECURITY does not bind.

SET LOCAL ROLE cobranza_owner;
ALTER TABLE cobranza.payment ADD COLUMN number integer;
RESET ROLE;

ALTER TABLE cobranza.payment DISABLE TRIGGER payment_append_only;
ALTER TABLE cobranza.case_event DISABLE TRIGGER case_event_append_only;
ALTER TABLE cobranza.case_event DISABLE TRIGGER case_event_audit;

UPDATE cobranza.payment p SET number = n.number
  FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id, case_id ORDER BY id) AS number
          FROM cobranza.payment) n
 WHERE n.tenant_id = p.tenant_id AND n.id = p.id;

-- The texts written with ids, each in the one form its trigger wrote it.
UPDATE cobranza.payment r SET fee_note = format('reverses payment %s/%s', c.number, o.number)
  FROM cobranza.payment o
  JOIN cobranza.collection_case c ON c.tenant_id = o.tenant_id AND c.id = o.case_id
 WHERE r.reverses_id IS NOT NULL AND o.tenant_id = r.tenant_id AND o.id = r.reverses_id
   AND r.fee_note = format('reverses payment %s', o.id);

UPDATE cobranza.case_event e SET note = format('paid in full (payment %s/%s)', c.number, p.number)
  FROM cobranza.payment p
  JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
 WHERE e.kind = 'closed' AND e.outcome = 'paid' AND p.tenant_id = e.tenant_id AND p.case_id = e.case_id
   AND e.note = format('paid in full (payment %s)', p.id);

UPDATE cobranza.case_event e SET note = format('payment %s/%s reversed:', c.number, p.number)
                                        || substr(e.note, length(format('payment %s reversed:', p.id)) + 1)
  FROM cobranza.payment p
  JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
 WHERE e.kind = 'reopened' AND p.tenant_id = e.tenant_id AND p.case_id = e.case_id
   AND starts_with(e.note, format('payment %s reversed: ', p.id));

UPDATE cobranza.case_event e
   SET note = format('agreement %s paid in full (payment %s/%s);', a.number, c.number, p.number)
              || substr(e.note, length(format('agreement %s paid in full (payment %s);', a.id, p.id)) + 1)
  FROM cobranza.payment p
  JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
  JOIN (SELECT tenant_id, case_id, id, row_number() OVER (PARTITION BY tenant_id, case_id ORDER BY id) AS number
          FROM cobranza.payment_agreement) a ON a.tenant_id = p.tenant_id AND a.case_id = p.case_id
 WHERE e.kind = 'closed' AND e.outcome = 'settled' AND p.tenant_id = e.tenant_id AND p.case_id = e.case_id
   AND starts_with(e.note, format('agreement %s paid in full (payment %s); ', a.id, p.id));

ALTER TABLE cobranza.payment ENABLE TRIGGER payment_append_only;
ALTER TABLE cobranza.case_event ENABLE TRIGGER case_event_append_only;
ALTER TABLE cobranza.case_event ENABLE TRIGGER case_event_audit;

SET LOCAL ROLE cobranza_owner;

-- A key of a tenant table holds tenant_id (CatalogTests); the case id alone would be as strict.
ALTER TABLE cobranza.payment ALTER COLUMN number SET NOT NULL,
    ADD CONSTRAINT payment_number_check CHECK (number >= 1),
    ADD CONSTRAINT payment_tenant_id_case_id_number_key UNIQUE (tenant_id, case_id, number);

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
    -- The payment's number within its case, drawn under the case's lock taken just above: a
    -- concurrent payment on the case waits there and then reads this one. Whatever the row
    -- said is overwritten (no person has INSERT on the column anyway).
    NEW.number := coalesce((SELECT max(p.number) FROM cobranza.payment p
                             WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id), 0) + 1;
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

CREATE FUNCTION cobranza.reverse_payment(p_case text, p_number integer, p_reason text, p_on date,
                                         OUT reversal_id bigint, OUT credit_note text) RETURNS record
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_payment  record;
    v_billed   record;
    v_reversed integer;
    v_ref      text;
BEGIN
    PERFORM cobranza.lock_billing();
    v_ref := format('%s/%s', p_case, p_number);
    SELECT p.* INTO v_payment FROM cobranza.payment p
      JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
     WHERE c.number = p_case AND p.number = p_number;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = format('no payment %s', v_ref);
    END IF;
    SELECT r.number INTO v_reversed FROM cobranza.payment r
     WHERE r.tenant_id = v_payment.tenant_id AND r.reverses_id = v_payment.id;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'payment_reverses_once_key',
            MESSAGE = format('payment %s is already reversed (by %s/%s)', v_ref, p_case, v_reversed);
    END IF;
    -- payment_prepare refuses this too, for anyone; asked here first, a refusal draws no
    -- payment number.
    SELECT b.number INTO v_billed FROM cobranza.billed_payment b
     WHERE b.tenant_id = v_payment.tenant_id AND b.payment_id = v_payment.id
     LIMIT 1;
    IF FOUND AND (SELECT cobranza.current_kind()) IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('the fee of payment %s is on invoice %s, so reversing it issues a credit note: only an admin can',
                             v_ref, v_billed.number);
    END IF;
    INSERT INTO cobranza.payment (tenant_id, case_id, amount, reverses_id, reason, paid_on)
    VALUES (v_payment.tenant_id, v_payment.case_id, -v_payment.amount, v_payment.id, p_reason,
            coalesce(p_on, cobranza.today()))
    RETURNING id INTO reversal_id;
    SELECT d.number INTO credit_note FROM cobranza.fee_document d
     WHERE d.tenant_id = v_payment.tenant_id AND d.kind = 'credit_note' AND d.voids_id IS NULL
       AND d.payment_ids @> ARRAY[reversal_id];
END
$$;

CREATE OR REPLACE FUNCTION cobranza.agreement_settle() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_agreement record;
    v_case      text;
    v_number    bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id
                      AND c.on_agreement AND c.stage <> 'closed') THEN
        RETURN NULL;
    END IF;
    SELECT s.id, s.total, s.owed, s.paid INTO v_agreement FROM cobranza.agreement_status s
     WHERE s.tenant_id = NEW.tenant_id AND s.case_id = NEW.case_id ORDER BY s.id DESC LIMIT 1;
    IF FOUND AND v_agreement.paid >= v_agreement.total AND v_agreement.total < v_agreement.owed THEN
        UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'settled', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        -- Both named by their numbers within the case, as the shell shows them.
        SELECT c.number INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id;
        SELECT count(*) INTO v_number FROM cobranza.payment_agreement a
         WHERE a.tenant_id = NEW.tenant_id AND a.case_id = NEW.case_id AND a.id <= v_agreement.id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'settled',
                format('agreement %s paid in full (payment %s/%s); the discount of %s is forgiven', v_number, v_case, NEW.number,
                       cobranza.format_money(v_agreement.owed - v_agreement.total, NEW.currency)),
                true, NEW.paid_on);
    END IF;
    RETURN NULL;
END
$$;

DROP FUNCTION cobranza.reverse_payment(bigint, text, date);
REVOKE ALL ON FUNCTION cobranza.reverse_payment(text, integer, text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.reverse_payment(text, integer, text, date) TO cobranza_admin, cobranza_collector;

-- record_payment returns the number too (a new column: the function is made again).
DROP FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text);
CREATE FUNCTION cobranza.record_payment(
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
     CROSS JOIN LATERAL (SELECT coalesce(sum(x.outstanding), 0)::bigint AS owed FROM cobranza.invoice_balance x
                          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id) b
     WHERE c.tenant_id = v.tenant_id AND c.id = v.case_id;
END
$$;
REVOKE ALL ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text)
    TO cobranza_admin, cobranza_collector;

RESET ROLE;
