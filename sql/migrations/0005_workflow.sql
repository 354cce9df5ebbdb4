-- 0005_workflow: the case's working life. Steps and letters on the timeline, promises to pay,
-- instalment agreements, disputes, public debt postings, judicial referrals and court costs,
-- closing and reopening.
--
-- The rules are CobranzaCore.CaseWorkflow and CobranzaCore.PostingRules written again here, so
-- no client (the shell, psql, a future API) can make an illegal move:
--
--   * case_transition (BEFORE UPDATE on collection_case) is the state machine of the case row
--     itself: a closed case changes no more (reopening is an admin's, or a bounced payment's on
--     a case it had closed as paid); a judicial case never goes back; a case becomes judicial only
--     through a referral, posted only through a published posting, disputed only through a
--     dispute, and neither judicial nor posted while disputed.
--   * case_event_check (BEFORE INSERT on case_event): a closed case takes no new steps; a call
--     names its outcome; a level N letter needs level N-1 sent before, and stores its text.
--   * Each workflow table's triggers check their own guards and then do the consequences (the
--     case's flags, the timeline event), so inserting a referral IS referring the case, whoever
--     inserts it.
--
-- Statuses that follow from dates and payments (a promise kept or broken, an instalment in
-- default) are derived by views, never stored, so they cannot go stale.

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Contract terms the workflow needs (new versions carry them; old versions get the defaults)
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.contract
    ADD COLUMN promise_grace_days integer NOT NULL DEFAULT 3
        CONSTRAINT contract_promise_grace_days_check CHECK (promise_grace_days BETWEEN 0 AND 60),
    ADD COLUMN max_discount_bp integer NOT NULL DEFAULT 0
        CONSTRAINT contract_max_discount_check CHECK (max_discount_bp BETWEEN 0 AND 10000),
    -- Days between the prior notice and a public posting, for debtors in Chile and Mexico
    -- (Colombia's law fixes 20).
    ADD COLUMN posting_notice_days integer NOT NULL DEFAULT 15
        CONSTRAINT contract_posting_notice_days_check CHECK (posting_notice_days BETWEEN 0 AND 365),
    -- An instalment still unpaid this many days after it fell due puts its agreement in default.
    ADD COLUMN agreement_default_days integer NOT NULL DEFAULT 30
        CONSTRAINT contract_agreement_default_days_check CHECK (agreement_default_days BETWEEN 1 AND 365);

GRANT INSERT (promise_grace_days, max_discount_bp, posting_notice_days, agreement_default_days)
    ON cobranza.contract TO cobranza_admin;

------------------------------------------------------------------------------------------------
-- The timeline learns the new events
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.case_event DROP CONSTRAINT case_event_kind_check;
ALTER TABLE cobranza.case_event
    ADD CONSTRAINT case_event_kind_check
        CHECK (kind IN ('opened', 'assigned', 'note', 'reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp',
                        'promise', 'agreement', 'dispute', 'posting', 'stage_change', 'referral', 'closed', 'reopened',
                        'payment')),
    -- A letter's level and the exact text sent.
    ADD COLUMN letter_level smallint
        CONSTRAINT case_event_letter_level_check CHECK (letter_level BETWEEN 1 AND 3),
    ADD COLUMN body text,
    ADD CONSTRAINT case_event_letter_check CHECK ((kind = 'letter') = (letter_level IS NOT NULL)
                                                  AND (kind = 'letter') = (body IS NOT NULL));

GRANT INSERT (letter_level, body) ON cobranza.case_event TO cobranza_admin, cobranza_collector, cobranza_lawyer;
-- A client sees which letter went out, not its text (it names the agency's bank and staff).
GRANT SELECT (letter_level) ON cobranza.case_event TO cobranza_client;

------------------------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------------------------

-- A debtor's promise to pay an amount by a date. Kept or broken is derived (promise_status).
CREATE TABLE cobranza.promise (
    tenant_id   bigint      NOT NULL CONSTRAINT promise_tenant_fkey REFERENCES cobranza.tenant (id),
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    case_id     bigint      NOT NULL,
    amount      bigint      NOT NULL CONSTRAINT promise_amount_check CHECK (amount > 0),
    currency    char(3)     NOT NULL,            -- the case's, set by promise_prepare
    promised_on date        NOT NULL DEFAULT cobranza.today(),
    due         date        NOT NULL,
    grace_days  integer     NOT NULL DEFAULT 0,  -- the contract's, frozen by promise_prepare
    -- The case's net payments when the promise was made (promise_prepare): only what is paid
    -- after it counts towards it, whatever date a payment carries.
    paid_before bigint      NOT NULL DEFAULT 0,
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name        NOT NULL DEFAULT session_user,
    CONSTRAINT promise_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT promise_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT promise_due_check CHECK (due >= promised_on)
);
CREATE INDEX promise_tenant_id_case_id_idx ON cobranza.promise (tenant_id, case_id);

-- An instalment agreement: the case's outstanding amount when agreed, less an authorised
-- discount, paid as an optional down payment (instalment 0) and N instalments.
CREATE TABLE cobranza.payment_agreement (
    tenant_id     bigint      NOT NULL CONSTRAINT payment_agreement_tenant_fkey REFERENCES cobranza.tenant (id),
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    case_id       bigint      NOT NULL,
    currency      char(3)     NOT NULL,
    agreed_on     date        NOT NULL DEFAULT cobranza.today(),
    owed          bigint      NOT NULL DEFAULT 0,   -- outstanding when agreed (agreement_prepare)
    discount_bp   integer     NOT NULL DEFAULT 0 CONSTRAINT payment_agreement_discount_check CHECK (discount_bp BETWEEN 0 AND 10000),
    total         bigint      NOT NULL DEFAULT 0,   -- owed less the discount (agreement_prepare)
    down_payment  bigint      NOT NULL DEFAULT 0 CONSTRAINT payment_agreement_down_payment_check CHECK (down_payment >= 0),
    instalments   integer     NOT NULL CONSTRAINT payment_agreement_instalments_check CHECK (instalments BETWEEN 1 AND 120),
    every         text        NOT NULL DEFAULT 'month' CONSTRAINT payment_agreement_every_check CHECK (every IN ('month', '2weeks')),
    first_due     date        NOT NULL,
    default_days  integer     NOT NULL DEFAULT 30,  -- the contract's, frozen by agreement_prepare
    paid_before   bigint      NOT NULL DEFAULT 0,   -- the case's net payments when agreed (agreement_prepare)
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    name        NOT NULL DEFAULT session_user,
    CONSTRAINT payment_agreement_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT payment_agreement_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT payment_agreement_total_check CHECK (total > 0 AND total <= owed AND down_payment < total),
    CONSTRAINT payment_agreement_first_due_check CHECK (first_due >= agreed_on)
);
CREATE INDEX payment_agreement_tenant_id_case_id_idx ON cobranza.payment_agreement (tenant_id, case_id);

CREATE TABLE cobranza.instalment (
    tenant_id    bigint NOT NULL,
    agreement_id bigint NOT NULL,
    sequence     integer NOT NULL CONSTRAINT instalment_sequence_check CHECK (sequence BETWEEN 0 AND 120),
    due          date   NOT NULL,
    amount       bigint NOT NULL CONSTRAINT instalment_amount_check CHECK (amount > 0),
    CONSTRAINT instalment_pkey PRIMARY KEY (tenant_id, agreement_id, sequence),
    CONSTRAINT instalment_agreement_fkey FOREIGN KEY (tenant_id, agreement_id)
        REFERENCES cobranza.payment_agreement (tenant_id, id)
);

-- A debtor's dispute of the debt. One open dispute per case.
CREATE TABLE cobranza.dispute (
    tenant_id       bigint      NOT NULL CONSTRAINT dispute_tenant_fkey REFERENCES cobranza.tenant (id),
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    case_id         bigint      NOT NULL,
    reason          text        NOT NULL CONSTRAINT dispute_reason_check CHECK (btrim(reason) <> ''),
    opened_on       date        NOT NULL DEFAULT cobranza.today(),
    outcome         text        CONSTRAINT dispute_outcome_check CHECK (outcome IN ('upheld', 'rejected')),
    resolved_on     date,
    resolution_note text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      name        NOT NULL DEFAULT session_user,
    resolved_by     name,
    CONSTRAINT dispute_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT dispute_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT dispute_resolved_check CHECK ((outcome IS NULL) = (resolved_on IS NULL) AND (outcome IS NULL) = (resolved_by IS NULL))
);
CREATE UNIQUE INDEX dispute_one_open_key ON cobranza.dispute (tenant_id, case_id) WHERE outcome IS NULL;

-- A public posting of the debt: notified, then published in a registry, then withdrawn.
-- One posting under way per case.
CREATE TABLE cobranza.posting (
    tenant_id      bigint      NOT NULL CONSTRAINT posting_tenant_fkey REFERENCES cobranza.tenant (id),
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    case_id        bigint      NOT NULL,
    notice_on      date        NOT NULL DEFAULT cobranza.today(),
    registry       text,
    reference      text,
    published_on   date,
    -- Set when a posted case is closed as paid, settled, withdrawn, prescribed or disputed:
    -- the registry must be told within 7 business days.
    withdrawal_due date,
    withdrawn_on   date,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     name        NOT NULL DEFAULT session_user,
    CONSTRAINT posting_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT posting_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT posting_published_check CHECK (published_on IS NULL OR (registry IS NOT NULL AND published_on >= notice_on)),
    CONSTRAINT posting_withdrawn_check CHECK (withdrawn_on IS NULL OR withdrawn_on >= notice_on)
);
CREATE UNIQUE INDEX posting_one_active_key ON cobranza.posting (tenant_id, case_id) WHERE withdrawn_on IS NULL;
CREATE INDEX posting_withdrawal_due_idx ON cobranza.posting (withdrawal_due) WHERE withdrawn_on IS NULL;

-- The referral of a case to court, with the lawyer who works it. One per case.
CREATE TABLE cobranza.judicial_referral (
    tenant_id       bigint      NOT NULL CONSTRAINT judicial_referral_tenant_fkey REFERENCES cobranza.tenant (id),
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    case_id         bigint      NOT NULL,
    lawyer          name        NOT NULL,
    court           text,
    docket          text,
    stage           text        NOT NULL DEFAULT 'referred'
                                CONSTRAINT judicial_referral_stage_check
                                CHECK (stage IN ('referred', 'filed', 'served', 'judgment', 'enforcement', 'closed')),
    referred_on     date        NOT NULL DEFAULT cobranza.today(),
    outstanding     bigint      NOT NULL DEFAULT 0,  -- owed when referred (referral_prepare)
    threshold       bigint      NOT NULL DEFAULT 0,  -- the contract's judicial threshold then
    override_reason text,                            -- why an admin referred a smaller debt
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      name        NOT NULL DEFAULT session_user,
    CONSTRAINT judicial_referral_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT judicial_referral_tenant_id_case_id_key UNIQUE (tenant_id, case_id),
    CONSTRAINT judicial_referral_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id)
);
CREATE INDEX judicial_referral_lawyer_idx ON cobranza.judicial_referral (lawyer);

-- Court costs of a referred case, in the case's currency.
CREATE TABLE cobranza.court_cost (
    tenant_id   bigint      NOT NULL CONSTRAINT court_cost_tenant_fkey REFERENCES cobranza.tenant (id),
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    case_id     bigint      NOT NULL,
    amount      bigint      NOT NULL CONSTRAINT court_cost_amount_check CHECK (amount > 0),
    currency    char(3)     NOT NULL,
    note        text        NOT NULL CONSTRAINT court_cost_note_check CHECK (btrim(note) <> ''),
    incurred_on date        NOT NULL DEFAULT cobranza.today(),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name        NOT NULL DEFAULT session_user,
    CONSTRAINT court_cost_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT court_cost_referral_fkey FOREIGN KEY (tenant_id, case_id)
        REFERENCES cobranza.judicial_referral (tenant_id, case_id)
);
CREATE INDEX court_cost_tenant_id_case_id_idx ON cobranza.court_cost (tenant_id, case_id);

------------------------------------------------------------------------------------------------
-- Derived statuses
------------------------------------------------------------------------------------------------

-- A promise is kept when what the case was paid after it was made, up to its due date plus the
-- grace days, covers it; broken once that deadline has passed without.
CREATE VIEW cobranza.promise_status WITH (security_invoker = true) AS
    SELECT p.tenant_id, p.id, p.case_id, p.amount, p.currency, p.promised_on, p.due, p.grace_days,
           p.due + p.grace_days AS deadline, k.paid,
           CASE WHEN k.paid >= p.amount THEN 'kept'
                WHEN cobranza.today() > p.due + p.grace_days THEN 'broken'
                ELSE 'pending' END AS status,
           p.note, p.created_by
      FROM cobranza.promise p
     CROSS JOIN LATERAL (
            SELECT greatest(0, coalesce(sum(y.amount), 0) - p.paid_before)::bigint AS paid FROM cobranza.payment y
             WHERE y.tenant_id = p.tenant_id AND y.case_id = p.case_id
               AND y.paid_on <= p.due + p.grace_days) k;

-- Each instalment with what the case's payments since the agreement (its net paid total less
-- what was paid before it) cover of it, in order (down payment first). Unpaid more than the agreement's default days after its due date, it
-- is in default.
CREATE VIEW cobranza.instalment_status WITH (security_invoker = true) AS
    SELECT i.tenant_id, i.agreement_id, a.case_id, i.sequence, i.due, i.amount, a.currency,
           least(i.amount, greatest(0, k.paid - (s.through - i.amount)))::bigint AS paid,
           CASE WHEN k.paid >= s.through THEN 'paid'
                WHEN cobranza.today() > i.due + a.default_days THEN 'default'
                WHEN cobranza.today() > i.due THEN 'late'
                ELSE 'open' END AS status
      FROM cobranza.instalment i
      JOIN cobranza.payment_agreement a ON a.tenant_id = i.tenant_id AND a.id = i.agreement_id
     CROSS JOIN LATERAL (
            SELECT sum(j.amount)::bigint AS through FROM cobranza.instalment j
             WHERE j.tenant_id = i.tenant_id AND j.agreement_id = i.agreement_id AND j.sequence <= i.sequence) s
     CROSS JOIN LATERAL (
            SELECT greatest(0, coalesce(sum(p.amount), 0) - a.paid_before)::bigint AS paid FROM cobranza.payment p
             WHERE p.tenant_id = a.tenant_id AND p.case_id = a.case_id) k;

-- superseded: a later agreement replaced it; completed: paid in full; default: an instalment is
-- in default; active otherwise.
CREATE VIEW cobranza.agreement_status WITH (security_invoker = true) AS
    SELECT a.tenant_id, a.id, a.case_id, a.currency, a.agreed_on, a.owed, a.discount_bp, a.total, a.down_payment,
           a.instalments, a.every, a.first_due, a.default_days, k.paid,
           CASE WHEN EXISTS (SELECT 1 FROM cobranza.payment_agreement b
                              WHERE b.tenant_id = a.tenant_id AND b.case_id = a.case_id AND b.id > a.id) THEN 'superseded'
                WHEN k.paid >= a.total THEN 'completed'
                WHEN EXISTS (SELECT 1 FROM cobranza.instalment_status s
                              WHERE s.tenant_id = a.tenant_id AND s.agreement_id = a.id AND s.status = 'default') THEN 'default'
                ELSE 'active' END AS status,
           a.created_by
      FROM cobranza.payment_agreement a
     CROSS JOIN LATERAL (
            SELECT greatest(0, coalesce(sum(p.amount), 0) - a.paid_before)::bigint AS paid FROM cobranza.payment p
             WHERE p.tenant_id = a.tenant_id AND p.case_id = a.case_id) k;

------------------------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------------------------

-- The p_days-th business day after p_from (Saturday and Sunday skipped):
-- CobranzaCore's CalendarDate.adding(businessDays:).
CREATE FUNCTION cobranza.add_business_days(p_from date, p_days integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_days <= 0 THEN p_from ELSE (
        SELECT d::date FROM pg_catalog.generate_series(p_from + 1, p_from + p_days * 2 + 7, interval '1 day') d
         WHERE extract(isodow FROM d) < 6 ORDER BY d OFFSET p_days - 1 LIMIT 1) END
$$;

-- The kind of an enabled person (SECURITY DEFINER: person is not readable by every caller).
CREATE FUNCTION cobranza.person_kind(p_role name) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT p.kind FROM cobranza.person p WHERE p.role_name = p_role AND NOT p.disabled
$$;

-- The contract version in force on a date (NULL fields if the client has none yet).
CREATE FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) RETURNS cobranza.contract
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT k.* FROM cobranza.contract k WHERE k.tenant_id = p_tenant AND k.effective_on <= p_on
     ORDER BY k.version DESC LIMIT 1
$$;

-- Locks an open case for a workflow move and returns it; refuses a closed or unknown one.
CREATE FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) RETURNS cobranza.collection_case
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    SELECT c.* INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = p_tenant AND c.id = p_case FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = 'no such case';
    END IF;
    IF v_case.stage = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
            MESSAGE = format('case %s is closed (%s): %s needs an open case; an admin may reopen it',
                             v_case.number, v_case.close_code, p_what);
    END IF;
    RETURN v_case;
END
$$;

-- The case row's own state machine (CobranzaCore.CaseWorkflow).
CREATE FUNCTION cobranza.case_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.stage = 'closed' THEN
        IF NEW.stage <> 'closed' THEN
            -- Reopening: an admin's decision, or a reversal of the payment that closed the case as
            -- paid. payment_prepare runs as the owner (below), and no person can act as the owner,
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
        IF NEW.disputed THEN
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
       AND NEW.disputed <> EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = NEW.tenant_id AND d.case_id = NEW.id
                                      AND d.outcome IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: disputes are opened and resolved with "dispute open" and "dispute resolve"', OLD.number);
    END IF;
    RETURN NEW;
END
$$;

-- A new case starts at the beginning: open, extrajudicial, nothing under way.
CREATE FUNCTION cobranza.case_insert_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF NEW.stage <> 'extrajudicial' OR NEW.close_code IS NOT NULL OR NEW.closed_at IS NOT NULL
       OR NEW.disputed OR NEW.posted OR NEW.on_agreement OR NEW.on_promise THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
            MESSAGE = 'a new case opens extrajudicial with nothing under way; the workflow commands move it on';
    END IF;
    RETURN NEW;
END
$$;

-- What any new timeline event must respect (payments are checked by payment_prepare).
CREATE FUNCTION cobranza.case_event_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case record;
BEGIN
    -- FOR SHARE: a step does not land on a case being closed at the same moment.
    SELECT c.number, c.stage, c.close_code INTO v_case FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'case_event_case_fkey', MESSAGE = 'no such case';
    END IF;
    IF v_case.stage = 'closed' AND NEW.kind NOT IN ('closed', 'reopened', 'posting', 'dispute') THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
            MESSAGE = format('case %s is closed (%s): it takes no new steps; an admin may reopen it', v_case.number, v_case.close_code);
    END IF;
    IF NEW.kind = 'call' AND (NEW.outcome IS NULL OR NEW.outcome NOT IN ('no-answer', 'wrong-number', 'promise', 'refused',
                                                                         'dispute', 'paid-claimed', 'callback')) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_call_outcome_check',
            MESSAGE = '--outcome: a call needs one of no-answer, wrong-number, promise, refused, dispute, paid-claimed, callback';
    END IF;
    IF NEW.occurred_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_occurred_on_check',
            MESSAGE = format('a step cannot be dated in the future (%s)', NEW.occurred_on);
    END IF;
    -- The referral writes this event and payments read it for the judicial rate: it must match
    -- a referral of that date.
    IF NEW.kind = 'stage_change'
       AND NOT EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.case_id
                          AND r.referred_on = NEW.occurred_on AND NEW.outcome = 'judicial') THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_stage_change_check',
            MESSAGE = 'a stage change is written by the referral that makes it (referral file)';
    END IF;
    IF NEW.kind = 'closed' AND (v_case.stage <> 'closed' OR NEW.outcome IS DISTINCT FROM v_case.close_code)
       OR NEW.kind = 'reopened' AND v_case.stage = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_state_check',
            MESSAGE = format('case %s: a %s event must match the case (%s)', v_case.number, NEW.kind,
                             coalesce(v_case.close_code, v_case.stage));
    END IF;
    IF NEW.kind = 'letter' AND NEW.letter_level > 1
       AND NOT EXISTS (SELECT 1 FROM cobranza.case_event e WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id
                          AND e.kind = 'letter' AND e.letter_level = NEW.letter_level - 1 AND e.occurred_on <= NEW.occurred_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_letter_order_check',
            MESSAGE = format('--level: a level %s letter needs a level %s letter sent before (case %s)',
                             NEW.letter_level, NEW.letter_level - 1, v_case.number);
    END IF;
    RETURN NEW;
END
$$;

-- When a posted case closes in a way that ends or denies the debt, the posting must be withdrawn
-- within 7 business days (CobranzaCore.PostingRules.withdrawalDeadline).
CREATE FUNCTION cobranza.case_closed_withdrawal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF NEW.close_code <> 'uncollectible' THEN
        UPDATE cobranza.posting SET withdrawal_due = cobranza.add_business_days(cobranza.today(), 7)
         WHERE tenant_id = NEW.tenant_id AND case_id = NEW.id AND published_on IS NOT NULL AND withdrawn_on IS NULL
           AND withdrawal_due IS NULL;
    END IF;
    RETURN NULL;
END
$$;

-- promise: the case is open; the amount is no more than owed; the grace days are the contract's.
CREATE FUNCTION cobranza.promise_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case        cobranza.collection_case;
    v_outstanding bigint;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a promise');
    NEW.currency := v_case.currency;
    v_outstanding := cobranza.case_outstanding(NEW.tenant_id, NEW.case_id);
    NEW.promised_on := cobranza.today();
    NEW.paid_before := coalesce((SELECT sum(y.amount) FROM cobranza.payment y
                                  WHERE y.tenant_id = NEW.tenant_id AND y.case_id = NEW.case_id), 0);
    IF NEW.amount > v_outstanding THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'promise_amount_check',
            MESSAGE = format('--amount: %s is more than the %s outstanding on case %s',
                             cobranza.format_money(NEW.amount, v_case.currency), cobranza.format_money(v_outstanding, v_case.currency),
                             v_case.number);
    END IF;
    IF NEW.due < NEW.promised_on THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'promise_due_check',
            MESSAGE = format('--due: %s is before the promise (%s)', NEW.due, NEW.promised_on);
    END IF;
    NEW.grace_days := coalesce((cobranza.contract_on(NEW.tenant_id, NEW.promised_on)).promise_grace_days, 3);
    IF NOT v_case.on_promise THEN
        UPDATE cobranza.collection_case SET on_promise = true WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'promise',
            format('promised %s by %s', cobranza.format_money(NEW.amount, v_case.currency), NEW.due), true, NEW.promised_on);
    RETURN NEW;
END
$$;

-- payment_agreement: an open, undisputed case without an agreement in force; the discount within
-- what the client authorises; owed, total and default days computed here.
CREATE FUNCTION cobranza.agreement_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case     cobranza.collection_case;
    v_contract cobranza.contract;
    v_current  record;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'an agreement');
    IF v_case.disputed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s is disputed: resolve the dispute before agreeing instalments', v_case.number);
    END IF;
    SELECT s.id, s.status INTO v_current FROM cobranza.agreement_status s
     WHERE s.tenant_id = NEW.tenant_id AND s.case_id = NEW.case_id AND s.status = 'active';
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_agreement_active_check',
            MESSAGE = format('case %s already has an agreement in force (%s); a new one replaces it only after a default',
                             v_case.number, v_current.id);
    END IF;
    v_contract := cobranza.contract_on(NEW.tenant_id, cobranza.today());
    IF NEW.discount_bp > coalesce(v_contract.max_discount_bp, 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_agreement_discount_check',
            MESSAGE = format('--discount: %s%% is more than the %s%% client %s authorises',
                             trim_scale(NEW.discount_bp / 100.0), trim_scale(coalesce(v_contract.max_discount_bp, 0) / 100.0),
                             (SELECT t.code FROM cobranza.tenant t WHERE t.id = NEW.tenant_id));
    END IF;
    NEW.currency := v_case.currency;
    NEW.agreed_on := cobranza.today();
    NEW.owed := cobranza.case_outstanding(NEW.tenant_id, NEW.case_id);
    NEW.paid_before := coalesce((SELECT sum(y.amount) FROM cobranza.payment y
                                  WHERE y.tenant_id = NEW.tenant_id AND y.case_id = NEW.case_id), 0);
    IF NEW.owed <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_agreement_total_check',
            MESSAGE = format('case %s owes nothing', v_case.number);
    END IF;
    NEW.total := NEW.owed - cobranza.apply_rate(NEW.discount_bp, NEW.owed);
    NEW.default_days := coalesce(v_contract.agreement_default_days, 30);
    IF NOT v_case.on_agreement THEN
        UPDATE cobranza.collection_case SET on_agreement = true WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'agreement',
            format('%s instalment(s) every %s from %s, total %s%s', NEW.instalments, NEW.every, NEW.first_due,
                   cobranza.format_money(NEW.total, v_case.currency),
                   CASE WHEN NEW.discount_bp > 0 THEN format(' (%s%% off %s)', trim_scale(NEW.discount_bp / 100.0),
                                                              cobranza.format_money(NEW.owed, v_case.currency)) ELSE '' END),
            true, NEW.agreed_on);
    RETURN NEW;
END
$$;

-- At commit: the schedule sums exactly to the agreed total, with the down payment as
-- instalment 0 and instalments 1..N.
CREATE FUNCTION cobranza.agreement_schedule_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_sum   bigint;
    v_count integer;
    v_down  bigint;
BEGIN
    SELECT coalesce(sum(i.amount), 0), count(*) FILTER (WHERE i.sequence > 0),
           coalesce(sum(i.amount) FILTER (WHERE i.sequence = 0), 0)
      INTO v_sum, v_count, v_down
      FROM cobranza.instalment i WHERE i.tenant_id = NEW.tenant_id AND i.agreement_id = NEW.id;
    IF v_sum <> NEW.total OR v_count <> NEW.instalments OR v_down <> NEW.down_payment
       -- instalments 1..N, the first on first_due, each no earlier than the one before, the down
       -- payment on the day of the agreement
       OR EXISTS (SELECT 1 FROM (SELECT i.sequence, i.due, lag(i.due) OVER (ORDER BY i.sequence) AS before,
                                        row_number() OVER (ORDER BY i.sequence) AS n
                                   FROM cobranza.instalment i
                                  WHERE i.tenant_id = NEW.tenant_id AND i.agreement_id = NEW.id AND i.sequence > 0) x
                   WHERE x.sequence <> x.n OR x.due < x.before OR (x.sequence = 1 AND x.due <> NEW.first_due))
       OR EXISTS (SELECT 1 FROM cobranza.instalment i WHERE i.tenant_id = NEW.tenant_id AND i.agreement_id = NEW.id
                     AND i.sequence = 0 AND i.due <> NEW.agreed_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_agreement_schedule_check',
            MESSAGE = format('agreement %s: the schedule (%s instalment(s), %s in all, down payment %s) does not match the agreement (%s, %s, %s)',
                             NEW.id, v_count, v_sum, v_down, NEW.instalments, NEW.total, NEW.down_payment);
    END IF;
    RETURN NULL;
END
$$;

-- Instalments are written with their agreement, in the same transaction, never added later.
CREATE FUNCTION cobranza.instalment_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cobranza.payment_agreement a
                    WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.agreement_id AND a.created_at = now()) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'instalment_agreement_check',
            MESSAGE = format('agreement %s: its schedule is written with it; a new agreement replaces one in default', NEW.agreement_id);
    END IF;
    RETURN NEW;
END
$$;

-- A payment that completes a discounted agreement settles the case (the discount is forgiven).
-- (A payment that clears everything owed has already closed the case as paid.)
CREATE FUNCTION cobranza.agreement_settle() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_agreement record;
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
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'settled',
                format('agreement %s paid in full (payment %s); the discount of %s is forgiven', v_agreement.id, NEW.id,
                       cobranza.format_money(v_agreement.owed - v_agreement.total, NEW.currency)),
                true, NEW.paid_on);
    END IF;
    RETURN NULL;
END
$$;

-- dispute opened: the case is open and becomes disputed.
CREATE FUNCTION cobranza.dispute_opened() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a dispute');
    IF NEW.outcome IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_resolved_check',
            MESSAGE = 'a dispute is opened first and resolved later (dispute resolve)';
    END IF;
    UPDATE cobranza.collection_case SET disputed = true WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'dispute', 'opened', NEW.reason, true, NEW.opened_on);
    RETURN NULL;
END
$$;

-- dispute resolving: only once, only the resolution columns, never in the future; the
-- resolver is who runs it.
CREATE FUNCTION cobranza.dispute_resolving() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.outcome IS NOT NULL OR NEW.outcome IS NULL
       OR (NEW.tenant_id, NEW.case_id, NEW.reason, NEW.opened_on) IS DISTINCT FROM (OLD.tenant_id, OLD.case_id, OLD.reason, OLD.opened_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_resolved_check',
            MESSAGE = format('dispute %s: a dispute is resolved once, and only its outcome and note are written', OLD.id);
    END IF;
    NEW.resolved_by := session_user;
    NEW.resolved_on := coalesce(NEW.resolved_on, cobranza.today());
    IF NEW.resolved_on > cobranza.today() OR NEW.resolved_on < NEW.opened_on THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'dispute_resolved_check',
            MESSAGE = format('dispute %s: it is resolved between its opening (%s) and today', OLD.id, OLD.opened_on);
    END IF;
    RETURN NEW;
END
$$;

-- dispute resolved: the case is no longer disputed; upheld, an open case closes as disputed.
CREATE FUNCTION cobranza.dispute_resolved() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'dispute', NEW.outcome, NEW.resolution_note, true, NEW.resolved_on);
    IF NEW.outcome = 'upheld' AND EXISTS (SELECT 1 FROM cobranza.collection_case c
                                           WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id AND c.stage <> 'closed') THEN
        UPDATE cobranza.collection_case SET disputed = false, stage = 'closed', close_code = 'disputed', closed_at = now()
         WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'closed', 'disputed', 'dispute upheld', true, NEW.resolved_on);
    ELSE
        UPDATE cobranza.collection_case SET disputed = false WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
    END IF;
    RETURN NULL;
END
$$;

-- posting notified: an open, undisputed case with no posting under way.
CREATE FUNCTION cobranza.posting_notified() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a posting');
    IF v_case.disputed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s is disputed: a disputed case cannot be posted', v_case.number);
    END IF;
    IF NEW.published_on IS NOT NULL OR NEW.withdrawn_on IS NOT NULL OR NEW.withdrawal_due IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_published_check',
            MESSAGE = 'a posting starts with the notice to the debtor (posting notify); it is published later';
    END IF;
    -- The notice is given today: a backdated notice would shorten the period the law requires.
    NEW.notice_on := cobranza.today();
    IF EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id AND p.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'posting_one_active_key',
            MESSAGE = format('case %s already has a posting under way', v_case.number);
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'posting', 'notice', 'prior notice of public posting sent to the debtor', true, NEW.notice_on);
    RETURN NEW;
END
$$;

-- posting changed: published once, under the law's guards (CobranzaCore.PostingRules);
-- withdrawn once; the withdrawal deadline set only by case_closed_withdrawal.
CREATE FUNCTION cobranza.posting_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case     record;
    v_days     integer;
BEGIN
    IF (NEW.tenant_id, NEW.case_id, NEW.notice_on) IS DISTINCT FROM (OLD.tenant_id, OLD.case_id, OLD.notice_on)
       OR OLD.withdrawn_on IS NOT NULL
       OR (OLD.published_on IS NOT NULL AND (NEW.published_on, NEW.registry, NEW.reference)
                                            IS DISTINCT FROM (OLD.published_on, OLD.registry, OLD.reference))
       OR (NEW.withdrawal_due IS DISTINCT FROM OLD.withdrawal_due
           AND (OLD.withdrawal_due IS NOT NULL OR NEW.withdrawal_due IS DISTINCT FROM cobranza.add_business_days(cobranza.today(), 7)
                OR NOT EXISTS (SELECT 1 FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id
                                  AND c.stage = 'closed'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_transition_check',
            MESSAGE = format('posting %s: a posting is notified, published and withdrawn once each; nothing else changes', OLD.id);
    END IF;
    SELECT c.number, c.stage, c.disputed, d.country, t.code AS client,
           (SELECT min(i.due) FROM cobranza.invoice i WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS oldest_due
      INTO v_case
      FROM cobranza.collection_case c
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
      JOIN cobranza.tenant t ON t.id = c.tenant_id
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR UPDATE OF c;
    -- Published and withdrawn today, never backdated.
    IF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL THEN
        NEW.withdrawn_on := cobranza.today();
    END IF;
    IF OLD.published_on IS NULL AND NEW.published_on IS NOT NULL THEN
        NEW.published_on := cobranza.today();
        IF v_case.stage = 'closed' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
                MESSAGE = format('case %s is closed: it cannot be posted', v_case.number);
        END IF;
        IF NEW.published_on > cobranza.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_published_check',
                MESSAGE = format('--date: %s is in the future', NEW.published_on);
        END IF;
        IF NOT coalesce((cobranza.contract_on(NEW.tenant_id, NEW.published_on)).posting_consent, false) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_consent_check',
                MESSAGE = format('client %s has not consented to public posting (client contract set %s --posting-consent yes)',
                                 v_case.client, v_case.client);
        END IF;
        IF v_case.disputed THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be posted', v_case.number);
        END IF;
        v_days := CASE WHEN v_case.country = 'CO' THEN 20
                       ELSE coalesce((cobranza.contract_on(NEW.tenant_id, NEW.published_on)).posting_notice_days, 15) END;
        IF NEW.published_on < OLD.notice_on + v_days THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_notice_period_check',
                MESSAGE = format('case %s: the debtor was notified on %s and %s requires %s days'' notice: posting is allowed from %s',
                                 v_case.number, OLD.notice_on,
                                 CASE v_case.country WHEN 'CO' THEN 'Colombian law' ELSE 'the contract' END,
                                 v_days, OLD.notice_on + v_days);
        END IF;
        IF v_case.country = 'CL' AND v_case.oldest_due < (NEW.published_on - interval '5 years')::date THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_prescription_check',
                MESSAGE = format('case %s: its oldest invoice fell due on %s, more than 5 years ago: Chilean law forbids posting it',
                                 v_case.number, v_case.oldest_due);
        END IF;
    END IF;
    IF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL AND NEW.withdrawn_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_withdrawn_check',
            MESSAGE = format('--date: %s is in the future', NEW.withdrawn_on);
    END IF;
    RETURN NEW;
END
$$;

-- posting published or withdrawn: the case's flag and timeline follow.
CREATE FUNCTION cobranza.posting_effects() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.published_on IS NULL AND NEW.published_on IS NOT NULL THEN
        UPDATE cobranza.collection_case SET posted = true WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'posting', 'published',
                format('debt posted in %s%s', NEW.registry, coalesce(' (ref. ' || NEW.reference || ')', '')), true, NEW.published_on);
    END IF;
    IF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL THEN
        UPDATE cobranza.collection_case SET posted = false WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id AND posted;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'posting', 'withdrawn',
                CASE WHEN NEW.published_on IS NULL THEN 'posting cancelled before publication'
                     ELSE format('posting withdrawn from %s', NEW.registry) END,
                true, NEW.withdrawn_on);
    END IF;
    RETURN NULL;
END
$$;

-- judicial_referral: an open, undisputed, extrajudicial case; an enabled lawyer; a debt at or
-- above the client's judicial threshold unless an admin overrides it with a reason.
CREATE FUNCTION cobranza.referral_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
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
            MESSAGE = format('--lawyer: "%s" is not an enabled lawyer', cobranza.quote_for_message(NEW.lawyer));
    END IF;
    NEW.referred_on := cobranza.today();
    NEW.stage := 'referred';
    NEW.outstanding := cobranza.case_outstanding(NEW.tenant_id, NEW.case_id);
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
$$;

-- The referral moves the case to the judicial stage; payments from that date earn the judicial
-- rate (payment_prepare looks for this stage_change event).
CREATE FUNCTION cobranza.referral_filed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    UPDATE cobranza.collection_case SET stage = 'judicial' WHERE tenant_id = NEW.tenant_id AND id = NEW.case_id;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'stage_change', 'judicial',
            format('referred to court%s', coalesce(' (' || NEW.court || ')', '')), true, NEW.referred_on);
    IF NEW.override_reason IS NOT NULL THEN
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, occurred_on)
        VALUES (NEW.tenant_id, NEW.case_id, 'note',
                format('referred below the judicial threshold of %s: %s', cobranza.format_money(NEW.threshold,
                       (SELECT c.currency FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id)),
                       NEW.override_reason),
                NEW.referred_on);
    END IF;
    RETURN NULL;
END
$$;

-- A referral's court stage only moves forward; the lawyer is changed only by an admin.
CREATE FUNCTION cobranza.referral_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_order text[] := ARRAY['referred', 'filed', 'served', 'judgment', 'enforcement', 'closed'];
BEGIN
    IF (NEW.tenant_id, NEW.case_id, NEW.referred_on, NEW.outstanding, NEW.threshold, NEW.override_reason)
       IS DISTINCT FROM (OLD.tenant_id, OLD.case_id, OLD.referred_on, OLD.outstanding, OLD.threshold, OLD.override_reason) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_transition_check',
            MESSAGE = 'a referral''s case, date and threshold are history: they do not change';
    END IF;
    IF array_position(v_order, NEW.stage) < array_position(v_order, OLD.stage) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_stage_check',
            MESSAGE = format('--stage: the proceeding is at "%s"; it does not go back to "%s"', OLD.stage, NEW.stage);
    END IF;
    IF NEW.lawyer IS DISTINCT FROM OLD.lawyer AND cobranza.person_kind(NEW.lawyer) IS DISTINCT FROM 'lawyer' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_lawyer_check',
            MESSAGE = format('--lawyer: "%s" is not an enabled lawyer', cobranza.quote_for_message(NEW.lawyer));
    END IF;
    IF (NEW.stage, NEW.court, NEW.docket, NEW.lawyer) IS DISTINCT FROM (OLD.stage, OLD.court, OLD.docket, OLD.lawyer) THEN
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible)
        VALUES (NEW.tenant_id, NEW.case_id, 'referral', NEW.stage,
                concat_ws('; ', 'court stage ' || NEW.stage,
                          CASE WHEN NEW.court IS DISTINCT FROM OLD.court THEN 'court ' || NEW.court END,
                          CASE WHEN NEW.docket IS DISTINCT FROM OLD.docket THEN 'docket ' || NEW.docket END,
                          CASE WHEN NEW.lawyer IS DISTINCT FROM OLD.lawyer THEN 'lawyer ' || NEW.lawyer END),
                true);
    END IF;
    RETURN NEW;
END
$$;

-- A court cost is charged to a referred, open case in its currency. (lock_open_case needs only
-- SELECT with FOR UPDATE privileges a lawyer has: UPDATE on next_action_date.)
CREATE FUNCTION cobranza.court_cost_prepare() RETURNS trigger
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
            MESSAGE = format('--date: %s is in the future', NEW.incurred_on);
    END IF;
    RETURN NEW;
END
$$;

------------------------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------------------------
CREATE TRIGGER collection_case_insert_check BEFORE INSERT ON cobranza.collection_case
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_insert_check();
CREATE TRIGGER collection_case_transition BEFORE UPDATE ON cobranza.collection_case
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_transition();
CREATE TRIGGER collection_case_closed_withdrawal AFTER UPDATE OF stage ON cobranza.collection_case
    FOR EACH ROW WHEN (NEW.stage = 'closed' AND OLD.stage <> 'closed' AND NEW.posted)
    EXECUTE FUNCTION cobranza.case_closed_withdrawal();
-- Payment events are checked by payment_prepare, which writes them; skipping them here keeps
-- payment recording as fast as it was.
CREATE TRIGGER case_event_check BEFORE INSERT ON cobranza.case_event
    FOR EACH ROW WHEN (NEW.kind <> 'payment') EXECUTE FUNCTION cobranza.case_event_check();

CREATE TRIGGER promise_prepare BEFORE INSERT ON cobranza.promise
    FOR EACH ROW EXECUTE FUNCTION cobranza.promise_prepare();
CREATE TRIGGER agreement_prepare BEFORE INSERT ON cobranza.payment_agreement
    FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_prepare();
CREATE TRIGGER instalment_prepare BEFORE INSERT ON cobranza.instalment
    FOR EACH ROW EXECUTE FUNCTION cobranza.instalment_prepare();
CREATE CONSTRAINT TRIGGER agreement_schedule_check AFTER INSERT ON cobranza.payment_agreement
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_schedule_check();
CREATE TRIGGER payment_agreement_settle AFTER INSERT ON cobranza.payment
    FOR EACH ROW WHEN (NEW.amount > 0) EXECUTE FUNCTION cobranza.agreement_settle();
CREATE TRIGGER dispute_opened AFTER INSERT ON cobranza.dispute
    FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_opened();
CREATE TRIGGER dispute_resolving BEFORE UPDATE ON cobranza.dispute
    FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_resolving();
CREATE TRIGGER dispute_resolved AFTER UPDATE ON cobranza.dispute
    FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_resolved();
CREATE TRIGGER posting_notified BEFORE INSERT ON cobranza.posting
    FOR EACH ROW EXECUTE FUNCTION cobranza.posting_notified();
CREATE TRIGGER posting_transition BEFORE UPDATE ON cobranza.posting
    FOR EACH ROW EXECUTE FUNCTION cobranza.posting_transition();
CREATE TRIGGER posting_effects AFTER UPDATE ON cobranza.posting
    FOR EACH ROW EXECUTE FUNCTION cobranza.posting_effects();
CREATE TRIGGER referral_prepare BEFORE INSERT ON cobranza.judicial_referral
    FOR EACH ROW EXECUTE FUNCTION cobranza.referral_prepare();
CREATE TRIGGER referral_filed AFTER INSERT ON cobranza.judicial_referral
    FOR EACH ROW EXECUTE FUNCTION cobranza.referral_filed();
CREATE TRIGGER referral_transition BEFORE UPDATE ON cobranza.judicial_referral
    FOR EACH ROW EXECUTE FUNCTION cobranza.referral_transition();
CREATE TRIGGER court_cost_prepare BEFORE INSERT ON cobranza.court_cost
    FOR EACH ROW EXECUTE FUNCTION cobranza.court_cost_prepare();

-- Promises, agreements, their schedules and court costs are history: corrected by new rows.
CREATE TRIGGER promise_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.promise
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new promise replaces an old one');
CREATE TRIGGER payment_agreement_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.payment_agreement
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new agreement replaces one in default');
CREATE TRIGGER instalment_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.instalment
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new agreement replaces one in default');
CREATE TRIGGER court_cost_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.court_cost
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('costs are history');
CREATE TRIGGER dispute_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.dispute
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('disputes are resolved, never deleted');
CREATE TRIGGER posting_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.posting
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('postings are withdrawn, never deleted');
CREATE TRIGGER judicial_referral_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.judicial_referral
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a referral is history');

DO $audit$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['promise', 'payment_agreement', 'dispute', 'posting', 'judicial_referral', 'court_cost']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cobranza.%I '
                       'REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement()',
                       t || '_audit_insert', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['dispute', 'posting', 'judicial_referral']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON cobranza.%I '
                       'FOR EACH ROW EXECUTE FUNCTION cobranza.audit()',
                       t || '_audit', t);
    END LOOP;
END
$audit$;
-- (instalment has no id for the statement audit; its agreement's audit row names the agreement,
-- and the schedule can never change afterwards.)

------------------------------------------------------------------------------------------------
-- Row level security. Lawyers now see and work only the cases referred to them.
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.promise           ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.promise           FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.payment_agreement ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.payment_agreement FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.instalment        ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.instalment        FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.dispute           ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.dispute           FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.posting           ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.posting           FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.judicial_referral ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.judicial_referral FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.court_cost        ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.court_cost        FORCE ROW LEVEL SECURITY;

-- judicial_referral first: the lawyer policies of the other tables look through it.
CREATE POLICY judicial_referral_staff_all ON cobranza.judicial_referral FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY judicial_referral_lawyer_read ON cobranza.judicial_referral FOR SELECT TO cobranza_lawyer
    USING (lawyer = session_user AND (SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY judicial_referral_lawyer_update ON cobranza.judicial_referral FOR UPDATE TO cobranza_lawyer
    USING (lawyer = session_user AND (SELECT cobranza.current_kind()) = 'lawyer')
    WITH CHECK (lawyer = session_user);
CREATE POLICY judicial_referral_client_read ON cobranza.judicial_referral FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

DO $policies$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['promise', 'payment_agreement', 'instalment', 'dispute', 'posting', 'court_cost']
    LOOP
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR ALL TO cobranza_admin, cobranza_collector '
                       'USING ((SELECT cobranza.current_kind()) IN (''admin'', ''collector'')) '
                       'WITH CHECK ((SELECT cobranza.current_kind()) IN (''admin'', ''collector''))',
                       t || '_staff_all', t);
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR SELECT TO cobranza_client '
                       'USING (tenant_id = (SELECT cobranza.current_tenant()))',
                       t || '_client_read', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['promise', 'payment_agreement', 'dispute', 'posting', 'court_cost']
    LOOP
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR SELECT TO cobranza_lawyer '
                       'USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r '
                       'WHERE r.tenant_id = %I.tenant_id AND r.case_id = %I.case_id))',
                       t || '_lawyer_read', t, t, t);
    END LOOP;
END
$policies$;
CREATE POLICY instalment_lawyer_read ON cobranza.instalment FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.payment_agreement a
                    WHERE a.tenant_id = instalment.tenant_id AND a.id = instalment.agreement_id));
CREATE POLICY court_cost_lawyer_insert ON cobranza.court_cost FOR INSERT TO cobranza_lawyer
    WITH CHECK (EXISTS (SELECT 1 FROM cobranza.judicial_referral r
                         WHERE r.tenant_id = court_cost.tenant_id AND r.case_id = court_cost.case_id));

-- The intake and payment tables: a lawyer reads only what belongs to a case referred to them
-- (the judicial_referral policy above keeps the subquery to their own referrals).
DROP POLICY collection_case_lawyer_read ON cobranza.collection_case;
CREATE POLICY collection_case_lawyer_read ON cobranza.collection_case FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = collection_case.tenant_id AND r.case_id = collection_case.id));
-- ... and sets the next action date of those cases (step log --next-action).
CREATE POLICY collection_case_lawyer_update ON cobranza.collection_case FOR UPDATE TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = collection_case.tenant_id AND r.case_id = collection_case.id))
    WITH CHECK (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = collection_case.tenant_id AND r.case_id = collection_case.id));
GRANT UPDATE (next_action_date) ON cobranza.collection_case TO cobranza_lawyer;
-- Submissions, import batches, fee documents and remittances are none of a lawyer's business.
DROP POLICY submission_lawyer_read ON cobranza.submission;
DROP POLICY import_batch_lawyer_read ON cobranza.import_batch;
DROP POLICY remittance_staff_read ON cobranza.remittance;
CREATE POLICY remittance_staff_read ON cobranza.remittance FOR SELECT TO cobranza_collector
    USING ((SELECT cobranza.current_kind()) = 'collector');
DROP POLICY fee_document_staff_read ON cobranza.fee_document;
CREATE POLICY fee_document_staff_read ON cobranza.fee_document FOR SELECT TO cobranza_collector
    USING ((SELECT cobranza.current_kind()) = 'collector');
DROP POLICY fee_document_line_staff_read ON cobranza.fee_document_line;
CREATE POLICY fee_document_line_staff_read ON cobranza.fee_document_line FOR SELECT TO cobranza_collector
    USING ((SELECT cobranza.current_kind()) = 'collector');
DROP POLICY invoice_lawyer_read ON cobranza.invoice;
CREATE POLICY invoice_lawyer_read ON cobranza.invoice FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = invoice.tenant_id AND r.case_id = invoice.case_id));
DROP POLICY payment_lawyer_read ON cobranza.payment;
CREATE POLICY payment_lawyer_read ON cobranza.payment FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = payment.tenant_id AND r.case_id = payment.case_id));
DROP POLICY debtor_lawyer_read ON cobranza.debtor;
CREATE POLICY debtor_lawyer_read ON cobranza.debtor FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.collection_case c WHERE c.tenant_id = debtor.tenant_id AND c.debtor_id = debtor.id));
DROP POLICY case_event_staff_read ON cobranza.case_event;
DROP POLICY case_event_staff_insert ON cobranza.case_event;
CREATE POLICY case_event_staff_read ON cobranza.case_event FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY case_event_staff_insert ON cobranza.case_event FOR INSERT TO cobranza_admin, cobranza_collector
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY case_event_lawyer_read ON cobranza.case_event FOR SELECT TO cobranza_lawyer
    USING (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = case_event.tenant_id AND r.case_id = case_event.case_id));
CREATE POLICY case_event_lawyer_insert ON cobranza.case_event FOR INSERT TO cobranza_lawyer
    WITH CHECK (EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = case_event.tenant_id AND r.case_id = case_event.case_id));

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC). Columns the triggers compute are in no grant.
------------------------------------------------------------------------------------------------
REVOKE ALL ON cobranza.promise, cobranza.payment_agreement, cobranza.instalment, cobranza.dispute, cobranza.posting,
              cobranza.judicial_referral, cobranza.court_cost,
              cobranza.promise_status, cobranza.instalment_status, cobranza.agreement_status
    FROM PUBLIC;
GRANT SELECT ON cobranza.promise, cobranza.payment_agreement, cobranza.instalment, cobranza.dispute, cobranza.posting,
                cobranza.judicial_referral, cobranza.court_cost,
                cobranza.promise_status, cobranza.instalment_status, cobranza.agreement_status
    TO cobranza_admin, cobranza_collector, cobranza_lawyer;
GRANT SELECT ON cobranza.promise, cobranza.payment_agreement, cobranza.instalment, cobranza.dispute, cobranza.posting,
                cobranza.court_cost, cobranza.promise_status, cobranza.instalment_status, cobranza.agreement_status
    TO cobranza_client;
-- A client sees where its case stands in court, not why an admin overrode the threshold.
GRANT SELECT (tenant_id, id, case_id, lawyer, court, docket, stage, referred_on) ON cobranza.judicial_referral TO cobranza_client;

GRANT INSERT (tenant_id, case_id, amount, due, note) ON cobranza.promise TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, discount_bp, down_payment, instalments, every, first_due)
    ON cobranza.payment_agreement TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, agreement_id, sequence, due, amount) ON cobranza.instalment TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, reason) ON cobranza.dispute TO cobranza_admin, cobranza_collector;
GRANT UPDATE (outcome, resolved_on, resolution_note) ON cobranza.dispute TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id) ON cobranza.posting TO cobranza_admin, cobranza_collector;
GRANT UPDATE (registry, reference, published_on, withdrawal_due, withdrawn_on) ON cobranza.posting TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, lawyer, court, docket, override_reason)
    ON cobranza.judicial_referral TO cobranza_admin, cobranza_collector;
GRANT UPDATE (stage, court, docket) ON cobranza.judicial_referral TO cobranza_admin, cobranza_collector, cobranza_lawyer;
GRANT UPDATE (lawyer) ON cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT (tenant_id, case_id, amount, note, incurred_on) ON cobranza.court_cost TO cobranza_admin, cobranza_collector, cobranza_lawyer;

------------------------------------------------------------------------------------------------
-- Trusted moves. payment_prepare closes a case as paid and reopens one after a reversal, which
-- case_transition allows only to it: it now runs as the owner (SECURITY DEFINER; its search_path
-- is pinned), and case_transition checks current_user. No login role is a member of the owner,
-- so a user's own trigger (on a temp table, say) cannot pass for it. The owner is bound by FORCE
-- ROW LEVEL SECURITY like everyone, hence its policies on the tables payment_prepare and the
-- triggers it sets off read and write. Only admins and collectors can insert payments, and they
-- see every tenant already; the payment row itself still passes the inserter's policies.
------------------------------------------------------------------------------------------------
ALTER FUNCTION cobranza.payment_prepare() SECURITY DEFINER;
DO $owner$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant', 'collection_case', 'case_event', 'invoice', 'payment', 'contract', 'posting',
                             'judicial_referral', 'dispute']
    LOOP
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR ALL TO cobranza_owner USING (true) WITH CHECK (true)',
                       t || '_owner_trusted', t);
    END LOOP;
END
$owner$;

REVOKE EXECUTE ON FUNCTION
    cobranza.add_business_days(date, integer), cobranza.person_kind(name), cobranza.contract_on(bigint, date),
    cobranza.lock_open_case(bigint, bigint, text), cobranza.case_insert_check(), cobranza.case_transition(), cobranza.case_event_check(),
    cobranza.case_closed_withdrawal(), cobranza.promise_prepare(), cobranza.agreement_prepare(),
    cobranza.agreement_schedule_check(), cobranza.instalment_prepare(), cobranza.agreement_settle(), cobranza.dispute_opened(), cobranza.dispute_resolving(), cobranza.dispute_resolved(),
    cobranza.posting_notified(), cobranza.posting_transition(), cobranza.posting_effects(), cobranza.referral_prepare(),
    cobranza.referral_filed(), cobranza.referral_transition(), cobranza.court_cost_prepare()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.add_business_days(date, integer)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT EXECUTE ON FUNCTION cobranza.person_kind(name), cobranza.contract_on(bigint, date),
                          cobranza.lock_open_case(bigint, bigint, text)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer;
GRANT EXECUTE ON FUNCTION cobranza.quote_for_message(text) TO cobranza_lawyer;

RESET ROLE;
