-- 0122_cancelling_under_an_agreement: an invoice cancelled while an instalment agreement is in
-- force comes off the agreement too.
--
-- A client's cancellation and an upheld dispute's (0031) take the invoice's unpaid part off what
-- the case owes, but the agreement kept asking its whole total: the debtor paid more than owed to
-- complete it (losing the agreed discount on the rest), or stopped at what was owed and fell "in
-- default" on instalments for debt nobody was owed any more, which frees the case for posting in
-- the commercial registry. Nothing refused the cancellation either, and refusing it would be wrong:
-- an upheld dispute must cancel.
--
-- Now each such cancellation writes a row of agreement_cancellation: what the agreement no longer
-- covers (owed: the invoice's unpaid part), and what it asks less (total), so that it asks the
-- agreed discount of what it still covers, never less than what was already paid under it. An
-- agreement is history (append-only); its rows stay as agreed and agreement_status reads owed
-- and total less its cancellations, so everything that reads it follows unchanged: what a payment leaves the agreement expecting (record_payment,
-- the bank import), completion, settlement with its discount forgiven (agreement_settle),
-- the strategy run's pause and the case view; collector_report, which works out a default as of
-- a day itself, leaves them out too. Instalments give way from the last: instalment_status
-- says how much of each is cancelled (a new column), and one cancelled whole has that status.
-- When the cancellation itself completes a discounted agreement, the case settles then, as a
-- payment would have settled it. An invoice placed on the case after the agreement (a submission
-- that joined the open case) was never part of it and changes nothing there.
-- CancellingUnderAnAgreementTests.

SET LOCAL ROLE cobranza_owner;

CREATE TABLE cobranza.agreement_cancellation (
    tenant_id    bigint      NOT NULL,
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    agreement_id bigint      NOT NULL,
    invoice_id   bigint      NOT NULL,
    owed         bigint      NOT NULL,  -- what the agreement no longer covers: the invoice's cancelled_amount
    total        bigint      NOT NULL,  -- what the agreement asks less
    cancelled_on date        NOT NULL,  -- the invoice's cancelled_on (collector_report reads agreements as of a day)
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agreement_cancellation_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT agreement_cancellation_invoice_key UNIQUE (tenant_id, invoice_id),
    CONSTRAINT agreement_cancellation_agreement_fkey FOREIGN KEY (tenant_id, agreement_id)
        REFERENCES cobranza.payment_agreement (tenant_id, id),
    CONSTRAINT agreement_cancellation_invoice_fkey FOREIGN KEY (tenant_id, invoice_id)
        REFERENCES cobranza.invoice (tenant_id, id),
    CONSTRAINT agreement_cancellation_amounts_check CHECK (owed > 0 AND total >= 0 AND total <= owed)
);
CREATE INDEX agreement_cancellation_agreement_idx ON cobranza.agreement_cancellation (tenant_id, agreement_id);

CREATE TRIGGER agreement_cancellation_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.agreement_cancellation
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('what a cancelled invoice took off an agreement is history');
CREATE TRIGGER agreement_cancellation_audit_insert AFTER INSERT ON cobranza.agreement_cancellation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Read as agreements are; written only by the trigger below (the owner).
ALTER TABLE cobranza.agreement_cancellation ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.agreement_cancellation FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_cancellation_staff_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY agreement_cancellation_client_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY agreement_cancellation_lawyer_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.payment_agreement a
                    WHERE a.tenant_id = agreement_cancellation.tenant_id AND a.id = agreement_cancellation.agreement_id));
CREATE POLICY agreement_cancellation_owner_trusted ON cobranza.agreement_cancellation FOR ALL TO cobranza_owner
    USING (true) WITH CHECK (true);
-- The trigger (owner) reads the agreement in force through agreement_status.
CREATE POLICY payment_agreement_owner_read ON cobranza.payment_agreement FOR SELECT TO cobranza_owner USING (true);
CREATE POLICY instalment_owner_read ON cobranza.instalment FOR SELECT TO cobranza_owner USING (true);

REVOKE ALL ON cobranza.agreement_cancellation FROM PUBLIC;
GRANT SELECT ON cobranza.agreement_cancellation TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- What the agreement asks now: owed and total less its cancellations (appended: cancelled,
-- cancelled_owed). Otherwise 0005's.
CREATE OR REPLACE VIEW cobranza.agreement_status WITH (security_invoker = true) AS
    SELECT a.tenant_id, a.id, a.case_id, a.currency, a.agreed_on, a.owed - x.owed AS owed, a.discount_bp, a.total - x.total AS total,
           a.down_payment, a.instalments, a.every, a.first_due, a.default_days, k.paid,
           CASE WHEN EXISTS (SELECT 1 FROM cobranza.payment_agreement b
                              WHERE b.tenant_id = a.tenant_id AND b.case_id = a.case_id AND b.id > a.id) THEN 'superseded'
                WHEN k.paid >= a.total - x.total THEN 'completed'
                WHEN EXISTS (SELECT 1 FROM cobranza.instalment_status s
                              WHERE s.tenant_id = a.tenant_id AND s.agreement_id = a.id AND s.status = 'default') THEN 'default'
                ELSE 'active' END AS status,
           a.created_by, x.total AS cancelled, x.owed AS cancelled_owed
      FROM cobranza.payment_agreement a
     CROSS JOIN LATERAL (
            SELECT coalesce(sum(c.owed), 0)::bigint AS owed, coalesce(sum(c.total), 0)::bigint AS total
              FROM cobranza.agreement_cancellation c
             WHERE c.tenant_id = a.tenant_id AND c.agreement_id = a.id) x
     CROSS JOIN LATERAL (
            SELECT greatest(0, coalesce(sum(p.amount), 0) - a.paid_before)::bigint AS paid FROM cobranza.payment p
             WHERE p.tenant_id = a.tenant_id AND p.case_id = a.case_id) k;

-- Payments fill the instalments from the first, cancellations empty them from the last; an
-- instalment is paid once payments cover what is left of it, and cancelled when nothing is left
-- of it and nothing was paid on it. (The cancellations are capped at what the agreement still
-- asked, so the two meet only when the debtor pays beyond it.)
CREATE OR REPLACE VIEW cobranza.instalment_status WITH (security_invoker = true) AS
    SELECT i.tenant_id, i.agreement_id, a.case_id, i.sequence, i.due, i.amount, a.currency, f.paid,
           CASE WHEN f.paid >= i.amount - f.cancelled THEN CASE WHEN f.paid = 0 THEN 'cancelled' ELSE 'paid' END
                WHEN cobranza.today() > i.due + a.default_days THEN 'default'
                WHEN cobranza.today() > i.due THEN 'late'
                ELSE 'open' END AS status,
           f.cancelled
      FROM cobranza.instalment i
      JOIN cobranza.payment_agreement a ON a.tenant_id = i.tenant_id AND a.id = i.agreement_id
     CROSS JOIN LATERAL (
            SELECT sum(j.amount)::bigint AS through FROM cobranza.instalment j
             WHERE j.tenant_id = i.tenant_id AND j.agreement_id = i.agreement_id AND j.sequence <= i.sequence) s
     CROSS JOIN LATERAL (
            SELECT greatest(0, coalesce(sum(p.amount), 0) - a.paid_before)::bigint AS paid FROM cobranza.payment p
             WHERE p.tenant_id = a.tenant_id AND p.case_id = a.case_id) k
     CROSS JOIN LATERAL (
            SELECT coalesce(sum(c.total), 0)::bigint AS total FROM cobranza.agreement_cancellation c
             WHERE c.tenant_id = a.tenant_id AND c.agreement_id = a.id) x
     CROSS JOIN LATERAL (
            SELECT least(i.amount, greatest(0, k.paid - (s.through - i.amount)))::bigint AS paid,
                   least(i.amount, greatest(0, x.total - (a.total - s.through)))::bigint AS cancelled) f;

-- The collectors' report works out "in default" on a day of its own (0070): it now leaves out what
-- cancellations made by then took off, as agreement_status does; the instalments they emptied
-- are never in default. Otherwise 0070's.
CREATE OR REPLACE FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date)
RETURNS TABLE (collector text, measure text, currency text, n bigint, amount bigint, fees bigint)
    LANGUAGE sql STABLE SECURITY INVOKER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    WITH win AS (SELECT p_from AS lo, least(p_to, p_on) AS hi),
    spans AS MATERIALIZED (
        SELECT a.tenant_id, a.case_id, a.collector, a.since,
               lead(a.since) OVER (PARTITION BY a.tenant_id, a.case_id ORDER BY a.since, a.seq) AS until
          FROM (SELECT e.tenant_id, e.case_id, substring(e.note FROM '^assigned to ([^ ]+)') AS collector,
                       e.occurred_on AS since, e.id AS seq
                  FROM cobranza.case_event e
                 WHERE e.kind = 'assigned' AND e.occurred_on <= p_on
                UNION ALL
                SELECT c.tenant_id, c.id, c.assigned_to::text, c.opened_on, 0
                  FROM cobranza.collection_case c
                 WHERE c.assigned_to IS NOT NULL AND c.opened_on <= p_on
                   AND NOT EXISTS (SELECT 1 FROM cobranza.case_event e
                                    WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'assigned')) a
    ),
    promised AS (
        SELECT p.created_by::text AS collector,
               CASE WHEN greatest(0, coalesce(k.paid, 0) - p.paid_before) >= p.amount THEN 'promise_kept'
                    WHEN p_on > p.due + p.grace_days THEN 'promise_broken'
                    ELSE 'promise_pending' END AS measure
          FROM cobranza.promise p CROSS JOIN win
          CROSS JOIN LATERAL (SELECT sum(y.amount) AS paid FROM cobranza.payment y
                               WHERE y.tenant_id = p.tenant_id AND y.case_id = p.case_id
                                 AND y.paid_on <= least(p.due + p.grace_days, p_on)) k
         WHERE p.promised_on BETWEEN win.lo AND win.hi
    ),
    agreed AS (
        SELECT a.created_by::text AS collector,
               NOT EXISTS (SELECT 1 FROM cobranza.payment_agreement b
                            WHERE b.tenant_id = a.tenant_id AND b.case_id = a.case_id AND b.id > a.id AND b.agreed_on <= p_on)
               AND k.paid < a.total - x.total
               AND EXISTS (SELECT 1 FROM cobranza.instalment i
                            CROSS JOIN LATERAL (SELECT sum(j.amount) AS through FROM cobranza.instalment j
                                                 WHERE j.tenant_id = i.tenant_id AND j.agreement_id = i.agreement_id
                                                   AND j.sequence <= i.sequence) s
                            WHERE i.tenant_id = a.tenant_id AND i.agreement_id = a.id AND p_on > i.due + a.default_days
                              AND k.paid < s.through AND s.through - i.amount < a.total - x.total) AS in_default
          FROM cobranza.payment_agreement a CROSS JOIN win
          CROSS JOIN LATERAL (SELECT greatest(0, coalesce(sum(y.amount), 0) - a.paid_before) AS paid FROM cobranza.payment y
                               WHERE y.tenant_id = a.tenant_id AND y.case_id = a.case_id AND y.paid_on <= p_on) k
          CROSS JOIN LATERAL (SELECT coalesce(sum(c.total), 0) AS total FROM cobranza.agreement_cancellation c
                               WHERE c.tenant_id = a.tenant_id AND c.agreement_id = a.id AND c.cancelled_on <= p_on) x
         WHERE a.agreed_on BETWEEN win.lo AND win.hi
    ),
    facts AS (
        SELECT s.collector, 'assigned' AS measure, NULL::text AS currency,
               count(DISTINCT (s.tenant_id, s.case_id)) AS n, 0::numeric AS amount, 0::numeric AS fees
          FROM spans s CROSS JOIN win
         WHERE s.since BETWEEN win.lo AND win.hi AND s.collector IS NOT NULL
         GROUP BY s.collector
        UNION ALL
        SELECT e.created_by::text, e.kind, NULL, count(*), 0, 0
          FROM cobranza.case_event e CROSS JOIN win
         WHERE e.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
           AND e.occurred_on BETWEEN win.lo AND win.hi
         GROUP BY e.created_by, e.kind
        UNION ALL
        SELECT p.collector, p.measure, NULL, count(*), 0, 0 FROM promised p GROUP BY p.collector, p.measure
        UNION ALL
        SELECT a.collector, 'agreements', NULL, count(*), 0, 0 FROM agreed a GROUP BY a.collector
        UNION ALL
        SELECT a.collector, 'agreements_in_default', NULL, count(*), 0, 0 FROM agreed a WHERE a.in_default GROUP BY a.collector
        UNION ALL
        SELECT coalesce(s.collector, '(unassigned)'), 'closed_' || e.outcome, NULL, count(*), 0, 0
          FROM cobranza.case_event e CROSS JOIN win
          LEFT JOIN spans s ON s.tenant_id = e.tenant_id AND s.case_id = e.case_id
                           AND s.since <= e.occurred_on AND (s.until IS NULL OR e.occurred_on < s.until)
         WHERE e.kind = 'closed' AND e.outcome IN ('paid', 'settled') AND e.occurred_on BETWEEN win.lo AND win.hi
         GROUP BY 1, e.outcome
        UNION ALL
        SELECT coalesce(s.collector, '(unassigned)'), 'recovered', y.currency::text,
               count(*) FILTER (WHERE y.amount > 0) - count(*) FILTER (WHERE y.amount < 0),
               sum(y.amount - y.court_costs), sum(y.fee)
          FROM cobranza.payment y CROSS JOIN win
          LEFT JOIN spans s ON s.tenant_id = y.tenant_id AND s.case_id = y.case_id
                           AND s.since <= y.paid_on AND (s.until IS NULL OR y.paid_on < s.until)
         WHERE y.paid_on BETWEEN win.lo AND win.hi
         GROUP BY 1, y.currency
        UNION ALL
        SELECT s.collector, 'first_payment', NULL, count(*), sum(f.first_paid - s.since), 0
          FROM spans s CROSS JOIN win
          CROSS JOIN LATERAL (SELECT min(y.paid_on) AS first_paid FROM cobranza.payment y
                               WHERE y.tenant_id = s.tenant_id AND y.case_id = s.case_id AND y.amount > 0
                                 AND y.paid_on >= s.since AND (s.until IS NULL OR y.paid_on < s.until)
                                 AND y.paid_on <= p_on) f
         WHERE s.collector IS NOT NULL AND f.first_paid BETWEEN win.lo AND win.hi
         GROUP BY s.collector
        UNION ALL
        SELECT p.role_name::text, 'collector', NULL, 0, 0, 0
          FROM cobranza.person p WHERE p.kind = 'collector' AND NOT p.disabled
    )
    SELECT f.collector, f.measure, f.currency, f.n::bigint, f.amount::bigint, f.fees::bigint
      FROM facts f
     ORDER BY f.collector, f.measure, f.currency
$$;

-- After invoice_cancelled (AFTER triggers fire in name order), which closes the case as
-- withdrawn when nothing is owed any more. SECURITY DEFINER: the client who cancels may not write
-- agreement_cancellation, the case or its timeline.
CREATE FUNCTION cobranza.invoice_cancelled_under_agreement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_agreement record;
    v_gone      bigint;  -- what the agreement no longer covers
    v_owed      bigint;  -- what it still covers
    v_total     bigint;  -- what it asks now
    v_less      bigint;
    v_number    bigint;
    v_case      text;
BEGIN
    SELECT s.id, s.discount_bp, s.owed, s.total, s.paid, s.status, a.created_at INTO v_agreement
      FROM cobranza.agreement_status s
      JOIN cobranza.payment_agreement a ON a.tenant_id = s.tenant_id AND a.id = s.id
     WHERE s.tenant_id = NEW.tenant_id AND s.case_id = NEW.case_id
     ORDER BY s.id DESC LIMIT 1;
    IF NOT FOUND OR v_agreement.status NOT IN ('active', 'default') THEN
        RETURN NULL;
    END IF;
    -- An invoice that joined the case after the agreement was never part of it.
    IF EXISTS (SELECT 1 FROM cobranza.submission s
                WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id AND s.reviewed_at > v_agreement.created_at) THEN
        RETURN NULL;
    END IF;
    -- What it asks now is the agreed discount of what it still covers, worked out on the whole
    -- (a discount rounded per invoice would drift a unit per cancellation), and never less than
    -- what was paid under it.
    v_gone := least(NEW.cancelled_amount, v_agreement.owed);
    IF v_gone <= 0 THEN
        RETURN NULL;
    END IF;
    v_owed := v_agreement.owed - v_gone;
    v_total := greatest(v_agreement.paid, v_owed - cobranza.apply_rate(v_agreement.discount_bp, v_owed));
    v_less := least(v_gone, greatest(0, v_agreement.total - v_total));
    INSERT INTO cobranza.agreement_cancellation (tenant_id, agreement_id, invoice_id, owed, total, cancelled_on)
    VALUES (NEW.tenant_id, v_agreement.id, NEW.id, v_gone, v_less, NEW.cancelled_on);
    IF v_less = 0 OR NOT EXISTS (SELECT 1 FROM cobranza.collection_case c
                                  WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id AND c.stage <> 'closed') THEN
        RETURN NULL;
    END IF;
    v_total := v_agreement.total - v_less;
    -- Named by their numbers within the case, as the shell shows them.
    SELECT count(*) INTO v_number FROM cobranza.payment_agreement a
     WHERE a.tenant_id = NEW.tenant_id AND a.case_id = NEW.case_id AND a.id <= v_agreement.id;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'note',
            format('agreement %s asks %s less with invoice %s cancelled: %s in all', v_number,
                   cobranza.format_money(v_less, NEW.currency), NEW.number, cobranza.format_money(v_total, NEW.currency)),
            true, NEW.cancelled_on);
    -- Paid in full by what was paid before: a discounted agreement settles the case now.
    IF v_agreement.paid >= v_total AND v_total < v_owed THEN
        SELECT c.number INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id;
        UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'settled', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'settled',
                format('agreement %s paid in full with invoice %s cancelled; the discount of %s is forgiven', v_number, NEW.number,
                       cobranza.format_money(v_owed - v_total, NEW.currency)),
                true, NEW.cancelled_on);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoice_cancelled_under_agreement AFTER UPDATE OF cancel_reason ON cobranza.invoice
    FOR EACH ROW WHEN (OLD.cancel_reason IS NULL AND NEW.cancel_reason IS NOT NULL)
    EXECUTE FUNCTION cobranza.invoice_cancelled_under_agreement();

REVOKE ALL ON FUNCTION cobranza.invoice_cancelled_under_agreement() FROM PUBLIC;

RESET ROLE;
