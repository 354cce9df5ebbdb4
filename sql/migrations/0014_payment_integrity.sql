-- 0014_payment_integrity: issue 14, items 1 and 13. Whoever writes a payment row (the shell,
-- psql, a future API), the database keeps billed money and bank references straight.
--
--   * A reversal of a billed payment carries its credit note. reverse_payment issued one, but a
--     collector with psql could INSERT the reversal row itself: no credit note, and the invoice
--     went on billing money given back while the next issue found "nothing new". Now
--     payment_prepare takes the billing lock for every reversal (before the case's, as
--     reverse_payment does, so the two paths lock in one order), refuses the reversal of a
--     billed payment to anyone but an admin, and an AFTER INSERT trigger issues the correction
--     credit note for it, with the caller's rights, as reverse_payment did. reverse_payment now
--     reads back the note the trigger issued.
--   * A bank reference names one transfer into one account. Agency-channel money lands in the
--     agency's account whichever client it is for, so its reference is unique in the whole
--     agency; a direct payment lands in the client's own account, so its reference stays unique
--     per client (payment_tenant_id_external_ref_key, as before). The agency-wide rule is not a
--     unique index across tenants on payment (a key without tenant_id: a cross-tenant oracle,
--     and no key Citus can distribute payment by): received_transfer, an agency-level table of
--     the transfers the agency's account received, keyed by the reference, written only by
--     payment_prepare (as the owner) and readable by staff only. Distributed, it would be a table
--     of its own shard key (the reference), which is why it has no foreign key to payment.
--     A duplicate is refused by payment_prepare with a message that names the column and the
--     payment holding the reference (`external_ref: X is already recorded (payment N on case
--     C-…)`), so the shell no longer looks the holder up after the failure (inside a bank
--     import that look-up ran in the failed savepoint: "current transaction is aborted").

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- The transfers received into the agency's account
------------------------------------------------------------------------------------------------
CREATE TABLE cobranza.received_transfer (
    external_ref text        NOT NULL,
    tenant_id    bigint      NOT NULL,
    payment_id   bigint      NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT received_transfer_pkey PRIMARY KEY (external_ref)
);
ALTER TABLE cobranza.received_transfer ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.received_transfer FORCE ROW LEVEL SECURITY;
-- The owner writes (payment_prepare); staff, who read every payment anyway, may look a
-- reference up; clients and lawyers have no grant at all.
CREATE POLICY received_transfer_owner_all ON cobranza.received_transfer FOR ALL TO cobranza_owner
    USING (true) WITH CHECK (true);
CREATE POLICY received_transfer_staff_read ON cobranza.received_transfer FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
REVOKE ALL ON cobranza.received_transfer FROM PUBLIC;
GRANT SELECT ON cobranza.received_transfer TO cobranza_admin, cobranza_collector;
-- A reversal does not free its reference: the transfer was received (and then returned).
CREATE TRIGGER received_transfer_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.received_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a transfer is recorded once, with its payment');

-- The transfers already recorded, each reference by its first payment. Later agency payments
-- that repeat a reference on another client's case (what the old per-client index let through)
-- stay as they are, append-only; the warning counts them, for staff to reverse the wrong ones.
INSERT INTO cobranza.received_transfer (external_ref, tenant_id, payment_id, recorded_at)
SELECT DISTINCT ON (p.external_ref) p.external_ref, p.tenant_id, p.id, p.created_at
  FROM cobranza.payment p
 WHERE p.channel = 'agency' AND p.external_ref IS NOT NULL
 ORDER BY p.external_ref, p.id;
DO $check$
DECLARE
    v_repeats bigint;
BEGIN
    SELECT count(*) INTO v_repeats
      FROM cobranza.payment p
     WHERE p.channel = 'agency' AND p.external_ref IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.received_transfer r WHERE r.tenant_id = p.tenant_id AND r.payment_id = p.id);
    IF v_repeats > 0 THEN
        RAISE WARNING '% agency payment(s) repeat a bank reference an earlier payment already recorded (see cobranza.received_transfer)',
            v_repeats;
    END IF;
END
$check$;

------------------------------------------------------------------------------------------------
-- payment_prepare: 0006's, with 0012's messages, plus the billing lock and the billed check for
-- reversals and the bank reference's checks for payments
------------------------------------------------------------------------------------------------
-- Everything a new payment sets off, in one BEFORE INSERT trigger (one trigger call, one read
-- of the case's totals):
--   * the checks only the database can make race-free: the case row is locked first and the
--     totals read after, on a fresh snapshot, so two sessions paying the same case queue up and
--     the second sees the first's payment. A reversal takes the billing lock before that, so it
--     never passes an invoice being issued, and is refused to all but admins when its payment
--     is billed (payment_reversal_credit then issues the credit note);
--   * a bank reference is the client's (payment_tenant_id_external_ref_key) and, for money paid
--     into the agency's account, the agency's (received_transfer, claimed here: ON CONFLICT waits
--     for a concurrent claim of the same reference and sees it once committed);
--   * the frozen fee: contract version in force on the payment date, the case's stage on that
--     date (judicial once a stage_change -> judicial event precedes it), payment_fee;
--   * the close as 'paid' when nothing is owed any more (or the reopening of a paid case when a
--     reversal makes money owed again), with its timeline event. These, and the claimed
--     reference, are written before the row itself lands; if the INSERT then fails, the
--     statement's failure takes them with it.
-- A reversal copies its payment's terms, negated.
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
    SELECT (coalesce(i.invoiced, 0)
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
        -- The minimum fee is in the client's currency; cases in another currency have none.
        v_fee := cobranza.payment_fee(
            NEW.amount, NEW.stage, NEW.channel, cobranza.overdue_months(v_facts.oldest_due, v_case.opened_on),
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

------------------------------------------------------------------------------------------------
-- The credit note of a billed payment's reversal, however the reversal was written
------------------------------------------------------------------------------------------------
-- AFTER INSERT, once the reversal row exists for the note to name. The caller's rights, as
-- reverse_payment had: payment_prepare let only an admin (or the superuser) this far with a
-- billed payment, and fee_document_check_lines checks the note as it checks any admin's. The
-- billing lock payment_prepare took is still held, so the payment is billed now as it was then.
CREATE FUNCTION cobranza.payment_reversal_credit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_billed record;
BEGIN
    IF NEW.fee = 0 THEN
        RETURN NULL;
    END IF;
    SELECT b.number, b.vat_bp INTO v_billed FROM cobranza.billed_payment b
     WHERE b.tenant_id = NEW.tenant_id AND b.payment_id = NEW.reverses_id
     LIMIT 1;
    IF FOUND THEN
        PERFORM cobranza.issue_credit_note(NEW.tenant_id, NULL, ARRAY[NEW.id], v_billed.vat_bp, NEW.currency, NEW.reason);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER payment_reversal_credit AFTER INSERT ON cobranza.payment
    FOR EACH ROW WHEN (NEW.reverses_id IS NOT NULL) EXECUTE FUNCTION cobranza.payment_reversal_credit();
REVOKE EXECUTE ON FUNCTION cobranza.payment_reversal_credit() FROM PUBLIC;

-- Reverses a payment (a bounced cheque): adds the reversal row, which undoes the allocation and
-- the fee; when the fee was already billed, the row's trigger issues the credit note that
-- corrects it (and payment_prepare lets only an admin reverse a billed payment). Returns the
-- reversal's id and that credit note's number, if one was issued.
CREATE OR REPLACE FUNCTION cobranza.reverse_payment(p_payment bigint, p_reason text, p_on date,
                                                    OUT reversal_id bigint, OUT credit_note text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_payment  record;
    v_billed   record;
    v_reversed bigint;
BEGIN
    PERFORM cobranza.lock_billing();
    SELECT p.* INTO v_payment FROM cobranza.payment p WHERE p.id = p_payment;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = format('no payment %s', p_payment);
    END IF;
    SELECT r.id INTO v_reversed FROM cobranza.payment r
     WHERE r.tenant_id = v_payment.tenant_id AND r.reverses_id = v_payment.id;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'payment_reverses_once_key',
            MESSAGE = format('payment %s is already reversed (by %s)', p_payment, v_reversed);
    END IF;
    -- payment_prepare refuses this too, for anyone; asked here first, a refusal draws no
    -- payment id.
    SELECT b.number INTO v_billed FROM cobranza.billed_payment b
     WHERE b.tenant_id = v_payment.tenant_id AND b.payment_id = v_payment.id
     LIMIT 1;
    IF FOUND AND (SELECT cobranza.current_kind()) IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('the fee of payment %s is on invoice %s, so reversing it issues a credit note: only an admin can',
                             p_payment, v_billed.number);
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

RESET ROLE;
