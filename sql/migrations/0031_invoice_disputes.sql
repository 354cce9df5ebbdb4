-- Disputes are about invoices; a client may cancel its own invoice (issue 16, item 7).
--
--   * dispute_invoice names the invoices a dispute covers. A dispute that names none covers the
--     whole case, as before: collection_case.disputed now means exactly that (case_transition),
--     and CaseWorkflow keeps its rules for it. A dispute that names invoices leaves the flag
--     off: the rest of the case goes on, and only the amounts leave the disputed invoices out
--     (case_undisputed_outstanding): a posting or a referral is refused when everything still
--     owed is disputed, a referral weighs the threshold against the undisputed part, and the
--     letters list only undisputed invoices; no instalment agreement is made while any dispute
--     is open (it would fold the disputed invoices in). Invoices are named in the transaction that opens
--     the dispute, never later (a later row would narrow a dispute that covered everything).
--   * A cancelled invoice (cancel_reason, cancelled_on, cancelled_by, cancelled_amount) is no
--     longer owed for what was unpaid when it was cancelled: its amount becomes what was paid
--     on it and cancelled_amount keeps the rest, so every sum over invoice.amount (the case's
--     outstanding, the allocation of payments oldest due first in invoice_balance, the
--     overpayment check and the fees of payment_prepare) leaves it out unchanged: no later
--     payment is allocated to it and so it earns no fee. What was paid stays paid (its fee
--     too); a fully paid invoice has nothing to cancel. (A later reversal of a payment that was
--     allocated to it makes that part owed again, as for any invoice.)
--   * Who cancels: staff (admins, collectors), and the client's own users for its own placed
--     invoices (a correction of its claim); RLS and the column grants say so. When nothing is
--     owed after a cancellation the case closes: as 'withdrawn' for a client's correction, as
--     'disputed' when the cancellation is an upheld dispute's (dispute_resolved).

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Cancelled invoices
------------------------------------------------------------------------------------------------

ALTER TABLE cobranza.invoice
    ADD COLUMN cancel_reason text,
    ADD COLUMN cancelled_on date,
    ADD COLUMN cancelled_by text,
    ADD COLUMN cancelled_amount bigint,
    ADD COLUMN cancelled_by_dispute bigint,
    ADD CONSTRAINT invoice_cancel_reason_text CHECK (cobranza.note_text(cancel_reason, 'cancel_reason', 2000)),
    ADD CONSTRAINT invoice_cancelled_by_text CHECK (cobranza.single_line(cancelled_by, 'cancelled_by')),
    ADD CONSTRAINT invoice_cancelled_check CHECK (
        (cancel_reason IS NULL) = (cancelled_on IS NULL) AND (cancel_reason IS NULL) = (cancelled_by IS NULL)
        AND (cancel_reason IS NULL) = (cancelled_amount IS NULL) AND (cancel_reason IS NOT NULL OR cancelled_by_dispute IS NULL)
        AND (cancelled_amount IS NULL OR cancelled_amount > 0)),
    ADD CONSTRAINT invoice_cancelled_by_dispute_fkey FOREIGN KEY (tenant_id, cancelled_by_dispute)
        REFERENCES cobranza.dispute (tenant_id, id);
-- A cancelled invoice may keep nothing (nothing had been paid on it).
ALTER TABLE cobranza.invoice DROP CONSTRAINT invoice_amount_check,
    ADD CONSTRAINT invoice_amount_check CHECK (amount > 0 OR (cancel_reason IS NOT NULL AND amount = 0));

-- Cancelling: once, only the cancellation columns, only an unpaid part. Writes who, when and
-- how much; the amount becomes what was paid. SECURITY DEFINER to lock the case row as a payment
-- does (a client may not lock it): the row itself already passed the caller's policies.
CREATE FUNCTION cobranza.invoice_cancelling() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_outstanding bigint;
BEGIN
    IF OLD.cancel_reason IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check',
            MESSAGE = format('invoice %s was cancelled on %s: a cancelled invoice is kept as it is', OLD.number, OLD.cancelled_on);
    END IF;
    IF NEW.cancel_reason IS NULL AND NEW.cancelled_by_dispute IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.cancel_reason IS NULL OR btrim(NEW.cancel_reason) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check', COLUMN = 'cancel_reason',
            MESSAGE = 'reason: say why the invoice is cancelled';
    END IF;
    IF (NEW.tenant_id, NEW.submission_id, NEW.debtor_id, NEW.number, NEW.issued, NEW.due, NEW.amount, NEW.currency, NEW.case_id, NEW.note)
       IS DISTINCT FROM (OLD.tenant_id, OLD.submission_id, OLD.debtor_id, OLD.number, OLD.issued, OLD.due, OLD.amount, OLD.currency, OLD.case_id, OLD.note) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check',
            MESSAGE = format('invoice %s: a cancellation writes only its reason', OLD.number);
    END IF;
    IF OLD.case_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check',
            MESSAGE = format('invoice %s is not on a case: a pending submission is withdrawn or rejected instead', OLD.number);
    END IF;
    IF NEW.cancelled_by_dispute IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cobranza.dispute d
         WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.cancelled_by_dispute AND d.case_id = NEW.case_id AND d.outcome = 'upheld'
           AND (NOT EXISTS (SELECT 1 FROM cobranza.dispute_invoice x WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id)
                OR EXISTS (SELECT 1 FROM cobranza.dispute_invoice x
                            WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id AND x.invoice_id = NEW.id))) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check',
            MESSAGE = format('invoice %s: only an upheld dispute that covers it cancels it in its name', OLD.number);
    END IF;
    -- The case row first, as a payment does: a payment and a cancellation do not cross.
    PERFORM 1 FROM cobranza.collection_case c WHERE c.tenant_id = OLD.tenant_id AND c.id = OLD.case_id FOR UPDATE;
    SELECT b.outstanding INTO v_outstanding FROM cobranza.invoice_balance b WHERE b.tenant_id = OLD.tenant_id AND b.invoice_id = OLD.id;
    IF coalesce(v_outstanding, 0) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_cancelled_check',
            MESSAGE = format('invoice %s is paid in full: there is nothing left to cancel', OLD.number);
    END IF;
    NEW.cancel_reason := btrim(NEW.cancel_reason);
    NEW.cancelled_on := cobranza.today();
    NEW.cancelled_by := session_user;
    NEW.cancelled_amount := v_outstanding;
    NEW.amount := OLD.amount - v_outstanding;
    RETURN NEW;
END
$$;

-- Cancelled: on the case's timeline, and the case closes when nothing is owed any more (as
-- 'withdrawn': the client took its claim back). An upheld dispute's cancellations are closed by
-- dispute_resolved, as 'disputed'. SECURITY DEFINER: the client who cancels may not write the
-- case or its timeline itself.
CREATE FUNCTION cobranza.invoice_cancelled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    SELECT c.* INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id;
    IF v_case.stage = 'closed' OR NEW.cancelled_by_dispute IS NOT NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'note',
            format('invoice %s cancelled (%s no longer owed): %s', NEW.number,
                   cobranza.format_money(NEW.cancelled_amount, NEW.currency), NEW.cancel_reason),
            true, NEW.cancelled_on);
    IF cobranza.case_outstanding(NEW.tenant_id, NEW.case_id) = 0 THEN
        UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'withdrawn', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'withdrawn', format('invoice %s cancelled: nothing else is owed', NEW.number),
                true, NEW.cancelled_on);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoice_cancelling BEFORE UPDATE ON cobranza.invoice
    FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_cancelling();
CREATE TRIGGER invoice_cancelled AFTER UPDATE OF cancel_reason ON cobranza.invoice
    FOR EACH ROW WHEN (OLD.cancel_reason IS NULL AND NEW.cancel_reason IS NOT NULL)
    EXECUTE FUNCTION cobranza.invoice_cancelled();

-- The client cancels its own placed invoices; staff already update invoices (invoice_staff_all).
CREATE POLICY invoice_client_cancel ON cobranza.invoice FOR UPDATE TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()) AND case_id IS NOT NULL)
    WITH CHECK (tenant_id = (SELECT cobranza.current_tenant()) AND case_id IS NOT NULL);
GRANT UPDATE (cancel_reason) ON cobranza.invoice TO cobranza_client;
GRANT UPDATE (cancel_reason, cancelled_by_dispute) ON cobranza.invoice TO cobranza_admin, cobranza_collector;

------------------------------------------------------------------------------------------------
-- The invoices a dispute covers
------------------------------------------------------------------------------------------------

CREATE TABLE cobranza.dispute_invoice (
    tenant_id  bigint NOT NULL CONSTRAINT dispute_invoice_tenant_fkey REFERENCES cobranza.tenant (id),
    dispute_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    CONSTRAINT dispute_invoice_pkey PRIMARY KEY (tenant_id, dispute_id, invoice_id),
    CONSTRAINT dispute_invoice_dispute_fkey FOREIGN KEY (tenant_id, dispute_id) REFERENCES cobranza.dispute (tenant_id, id),
    CONSTRAINT dispute_invoice_invoice_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES cobranza.invoice (tenant_id, id)
);
CREATE INDEX dispute_invoice_tenant_id_invoice_id_idx ON cobranza.dispute_invoice (tenant_id, invoice_id);

-- A named invoice: of the dispute's case, not cancelled, named in the transaction that opened
-- the dispute. The case stops being disputed as a whole; the timeline names the invoice.
CREATE FUNCTION cobranza.dispute_invoice_added() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_dispute record;
    v_invoice record;
BEGIN
    SELECT d.case_id, d.outcome, d.xmin::text::bigint = pg_current_xact_id()::text::bigint % 4294967296 AS this_transaction
      INTO v_dispute FROM cobranza.dispute d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.dispute_id;
    SELECT i.number, i.case_id, i.cancel_reason INTO v_invoice FROM cobranza.invoice i WHERE i.tenant_id = NEW.tenant_id AND i.id = NEW.invoice_id;
    IF v_dispute.outcome IS NOT NULL OR NOT v_dispute.this_transaction THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_invoice_open_check',
            MESSAGE = format('dispute %s: its invoices are named when it is opened (dispute open --invoice), never later', NEW.dispute_id);
    END IF;
    IF v_invoice.case_id IS DISTINCT FROM v_dispute.case_id THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_invoice_case_check', COLUMN = 'invoice',
            MESSAGE = format('invoice: %s is not an invoice of the disputed case', v_invoice.number);
    END IF;
    IF v_invoice.cancel_reason IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_invoice_case_check', COLUMN = 'invoice',
            MESSAGE = format('invoice: %s is cancelled: there is nothing to dispute', v_invoice.number);
    END IF;
    UPDATE cobranza.collection_case SET disputed = false WHERE tenant_id = NEW.tenant_id AND id = v_dispute.case_id AND disputed;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible)
    VALUES (NEW.tenant_id, v_dispute.case_id, 'note', format('the dispute covers invoice %s', v_invoice.number), true);
    RETURN NULL;
END
$$;

CREATE TRIGGER dispute_invoice_added AFTER INSERT ON cobranza.dispute_invoice
    FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_invoice_added();
CREATE TRIGGER dispute_invoice_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.dispute_invoice
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('what a dispute covered is history');

ALTER TABLE cobranza.dispute_invoice ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.dispute_invoice FORCE ROW LEVEL SECURITY;
CREATE POLICY dispute_invoice_staff_all ON cobranza.dispute_invoice FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY dispute_invoice_owner_trusted ON cobranza.dispute_invoice FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);
CREATE POLICY dispute_invoice_client_read ON cobranza.dispute_invoice FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
REVOKE ALL ON cobranza.dispute_invoice FROM PUBLIC;
GRANT SELECT ON cobranza.dispute_invoice TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT INSERT (tenant_id, dispute_id, invoice_id) ON cobranza.dispute_invoice TO cobranza_admin, cobranza_collector;

-- Whether an open dispute covers the invoice (a dispute naming no invoices covers them all).
CREATE FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM cobranza.invoice i
                     JOIN cobranza.dispute d ON d.tenant_id = i.tenant_id AND d.case_id = i.case_id AND d.outcome IS NULL
                    WHERE i.tenant_id = p_tenant AND i.id = p_invoice
                      AND (NOT EXISTS (SELECT 1 FROM cobranza.dispute_invoice x WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id)
                           OR EXISTS (SELECT 1 FROM cobranza.dispute_invoice x
                                       WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id AND x.invoice_id = i.id)))
$$;

-- What a case owes outside its open dispute: posting, referral and letters weigh this.
CREATE FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT coalesce(sum(b.outstanding), 0)::bigint
      FROM cobranza.invoice_balance b
     WHERE b.tenant_id = p_tenant AND b.case_id = p_case AND NOT cobranza.invoice_disputed(b.tenant_id, b.invoice_id)
$$;
REVOKE ALL ON FUNCTION cobranza.invoice_disputed(bigint, bigint), cobranza.case_undisputed_outstanding(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.invoice_disputed(bigint, bigint), cobranza.case_undisputed_outstanding(bigint, bigint)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

------------------------------------------------------------------------------------------------
-- Resolving: an upheld dispute cancels what it covers; the case closes only if nothing else is owed
------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cobranza.dispute_resolved() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'dispute', NEW.outcome, NEW.resolution_note, true, NEW.resolved_on);
    UPDATE cobranza.collection_case SET disputed = false WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id AND disputed;
    IF NEW.outcome = 'upheld' THEN
        -- What is still unpaid on the covered invoices is no longer owed.
        UPDATE cobranza.invoice i
           SET cancel_reason = 'dispute upheld' || coalesce(': ' || nullif(btrim(NEW.resolution_note), ''), ''),
               cancelled_by_dispute = NEW.id
         WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id AND i.cancel_reason IS NULL
           AND EXISTS (SELECT 1 FROM cobranza.invoice_balance b WHERE b.tenant_id = i.tenant_id AND b.invoice_id = i.id AND b.outstanding > 0)
           AND (NOT EXISTS (SELECT 1 FROM cobranza.dispute_invoice x WHERE x.tenant_id = NEW.tenant_id AND x.dispute_id = NEW.id)
                OR EXISTS (SELECT 1 FROM cobranza.dispute_invoice x
                            WHERE x.tenant_id = NEW.tenant_id AND x.dispute_id = NEW.id AND x.invoice_id = i.id));
        IF cobranza.case_outstanding(NEW.tenant_id, NEW.case_id) = 0
           AND EXISTS (SELECT 1 FROM cobranza.collection_case c
                        WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id AND c.stage <> 'closed') THEN
            UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'disputed', closed_at = now()
             WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
            VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'disputed', 'dispute upheld', true, NEW.resolved_on);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

------------------------------------------------------------------------------------------------
-- Posting and referral: never for a case whose every owed invoice is disputed
------------------------------------------------------------------------------------------------

-- After posting_notified and posting_transition (BEFORE triggers fire in name order), which
-- refuse a case disputed as a whole in their own words.
CREATE FUNCTION cobranza.posting_undisputed_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR (OLD.published_on IS NULL AND NEW.published_on IS NOT NULL))
       AND cobranza.case_undisputed_outstanding(NEW.tenant_id, NEW.case_id) = 0
       AND cobranza.case_outstanding(NEW.tenant_id, NEW.case_id) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: every invoice still owed is disputed: nothing can be posted until the dispute is resolved',
                             (SELECT c.number FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER posting_undisputed_check BEFORE INSERT OR UPDATE ON cobranza.posting
    FOR EACH ROW EXECUTE FUNCTION cobranza.posting_undisputed_check();

-- Instalments would fold disputed invoices into what the debtor agrees to pay: no agreement
-- while any dispute is open (agreement_prepare refuses a case disputed as a whole first).
CREATE FUNCTION cobranza.agreement_undisputed_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = NEW.tenant_id AND d.case_id = NEW.case_id AND d.outcome IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: an invoice of the case is disputed: resolve the dispute before agreeing instalments',
                             (SELECT c.number FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agreement_undisputed_check BEFORE INSERT ON cobranza.payment_agreement
    FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_undisputed_check();

-- case_transition: 0011's, one condition changed (marked).
CREATE OR REPLACE FUNCTION cobranza.case_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.stage = 'closed' THEN
        IF NEW.stage <> 'closed' THEN
            -- Reopening: an admin's decision, or a reversal of the payment that closed the case as
            -- paid. payment_prepare runs as the owner (0005), and no person can act as the owner,
            -- so current_user tells the trusted move from any imitation.
            IF NOT ((SELECT cobranza.current_kind()) IS NOT DISTINCT FROM 'admin'
                    OR (OLD.close_code = 'paid' AND current_user = 'cobranza_owner')) THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                    MESSAGE = format('case %s is closed (%s): only an admin can reopen it', OLD.number, OLD.close_code);
            END IF;
        ELSIF (NEW.close_code, NEW.closed_at, NEW.on_agreement, NEW.on_promise, NEW.assigned_to, NEW.next_action_date)
              IS DISTINCT FROM (OLD.close_code, OLD.closed_at, OLD.on_agreement, OLD.on_promise, OLD.assigned_to, OLD.next_action_date)
              OR (NEW.disputed AND NOT OLD.disputed) OR (NEW.posted AND NOT OLD.posted) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
                MESSAGE = format('case %s is closed (%s): it takes no new steps; an admin may reopen it', OLD.number, OLD.close_code);
        END IF;
    END IF;
    IF NEW.stage = 'extrajudicial' AND OLD.stage <> 'extrajudicial'
       AND EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
            MESSAGE = format('case %s was referred to court: it does not go back to the extrajudicial stage', OLD.number);
    END IF;
    -- Closing as paid is the payments' to do (payment_prepare, as the owner, inside the payment's INSERT).
    IF NEW.close_code = 'paid' AND OLD.close_code IS DISTINCT FROM 'paid' AND current_user <> 'cobranza_owner'
       AND cobranza.case_outstanding(NEW.tenant_id, NEW.id) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_close_code_check',
            MESSAGE = format('case %s still owes %s: it closes as paid by itself when the payments cover it', OLD.number,
                             cobranza.format_money(cobranza.case_outstanding(NEW.tenant_id, NEW.id), NEW.currency));
    END IF;
    IF OLD.posted AND NOT NEW.posted
       AND EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.id
                      AND p.published_on IS NOT NULL AND p.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_posted_check',
            MESSAGE = format('case %s is posted until its posting is withdrawn (posting withdraw)', OLD.number);
    END IF;
    IF NEW.stage = 'judicial' AND OLD.stage <> 'judicial' THEN
        -- A referral, not a reopening: a judicial case closed while disputed goes back to court
        -- as it was, still disputed (CaseWorkflow's reopen).
        IF NEW.disputed AND OLD.stage = 'extrajudicial' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be referred to court', OLD.number);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.id) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
                MESSAGE = format('case %s becomes judicial only by a referral to court (referral file)', OLD.number);
        END IF;
    END IF;
    IF NEW.posted AND NOT OLD.posted THEN
        IF NEW.disputed THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be posted', OLD.number);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.id
                          AND p.published_on IS NOT NULL AND p.withdrawn_on IS NULL) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_posted_check',
                MESSAGE = format('case %s is posted only by publishing it (posting publish)', OLD.number);
        END IF;
    END IF;
    IF NEW.disputed IS DISTINCT FROM OLD.disputed
       -- 0031: disputed means an open dispute covers the whole case (it names no invoices).
       AND NEW.disputed <> EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = NEW.tenant_id AND d.case_id = NEW.id
                                      AND d.outcome IS NULL
                                      AND NOT EXISTS (SELECT 1 FROM cobranza.dispute_invoice x
                                                       WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: disputes are opened and resolved with "dispute open" and "dispute resolve"', OLD.number);
    END IF;
    RETURN NEW;
END
$$;



-- referral_prepare: 0012's, the outstanding changed (marked).
CREATE OR REPLACE FUNCTION cobranza.referral_prepare()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a referral');
    IF v_case.stage = 'judicial' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
            MESSAGE = format('case %s is already judicial', v_case.number);
    END IF;
    IF v_case.disputed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s is disputed: a disputed case cannot be referred to court', v_case.number);
    END IF;
    IF cobranza.person_kind(NEW.lawyer) IS DISTINCT FROM 'lawyer' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_lawyer_check',
            COLUMN = 'lawyer', MESSAGE = format('lawyer: "%s" is not an enabled lawyer', cobranza.quote_for_message(NEW.lawyer));
    END IF;
    NEW.referred_on := cobranza.today();
    NEW.stage := 'referred';
    -- 0031: what goes to court is what is owed outside an open dispute; nothing, no referral.
    NEW.outstanding := cobranza.case_undisputed_outstanding(NEW.tenant_id, NEW.case_id);
    IF NEW.outstanding = 0 AND cobranza.case_outstanding(NEW.tenant_id, NEW.case_id) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: every invoice still owed is disputed: nothing to refer to court until the dispute is resolved',
                             v_case.number);
    END IF;
    NEW.threshold := coalesce((cobranza.contract_on(NEW.tenant_id, NEW.referred_on)).judicial_threshold, 0);
    IF NEW.outstanding < NEW.threshold THEN
        IF NEW.override_reason IS NULL OR btrim(NEW.override_reason) = '' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_threshold_check',
                MESSAGE = format('case %s owes %s, below the client''s judicial threshold of %s: an admin may refer it with --override --reason',
                                 v_case.number, cobranza.format_money(NEW.outstanding, v_case.currency),
                                 cobranza.format_money(NEW.threshold, v_case.currency));
        ELSIF (SELECT cobranza.current_kind()) IS DISTINCT FROM 'admin' THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = format('case %s is below the client''s judicial threshold: only an admin can override it', v_case.number);
        END IF;
    ELSE
        NEW.override_reason := NULL;
    END IF;
    RETURN NEW;
END
$function$;


RESET ROLE;
