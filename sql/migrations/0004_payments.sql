-- 0004_payments: payments and their frozen fees, remittances to clients, success-fee invoices
-- and credit notes.
--
-- Same conventions as 0002 (tenant_id in every key, ENABLE + FORCE RLS, statement-level insert
-- audit, nothing to PUBLIC). What is particular here:
--
--   * The database computes every fee. payment_prepare (BEFORE INSERT) locks the case, refuses
--     an overpayment, finds the contract version in force on the payment date and the case's
--     stage on that date, and writes the fee columns, which no role may name in an INSERT.
--     Whatever the client (the shell, psql, a future API), a payment carries the fee its
--     contract says. CobranzaCore.FeeCalculator is the same rule in Swift, for explanations
--     and tests; a test holds the two to the same answers.
--   * Allocation is not stored: a case's invoices are paid oldest due first, so how much of each
--     invoice is paid follows from the case's net paid total (invoice_balance). A reversal lowers
--     that total and so undoes its payment's allocation; nothing can drift out of step.
--   * Payments, remittances, fee documents and their lines are append-only: a mistake is
--     corrected by a reversal or a credit note, never by an edit.
--   * Fee document numbers F-YYYY-NNNNNN (invoices) and NC-YYYY-NNNNNN (credit notes) come from
--     a counter row per series and year, updated in the issuing transaction: a rolled-back issue
--     leaves no hole, and the row lock serializes issuers until commit.
--   * Issuing, voiding and reversing take one agency-wide advisory lock (lock_billing), so a
--     payment can never be reversed while an invoice that bills it is being issued.

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Arithmetic and formatting: the database's copy of CobranzaCore's rules
------------------------------------------------------------------------------------------------

-- amount × rate in basis points, rounded half up (away from zero) to the minor unit:
-- CobranzaCore.Rounding.apply. Overflow raises numeric_value_out_of_range instead of wrapping.
-- Not STRICT, so the planner inlines it (a STRICT SQL function whose body is not itself strict
-- is re-parsed on every call); NULL in gives NULL out all the same.
CREATE FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (pg_catalog.sign(p_amount * p_bp::bigint) * ((pg_catalog.abs(p_amount * p_bp::bigint) + 5000) / 10000))::bigint
$$;

-- Whole months a debt was overdue when placed (CobranzaCore.FeeCalculator.overdueMonths); 0
-- for a case without invoices (NULL due). Not STRICT, so it is inlined (see apply_rate).
CREATE FUNCTION cobranza.overdue_months(p_due date, p_placed date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_placed <= p_due THEN 0 ELSE greatest(0,
        (extract(year FROM p_placed)::integer - extract(year FROM p_due)::integer) * 12
        + (extract(month FROM p_placed)::integer - extract(month FROM p_due)::integer)
        - CASE WHEN extract(day FROM p_placed) < extract(day FROM p_due) THEN 1 ELSE 0 END) END
$$;

-- An amount as people in the currency's country write it (CobranzaCore.Money.formatted), for
-- error messages and timeline notes the database writes itself.
CREATE FUNCTION cobranza.format_money(p_amount bigint, p_currency char(3)) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_exponent integer := coalesce((SELECT c.exponent FROM cobranza.currency c WHERE c.code = p_currency), 0);
    v_group    text := CASE WHEN p_currency IN ('MXN', 'USD') THEN ',' ELSE '.' END;
    v_decimal  text := CASE WHEN p_currency IN ('MXN', 'USD') THEN '.' ELSE ',' END;
    v_digits   text := abs(p_amount::numeric)::text;
    v_whole    text;
    v_grouped  text := '';
    v_fraction text := '';
BEGIN
    IF v_exponent > 0 THEN
        -- (lpad truncates a longer string: pad only up to the length needed)
        v_digits := lpad(v_digits, greatest(length(v_digits), v_exponent + 1), '0');
        v_fraction := v_decimal || right(v_digits, v_exponent);
        v_digits := left(v_digits, length(v_digits) - v_exponent);
    END IF;
    v_whole := v_digits;
    WHILE length(v_whole) > 3 LOOP
        v_grouped := v_group || right(v_whole, 3) || v_grouped;
        v_whole := left(v_whole, length(v_whole) - 3);
    END LOOP;
    RETURN CASE WHEN p_amount < 0 THEN '-' ELSE '' END
        || CASE WHEN p_currency = 'CLF' THEN 'UF ' ELSE '$' END
        || v_whole || v_grouped || v_fraction;
END
$$;

-- The fee one payment earns (CobranzaCore.FeeCalculator.fee): the stage's rate plus the age
-- surcharge, half-up rounding, the minimum fee (never above the payment), and no fee on direct
-- payments when the contract says so.
CREATE FUNCTION cobranza.payment_fee(
    p_amount bigint, p_stage text, p_channel text, p_overdue_months integer,
    p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer,
    p_minimum_fee bigint, p_direct_earns_fee boolean,
    OUT fee_bp integer, OUT fee bigint, OUT note text)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    fee_bp := CASE WHEN p_stage = 'judicial' THEN p_judicial_bp ELSE p_extrajudicial_bp END
            + CASE WHEN p_overdue_months > 24 THEN p_surcharge_24m_bp
                   WHEN p_overdue_months > 12 THEN p_surcharge_12m_bp
                   ELSE 0 END;
    IF p_channel = 'direct' AND NOT p_direct_earns_fee THEN
        fee_bp := 0;
        fee := 0;
        note := 'paid directly to the client; the contract charges no fee on direct payments';
        RETURN;
    END IF;
    fee := cobranza.apply_rate(fee_bp, p_amount);
    IF p_amount > 0 AND fee < p_minimum_fee THEN
        fee := least(p_minimum_fee, p_amount);
        note := 'minimum fee per payment';
    END IF;
END
$$;

------------------------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------------------------

-- Payment: money the debtor paid on a case, to the agency or straight to the client, with the
-- fee frozen on it. A reversal (a bounced cheque) is a row of its own pointing at the payment it
-- undoes, with the amount and fee negated; a payment is reversed at most once.
CREATE TABLE cobranza.payment (
    tenant_id        bigint      NOT NULL DEFAULT cobranza.current_tenant()
                                 CONSTRAINT payment_tenant_fkey REFERENCES cobranza.tenant (id),
    id               bigint      GENERATED ALWAYS AS IDENTITY,
    case_id          bigint      NOT NULL,
    amount           bigint      NOT NULL CONSTRAINT payment_amount_check CHECK (amount <> 0),
    currency         char(3)     NOT NULL,
    paid_on          date        NOT NULL DEFAULT cobranza.today(),
    channel          text        NOT NULL DEFAULT 'agency'
                                 CONSTRAINT payment_channel_check CHECK (channel IN ('agency', 'direct')),
    method           text        NOT NULL DEFAULT 'transfer'
                                 CONSTRAINT payment_method_check
                                 CHECK (method IN ('transfer', 'cash', 'check', 'card', 'other')),
    external_ref     text        CONSTRAINT payment_external_ref_check CHECK (length(btrim(external_ref)) BETWEEN 1 AND 100),
    reverses_id      bigint,
    reason           text        CONSTRAINT payment_reason_check CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    -- The fee, frozen: written by payment_prepare only.
    stage            text        NOT NULL CONSTRAINT payment_stage_check CHECK (stage IN ('extrajudicial', 'judicial')),
    contract_version integer     NOT NULL,
    fee_bp           integer     NOT NULL CONSTRAINT payment_fee_bp_check CHECK (fee_bp BETWEEN 0 AND 5000),
    fee              bigint      NOT NULL,
    fee_note         text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       name        NOT NULL DEFAULT session_user,
    CONSTRAINT payment_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT payment_case_fkey FOREIGN KEY (tenant_id, case_id)
        REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT payment_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency (code),
    CONSTRAINT payment_contract_fkey FOREIGN KEY (tenant_id, contract_version)
        REFERENCES cobranza.contract (tenant_id, version),
    CONSTRAINT payment_reverses_fkey FOREIGN KEY (tenant_id, reverses_id)
        REFERENCES cobranza.payment (tenant_id, id),
    CONSTRAINT payment_reverses_once_key UNIQUE (tenant_id, reverses_id),
    -- A payment is positive; its reversal negative, with a reason and no bank reference.
    CONSTRAINT payment_reversal_check CHECK ((reverses_id IS NULL) = (amount > 0)
                                             AND (reverses_id IS NULL) = (reason IS NULL)
                                             AND (reverses_id IS NULL OR external_ref IS NULL)),
    CONSTRAINT payment_fee_check CHECK (abs(fee) <= abs(amount) AND (fee = 0 OR sign(fee) = sign(amount)))
);
-- The bank's reference is unique per tenant: importing a bank file twice adds nothing.
CREATE UNIQUE INDEX payment_tenant_id_external_ref_key ON cobranza.payment (tenant_id, external_ref)
    WHERE external_ref IS NOT NULL;
CREATE INDEX payment_tenant_id_case_id_idx ON cobranza.payment (tenant_id, case_id);
CREATE INDEX payment_tenant_id_paid_on_idx ON cobranza.payment (tenant_id, paid_on);

-- Remittance: money the agency paid over to a client (what the statement's balance goes down by).
CREATE TABLE cobranza.remittance (
    tenant_id    bigint      NOT NULL CONSTRAINT remittance_tenant_fkey REFERENCES cobranza.tenant (id),
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    amount       bigint      NOT NULL CONSTRAINT remittance_amount_check CHECK (amount > 0),
    currency     char(3)     NOT NULL CONSTRAINT remittance_currency_fkey REFERENCES cobranza.currency (code),
    paid_on      date        NOT NULL DEFAULT cobranza.today(),
    external_ref text        CONSTRAINT remittance_external_ref_check CHECK (length(btrim(external_ref)) BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   name        NOT NULL DEFAULT session_user,
    CONSTRAINT remittance_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX remittance_tenant_id_external_ref_key ON cobranza.remittance (tenant_id, external_ref)
    WHERE external_ref IS NOT NULL;

-- Fee document: a success-fee invoice or a credit note. A credit note either voids a whole
-- invoice (voids_id) or corrects one payment's fee after a reversal; both carry a reason.
-- Numbers are agency-wide (the agency issues them), like case numbers.
CREATE TABLE cobranza.fee_document (
    tenant_id  bigint      NOT NULL CONSTRAINT fee_document_tenant_fkey REFERENCES cobranza.tenant (id),
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    kind       text        NOT NULL CONSTRAINT fee_document_kind_check CHECK (kind IN ('invoice', 'credit_note')),
    number     text        NOT NULL CONSTRAINT fee_document_number_check CHECK (number ~ '^(F|NC)-[0-9]{4}-[0-9]{6}$'),
    currency   char(3)     NOT NULL CONSTRAINT fee_document_currency_fkey REFERENCES cobranza.currency (code),
    issued_on  date        NOT NULL DEFAULT cobranza.today(),
    period     text        CONSTRAINT fee_document_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    subtotal   bigint      NOT NULL,
    vat_bp     integer     NOT NULL CONSTRAINT fee_document_vat_bp_check CHECK (vat_bp BETWEEN 0 AND 10000),
    vat        bigint      NOT NULL,
    total      bigint      NOT NULL,
    voids_id   bigint,
    reason     text        CONSTRAINT fee_document_reason_check CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name        NOT NULL DEFAULT session_user,
    CONSTRAINT fee_document_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT fee_document_number_key UNIQUE (number),
    CONSTRAINT fee_document_voids_fkey FOREIGN KEY (tenant_id, voids_id)
        REFERENCES cobranza.fee_document (tenant_id, id),
    CONSTRAINT fee_document_voids_once_key UNIQUE (tenant_id, voids_id),
    CONSTRAINT fee_document_total_check CHECK (total = subtotal + vat AND vat = cobranza.apply_rate(vat_bp, subtotal)),
    CONSTRAINT fee_document_kind_shape_check CHECK (
        CASE kind WHEN 'invoice' THEN voids_id IS NULL AND reason IS NULL AND period IS NOT NULL AND subtotal > 0
                  ELSE reason IS NOT NULL AND period IS NULL AND subtotal <= 0 END),
    CONSTRAINT fee_document_number_kind_check CHECK ((kind = 'invoice') = (number LIKE 'F-%'))
);
CREATE INDEX fee_document_tenant_id_issued_on_idx ON cobranza.fee_document (tenant_id, issued_on);

-- One line per payment billed (or credited). The case number and debtor name are copied: an
-- issued document never changes, even when the debtor is renamed later.
CREATE TABLE cobranza.fee_document_line (
    tenant_id        bigint  NOT NULL,
    document_id      bigint  NOT NULL,
    line_no          integer NOT NULL CONSTRAINT fee_document_line_line_no_check CHECK (line_no >= 1),
    payment_id       bigint  NOT NULL,
    case_number      text    NOT NULL,
    debtor_name      text    NOT NULL,
    paid_on          date    NOT NULL,
    amount           bigint  NOT NULL,
    stage            text    NOT NULL,
    fee_bp           integer NOT NULL,
    fee              bigint  NOT NULL,
    CONSTRAINT fee_document_line_pkey PRIMARY KEY (tenant_id, document_id, line_no),
    CONSTRAINT fee_document_line_document_fkey FOREIGN KEY (tenant_id, document_id)
        REFERENCES cobranza.fee_document (tenant_id, id),
    CONSTRAINT fee_document_line_payment_fkey FOREIGN KEY (tenant_id, payment_id)
        REFERENCES cobranza.payment (tenant_id, id)
);
CREATE INDEX fee_document_line_tenant_id_payment_id_idx ON cobranza.fee_document_line (tenant_id, payment_id);

-- Counter rows of the gapless document numbers. Not tenant data; only reserve_fee_numbers
-- touches it.
CREATE TABLE cobranza.fee_counter (
    series     text    NOT NULL CONSTRAINT fee_counter_series_check CHECK (series IN ('F', 'NC')),
    year       integer NOT NULL CONSTRAINT fee_counter_year_check CHECK (year BETWEEN 1000 AND 9999),
    last_value integer NOT NULL CONSTRAINT fee_counter_last_value_check CHECK (last_value BETWEEN 0 AND 999999),
    CONSTRAINT fee_counter_pkey PRIMARY KEY (series, year)
);

------------------------------------------------------------------------------------------------
-- Views
------------------------------------------------------------------------------------------------

-- How much of each invoice is paid: the case's net paid total fills its invoices oldest due
-- first (ties by id). security_invoker: RLS of the caller applies underneath.
CREATE VIEW cobranza.invoice_balance WITH (security_invoker = true) AS
    SELECT i.tenant_id, i.id AS invoice_id, i.case_id, i.number, i.due, i.amount, i.currency,
           least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount)))::bigint AS paid,
           (i.amount - least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount))))::bigint AS outstanding
      FROM (SELECT v.*, sum(v.amount) OVER (PARTITION BY v.tenant_id, v.case_id ORDER BY v.due, v.id) AS running
              FROM cobranza.invoice v WHERE v.case_id IS NOT NULL) i
      LEFT JOIN (SELECT y.tenant_id, y.case_id, sum(y.amount) AS paid
                   FROM cobranza.payment y GROUP BY y.tenant_id, y.case_id) p
             ON p.tenant_id = i.tenant_id AND p.case_id = i.case_id;

-- A payment's fee is billed while a line on a standing document carries it: an invoice not
-- voided, or a correction credit note. Voiding an invoice makes its payments billable again.
CREATE VIEW cobranza.billed_payment WITH (security_invoker = true) AS
    SELECT l.tenant_id, l.payment_id, d.id AS document_id, d.number, d.vat_bp
      FROM cobranza.fee_document_line l
      JOIN cobranza.fee_document d ON d.tenant_id = l.tenant_id AND d.id = l.document_id
     WHERE d.voids_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.fee_document v
                        WHERE v.tenant_id = d.tenant_id AND v.voids_id = d.id);

------------------------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------------------------

-- The case's amount still owed: its invoices less its net payments.
CREATE FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT (coalesce((SELECT sum(i.amount) FROM cobranza.invoice i WHERE i.tenant_id = p_tenant AND i.case_id = p_case), 0)
          - coalesce((SELECT sum(p.amount) FROM cobranza.payment p WHERE p.tenant_id = p_tenant AND p.case_id = p_case), 0))::bigint
$$;

-- Everything a new payment sets off, in one BEFORE INSERT trigger (one trigger call, one read
-- of the case's totals):
--   * the checks only the database can make race-free: the case row is locked first and the
--     totals read after, on a fresh snapshot, so two sessions paying the same case queue up and
--     the second sees the first's payment;
--   * the frozen fee: contract version in force on the payment date, the case's stage on that
--     date (judicial once a stage_change -> judicial event precedes it), payment_fee;
--   * the timeline event, and the close as 'paid' when nothing is owed any more (or the reopening
--     of a paid case when a reversal makes money owed again). These are written before the row
--     itself lands; if the INSERT then fails (a duplicate bank reference), the statement's
--     failure takes them with it.
-- A reversal copies its payment's terms, negated.
CREATE FUNCTION cobranza.payment_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case     record;
    v_facts    record;
    v_original record;
    v_contract record;
    v_fee      record;
    v_after    bigint;
BEGIN
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
           t.code AS client, t.currency AS client_currency
      INTO v_facts
      FROM (SELECT sum(v.amount) AS invoiced, min(v.due) AS oldest_due FROM cobranza.invoice v
             WHERE v.tenant_id = NEW.tenant_id AND v.case_id = NEW.case_id) i,
           cobranza.tenant t
     WHERE t.id = NEW.tenant_id;

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
                MESSAGE = format('--date: a reversal falls between its payment (%s) and today', v_original.paid_on);
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
                MESSAGE = format('--date: %s is in the future', NEW.paid_on);
        END IF;
        IF NEW.paid_on < v_case.opened_on THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_paid_on_check',
                MESSAGE = format('--date: %s is before case %s was opened (%s)', NEW.paid_on, v_case.number, v_case.opened_on);
        END IF;
        IF NEW.amount > v_facts.outstanding THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_overpayment_check',
                MESSAGE = format('payment of %s is more than the %s outstanding on case %s',
                                 cobranza.format_money(NEW.amount, v_case.currency),
                                 cobranza.format_money(v_facts.outstanding, v_case.currency), v_case.number);
        END IF;
        SELECT k.version, k.extrajudicial_bp, k.judicial_bp, k.surcharge_12m_bp, k.surcharge_24m_bp, k.minimum_fee,
               k.direct_earns_fee
          INTO v_contract FROM cobranza.contract k
         WHERE k.tenant_id = NEW.tenant_id AND k.effective_on <= NEW.paid_on
         ORDER BY k.version DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_contract_check',
                MESSAGE = format('client %s has no contract in force on %s: an admin sets one with "client contract set"',
                                 v_facts.client, NEW.paid_on);
        END IF;
        NEW.stage := CASE WHEN v_facts.judicial THEN 'judicial' ELSE 'extrajudicial' END;
        NEW.contract_version := v_contract.version;
        -- The minimum fee is in the client's currency; cases in another currency have none.
        SELECT f.* INTO v_fee FROM cobranza.payment_fee(
            NEW.amount, NEW.stage, NEW.channel, cobranza.overdue_months(v_facts.oldest_due, v_case.opened_on),
            v_contract.extrajudicial_bp, v_contract.judicial_bp, v_contract.surcharge_12m_bp, v_contract.surcharge_24m_bp,
            CASE WHEN v_facts.client_currency = v_case.currency THEN v_contract.minimum_fee ELSE 0 END,
            v_contract.direct_earns_fee) f;
        NEW.fee_bp := v_fee.fee_bp;
        NEW.fee := v_fee.fee;
        NEW.fee_note := v_fee.note;
    END IF;

    v_after := v_facts.outstanding - NEW.amount;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'payment', NEW.channel,
            CASE WHEN NEW.reverses_id IS NULL
                 THEN format('payment %s: %s (%s, %s)', NEW.id, cobranza.format_money(NEW.amount, NEW.currency),
                             NEW.channel, NEW.method)
                 ELSE format('payment %s reversed by %s: %s', NEW.reverses_id, NEW.id, NEW.reason) END,
            true, NEW.paid_on);
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

-- Refuses UPDATE, DELETE and TRUNCATE (statement level, owner included).
CREATE FUNCTION cobranza.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = format('%s is append-only: %s', TG_TABLE_NAME, TG_ARGV[0]);
END
$$;

-- Serializes everything that decides whether a payment is billed: issuing, voiding, reversing.
CREATE FUNCTION cobranza.lock_billing() RETURNS void
    LANGUAGE sql
AS $$
    SELECT pg_catalog.pg_advisory_xact_lock(20260404, 1)
$$;

-- Reserves p_count consecutive numbers of a series for p_on's year and returns the first.
-- The counter row stays locked until the transaction ends; a rollback gives the numbers back.
CREATE FUNCTION cobranza.reserve_fee_numbers(p_series text, p_on date, p_count integer) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_last integer;
BEGIN
    IF p_count IS NULL OR p_count < 1 THEN
        RETURN NULL;
    END IF;
    INSERT INTO cobranza.fee_counter AS c (series, year, last_value)
    VALUES (p_series, extract(year FROM p_on)::integer, p_count)
        ON CONFLICT (series, year) DO UPDATE SET last_value = c.last_value + p_count
        RETURNING c.last_value INTO v_last;
    RETURN v_last - p_count + 1;
END
$$;

CREATE FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT format('%s-%s-%s', p_series, lpad(extract(year FROM p_on)::text, 4, '0'), lpad(p_value::text, 6, '0'))
$$;

-- Issues one success-fee invoice per client and currency for every fee not yet billed that was
-- earned up to the end of p_period ('YYYY-MM'), for one client (p_client) or all (NULL).
-- Payments reversed before they were billed are left out together with their reversals.
-- Returns one row per invoice issued; none when there is nothing new.
CREATE FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text)
    RETURNS TABLE (number text, client_code text, currency char(3), lines integer, subtotal bigint, vat bigint, total bigint)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_end    date;
    v_on     date := cobranza.today();
    v_tenant bigint;
BEGIN
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
    WITH pending AS MATERIALIZED (
        SELECT p.tenant_id, p.id, p.case_id, p.currency, p.paid_on, p.amount, p.stage, p.fee_bp, p.fee
          FROM cobranza.payment p
         WHERE (v_tenant IS NULL OR p.tenant_id = v_tenant)
           AND p.paid_on <= v_end AND p.fee <> 0 AND p.reverses_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM cobranza.payment r WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM cobranza.billed_payment b WHERE b.tenant_id = p.tenant_id AND b.payment_id = p.id)
    ),
    groups AS MATERIALIZED (
        SELECT g.tenant_id, g.currency, g.lines, g.subtotal, k.vat_bp,
               row_number() OVER (ORDER BY t.code, g.currency) AS rn
          FROM (SELECT pe.tenant_id, pe.currency, count(*)::integer AS lines, sum(pe.fee)::bigint AS subtotal
                  FROM pending pe GROUP BY pe.tenant_id, pe.currency) g
          JOIN cobranza.tenant t ON t.id = g.tenant_id
          CROSS JOIN LATERAL (SELECT c.vat_bp FROM cobranza.contract c
                               WHERE c.tenant_id = g.tenant_id AND c.effective_on <= v_on
                               ORDER BY c.version DESC LIMIT 1) k
    ),
    first_number AS (
        SELECT cobranza.reserve_fee_numbers('F', v_on, (SELECT count(*)::integer FROM groups)) AS value
    ),
    documents AS (
        INSERT INTO cobranza.fee_document AS d (tenant_id, kind, number, currency, issued_on, period, subtotal, vat_bp, vat, total)
        SELECT g.tenant_id, 'invoice', cobranza.fee_number('F', v_on, f.value + g.rn::integer - 1), g.currency, v_on, p_period,
               g.subtotal, g.vat_bp, cobranza.apply_rate(g.vat_bp, g.subtotal),
               g.subtotal + cobranza.apply_rate(g.vat_bp, g.subtotal)
          FROM groups g CROSS JOIN first_number f
        RETURNING d.tenant_id, d.id, d.currency, d.number, d.subtotal, d.vat, d.total
    ),
    inserted_lines AS (
        INSERT INTO cobranza.fee_document_line (tenant_id, document_id, line_no, payment_id, case_number, debtor_name,
                                                paid_on, amount, stage, fee_bp, fee)
        SELECT pe.tenant_id, d.id,
               row_number() OVER (PARTITION BY d.id ORDER BY pe.paid_on, c.number, pe.id)::integer,
               pe.id, c.number, de.name, pe.paid_on, pe.amount, pe.stage, pe.fee_bp, pe.fee
          FROM pending pe
          JOIN documents d ON d.tenant_id = pe.tenant_id AND d.currency = pe.currency
          JOIN cobranza.collection_case c ON c.tenant_id = pe.tenant_id AND c.id = pe.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
        RETURNING 1
    )
    -- (inserted_lines runs to completion although nothing reads it: PostgreSQL runs every
    -- data-modifying WITH exactly once.)
    SELECT d.number, t.code, d.currency, g.lines, d.subtotal, d.vat, d.total
      FROM documents d
      JOIN groups g ON g.tenant_id = d.tenant_id AND g.currency = d.currency
      JOIN cobranza.tenant t ON t.id = d.tenant_id
     ORDER BY d.number;
END
$$;

-- Issues a credit note: for a whole invoice (p_voids) or for the reversal payments p_payments
-- (whose invoice gives the VAT rate). Lines negate the fees they credit.
CREATE FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer,
                                           p_currency char(3), p_reason text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_on     date := cobranza.today();
    v_number text := cobranza.fee_number('NC', v_on, cobranza.reserve_fee_numbers('NC', v_on, 1));
BEGIN
    WITH draft AS MATERIALIZED (
        -- Voiding: every line of the invoice, but for payments already credited by a correction.
        SELECT l.line_no AS ord, l.payment_id, l.case_number, l.debtor_name, l.paid_on, -l.amount AS amount,
               l.stage, l.fee_bp, -l.fee AS fee
          FROM cobranza.fee_document_line l
         WHERE p_voids IS NOT NULL AND l.tenant_id = p_tenant AND l.document_id = p_voids
           AND NOT EXISTS (SELECT 1 FROM cobranza.payment r
                             JOIN cobranza.billed_payment b ON b.tenant_id = r.tenant_id AND b.payment_id = r.id
                            WHERE r.tenant_id = l.tenant_id AND r.reverses_id = l.payment_id)
        UNION ALL
        -- Correcting: the reversals themselves, whose amount and fee are already negative.
        SELECT r.id, r.id, c.number, de.name, r.paid_on, r.amount, r.stage, r.fee_bp, r.fee
          FROM cobranza.payment r
          JOIN cobranza.collection_case c ON c.tenant_id = r.tenant_id AND c.id = r.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
         WHERE p_voids IS NULL AND r.tenant_id = p_tenant AND r.id = ANY (p_reversals)
    ),
    totals AS (
        SELECT coalesce(sum(d.fee), 0)::bigint AS subtotal FROM draft d
    ),
    document AS (
        INSERT INTO cobranza.fee_document (tenant_id, kind, number, currency, issued_on, subtotal, vat_bp, vat, total,
                                           voids_id, reason)
        SELECT p_tenant, 'credit_note', v_number, p_currency, v_on, t.subtotal, p_vat_bp,
               cobranza.apply_rate(p_vat_bp, t.subtotal), t.subtotal + cobranza.apply_rate(p_vat_bp, t.subtotal),
               p_voids, p_reason
          FROM totals t
        RETURNING id
    )
    INSERT INTO cobranza.fee_document_line (tenant_id, document_id, line_no, payment_id, case_number, debtor_name,
                                            paid_on, amount, stage, fee_bp, fee)
    SELECT p_tenant, doc.id, row_number() OVER (ORDER BY d.ord)::integer, d.payment_id, d.case_number, d.debtor_name,
           d.paid_on, d.amount, d.stage, d.fee_bp, d.fee
      FROM draft d CROSS JOIN document doc;
    RETURN v_number;
END
$$;

-- Voids an issued invoice with a credit note of its own number; its payments become billable
-- again (the next issue bills them anew).
CREATE FUNCTION cobranza.void_fee_invoice(p_number text, p_reason text) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_invoice record;
    v_voided  text;
BEGIN
    PERFORM cobranza.lock_billing();
    SELECT d.* INTO v_invoice FROM cobranza.fee_document d WHERE d.number = upper(btrim(p_number));
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found',
            MESSAGE = format('no fee invoice %s', cobranza.quote_for_message(p_number));
    END IF;
    IF v_invoice.kind <> 'invoice' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'fee_document_voids_fkey',
            MESSAGE = format('%s is a credit note: only invoices are voided', v_invoice.number);
    END IF;
    SELECT v.number INTO v_voided FROM cobranza.fee_document v
     WHERE v.tenant_id = v_invoice.tenant_id AND v.voids_id = v_invoice.id;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'fee_document_voids_once_key',
            MESSAGE = format('invoice %s is already void (credit note %s)', v_invoice.number, v_voided);
    END IF;
    IF p_reason IS NULL OR btrim(p_reason) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'fee_document_reason_check',
            MESSAGE = '--reason: required (it is printed on the credit note)';
    END IF;
    RETURN cobranza.issue_credit_note(v_invoice.tenant_id, v_invoice.id, NULL, v_invoice.vat_bp, v_invoice.currency, p_reason);
END
$$;

-- Reverses a payment (a bounced cheque): adds the reversal row, which undoes the allocation and
-- the fee; when the fee was already billed, a credit note corrects it (admins only, as for any
-- fee document). Returns the reversal's id and the credit note's number, if one was issued.
CREATE FUNCTION cobranza.reverse_payment(p_payment bigint, p_reason text, p_on date,
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
    SELECT b.* INTO v_billed FROM cobranza.billed_payment b
     WHERE b.tenant_id = v_payment.tenant_id AND b.payment_id = v_payment.id;
    IF FOUND AND (SELECT cobranza.current_kind()) IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('the fee of payment %s is on invoice %s, so reversing it issues a credit note: only an admin can',
                             p_payment, v_billed.number);
    END IF;
    INSERT INTO cobranza.payment (tenant_id, case_id, amount, reverses_id, reason, paid_on)
    VALUES (v_payment.tenant_id, v_payment.case_id, -v_payment.amount, v_payment.id, p_reason,
            coalesce(p_on, cobranza.today()))
    RETURNING id INTO reversal_id;
    IF v_billed.number IS NOT NULL AND v_payment.fee <> 0 THEN
        credit_note := cobranza.issue_credit_note(v_payment.tenant_id, NULL, ARRAY[reversal_id], v_billed.vat_bp,
                                                  v_payment.currency, p_reason);
    END IF;
END
$$;

------------------------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------------------------
CREATE TRIGGER payment_prepare BEFORE INSERT ON cobranza.payment
    FOR EACH ROW EXECUTE FUNCTION cobranza.payment_prepare();
CREATE TRIGGER payment_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.payment
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a payment is undone by "payment reverse"');
CREATE TRIGGER remittance_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.remittance
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a remittance is corrected by a new one');
CREATE TRIGGER fee_document_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.fee_document
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('an issued document is corrected by a credit note');
CREATE TRIGGER fee_document_line_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.fee_document_line
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('an issued document is corrected by a credit note');

DO $audit$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['payment', 'remittance', 'fee_document']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cobranza.%I '
                       'REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement()',
                       t || '_audit_insert', t);
    END LOOP;
END
$audit$;
-- (fee_document_line has no id column for the statement audit; its document's audit row names
-- the document, and the lines can never change afterwards.)

------------------------------------------------------------------------------------------------
-- Row level security
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.payment           ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.payment           FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.remittance        ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.remittance        FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.fee_document      ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.fee_document      FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.fee_document_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.fee_document_line FORCE ROW LEVEL SECURITY;
-- fee_counter: no RLS, no grants; only reserve_fee_numbers (owner) touches it.

-- payment: admins and collectors record; lawyers read; a client reads its own.
CREATE POLICY payment_staff_all ON cobranza.payment FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY payment_lawyer_read ON cobranza.payment FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY payment_client_read ON cobranza.payment FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

-- remittance and fee documents: admins write; collectors and lawyers read; a client reads its own.
CREATE POLICY remittance_admin_all ON cobranza.remittance FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY remittance_staff_read ON cobranza.remittance FOR SELECT TO cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('collector', 'lawyer'));
CREATE POLICY remittance_client_read ON cobranza.remittance FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

CREATE POLICY fee_document_admin_all ON cobranza.fee_document FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY fee_document_staff_read ON cobranza.fee_document FOR SELECT TO cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('collector', 'lawyer'));
CREATE POLICY fee_document_client_read ON cobranza.fee_document FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

CREATE POLICY fee_document_line_admin_all ON cobranza.fee_document_line FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY fee_document_line_staff_read ON cobranza.fee_document_line FOR SELECT TO cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('collector', 'lawyer'));
CREATE POLICY fee_document_line_client_read ON cobranza.fee_document_line FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC)
------------------------------------------------------------------------------------------------
REVOKE ALL ON cobranza.payment, cobranza.remittance, cobranza.fee_document, cobranza.fee_document_line,
              cobranza.fee_counter, cobranza.invoice_balance, cobranza.billed_payment
    FROM PUBLIC;

GRANT SELECT ON cobranza.payment, cobranza.remittance, cobranza.fee_document, cobranza.fee_document_line,
                cobranza.invoice_balance, cobranza.billed_payment
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- The fee columns are in no grant: payment_prepare writes them.
GRANT INSERT (tenant_id, case_id, amount, paid_on, channel, method, external_ref, reverses_id, reason)
    ON cobranza.payment TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, amount, currency, paid_on, external_ref)
    ON cobranza.remittance TO cobranza_admin;
GRANT INSERT (tenant_id, kind, number, currency, issued_on, period, subtotal, vat_bp, vat, total, voids_id, reason)
    ON cobranza.fee_document TO cobranza_admin;
GRANT INSERT ON cobranza.fee_document_line TO cobranza_admin;

REVOKE EXECUTE ON FUNCTION
    cobranza.apply_rate(integer, bigint), cobranza.overdue_months(date, date), cobranza.format_money(bigint, char),
    cobranza.payment_fee(bigint, text, text, integer, integer, integer, integer, integer, bigint, boolean),
    cobranza.case_outstanding(bigint, bigint),
    cobranza.payment_prepare(), cobranza.refuse_change(), cobranza.lock_billing(),
    cobranza.reserve_fee_numbers(text, date, integer), cobranza.fee_number(text, date, integer),
    cobranza.issue_fee_invoices(text, text),
    cobranza.issue_credit_note(bigint, bigint, bigint[], integer, char, text),
    cobranza.void_fee_invoice(text, text), cobranza.reverse_payment(bigint, text, date)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    cobranza.apply_rate(integer, bigint), cobranza.overdue_months(date, date), cobranza.format_money(bigint, char),
    cobranza.payment_fee(bigint, text, text, integer, integer, integer, integer, integer, bigint, boolean),
    cobranza.case_outstanding(bigint, bigint), cobranza.fee_number(text, date, integer)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT EXECUTE ON FUNCTION cobranza.quote_for_message(text) TO cobranza_admin, cobranza_collector;
GRANT EXECUTE ON FUNCTION cobranza.lock_billing(),
                          cobranza.reverse_payment(bigint, text, date)
    TO cobranza_admin, cobranza_collector;
GRANT EXECUTE ON FUNCTION cobranza.reserve_fee_numbers(text, date, integer), cobranza.issue_fee_invoices(text, text),
                          cobranza.issue_credit_note(bigint, bigint, bigint[], integer, char, text),
                          cobranza.void_fee_invoice(text, text)
    TO cobranza_admin;

RESET ROLE;

------------------------------------------------------------------------------------------------
-- Faster identity lookups. Every policy asks (SELECT cobranza.current_kind()) or
-- current_tenant(); as SQL functions that cannot be inlined (SECURITY DEFINER) their body was
-- planned again on every call, which measured a fifth of a payment's cost (scripts/bench
-- payments). In PL/pgSQL the plan is cached per session. Same owner (cobranza_lookup), same
-- grants, same answers: CREATE OR REPLACE keeps both.
------------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION cobranza.current_tenant() RETURNS bigint
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RETURN (SELECT p.tenant_id FROM cobranza.person p WHERE p.role_name = session_user AND NOT p.disabled);
END
$$;

CREATE OR REPLACE FUNCTION cobranza.current_kind() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RETURN (SELECT p.kind FROM cobranza.person p WHERE p.role_name = session_user AND NOT p.disabled);
END
$$;
