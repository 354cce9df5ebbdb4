-- The database's refusals name the column (or argument) they are about, as psql users write it
-- (`paid_on: 2026-03-06 is in the future`), and say it again in the error's COLUMN field, a
-- stable identity the shell maps to its own flag (`--date`). Until now they spoke the shell's
-- flags, which mean nothing to someone connected with psql. Each function below is its latest
-- definition with only those messages changed (CREATE OR REPLACE keeps owner, grants and
-- triggers).

CREATE OR REPLACE FUNCTION cobranza.agreement_prepare()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
            COLUMN = 'discount_bp', MESSAGE = format('discount_bp: %s%% is more than the %s%% client %s authorises',
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
$function$;

CREATE OR REPLACE FUNCTION cobranza.case_event_check()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
            COLUMN = 'outcome', MESSAGE = 'outcome: a call needs one of no-answer, wrong-number, promise, refused, dispute, paid-claimed, callback';
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
    -- Reopening is the move out of a close: an open case that was never closed, or was reopened
    -- already, is not reopened again.
    IF NEW.kind = 'reopened'
       AND (SELECT e.kind FROM cobranza.case_event e WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id
                AND e.kind IN ('closed', 'reopened') ORDER BY e.id DESC LIMIT 1) IS DISTINCT FROM 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_state_check',
            MESSAGE = format('case %s is open: only a closed case is reopened', v_case.number);
    END IF;
    IF NEW.kind = 'letter' AND NEW.letter_level > 1
       AND NOT EXISTS (SELECT 1 FROM cobranza.case_event e WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id
                          AND e.kind = 'letter' AND e.letter_level = NEW.letter_level - 1 AND e.occurred_on <= NEW.occurred_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_letter_order_check',
            COLUMN = 'letter_level', MESSAGE = format('letter_level: a level %s letter needs a level %s letter sent before (case %s)',
                             NEW.letter_level, NEW.letter_level - 1, v_case.number);
    END IF;
    RETURN NEW;
END
$function$;

CREATE OR REPLACE FUNCTION cobranza.contract_version_order()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
DECLARE
    latest record;
BEGIN
    SELECT version, effective_on INTO latest FROM cobranza.contract
     WHERE tenant_id = NEW.tenant_id ORDER BY version DESC LIMIT 1;
    IF latest.version IS NOT NULL THEN
        IF NEW.version <> latest.version + 1 THEN
            RAISE EXCEPTION USING ERRCODE = '23514',
                MESSAGE = format('contract version must be %s (the next after %s)', latest.version + 1, latest.version);
        END IF;
        IF NEW.effective_on < latest.effective_on THEN
            RAISE EXCEPTION USING ERRCODE = '23514',
                COLUMN = 'effective_on', MESSAGE = format('effective_on: %s is before version %s (effective %s); versions never rewrite the past',
                                 NEW.effective_on, latest.version, latest.effective_on);
        END IF;
    ELSIF NEW.version <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = '23514', MESSAGE = 'the first contract version must be 1';
    END IF;
    RETURN NEW;
END;
$function$;

CREATE OR REPLACE FUNCTION cobranza.court_cost_prepare()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a court cost');
    NEW.currency := v_case.currency;
    IF NEW.incurred_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'court_cost_incurred_on_check',
            COLUMN = 'incurred_on', MESSAGE = format('incurred_on: %s is in the future', NEW.incurred_on);
    END IF;
    RETURN NEW;
END
$function$;

CREATE OR REPLACE FUNCTION cobranza.create_person(p_name text, p_kind text, p_client_code text, p_password text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
 SET password_encryption TO 'scram-sha-256'
AS $function$
DECLARE
    v_code   text := nullif(btrim(p_client_code), '');
    v_tenant bigint;
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins can add users';
    END IF;

    IF p_name IS NULL OR p_name = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'user name is required';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{1,40}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user name "%s" must be 2-41 characters: a lowercase letter, then lowercase letters, digits or _',
                             cobranza.quote_for_message(p_name));
    END IF;
    IF p_name LIKE 'pg\_%' OR p_name LIKE 'cobranza%'
       OR p_name IN ('public', 'none', 'current_user', 'current_role', 'session_user') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user name "%s" is reserved: it must not start with pg_ or cobranza', p_name);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = format('user "%s" already exists', p_name);
    END IF;

    IF p_kind IS NULL OR p_kind NOT IN ('admin', 'collector', 'lawyer', 'client') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'role must be one of admin, collector, lawyer, client';
    END IF;

    IF p_kind = 'client' THEN
        IF v_code IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                COLUMN = 'client', MESSAGE = 'client: required for role client';
        END IF;
        SELECT t.id INTO v_tenant FROM cobranza.tenant t WHERE t.code = v_code;
        IF v_tenant IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                MESSAGE = format('client "%s" does not exist', cobranza.quote_for_message(v_code));
        END IF;
    ELSIF v_code IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            COLUMN = 'client', MESSAGE = 'client: only for role client';
    END IF;

    IF p_password IS NULL OR length(p_password) < 8 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'password must be at least 8 characters';
    END IF;
    -- PostgreSQL stores a "password" of this shape as an MD5 hash verbatim; refuse it so the
    -- stored secret is always SCRAM.
    IF p_password ~ '^md5[0-9a-f]{32}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'password must not be an MD5 hash';
    END IF;

    -- Errors are re-raised here: the CONTEXT of an error inside EXECUTE would quote the
    -- statement, password included. A duplicate here means a concurrent create_person won.
    BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
                       p_name, p_password, 'cobranza_' || p_kind);
    EXCEPTION
        WHEN unique_violation OR duplicate_object THEN
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = format('user "%s" already exists', p_name);
        WHEN OTHERS THEN
            RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;

    INSERT INTO cobranza.person (role_name, kind, tenant_id, created_by)
    VALUES (p_name, p_kind, v_tenant, session_user);
END
$function$;

CREATE OR REPLACE FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text)
 RETURNS TABLE(number text, client_code text, currency character, lines integer, subtotal bigint, vat bigint, total bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
 SET work_mem TO '64MB'
 SET jit TO 'off'
AS $function$
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
            COLUMN = 'period', MESSAGE = format('period: "%s" is not a month (write YYYY-MM)', cobranza.quote_for_message(p_period));
    END IF;
    v_end := (p_period || '-01')::date + interval '1 month' - interval '1 day';
    IF p_client IS NOT NULL THEN
        SELECT t.id INTO v_tenant FROM cobranza.tenant t WHERE t.code = upper(p_client);
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'no_data_found',
                COLUMN = 'client', MESSAGE = format('client: no client "%s"', cobranza.quote_for_message(p_client));
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
$function$;

CREATE OR REPLACE FUNCTION cobranza.payment_prepare()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
DECLARE
    v_case     record;
    v_facts    record;
    v_original record;
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
$function$;

CREATE OR REPLACE FUNCTION cobranza.posting_transition()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
                COLUMN = 'published_on', MESSAGE = format('published_on: %s is in the future', NEW.published_on);
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
            COLUMN = 'withdrawn_on', MESSAGE = format('withdrawn_on: %s is in the future', NEW.withdrawn_on);
    END IF;
    RETURN NEW;
END
$function$;

CREATE OR REPLACE FUNCTION cobranza.promise_prepare()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
            COLUMN = 'amount', MESSAGE = format('amount: %s is more than the %s outstanding on case %s',
                             cobranza.format_money(NEW.amount, v_case.currency), cobranza.format_money(v_outstanding, v_case.currency),
                             v_case.number);
    END IF;
    IF NEW.due < NEW.promised_on THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'promise_due_check',
            COLUMN = 'due', MESSAGE = format('due: %s is before the promise (%s)', NEW.due, NEW.promised_on);
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
$function$;

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
$function$;

CREATE OR REPLACE FUNCTION cobranza.referral_transition()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
            COLUMN = 'stage', MESSAGE = format('stage: the proceeding is at "%s"; it does not go back to "%s"', OLD.stage, NEW.stage);
    END IF;
    IF NEW.lawyer IS DISTINCT FROM OLD.lawyer AND cobranza.person_kind(NEW.lawyer) IS DISTINCT FROM 'lawyer' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'judicial_referral_lawyer_check',
            COLUMN = 'lawyer', MESSAGE = format('lawyer: "%s" is not an enabled lawyer', cobranza.quote_for_message(NEW.lawyer));
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
$function$;

CREATE OR REPLACE FUNCTION cobranza.void_fee_invoice(p_number text, p_reason text)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
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
            COLUMN = 'reason', MESSAGE = 'reason: required (it is printed on the credit note)';
    END IF;
    RETURN cobranza.issue_credit_note(v_invoice.tenant_id, v_invoice.id, NULL, v_invoice.vat_bp, v_invoice.currency, p_reason);
END
$function$;
