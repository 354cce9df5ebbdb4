-- The schema as sql/migrations leave it: pg_dump --schema-only --schema=cobranza --no-owner of a
-- freshly migrated database, without session settings and version lines. Generated; do not edit.
-- A new migration makes SchemaSnapshotTests fail until this file is regenerated with
--   COBRANZA_ACCEPT=1 scripts/test --filter SchemaSnapshot

-- Name: cobranza; Type: SCHEMA; Schema: -

CREATE SCHEMA cobranza;

-- Name: add_business_days(date, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.add_business_days(p_from date, p_days integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_days <= 0 THEN p_from ELSE (
        SELECT d::date FROM pg_catalog.generate_series(p_from + 1, p_from + p_days * 2 + 7, interval '1 day') d
         WHERE extract(isodow FROM d) < 6 ORDER BY d OFFSET p_days - 1 LIMIT 1) END
$$;

-- Name: add_business_days(date, integer, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT CASE WHEN p_days <= 0 THEN p_from ELSE (
        SELECT d::date FROM pg_catalog.generate_series(p_from + 1, p_from + p_days * 2 + 40, interval '1 day') d
         WHERE extract(isodow FROM d) < 6
           AND NOT EXISTS (SELECT 1 FROM cobranza.holiday h WHERE h.country = p_country AND h.day = d::date)
         ORDER BY d OFFSET p_days - 1 LIMIT 1) END
$$;

-- Name: age_bucket(integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.age_bucket(p_days integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_days < 0 THEN 'not due' WHEN p_days <= 30 THEN '0-30' WHEN p_days <= 60 THEN '31-60'
                WHEN p_days <= 90 THEN '61-90' WHEN p_days <= 180 THEN '91-180' WHEN p_days <= 365 THEN '181-365' ELSE '>365' END
$$;

-- Name: agreement_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.agreement_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
$$;

-- Name: agreement_schedule_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.agreement_schedule_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: agreement_settle(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.agreement_settle() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: agreement_undisputed_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.agreement_undisputed_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: apply_rate(integer, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_amount BETWEEN -922337203685477 AND 922337203685477 AND p_bp BETWEEN -10000 AND 10000
                THEN (pg_catalog.sign(p_amount * p_bp::bigint) * ((pg_catalog.abs(p_amount * p_bp::bigint) + 5000) / 10000))::bigint
                ELSE (pg_catalog.sign(p_amount::numeric * p_bp)
                      * pg_catalog.trunc((pg_catalog.abs(p_amount::numeric * p_bp) + 5000) / 10000))::bigint END
$$;

-- Name: apply_session_limits(name, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.apply_session_limits(p_role name, p_kind text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', p_role, cobranza.default_connection_limit(p_kind));
    IF p_kind = 'client' THEN
        EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_role, '2min');
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role, '1min');
    ELSE
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role, '10min');
    END IF;
END
$$;

-- Name: audit(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_before jsonb;
    v_after  jsonb;
    v_row    jsonb;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        v_before := to_jsonb(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        v_after := to_jsonb(NEW);
    END IF;
    v_row := coalesce(v_after, v_before);
    INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
    VALUES (session_user, TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_TABLE_SCHEMA = 'cobranza' AND TG_TABLE_NAME = 'tenant'
                 THEN (v_row ->> 'id')::bigint
                 ELSE (v_row ->> 'tenant_id')::bigint END,
            v_before, v_after);
    RETURN NULL;
END
$$;

-- Name: audit_insert_statement(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $_$
DECLARE
    v_columns text;
    -- each row as audit_log keeps it: whole, or without the columns named
    v_row text := 'to_jsonb(nr)';
BEGIN
    -- A statement of at most 100 rows: the plan kept from whichever statement came first serves.
    IF TG_NARGS = 0 AND (SELECT count(*) FROM (SELECT FROM new_rows LIMIT 101) x) <= 100 THEN
        WITH spans AS MATERIALIZED (
                SELECT nr.tenant_id, min(nr.id) AS first, max(nr.id) AS last, count(*) AS n
                  FROM new_rows nr GROUP BY nr.tenant_id),
        shares AS (
                SELECT s.tenant_id, s.n, jsonb_build_array(jsonb_build_array(s.first, s.last)) AS id_ranges
                  FROM spans s WHERE s.last - s.first + 1 = s.n
                UNION ALL
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr
                                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM spans s WHERE s.last - s.first + 1 <> s.n)) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS MATERIALIZED (
                SELECT nr.tenant_id, jsonb_agg(to_jsonb(nr) ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT m.tenant_id FROM small m)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, TG_TABLE_NAME, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id;
        RETURN NULL;
    END IF;
    IF TG_NARGS > 0 THEN
        SELECT string_agg(format('nr.%I', a.attname), ', ' ORDER BY a.attnum) INTO v_columns
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (TG_ARGV);
        IF v_columns IS NULL OR EXISTS (
            SELECT 1 FROM unnest(TG_ARGV) AS x(name)
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = TG_RELID AND a.attname = x.name AND a.attnum > 0 AND NOT a.attisdropped)) THEN
            RAISE EXCEPTION 'audit_insert_statement on %: % must name some, not all, of its columns', TG_TABLE_NAME, TG_ARGV;
        END IF;
        v_row := format('(SELECT to_jsonb(x) FROM (SELECT %s) x)', v_columns);
    END IF;
    EXECUTE format($sql$
        WITH spans AS MATERIALIZED (
                SELECT nr.tenant_id, min(nr.id) AS first, max(nr.id) AS last, count(*) AS n
                  FROM new_rows nr GROUP BY nr.tenant_id),
        shares AS (
                SELECT s.tenant_id, s.n, jsonb_build_array(jsonb_build_array(s.first, s.last)) AS id_ranges
                  FROM spans s WHERE s.last - s.first + 1 = s.n
                UNION ALL
                SELECT r.tenant_id, sum(r.n)::bigint AS n,
                       jsonb_agg(jsonb_build_array(r.first, r.last) ORDER BY r.first) AS id_ranges
                  FROM (SELECT i.tenant_id, min(i.id) AS first, max(i.id) AS last, count(*) AS n
                          FROM (SELECT nr.tenant_id, nr.id,
                                       nr.id - row_number() OVER (PARTITION BY nr.tenant_id ORDER BY nr.id) AS run
                                  FROM new_rows nr
                                 WHERE nr.tenant_id IN (SELECT s.tenant_id FROM spans s WHERE s.last - s.first + 1 <> s.n)) i
                         GROUP BY i.tenant_id, i.run) r
                 GROUP BY r.tenant_id),
        small AS MATERIALIZED (SELECT s.tenant_id FROM shares s WHERE s.n <= 100),
        copies AS MATERIALIZED (
                SELECT nr.tenant_id, jsonb_agg(%s ORDER BY nr.id) AS rows
                  FROM new_rows nr
                 WHERE nr.tenant_id IN (SELECT m.tenant_id FROM small m)
                 GROUP BY nr.tenant_id)
        INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
        SELECT session_user, $1, 'INSERT', s.tenant_id, NULL,
               jsonb_build_object('count', s.n, 'id_ranges', s.id_ranges)
                   || CASE WHEN c.rows IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rows', c.rows) END
          FROM shares s LEFT JOIN copies c ON c.tenant_id = s.tenant_id
        $sql$, v_row) USING TG_TABLE_NAME;
    RETURN NULL;
END
$_$;

-- Name: audit_log_append_only(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                          MESSAGE = 'audit_log is append-only';
END
$$;

-- Name: bounded_amount(bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.bounded_amount(p_amount bigint, p_column text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_amount IS NULL OR p_amount <= 1000000000000000 THEN true ELSE cobranza.refuse_amount(p_amount, p_column) END
$$;

-- Name: caller_is_admin(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.caller_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
        OR (pg_catalog.pg_has_role(session_user, 'cobranza_admin', 'MEMBER')
            AND cobranza.current_kind() IS NOT DISTINCT FROM 'admin')
$$;

-- Name: case_clock(bigint, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT CASE WHEN c.stage = 'closed'
                THEN coalesce((SELECT e.occurred_on FROM cobranza.case_event e
                                WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'closed'
                                ORDER BY e.id DESC LIMIT 1),
                              c.closed_at::date, cobranza.today())
                ELSE cobranza.today() END
      FROM cobranza.collection_case c
     WHERE c.tenant_id = p_tenant AND c.id = p_case
$$;

-- Name: case_closed_withdrawal(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_closed_withdrawal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF NEW.close_code <> 'uncollectible' THEN
        UPDATE cobranza.posting SET withdrawal_due = cobranza.add_business_days(cobranza.today(), 7,
                   (SELECT d.country FROM cobranza.debtor d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.debtor_id))
         WHERE tenant_id = NEW.tenant_id AND case_id = NEW.id AND published_on IS NOT NULL AND withdrawn_on IS NULL
           AND withdrawal_due IS NULL;
    END IF;
    RETURN NULL;
END
$$;

-- Name: case_event_append_only(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_event_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                          MESSAGE = 'case_event is append-only';
END
$$;

-- Name: case_event_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_event_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
$$;

-- Name: case_event_contact_rules(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_event_contact_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_check record;
    v_zone  text;
BEGIN
    -- A step dated another day than today happened at noon of its day (as a pinned date does).
    IF NEW.occurred_on IS DISTINCT FROM cobranza.today() THEN
        NEW.occurred_at := (NEW.occurred_on + TIME '12:00') AT TIME ZONE 'America/Santiago';
    END IF;
    IF NEW.kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') THEN
        IF NEW.rule_override IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_rule_override_check',
                COLUMN = 'rule_override', MESSAGE = 'rule_override: only a contact is let through the contact rules';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.rule_override IS NOT NULL THEN
        IF cobranza.current_kind() IS DISTINCT FROM 'admin' AND current_user <> 'cobranza_owner' THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', COLUMN = 'rule_override',
                MESSAGE = 'rule_override: only an admin may let a contact through the contact rules';
        END IF;
        RETURN NEW;
    END IF;
    -- One contact of a debtor at a time, across clients: the count below then sees the one
    -- committed before (a fresh snapshot per statement).
    PERFORM cobranza.lock_debtor_contacts(NEW.tenant_id, NEW.case_id);
    SELECT * INTO v_check FROM cobranza.contact_check(NEW.tenant_id, NEW.case_id, NEW.kind, NEW.occurred_at);
    IF v_check.rule IS NOT NULL THEN
        SELECT cobranza.debtor_time_zone(d.country, d.time_zone) INTO v_zone
          FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
         WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id;
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'contact_rule_check',
            MESSAGE = format('%s refused by %s: %s', NEW.kind, v_check.rule,
                             CASE WHEN v_check.allowed_at IS NULL THEN 'no moment allows it'
                                  ELSE 'next allowed ' || cobranza.local_moment(v_check.allowed_at, coalesce(v_zone, 'America/Santiago')) END),
            HINT = 'an admin may let one contact through with a reason (step log … --override REASON)';
    END IF;
    RETURN NEW;
END
$$;

-- Name: case_flags_and_close_moment(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_flags_and_close_moment() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF OLD.on_agreement AND NOT NEW.on_agreement THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_on_agreement_check', COLUMN = 'on_agreement',
            MESSAGE = format('on_agreement: case %s has had an instalment agreement, and that stays said', OLD.number);
    END IF;
    IF NEW.stage = 'closed' AND OLD.stage <> 'closed' THEN
        NEW.closed_at := now();
    ELSIF NEW.stage <> 'closed' THEN
        NEW.closed_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

-- Name: case_hold_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_hold_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_case record;
BEGIN
    SELECT c.number, c.stage INTO v_case FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR NO KEY UPDATE;
    IF TG_OP = 'INSERT' THEN
        NEW.placed_on := cobranza.today();
        NEW.placed_at := now();
        NEW.placed_by := session_user;
        NEW.released_on := NULL;
        NEW.released_by := NULL;
        NEW.reason := btrim(NEW.reason);
        IF NEW.reason = '' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_hold_reason_text', COLUMN = 'reason',
                MESSAGE = 'reason: say why the case is held';
        END IF;
        IF NEW.until < NEW.placed_on THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_hold_until_check', COLUMN = 'until',
                MESSAGE = format('until: %s is in the past', NEW.until);
        END IF;
        IF v_case.stage = 'closed' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
                MESSAGE = format('case %s is closed: there is nothing to hold', v_case.number);
        END IF;
        IF EXISTS (SELECT 1 FROM cobranza.case_hold h WHERE h.tenant_id = NEW.tenant_id AND h.case_id = NEW.case_id
                      AND h.released_on IS NULL AND h.until >= NEW.placed_on) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_hold_open_check',
                MESSAGE = format('case %s is already on hold: release it first (case release)', v_case.number);
        END IF;
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note)
        VALUES (NEW.tenant_id, NEW.case_id, 'note', format('on hold until %s: %s', NEW.until, NEW.reason));
        RETURN NEW;
    END IF;
    IF OLD.released_on IS NOT NULL
       OR (NEW.tenant_id, NEW.id, NEW.case_id, NEW.until, NEW.reason, NEW.placed_on, NEW.placed_at, NEW.placed_by)
          IS DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.case_id, OLD.until, OLD.reason, OLD.placed_on, OLD.placed_at, OLD.placed_by) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_hold_released_check',
            MESSAGE = 'a hold is only released (case release), never changed';
    END IF;
    IF NEW.released_on IS NULL THEN
        RETURN NEW;
    END IF;
    NEW.released_on := cobranza.today();
    NEW.released_by := session_user;
    IF v_case.stage <> 'closed' THEN
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note)
        VALUES (NEW.tenant_id, NEW.case_id, 'note', format('hold released (it ran until %s)', NEW.until));
    END IF;
    RETURN NEW;
END
$$;

-- Name: case_insert_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_insert_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: case_not_yet_due_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_not_yet_due_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_on date;
    v_what text;
    v_number text;
    v_due date;
BEGIN
    IF TG_TABLE_NAME = 'case_event' THEN
        v_on := coalesce(NEW.occurred_on, cobranza.today());
        v_what := 'a letter demands only what is due';
    ELSIF TG_TABLE_NAME = 'posting' THEN
        v_on := cobranza.today();
        v_what := 'a debt is posted only once it is due';
    ELSE
        v_on := cobranza.today();
        v_what := 'a case goes to court only once its invoices are due';
    END IF;
    SELECT i.number, i.due INTO v_number, v_due FROM cobranza.invoice i
     WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id AND i.due > v_on AND i.cancel_reason IS NULL
     ORDER BY i.due DESC, i.number LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_not_yet_due_check',
            MESSAGE = format('invoice %s is not yet due (due %s): %s', v_number, v_due, v_what);
    END IF;
    RETURN NEW;
END
$$;

-- Name: case_numbers_drawn(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_numbers_drawn() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    r      record;
    v_key  text;
    v_last integer;
BEGIN
    FOR r IN SELECT substring(number FROM 3 FOR 4)::integer AS year, min(substring(number FROM 8)::integer) AS lo,
                    max(substring(number FROM 8)::integer) AS hi, count(*) AS n, count(DISTINCT number) AS d
               FROM new_rows GROUP BY 1 LOOP
        v_key := 'cobranza.drawn_case_' || r.year;
        SELECT last_value INTO v_last FROM cobranza.case_counter WHERE year = r.year FOR UPDATE;
        IF v_last IS DISTINCT FROM r.lo OR r.d <> r.n OR r.hi - r.lo + 1 <> r.n
           OR coalesce(current_setting(v_key, true), '') <> r.hi::text THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'number', TABLE = 'collection_case',
                MESSAGE = format('case numbers are drawn from the counter, one after another: C-%s-%s to C-%s-%s are not',
                                 r.year, lpad(r.lo::text, 6, '0'), r.year, lpad(r.hi::text, 6, '0'));
        END IF;
        UPDATE cobranza.case_counter SET last_value = r.hi WHERE year = r.year AND last_value <> r.hi;
        PERFORM set_config(v_key, '', true);
    END LOOP;
    RETURN NULL;
END
$$;

-- Name: case_outstanding(bigint, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT (coalesce((SELECT sum(i.amount) FROM cobranza.invoice i WHERE i.tenant_id = p_tenant AND i.case_id = p_case), 0)
          + coalesce((SELECT sum(k.amount) FROM cobranza.court_cost k
                       WHERE k.tenant_id = p_tenant AND k.case_id = p_case AND k.borne_by = 'debtor'), 0)
          - coalesce((SELECT sum(p.amount) FROM cobranza.payment p WHERE p.tenant_id = p_tenant AND p.case_id = p_case), 0))::bigint
$$;

-- Name: case_task_done(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_task_done() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF OLD.done_on IS NOT NULL OR NEW.done_on IS NULL
       OR (NEW.tenant_id, NEW.id, NEW.case_id, NEW.kind, NEW.due, NEW.assignee, NEW.step_id, NEW.note, NEW.created_at, NEW.created_by)
          IS DISTINCT FROM (OLD.tenant_id, OLD.id, OLD.case_id, OLD.kind, OLD.due, OLD.assignee, OLD.step_id, OLD.note, OLD.created_at, OLD.created_by) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_task_done_check',
            MESSAGE = 'a task is only closed (done), never changed';
    END IF;
    NEW.done_on := cobranza.today();
    NEW.done_by := session_user;
    RETURN NEW;
END
$$;

-- Name: case_transition(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: case_undisputed_outstanding(bigint, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT coalesce(sum(b.outstanding), 0)::bigint
      FROM cobranza.invoice_balance b
     WHERE b.tenant_id = p_tenant AND b.case_id = p_case AND NOT cobranza.invoice_disputed(b.tenant_id, b.invoice_id)
$$;

-- Name: check_case_assignee(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.check_case_assignee() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF NEW.assigned_to IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.assigned_to IS DISTINCT FROM OLD.assigned_to)
       AND NOT EXISTS (SELECT 1 FROM cobranza.person p
                        WHERE p.role_name = NEW.assigned_to
                          AND p.kind IN ('collector', 'lawyer')
                          AND NOT p.disabled)
    THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            CONSTRAINT = 'collection_case_assigned_to_check',
            MESSAGE = format('case can only be assigned to a collector or lawyer ("%s" is not one)',
                             cobranza.quote_for_message(NEW.assigned_to));
    END IF;
    RETURN NEW;
END
$$;

-- Name: client_number(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.client_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_key   text := format('cobranza.drawn_%s_%s', TG_TABLE_NAME, NEW.tenant_id);
    v_drawn text := current_setting(v_key, true);
    v_set   text;
BEGIN
    IF v_drawn IS NULL OR v_drawn = '' THEN
        INSERT INTO cobranza.client_number_counter AS c (tenant_id, series, last_value)
        VALUES (NEW.tenant_id, TG_TABLE_NAME, 1)
            ON CONFLICT (tenant_id, series) DO UPDATE SET last_value = c.last_value + 1
            RETURNING c.last_value INTO NEW.number;
    ELSE
        NEW.number := v_drawn::integer + 1;
    END IF;
    v_set := set_config(v_key, NEW.number::text, true);
    RETURN NEW;
END
$$;

-- Name: client_numbers_drawn(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.client_numbers_drawn() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    r      record;
    v_key  text;
    v_last integer;
BEGIN
    FOR r IN SELECT tenant_id, min(number) AS lo, max(number) AS hi, count(*) AS n, count(DISTINCT number) AS d
               FROM new_rows GROUP BY tenant_id LOOP
        v_key := format('cobranza.drawn_%s_%s', TG_TABLE_NAME, r.tenant_id);
        SELECT last_value INTO v_last FROM cobranza.client_number_counter
         WHERE tenant_id = r.tenant_id AND series = TG_TABLE_NAME FOR UPDATE;
        IF v_last IS DISTINCT FROM r.lo OR r.d <> r.n OR r.hi - r.lo + 1 <> r.n
           OR coalesce(current_setting(v_key, true), '') <> r.hi::text THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'number', TABLE = TG_TABLE_NAME,
                MESSAGE = format('%s numbers are drawn from the counter, one after another: %s to %s are not',
                                 replace(TG_TABLE_NAME, '_', ' '), r.lo, r.hi);
        END IF;
        UPDATE cobranza.client_number_counter SET last_value = r.hi
         WHERE tenant_id = r.tenant_id AND series = TG_TABLE_NAME AND last_value <> r.hi;
        PERFORM set_config(v_key, '', true);
    END LOOP;
    RETURN NULL;
END
$$;

-- Name: collection_case_number(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.collection_case_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_year  integer := extract(year FROM cobranza.today())::integer;
    v_key   text := 'cobranza.drawn_case_' || v_year;
    v_drawn text := current_setting(v_key, true);
    v_value integer;
BEGIN
    IF v_drawn IS NULL OR v_drawn = '' THEN
        NEW.number := cobranza.next_case_number(cobranza.today());
        v_value := substring(NEW.number FROM 8)::integer;
    ELSE
        v_value := v_drawn::integer + 1;
        -- As case_counter_last_value_check says it: six digits a year.
        IF v_value > 999999 THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_counter_last_value_check',
                MESSAGE = format('the case numbers of %s are used up (999999)', v_year);
        END IF;
        NEW.number := format('C-%s-%s', lpad(v_year::text, 4, '0'), lpad(v_value::text, 6, '0'));
    END IF;
    PERFORM set_config(v_key, v_value::text, true);
    RETURN NEW;
END
$$;

-- Name: collector_report(date, date, date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date) RETURNS TABLE(collector text, measure text, currency text, n bigint, amount bigint, fees bigint)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: contact_check(bigint, bigint, text, timestamp with time zone); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_debtor record;
    v_at     timestamptz := p_at;
    v_rule   cobranza.contact_rule;
    v_next   timestamptz;
    v_moved  boolean;
BEGIN
    SELECT d.id, d.country, d.tax_id, cobranza.debtor_time_zone(d.country, d.time_zone) AS zone INTO v_debtor
      FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE c.tenant_id = p_tenant AND c.id = p_case;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'case_event_case_fkey', MESSAGE = 'no such case';
    END IF;
    allowed_at := p_at;
    IF p_kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') OR p_at IS NULL THEN
        RETURN;
    END IF;
    -- Each refusal moves the moment forward to where that rule allows it; ask every rule again
    -- until none moves it. 60 rounds cover any pack: each round passes at least one limit.
    FOR v_round IN 1..60 LOOP
        v_moved := false;
        FOR v_rule IN
            SELECT r.* FROM cobranza.contact_rule r
             WHERE r.country = v_debtor.country AND p_kind = ANY (r.kinds)
               AND r.effective_from = (SELECT max(x.effective_from) FROM cobranza.contact_rule x
                                        WHERE x.country = v_debtor.country AND x.effective_from <= (v_at AT TIME ZONE v_debtor.zone)::date)
             ORDER BY r.position
        LOOP
            v_next := cobranza.contact_rule_allows(v_rule, p_kind, v_at, v_debtor.zone, p_tenant, v_debtor.id, v_debtor.tax_id);
            IF v_next > v_at THEN
                rule := coalesce(rule, cobranza.contact_rule_label(v_rule));
                IF v_next = 'infinity' THEN
                    allowed_at := NULL;
                    RETURN;
                END IF;
                v_at := v_next;
                v_moved := true;
                EXIT;
            END IF;
        END LOOP;
        IF NOT v_moved THEN
            allowed_at := v_at;
            RETURN;
        END IF;
    END LOOP;
    allowed_at := NULL;
END
$$;

-- Name: contact_checks(bigint[], bigint[], bigint[], text[], timestamp with time zone[]); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]) RETURNS TABLE(key bigint, rule text, allowed_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_lo timestamptz;
    v_hi timestamptz;
BEGIN
    -- Contacts that could count against any moment asked: the longest period of any rule before
    -- the earliest, and the rest of the day of the latest (a daily rule counts the local day).
    SELECT min(m) - make_interval(days => coalesce((SELECT max(r.period_days) FROM cobranza.contact_rule r), 0) + 1),
           max(m) + interval '1 day'
      INTO v_lo, v_hi
      FROM unnest(p_moments) m;
    RETURN QUERY
    WITH asked AS MATERIALIZED (
        SELECT a.key, a.tenant_id, a.case_id, a.kind, a.at, d.country, d.tax_id,
               cobranza.debtor_time_zone(d.country, d.time_zone) AS zone
          FROM unnest(p_keys, p_tenants, p_cases, p_kinds, p_moments) AS a(key, tenant_id, case_id, kind, at)
          LEFT JOIN cobranza.collection_case c ON c.tenant_id = a.tenant_id AND c.id = a.case_id
          LEFT JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id),
    -- Debtors (country, tax id) with a contact from the start of the periods before the moments
    -- to three weeks after the latest (as far as an hour window moves a contact, below), each
    -- kind once, and whether one of that kind falls near the moments (up to a day after the latest).
    contacts AS MATERIALIZED (
        SELECT d.country, d.tax_id, e.kind, bool_or(e.occurred_at <= v_hi) AS near
          FROM cobranza.case_event e
          JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
          JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
         WHERE e.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
           AND e.occurred_at > v_lo AND e.occurred_at <= v_hi + interval '23 days'
         GROUP BY d.country, d.tax_id, e.kind),
    -- The kinds a rule counts against a kind asked: both among the kinds of a rule that counts
    -- contacts, in any pack of the country (more than the pack in force: never fewer).
    counted AS MATERIALIZED (
        SELECT DISTINCT r.country, k.kind AS asked, j.kind AS near
          FROM cobranza.contact_rule r
         CROSS JOIN unnest(r.kinds) k(kind)
         CROSS JOIN unnest(r.kinds) j(kind)
         WHERE r.limit_kind IN ('rolling', 'gap', 'daily', 'one_channel')),
    -- Whether the pack in force lets a kind through at a moment on its own, with no contact near:
    -- no rule forbids it or needs an authorisation, every hour window holds the moment.
    plain AS (
        SELECT x.country, x.zone, x.kind, x.at,
               NOT EXISTS (
                   SELECT 1 FROM cobranza.contact_rule r
                    WHERE r.country = x.country AND x.kind = ANY (r.kinds)
                      AND r.effective_from = (SELECT max(f.effective_from) FROM cobranza.contact_rule f
                                               WHERE f.country = x.country AND f.effective_from <= (x.at AT TIME ZONE x.zone)::date)
                      AND (r.limit_kind IN ('forbidden', 'authorised')
                           OR r.limit_kind = 'hours'
                              AND (r.closed_on_holidays AND EXISTS (SELECT 1 FROM cobranza.holiday h
                                                                     WHERE h.country = r.country AND h.day = (x.at AT TIME ZONE x.zone)::date)
                                   OR NOT EXISTS (SELECT 1 FROM cobranza.contact_rule_hours w
                                                   WHERE (w.country, w.effective_from, w.code) = (r.country, r.effective_from, r.code)
                                                     AND w.isodow = extract(isodow FROM (x.at AT TIME ZONE x.zone))
                                                     AND (x.at AT TIME ZONE x.zone)::time >= w.opens
                                                     AND (x.at AT TIME ZONE x.zone)::time < w.closes)))) AS ok
          FROM (SELECT DISTINCT a.country, a.zone, a.kind, a.at FROM asked a WHERE a.country IS NOT NULL) x),
    judged AS MATERIALIZED (
        SELECT a.*,
               a.country IS NOT NULL
               AND (a.at IS NULL OR a.kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp')
                    OR coalesce(p.ok, false)
                       AND NOT EXISTS (SELECT 1 FROM contacts n JOIN counted x ON x.country = n.country AND x.near = n.kind
                                        WHERE n.near AND n.country = a.country AND n.tax_id = a.tax_id AND x.asked = a.kind))
                   AS allowed
          FROM asked a
          LEFT JOIN plain p ON p.country = a.country AND p.zone = a.zone AND p.kind = a.kind AND p.at = a.at),
    -- For debtors with no contact in that range, where no rule needs an authorisation,
    -- contact_check's answer depends only on the country, the zone, the kind and the moment: it
    -- is asked once for each (a run of calls before 08:00 defers every one of them to the same
    -- opening).
    refused AS MATERIALIZED (
        SELECT j.*,
               j.country IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM contacts t WHERE t.country = j.country AND t.tax_id = j.tax_id)
               AND NOT EXISTS (SELECT 1 FROM cobranza.contact_rule r
                                WHERE r.country = j.country AND j.kind = ANY (r.kinds) AND r.limit_kind = 'authorised') AS alike
          FROM judged j WHERE NOT j.allowed),
    shared AS MATERIALIZED (
        SELECT g.country, g.zone, g.kind, g.at, k.rule, k.allowed_at
          FROM (SELECT DISTINCT ON (f.country, f.zone, f.kind, f.at) f.country, f.zone, f.kind, f.at, f.tenant_id, f.case_id
                  FROM refused f WHERE f.alike ORDER BY f.country, f.zone, f.kind, f.at, f.key) g
         CROSS JOIN LATERAL cobranza.contact_check(g.tenant_id, g.case_id, g.kind, g.at) k
         -- an answer further out than the contacts looked at is asked again of each
         WHERE k.allowed_at IS NULL OR k.allowed_at <= v_hi + interval '22 days')
    SELECT j.key, NULL::text, j.at FROM judged j WHERE j.allowed
    UNION ALL
    SELECT f.key, s.rule, s.allowed_at
      FROM refused f JOIN shared s ON s.country = f.country AND s.zone = f.zone AND s.kind = f.kind AND s.at = f.at
     WHERE f.alike
    UNION ALL
    SELECT f.key, k.rule, k.allowed_at
      FROM refused f CROSS JOIN LATERAL cobranza.contact_check(f.tenant_id, f.case_id, f.kind, f.at) k
     WHERE NOT f.alike
        OR NOT EXISTS (SELECT 1 FROM shared s WHERE s.country = f.country AND s.zone = f.zone AND s.kind = f.kind AND s.at = f.at);
END
$$;

-- Name: single_line(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.single_line(p_value text, p_column text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_value IS NULL OR p_value !~ '[\x01-\x1f\x7f-\x9f]' THEN true
                ELSE cobranza.refuse_text(p_value, p_column, NULL, false) END
$$;

-- Name: contact_rule; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.contact_rule (
    country character(2) NOT NULL,
    effective_from date NOT NULL,
    code text NOT NULL,
    "position" smallint NOT NULL,
    kinds text[] NOT NULL,
    limit_kind text NOT NULL,
    max_count integer,
    period_days integer,
    closed_on_holidays boolean DEFAULT false NOT NULL,
    summary text NOT NULL,
    source text NOT NULL,
    notes text,
    CONSTRAINT contact_rule_code_check CHECK (((code ~ '^[A-Z]{2}(-[A-Z0-9]+)+$'::text) AND ("left"(code, 2) = (country)::text))),
    CONSTRAINT contact_rule_code_text CHECK (cobranza.single_line(code, 'code'::text)),
    CONSTRAINT contact_rule_country_check CHECK ((country = ANY (ARRAY['CL'::bpchar, 'CO'::bpchar, 'MX'::bpchar]))),
    CONSTRAINT contact_rule_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT contact_rule_kinds_check CHECK (((cardinality(kinds) > 0) AND (kinds <@ ARRAY['reminder'::text, 'call'::text, 'letter'::text, 'visit'::text, 'email'::text, 'sms'::text, 'whatsapp'::text]))),
    CONSTRAINT contact_rule_limit_kind_check CHECK ((limit_kind = ANY (ARRAY['hours'::text, 'rolling'::text, 'gap'::text, 'daily'::text, 'one_channel'::text, 'forbidden'::text, 'authorised'::text]))),
    CONSTRAINT contact_rule_limit_kind_text CHECK (cobranza.single_line(limit_kind, 'limit_kind'::text)),
    CONSTRAINT contact_rule_max_count_check CHECK ((max_count > 0)),
    CONSTRAINT contact_rule_notes_text CHECK (cobranza.single_line(notes, 'notes'::text)),
    CONSTRAINT contact_rule_numbers_check CHECK ((((max_count IS NOT NULL) = (limit_kind = ANY (ARRAY['rolling'::text, 'daily'::text]))) AND ((period_days IS NOT NULL) = (limit_kind = ANY (ARRAY['rolling'::text, 'gap'::text, 'one_channel'::text]))))),
    CONSTRAINT contact_rule_period_days_check CHECK ((period_days > 0)),
    CONSTRAINT contact_rule_source_text CHECK (cobranza.single_line(source, 'source'::text)),
    CONSTRAINT contact_rule_summary_text CHECK (cobranza.single_line(summary, 'summary'::text))
);

-- Name: TABLE contact_rule; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.contact_rule IS 'each country''s contact law, a pack per effective_from; changed by migration only';

-- Name: contact_rule_allows(cobranza.contact_rule, text, timestamp with time zone, text, bigint, bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contact_rule_allows(p_rule cobranza.contact_rule, p_kind text, p_at timestamp with time zone, p_zone text, p_tenant bigint, p_debtor bigint, p_tax_id text) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_local timestamp := p_at AT TIME ZONE p_zone;
    v_day   date := (p_at AT TIME ZONE p_zone)::date;
    v_next  timestamptz;
    v_opens time;
    v_closes time;
    v_on    date;
BEGIN
    CASE p_rule.limit_kind
    WHEN 'forbidden' THEN
        RETURN 'infinity';
    WHEN 'authorised' THEN
        SELECT min(a.authorised_on) INTO v_on FROM cobranza.contact_authorisation a
         WHERE a.tenant_id = p_tenant AND a.debtor_id = p_debtor
           AND (a.channel = p_kind OR p_kind = 'reminder' AND a.channel IN ('email', 'sms', 'whatsapp', 'letter'));
        RETURN CASE WHEN v_on IS NULL THEN 'infinity'
                    WHEN v_on <= v_day THEN p_at
                    ELSE v_on::timestamp AT TIME ZONE p_zone END;
    WHEN 'hours' THEN
        FOR i IN 0..21 LOOP
            v_on := v_day + i;
            CONTINUE WHEN p_rule.closed_on_holidays
                      AND EXISTS (SELECT 1 FROM cobranza.holiday h WHERE h.country = p_rule.country AND h.day = v_on);
            SELECT w.opens, w.closes INTO v_opens, v_closes FROM cobranza.contact_rule_hours w
             WHERE (w.country, w.effective_from, w.code) = (p_rule.country, p_rule.effective_from, p_rule.code)
               AND w.isodow = extract(isodow FROM v_on);
            CONTINUE WHEN NOT FOUND;
            IF i = 0 THEN
                IF v_local::time >= v_opens AND v_local::time < v_closes THEN
                    RETURN p_at;
                ELSIF v_local::time < v_opens THEN
                    RETURN (v_on + v_opens) AT TIME ZONE p_zone;
                END IF;
            ELSE
                RETURN (v_on + v_opens) AT TIME ZONE p_zone;
            END IF;
        END LOOP;
        RETURN 'infinity';
    WHEN 'rolling' THEN
        SELECT k.occurred_at + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k
         ORDER BY k.occurred_at DESC OFFSET p_rule.max_count - 1 LIMIT 1;
        RETURN coalesce(v_next, p_at);
    WHEN 'gap' THEN
        SELECT max(k.occurred_at) + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k;
        RETURN coalesce(v_next, p_at);
    WHEN 'daily' THEN
        IF (SELECT count(*) FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                                          v_day::timestamp AT TIME ZONE p_zone,
                                                          ((v_day + 1)::timestamp AT TIME ZONE p_zone) - interval '1 microsecond'))
           >= p_rule.max_count THEN
            RETURN (v_day + 1)::timestamp AT TIME ZONE p_zone;
        END IF;
        RETURN p_at;
    WHEN 'one_channel' THEN
        SELECT max(k.occurred_at) + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k
         WHERE k.kind <> p_kind;
        RETURN coalesce(v_next, p_at);
    END CASE;
END
$$;

-- Name: contact_rule_label(cobranza.contact_rule); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contact_rule_label(p_rule cobranza.contact_rule) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT p_rule.code || ' (' || p_rule.summary || ')'
$$;

-- Name: contract_append_only(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contract_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = 'contract versions are append-only: set a new version instead';
END;
$$;

-- Name: contract; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.contract (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    version integer NOT NULL,
    effective_on date NOT NULL,
    extrajudicial_bp integer NOT NULL,
    judicial_bp integer NOT NULL,
    surcharge_12m_bp integer DEFAULT 0 NOT NULL,
    surcharge_24m_bp integer DEFAULT 0 NOT NULL,
    minimum_fee bigint DEFAULT 0 NOT NULL,
    vat_bp integer NOT NULL,
    direct_earns_fee boolean DEFAULT true NOT NULL,
    remittance text DEFAULT 'net'::text NOT NULL,
    posting_consent boolean DEFAULT false NOT NULL,
    judicial_threshold bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    promise_grace_days integer DEFAULT 3 NOT NULL,
    max_discount_bp integer DEFAULT 0 NOT NULL,
    posting_notice_days integer DEFAULT 15 NOT NULL,
    agreement_default_days integer DEFAULT 30 NOT NULL,
    follow_up_days integer DEFAULT 7 NOT NULL,
    court_costs text DEFAULT 'client'::text NOT NULL,
    court_costs_vat boolean DEFAULT false NOT NULL,
    pre_due_days integer DEFAULT 0 NOT NULL,
    CONSTRAINT contract_agreement_default_days_check CHECK (((agreement_default_days >= 1) AND (agreement_default_days <= 365))),
    CONSTRAINT contract_court_costs_check CHECK ((court_costs = ANY (ARRAY['client'::text, 'debtor'::text, 'agency'::text]))),
    CONSTRAINT contract_court_costs_text CHECK (cobranza.single_line(court_costs, 'court_costs'::text)),
    CONSTRAINT contract_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT contract_extrajudicial_rate_check CHECK (((extrajudicial_bp >= 0) AND (extrajudicial_bp <= 5000))),
    CONSTRAINT contract_follow_up_days_check CHECK (((follow_up_days >= 1) AND (follow_up_days <= 365))),
    CONSTRAINT contract_judicial_rate_check CHECK (((judicial_bp >= 0) AND (judicial_bp <= 5000))),
    CONSTRAINT contract_judicial_threshold_bound CHECK (cobranza.bounded_amount(judicial_threshold, 'judicial_threshold'::text)),
    CONSTRAINT contract_judicial_threshold_check CHECK ((judicial_threshold >= 0)),
    CONSTRAINT contract_max_discount_check CHECK (((max_discount_bp >= 0) AND (max_discount_bp <= 10000))),
    CONSTRAINT contract_minimum_fee_bound CHECK (cobranza.bounded_amount(minimum_fee, 'minimum_fee'::text)),
    CONSTRAINT contract_minimum_fee_check CHECK ((minimum_fee >= 0)),
    CONSTRAINT contract_posting_notice_days_check CHECK (((posting_notice_days >= 0) AND (posting_notice_days <= 365))),
    CONSTRAINT contract_pre_due_days_check CHECK (((pre_due_days >= 0) AND (pre_due_days <= 60))),
    CONSTRAINT contract_promise_grace_days_check CHECK (((promise_grace_days >= 0) AND (promise_grace_days <= 60))),
    CONSTRAINT contract_rate_with_surcharge_check CHECK (((GREATEST(extrajudicial_bp, judicial_bp) + GREATEST(surcharge_12m_bp, surcharge_24m_bp)) <= 5000)),
    CONSTRAINT contract_remittance_check CHECK ((remittance = ANY (ARRAY['net'::text, 'gross'::text]))),
    CONSTRAINT contract_remittance_text CHECK (cobranza.single_line(remittance, 'remittance'::text)),
    CONSTRAINT contract_surcharge_12m_bp_check CHECK ((surcharge_12m_bp >= 0)),
    CONSTRAINT contract_surcharge_24m_bp_check CHECK ((surcharge_24m_bp >= 0)),
    CONSTRAINT contract_vat_bp_check CHECK (((vat_bp >= 0) AND (vat_bp <= 10000))),
    CONSTRAINT contract_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY cobranza.contract FORCE ROW LEVEL SECURITY;

-- Name: contract_on(bigint, date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) RETURNS cobranza.contract
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT k.* FROM cobranza.contract k WHERE k.tenant_id = p_tenant AND k.effective_on <= p_on
     ORDER BY k.version DESC LIMIT 1
$$;

-- Name: contract_version_order(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.contract_version_order() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
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
$$;

-- Name: court_cost_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.court_cost_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_case cobranza.collection_case;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a court cost');
    NEW.currency := v_case.currency;
    IF NEW.incurred_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'court_cost_incurred_on_check',
            COLUMN = 'incurred_on', MESSAGE = format('incurred_on: %s is in the future', NEW.incurred_on);
    END IF;
    NEW.borne_by := coalesce((cobranza.contract_on(NEW.tenant_id, NEW.incurred_on)).court_costs, 'client');
    RETURN NEW;
END
$$;

-- Name: create_person(text, text, text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.create_person(p_name text, p_kind text, p_client_code text, p_password text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET password_encryption TO 'scram-sha-256'
    AS $_$
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
$_$;

-- Name: create_worker(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.create_worker(p_name text, p_password text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET password_encryption TO 'scram-sha-256'
    AS $_$
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only agency admins can add a delivery worker';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{1,40}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('worker name "%s" must be 2-41 characters: a lowercase letter, then lowercase letters, digits or _',
                             cobranza.quote_for_message(coalesce(p_name, '')));
    END IF;
    IF p_name LIKE 'pg\_%' OR p_name LIKE 'cobranza%'
       OR p_name IN ('public', 'none', 'current_user', 'current_role', 'session_user') THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('worker name "%s" is reserved: it must not start with pg_ or cobranza', p_name);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = format('user "%s" already exists', p_name);
    END IF;
    IF p_password IS NULL OR length(p_password) < 8 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'password must be at least 8 characters';
    END IF;
    IF p_password ~ '^md5[0-9a-f]{32}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'password must not be an MD5 hash';
    END IF;
    -- As in create_person: errors re-raised so no CONTEXT quotes the statement and its password.
    BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE cobranza_worker', p_name, p_password);
    EXCEPTION
        WHEN unique_violation OR duplicate_object THEN
            RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = format('user "%s" already exists', p_name);
        WHEN OTHERS THEN
            RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;
END
$_$;

-- Name: current_kind(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.current_kind() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RETURN (SELECT p.kind FROM cobranza.person p WHERE p.role_name = session_user AND NOT p.disabled);
END
$$;

-- Name: current_tenant(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.current_tenant() RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RETURN (SELECT p.tenant_id FROM cobranza.person p WHERE p.role_name = session_user AND NOT p.disabled);
END
$$;

-- Name: debtor_contacts(text, text, text[], timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_contacts(p_country text, p_tax_id text, p_kinds text[], p_after timestamp with time zone, p_until timestamp with time zone) RETURNS TABLE(occurred_at timestamp with time zone, kind text)
    LANGUAGE plpgsql STABLE
    SET enable_seqscan TO 'off'
    SET enable_hashjoin TO 'off'
    SET enable_mergejoin TO 'off'
    AS $$
BEGIN
    RETURN QUERY
    SELECT e.occurred_at, e.kind
      FROM cobranza.debtor d
      JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
     CROSS JOIN LATERAL (SELECT x.occurred_at, x.kind FROM cobranza.case_event x
                          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                            AND x.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') AND x.kind = ANY (p_kinds)
                            -- the period as row comparisons, which only case_event_contact_idx
                            -- (tenant_id, case_id, occurred_at) serves: a bare occurred_at range
                            -- let the moment index lead even here
                            AND (x.tenant_id, x.case_id, x.occurred_at) > (c.tenant_id, c.id, p_after)
                            AND (x.tenant_id, x.case_id, x.occurred_at) <= (c.tenant_id, c.id, p_until)) e
     WHERE d.country = p_country::char(2) AND d.tax_id = p_tax_id
     ORDER BY e.occurred_at DESC;
END
$$;

-- Name: debtor_grade(character, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_grade(p_country character, p_tax_id text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL
                WHEN bool_or(h.close_code IN ('uncollectible', 'prescribed')) OR sum(h.broken_promises) >= 3
                     OR avg(h.days_to_pay) > 180 THEN 'D'
                WHEN sum(h.broken_promises) = 2 OR avg(h.days_to_pay) > 90 THEN 'C'
                WHEN sum(h.broken_promises) = 1 OR avg(h.days_to_pay) > 30 THEN 'B'
                ELSE 'A' END
      FROM cobranza.debtor_history(p_country, p_tax_id) h
$$;

-- Name: debtor_history(character, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_history(p_country character, p_tax_id text) RETURNS TABLE(client text, case_number text, debtor_name text, currency character, opened_on date, stage text, close_code text, closed_on date, placed bigint, paid bigint, outstanding bigint, payments bigint, first_paid_on date, last_paid_on date, days_to_pay integer, promises bigint, broken_promises bigint, disputes bigint, posted_on date, withdrawn_on date)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT t.code::text, c.number, d.name, c.currency, c.opened_on, c.stage, c.close_code, k.closed_on,
           i.placed, coalesce(p.paid, 0), CASE WHEN c.close_code = 'settled' THEN 0 ELSE i.placed - coalesce(p.paid, 0) END,
           coalesce(p.payments, 0)::bigint, p.first_paid_on, p.last_paid_on,
           CASE WHEN c.close_code IN ('paid', 'settled') THEN k.closed_on - c.opened_on
                WHEN c.stage <> 'closed' THEN cobranza.today() - c.opened_on END,
           coalesce(r.promises, 0), coalesce(r.broken, 0),
           (SELECT count(*) FROM cobranza.dispute x WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id),
           g.published_on, g.withdrawn_on
      FROM cobranza.debtor d
      JOIN cobranza.tenant t ON t.id = d.tenant_id
      JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
     CROSS JOIN LATERAL (SELECT coalesce(sum(v.amount), 0)::bigint AS placed FROM cobranza.invoice v
                          WHERE v.tenant_id = c.tenant_id AND v.case_id = c.id) i
      LEFT JOIN LATERAL (SELECT sum(y.amount)::bigint AS paid, count(*) FILTER (WHERE y.amount > 0) - count(*) FILTER (WHERE y.amount < 0) AS payments,
                                min(y.paid_on) FILTER (WHERE y.amount > 0) AS first_paid_on, max(y.paid_on) AS last_paid_on
                           FROM cobranza.payment y WHERE y.tenant_id = c.tenant_id AND y.case_id = c.id) p ON true
      LEFT JOIN LATERAL (SELECT count(*) AS promises, count(*) FILTER (WHERE s.status = 'broken') AS broken
                           FROM cobranza.promise_status s WHERE s.tenant_id = c.tenant_id AND s.case_id = c.id) r ON true
      LEFT JOIN LATERAL (SELECT e.occurred_on AS closed_on FROM cobranza.case_event e
                          WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'closed' AND c.stage = 'closed'
                          ORDER BY e.id DESC LIMIT 1) k ON true
      LEFT JOIN LATERAL (SELECT q.published_on, q.withdrawn_on FROM cobranza.posting q
                          WHERE q.tenant_id = c.tenant_id AND q.case_id = c.id ORDER BY q.id DESC LIMIT 1) g ON true
     WHERE d.country = p_country AND d.tax_id = p_tax_id
     ORDER BY c.opened_on, c.number
$$;

-- Name: debtor_tenant_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_tenant_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        PERFORM 1 FROM cobranza.tenant t WHERE t.id = NEW.tenant_id AND t.country = NEW.country FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.debtor_tenant_violation(NEW.tenant_id, NEW.country);
        END IF;
        RETURN NULL;
    END IF;
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, country FROM new_rows),
    locked AS (SELECT 1 FROM cobranza.tenant t JOIN keys k ON t.id = k.tenant_id AND t.country = k.country
                  FOR KEY SHARE OF t)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.country INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.tenant t WHERE t.id = n.tenant_id AND t.country = n.country)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.debtor_tenant_violation(v.tenant_id, v.country);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Name: debtor_tenant_violation(bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_tenant_violation(p_tenant bigint, p_country text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'debtor_tenant_country_fkey',
        TABLE = 'debtor', SCHEMA = 'cobranza',
        MESSAGE = 'insert or update on table "debtor" violates foreign key constraint "debtor_tenant_country_fkey"',
        DETAIL = format('Key (tenant_id, country)=(%s, %s) is not present in table "tenant".', p_tenant, p_country);
END
$$;

-- Name: debtor_time_zone(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(p_time_zone, CASE p_country WHEN 'CL' THEN 'America/Santiago' WHEN 'CO' THEN 'America/Bogota'
                                                WHEN 'MX' THEN 'America/Mexico_City' END)
$$;

-- Name: default_connection_limit(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.default_connection_limit(p_kind text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE p_kind WHEN 'client' THEN 4 WHEN 'admin' THEN 20 ELSE 10 END
$$;

-- Name: disable_person(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.disable_person(p_name text, p_reassign_to text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_disabled boolean;
    v_open     text[];
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins can disable users';
    END IF;
    SELECT p.disabled INTO v_disabled FROM cobranza.person p WHERE p.role_name = p_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user "%s" does not exist', cobranza.quote_for_message(p_name));
    END IF;
    IF p_name = session_user THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'you cannot disable yourself';
    END IF;
    -- The owner reads and writes cases through collection_case_owner_trusted (0005).
    SELECT array_agg(c.number ORDER BY c.number) INTO v_open
      FROM cobranza.collection_case c WHERE c.assigned_to = p_name AND c.stage <> 'closed';
    IF v_open IS NOT NULL THEN
        IF p_reassign_to IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'person_open_cases_check', COLUMN = 'reassign_to',
                MESSAGE = format('reassign_to: user %s has %s open cases (%s): reassign them to an enabled collector or lawyer',
                                 p_name, cardinality(v_open), array_to_string(v_open, ', '));
        END IF;
        IF p_reassign_to = p_name THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_assigned_to_check', COLUMN = 'reassign_to',
                MESSAGE = format('reassign_to: the cases of %s cannot go to %s, who is being disabled', p_name, p_name);
        END IF;
        -- check_case_assignee refuses a target that may not hold cases.
        WITH moved AS (
            UPDATE cobranza.collection_case c SET assigned_to = p_reassign_to
             WHERE c.assigned_to = p_name AND c.stage <> 'closed'
            RETURNING c.tenant_id, c.id)
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note)
        SELECT m.tenant_id, m.id, 'assigned', format('assigned to %s (%s disabled)', p_reassign_to, p_name) FROM moved m;
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    IF NOT v_disabled THEN
        UPDATE cobranza.person SET disabled = true WHERE role_name = p_name;
    END IF;
    PERFORM cobranza.end_sessions(p_name);
END
$$;

-- Name: dispute_invoice_added(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.dispute_invoice_added() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: dispute_opened(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.dispute_opened() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: dispute_resolved(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.dispute_resolved() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: dispute_resolving(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.dispute_resolving() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: enable_person(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.enable_person(p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins can enable users';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cobranza.person p WHERE p.role_name = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user "%s" does not exist', cobranza.quote_for_message(p_name));
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN', p_name);
    UPDATE cobranza.person SET disabled = false WHERE role_name = p_name AND disabled;
END
$$;

-- Name: end_sessions(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.end_sessions(p_name text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_pids integer[];
    v_pid  integer;
    v_done integer := 0;
BEGIN
    IF NOT (pg_catalog.pg_has_role(p_name, 'cobranza_admin', 'MEMBER')
            OR pg_catalog.pg_has_role(p_name, 'cobranza_collector', 'MEMBER')
            OR pg_catalog.pg_has_role(p_name, 'cobranza_lawyer', 'MEMBER')
            OR pg_catalog.pg_has_role(p_name, 'cobranza_client', 'MEMBER')) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('"%s" is not a cobranza user', p_name);
    END IF;
    SELECT coalesce(array_agg(a.pid), '{}') INTO v_pids
      FROM pg_catalog.pg_stat_activity a
     WHERE a.usename = p_name AND a.pid <> pg_catalog.pg_backend_pid();
    FOREACH v_pid IN ARRAY v_pids LOOP
        IF pg_catalog.pg_terminate_backend(v_pid, 1000) THEN
            v_done := v_done + 1;
        END IF;
    END LOOP;
    RETURN v_done;
END
$$;

-- Name: fee_document_check_lines(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.fee_document_check_lines() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_bad record;
BEGIN
    IF current_user = 'cobranza_owner' THEN
        RETURN NULL;
    END IF;
    PERFORM cobranza.lock_billing();
    SELECT x.* INTO v_bad
      FROM (SELECT d.number, count(u.payment_id) AS lines, count(p.id) AS payments, d.subtotal,
                   coalesce(sum(CASE WHEN d.kind = 'credit_note' AND p.reverses_id IS NULL THEN -p.fee ELSE p.fee END), 0) AS fees,
                   coalesce(bool_and(p.currency = d.currency), true) AS same_currency,
                   -- (a missing label makes the test NULL, which bool_and would skip)
                   coalesce(bool_and(p.id IS NULL
                                     OR coalesce(jsonb_typeof(d.case_labels -> p.case_id::text) = 'array'
                                                 AND jsonb_array_length(d.case_labels -> p.case_id::text) = 2
                                                 AND jsonb_typeof(d.case_labels -> p.case_id::text -> 0) = 'string'
                                                 AND jsonb_typeof(d.case_labels -> p.case_id::text -> 1) = 'string', false)),
                            true) AS labelled,
                   coalesce(bool_and(CASE WHEN d.kind = 'invoice'
                                          THEN p.reverses_id IS NULL
                                               AND NOT EXISTS (SELECT 1 FROM cobranza.payment r
                                                                WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id)
                                          WHEN d.voids_id IS NULL THEN p.reverses_id IS NOT NULL
                                          ELSE u.payment_id = ANY (v.payment_ids) END), true) AS right_kind
              FROM new_documents d
              LEFT JOIN cobranza.fee_document v ON v.tenant_id = d.tenant_id AND v.id = d.voids_id
              LEFT JOIN LATERAL unnest(d.payment_ids) AS u(payment_id) ON true
              LEFT JOIN cobranza.payment p ON p.tenant_id = d.tenant_id AND p.id = u.payment_id
             GROUP BY d.tenant_id, d.id, d.number, d.subtotal) x
     WHERE x.lines <> x.payments OR x.fees <> x.subtotal OR NOT x.same_currency OR NOT x.labelled OR NOT x.right_kind
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = CASE
                WHEN v_bad.lines <> v_bad.payments THEN
                    format('%s: %s of its %s payment ids are not payments of its client', v_bad.number,
                           v_bad.lines - v_bad.payments, v_bad.lines)
                WHEN NOT v_bad.same_currency THEN format('%s: a payment is not in the document''s currency', v_bad.number)
                WHEN NOT v_bad.labelled THEN format('%s: a payment''s case has no label [case number, debtor name]', v_bad.number)
                WHEN NOT v_bad.right_kind THEN
                    format('%s: an invoice bills original payments not reversed, a correction credits reversals, '
                           'a void credits its invoice''s payments', v_bad.number)
                ELSE format('%s: the lines'' fees add up to %s, not the subtotal %s', v_bad.number, v_bad.fees, v_bad.subtotal)
            END;
    END IF;
    SELECT d.number INTO v_bad
      FROM new_documents d CROSS JOIN LATERAL unnest(d.payment_ids) AS u(payment_id)
     GROUP BY d.tenant_id, d.id, d.number, u.payment_id
    HAVING count(*) > 1
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = format('%s: a payment appears twice among its lines', v_bad.number);
    END IF;
    SELECT d.number, b.number AS other,
           (SELECT min(x.id) FROM unnest(d.payment_ids) AS x(id) WHERE x.id = ANY (b.payment_ids)) AS payment_id
      INTO v_bad
      FROM new_documents d
      JOIN cobranza.standing_fee_document b ON b.tenant_id = d.tenant_id AND b.id <> d.id AND b.payment_ids && d.payment_ids
     WHERE d.voids_id IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'fee_document_payment_ids_check',
            MESSAGE = format('%s: payment %s is already billed on %s', v_bad.number, v_bad.payment_id, v_bad.other);
    END IF;
    RETURN NULL;
END
$$;

-- Name: fee_document_number(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.fee_document_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_series text := CASE NEW.kind WHEN 'invoice' THEN 'F' ELSE 'NC' END;
BEGIN
    NEW.number := cobranza.fee_number(v_series, NEW.issued_on,
                                      cobranza.reserve_fee_numbers(v_series, NEW.issued_on, 1));
    RETURN NEW;
END
$$;

-- Name: fee_document_void_costs(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.fee_document_void_costs() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_invoice record;
BEGIN
    SELECT d.cost_ids, d.costs, d.cost_vat_bp INTO v_invoice FROM cobranza.fee_document d
     WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.voids_id;
    IF FOUND AND v_invoice.costs <> 0 THEN
        NEW.cost_ids := v_invoice.cost_ids;
        NEW.costs := -v_invoice.costs;
        NEW.cost_vat_bp := v_invoice.cost_vat_bp;
        NEW.vat := NEW.vat + cobranza.apply_rate(NEW.cost_vat_bp, NEW.costs);
        NEW.total := NEW.total + NEW.costs + cobranza.apply_rate(NEW.cost_vat_bp, NEW.costs);
    END IF;
    RETURN NEW;
END
$$;

-- Name: fee_number(text, date, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$
    SELECT format('%s-%s-%s', p_series, lpad(extract(year FROM p_on)::text, 4, '0'), lpad(p_value::text, 6, '0'))
$$;

-- Name: format_money(bigint, character); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.format_money(p_amount bigint, p_currency character) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT cobranza.money_text(p_amount, p_currency, coalesce((SELECT c.exponent FROM cobranza.currency c WHERE c.code = p_currency), 0))
$$;

-- Name: instalment_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.instalment_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: invoice_balance_as_of(date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_balance_as_of(p_on date) RETURNS TABLE(tenant_id bigint, invoice_id bigint, case_id bigint, number text, due date, amount bigint, currency character, placed_on date, paid bigint, outstanding bigint, case_open boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET enable_nestloop TO 'off'
    AS $$
    WITH closes AS (
        SELECT e.tenant_id, e.case_id,
               (array_agg(e.kind ORDER BY e.occurred_on DESC, e.id DESC) FILTER (WHERE e.occurred_on <= p_on))[1] AS last_kind,
               bool_or(e.kind = 'closed') AS ever_closed
          FROM cobranza.case_event e
         WHERE e.kind IN ('closed', 'reopened')
         GROUP BY e.tenant_id, e.case_id
    ),
    placed AS (
        SELECT v.tenant_id, v.id, v.case_id, v.number, v.due, v.amount, v.currency,
               greatest(s.submitted_on, c.opened_on) AS placed_on,
               sum(v.amount) OVER (PARTITION BY v.tenant_id, v.case_id ORDER BY v.due, v.id) AS running,
               coalesce(k.last_kind <> 'closed',
                        NOT (c.stage = 'closed' AND c.closed_at::date <= p_on AND NOT coalesce(k.ever_closed, false))) AS open
          FROM cobranza.invoice v
          JOIN cobranza.submission s ON s.tenant_id = v.tenant_id AND s.id = v.submission_id
          JOIN cobranza.collection_case c ON c.tenant_id = v.tenant_id AND c.id = v.case_id
          LEFT JOIN closes k ON k.tenant_id = v.tenant_id AND k.case_id = v.case_id
         WHERE v.case_id IS NOT NULL AND greatest(s.submitted_on, c.opened_on) <= p_on
    ),
    paid AS (
        SELECT y.tenant_id, y.case_id, sum(y.amount) AS paid
          FROM cobranza.payment y WHERE y.paid_on <= p_on
         GROUP BY y.tenant_id, y.case_id
    )
    SELECT i.tenant_id, i.id, i.case_id, i.number, i.due, i.amount, i.currency, i.placed_on,
           least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount)))::bigint,
           (i.amount - least(i.amount, greatest(0, coalesce(p.paid, 0) - (i.running - i.amount))))::bigint,
           i.open
      FROM placed i
      LEFT JOIN paid p ON p.tenant_id = i.tenant_id AND p.case_id = i.case_id
$$;

-- Name: invoice_cancelled(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_cancelled() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: invoice_cancelled_under_agreement(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_cancelled_under_agreement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: invoice_cancelling(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_cancelling() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: invoice_case_keys_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_case_keys_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- The keys set and, for an update, changed (a query naming old_rows is planned only for an
    -- update, which has them): each distinct key once; the cases and disputes that match are
    -- locked, and only if fewer match than there are keys is one that does not named.
    IF TG_OP = 'INSERT' THEN
        WITH changed AS MATERIALIZED (
            SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency, n.cancelled_by_dispute
              FROM new_rows n
             WHERE n.case_id IS NOT NULL OR n.cancelled_by_dispute IS NOT NULL),
        keys AS MATERIALIZED (SELECT DISTINCT tenant_id, case_id, debtor_id, currency FROM changed WHERE case_id IS NOT NULL),
        locked AS (SELECT 1 FROM cobranza.collection_case c
                     JOIN keys k ON c.tenant_id = k.tenant_id AND c.id = k.case_id AND c.debtor_id = k.debtor_id AND c.currency = k.currency
                      FOR KEY SHARE OF c),
        disputes AS MATERIALIZED (SELECT DISTINCT tenant_id, cancelled_by_dispute AS id FROM changed WHERE cancelled_by_dispute IS NOT NULL),
        locked_disputes AS (SELECT 1 FROM cobranza.dispute d JOIN disputes k ON d.tenant_id = k.tenant_id AND d.id = k.id
                             FOR KEY SHARE OF d)
        SELECT (SELECT count(*) FROM keys) + (SELECT count(*) FROM disputes),
               (SELECT count(*) FROM locked) + (SELECT count(*) FROM locked_disputes)
          INTO v_keys, v_locked;
    ELSE
        WITH changed AS MATERIALIZED (
            SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency, n.cancelled_by_dispute
              FROM new_rows n
             WHERE (n.case_id IS NOT NULL OR n.cancelled_by_dispute IS NOT NULL)
               AND NOT EXISTS (
                    SELECT 1 FROM old_rows o
                     WHERE o.tenant_id = n.tenant_id AND o.id = n.id AND o.debtor_id = n.debtor_id AND o.currency = n.currency
                       AND o.case_id IS NOT DISTINCT FROM n.case_id
                       AND o.cancelled_by_dispute IS NOT DISTINCT FROM n.cancelled_by_dispute)),
        keys AS MATERIALIZED (SELECT DISTINCT tenant_id, case_id, debtor_id, currency FROM changed WHERE case_id IS NOT NULL),
        locked AS (SELECT 1 FROM cobranza.collection_case c
                     JOIN keys k ON c.tenant_id = k.tenant_id AND c.id = k.case_id AND c.debtor_id = k.debtor_id AND c.currency = k.currency
                      FOR KEY SHARE OF c),
        disputes AS MATERIALIZED (SELECT DISTINCT tenant_id, cancelled_by_dispute AS id FROM changed WHERE cancelled_by_dispute IS NOT NULL),
        locked_disputes AS (SELECT 1 FROM cobranza.dispute d JOIN disputes k ON d.tenant_id = k.tenant_id AND d.id = k.id
                             FOR KEY SHARE OF d)
        SELECT (SELECT count(*) FROM keys) + (SELECT count(*) FROM disputes),
               (SELECT count(*) FROM locked) + (SELECT count(*) FROM locked_disputes)
          INTO v_keys, v_locked;
    END IF;
    IF v_locked = v_keys THEN
        RETURN NULL;
    END IF;
    SELECT n.tenant_id, n.case_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE n.case_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.collection_case c
                        WHERE c.tenant_id = n.tenant_id AND c.id = n.case_id AND c.debtor_id = n.debtor_id AND c.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_case_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_case_fkey"',
            DETAIL = format('Key (tenant_id, case_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "collection_case".',
                            v.tenant_id, v.case_id, v.debtor_id, v.currency);
    END IF;
    SELECT n.tenant_id, n.cancelled_by_dispute INTO v
      FROM new_rows n
     WHERE n.cancelled_by_dispute IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = n.tenant_id AND d.id = n.cancelled_by_dispute)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_cancelled_by_dispute_fkey',
            TABLE = 'invoice', SCHEMA = 'cobranza',
            MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_cancelled_by_dispute_fkey"',
            DETAIL = format('Key (tenant_id, cancelled_by_dispute)=(%s, %s) is not present in table "dispute".',
                            v.tenant_id, v.cancelled_by_dispute);
    END IF;
    RETURN NULL;
END
$$;

-- Name: invoice_case_referenced_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_case_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_constraint text := CASE TG_TABLE_NAME WHEN 'collection_case' THEN 'invoice_case_fkey'
                                            ELSE 'invoice_cancelled_by_dispute_fkey' END;
    v_key text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.invoice i
                    WHERE CASE TG_TABLE_NAME WHEN 'collection_case' THEN i.case_id ELSE i.cancelled_by_dispute END IS NOT NULL) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = format('Table "invoice" references "%s" (%s).', TG_TABLE_NAME, v_constraint);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'collection_case' THEN
        IF EXISTS (SELECT 1 FROM cobranza.invoice i
                    WHERE i.tenant_id = OLD.tenant_id AND i.case_id = OLD.id AND i.debtor_id = OLD.debtor_id AND i.currency = OLD.currency) THEN
            v_key := format('Key (tenant_id, id, debtor_id, currency)=(%s, %s, %s, %s)', OLD.tenant_id, OLD.id, OLD.debtor_id, OLD.currency);
        END IF;
    ELSE
        IF EXISTS (SELECT 1 FROM cobranza.invoice i WHERE i.tenant_id = OLD.tenant_id AND i.cancelled_by_dispute = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    END IF;
    IF v_key IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = v_constraint,
            TABLE = TG_TABLE_NAME, SCHEMA = 'cobranza',
            MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "invoice"',
                             TG_TABLE_NAME, v_constraint),
            DETAIL = v_key || ' is still referenced from table "invoice".';
    END IF;
    RETURN NULL;
END
$$;

-- Name: invoice_case_submission_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_case_submission_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_status text;
    v_case   bigint;
BEGIN
    IF (SELECT cobranza.current_kind()) IS NULL THEN
        RETURN NEW;
    END IF;
    -- By the primary key alone: asked with status = 'accepted' too, the planner took the
    -- (tenant_id, status) index, which statistics gathered while the batch was pending call
    -- selective, and read every submission accepted so far for each invoice (a batch of 200,000
    -- invoices ran for more than 20 minutes).
    SELECT s.status, s.case_id INTO v_status, v_case FROM cobranza.submission s
     WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id;
    IF v_status IS DISTINCT FROM 'accepted' OR v_case IS DISTINCT FROM NEW.case_id THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_case_submission_check', COLUMN = 'case_id',
            MESSAGE = format('case_id: invoice %s goes onto a case only with its submission, as the submission is accepted into it (case open)',
                             NEW.number);
    END IF;
    RETURN NEW;
END
$$;

-- Name: invoice_client_pending_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_client_pending_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_id     bigint;
    v_status text;
BEGIN
    IF (SELECT cobranza.current_kind()) IS DISTINCT FROM 'client' THEN
        RETURN NULL;
    END IF;
    SELECT s.id, s.status INTO v_id, v_status
      FROM (SELECT DISTINCT nr.tenant_id, nr.submission_id FROM new_rows nr) n
      JOIN cobranza.submission s ON s.tenant_id = n.tenant_id AND s.id = n.submission_id
     WHERE s.status <> 'pending'
     ORDER BY s.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('invoices can only be added to a pending submission (submission %s is %s)',
                             v_id, v_status);
    END IF;
    RETURN NULL;
END
$$;

-- Name: invoice_disputed(bigint, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT EXISTS (SELECT 1 FROM cobranza.invoice i
                     JOIN cobranza.dispute d ON d.tenant_id = i.tenant_id AND d.case_id = i.case_id AND d.outcome IS NULL
                    WHERE i.tenant_id = p_tenant AND i.id = p_invoice
                      AND (NOT EXISTS (SELECT 1 FROM cobranza.dispute_invoice x WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id)
                           OR EXISTS (SELECT 1 FROM cobranza.dispute_invoice x
                                       WHERE x.tenant_id = d.tenant_id AND x.dispute_id = d.id AND x.invoice_id = i.id)))
$$;

-- Name: invoice_overdue_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_overdue_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_today constant date := cobranza.today();
    v_number text;
    v_due date;
    v_days integer;
    v_case text;
    v_stage text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH future AS (
            SELECT n.tenant_id, n.number, n.due FROM new_rows n WHERE n.due > v_today
        ), terms AS (
            SELECT t.tenant_id,
                   coalesce((SELECT k.pre_due_days FROM cobranza.contract k
                              WHERE k.tenant_id = t.tenant_id AND k.effective_on <= v_today
                              ORDER BY k.version DESC LIMIT 1), 0) AS days
              FROM (SELECT DISTINCT f.tenant_id FROM future f) t
        )
        SELECT f.number, f.due, k.days INTO v_number, v_due, v_days
          FROM future f JOIN terms k ON k.tenant_id = f.tenant_id
         WHERE f.due > v_today + k.days ORDER BY f.due DESC LIMIT 1;
    ELSE
        -- One pass over the rows changed: a due date moved, or an invoice joining a case.
        WITH future AS MATERIALIZED (
            SELECT n.tenant_id, n.number, n.due, n.case_id, (o.case_id IS NULL AND n.case_id IS NOT NULL) AS joining
              FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
             WHERE n.due > v_today
               AND (n.due IS DISTINCT FROM o.due OR (o.case_id IS NULL AND n.case_id IS NOT NULL))
        ), terms AS (
            SELECT t.tenant_id,
                   coalesce((SELECT k.pre_due_days FROM cobranza.contract k
                              WHERE k.tenant_id = t.tenant_id AND k.effective_on <= v_today
                              ORDER BY k.version DESC LIMIT 1), 0) AS days
              FROM (SELECT DISTINCT f.tenant_id FROM future f) t
        )
        SELECT f.number, f.due, k.days, c.number, CASE WHEN c.stage = 'judicial' THEN 'judicial' ELSE 'posted' END
          INTO v_number, v_due, v_days, v_case, v_stage
          FROM future f JOIN terms k ON k.tenant_id = f.tenant_id
          LEFT JOIN cobranza.collection_case c ON f.joining AND c.tenant_id = f.tenant_id AND c.id = f.case_id
         WHERE f.due > v_today + k.days OR c.stage = 'judicial' OR c.posted
         ORDER BY f.due > v_today + k.days DESC, f.due DESC LIMIT 1;
        IF FOUND AND v_due <= v_today + v_days THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_due_check', COLUMN = 'due',
                MESSAGE = format('due: %s is not yet due and case %s is %s: an invoice not yet due joins no such case (invoice %s)',
                                 v_due, v_case, v_stage, v_number);
        END IF;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_due_check', COLUMN = 'due',
            MESSAGE = format('due: %s is not yet due and %s (invoice %s)', v_due,
                             CASE WHEN v_days = 0 THEN 'the contract admits only invoices already due'
                                  ELSE format('the contract admits invoices due within %s day%s', v_days, CASE WHEN v_days = 1 THEN '' ELSE 's' END) END,
                             v_number);
    END IF;
    RETURN NULL;
END
$$;

-- Name: invoice_placed_terms_fixed(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_placed_terms_fixed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_column text := CASE WHEN NEW.amount IS DISTINCT FROM OLD.amount THEN 'amount'
                          WHEN NEW.due IS DISTINCT FROM OLD.due THEN 'due'
                          WHEN NEW.issued IS DISTINCT FROM OLD.issued THEN 'issued'
                          WHEN NEW.number IS DISTINCT FROM OLD.number THEN 'number'
                          ELSE 'case_id' END;
    v_case text;
BEGIN
    SELECT c.number INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = OLD.tenant_id AND c.id = OLD.case_id;
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_placed_terms_check', COLUMN = v_column,
        MESSAGE = format('%s: invoice %s is on case %s, and what a placed invoice says is not changed; '
                         'a wrong one is cancelled ("invoice cancel") and submitted again',
                         v_column, OLD.number, coalesce(v_case, '(not visible)'));
END
$$;

-- Name: invoice_placed_text_kept(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_placed_text_kept() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF (SELECT cobranza.current_kind()) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_placed_terms_check', COLUMN = 'note',
            MESSAGE = format('note: invoice %s is on a case, and its note is the client''s, as sent', OLD.number);
    END IF;
    RETURN NEW;
END
$$;

-- Name: invoice_submission_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_submission_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET enable_nestloop TO 'on'
    AS $$
DECLARE
    v        record;
    v_rows   bigint;
    v_tenant bigint;
    v_top    bigint;
    v_low    bigint;
    v_high   bigint;
    v_keys   bigint;
    v_found  bigint;
    v_closed bigint;
    v_person boolean := (SELECT cobranza.current_kind()) IS NOT NULL;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id)
      INTO v_rows, v_tenant, v_top, v_low, v_high
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_top AND v_high - v_low < 4 * v_rows THEN
        -- Planned as a hash join whatever the fresh tables' statistics say (a nested loop over
        -- the statement's rows is what a guess of one row picks).
        PERFORM set_config('enable_nestloop', 'off', true);
        SELECT count(*), count(*) FILTER (WHERE s.status <> 'pending') INTO v_found, v_closed
          FROM new_rows n
          JOIN (SELECT s.id, s.debtor_id, s.currency, s.status FROM cobranza.submission s
                 WHERE s.tenant_id = v_tenant AND s.id BETWEEN v_low AND v_high) s
            ON s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency;
        PERFORM set_config('enable_nestloop', 'on', true);
        IF v_found = v_rows AND (v_closed = 0 OR NOT v_person) THEN
            RETURN NULL;
        END IF;
    ELSE
        WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, submission_id, debtor_id, currency FROM new_rows)
        SELECT (SELECT count(*) FROM keys),
               (SELECT count(*) FROM cobranza.submission s
                  JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.debtor_id = n.debtor_id AND s.currency = n.currency),
               (SELECT count(*) FROM cobranza.submission s
                  JOIN keys n ON s.tenant_id = n.tenant_id AND s.id = n.submission_id AND s.status <> 'pending')
          INTO v_keys, v_found, v_closed;
        IF v_found = v_keys AND (v_closed = 0 OR NOT v_person) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT n.tenant_id, n.submission_id, n.debtor_id, n.currency INTO v
      FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM cobranza.submission s
                        WHERE s.tenant_id = n.tenant_id AND s.id = n.submission_id
                          AND s.debtor_id = n.debtor_id AND s.currency = n.currency)
     LIMIT 1;
    IF FOUND THEN
        PERFORM cobranza.invoice_submission_violation(v.tenant_id, v.submission_id, v.debtor_id, v.currency);
    END IF;
    SELECT s.number, s.status, n.number AS invoice INTO v
      FROM new_rows n JOIN cobranza.submission s ON s.tenant_id = n.tenant_id AND s.id = n.submission_id
     WHERE s.status <> 'pending'
     ORDER BY s.id, n.number
     LIMIT 1;
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_submission_pending_check', COLUMN = 'submission_id',
        MESSAGE = format('invoice %s: submission %s is %s; invoices are added to a pending submission only (submit the invoice again as a new one)',
                         v.invoice, v.number, v.status);
END
$$;

-- Name: invoice_submission_row_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_submission_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    PERFORM 1 FROM cobranza.submission s
     WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.submission_id AND s.debtor_id = NEW.debtor_id AND s.currency = NEW.currency;
    IF NOT FOUND THEN
        PERFORM cobranza.invoice_submission_violation(NEW.tenant_id, NEW.submission_id, NEW.debtor_id, NEW.currency);
    END IF;
    RETURN NULL;
END
$$;

-- Name: invoice_submission_violation(bigint, bigint, bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_submission_violation(p_tenant bigint, p_submission bigint, p_debtor bigint, p_currency text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'invoice_submission_fkey',
        TABLE = 'invoice', SCHEMA = 'cobranza',
        MESSAGE = 'insert or update on table "invoice" violates foreign key constraint "invoice_submission_fkey"',
        DETAIL = format('Key (tenant_id, submission_id, debtor_id, currency)=(%s, %s, %s, %s) is not present in table "submission".',
                        p_tenant, p_submission, p_debtor, p_currency);
END
$$;

-- Name: invoice_totals_bound(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.invoice_totals_bound() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET enable_bitmapscan TO 'off'
    SET enable_sort TO 'off'
    SET enable_indexscan TO 'on'
    AS $$
DECLARE
    v            record;
    v_rows       bigint;
    v_tenant     bigint;
    v_tenant_top bigint;
    v_low        bigint;
    v_high       bigint;
    v_cased      bigint;
    v_over       boolean;
BEGIN
    SELECT count(*), min(tenant_id), max(tenant_id), min(submission_id), max(submission_id), count(case_id)
      INTO v_rows, v_tenant, v_tenant_top, v_low, v_high, v_cased
      FROM new_rows;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    IF v_tenant = v_tenant_top AND v_high - v_low < 4 * v_rows THEN
        -- One scan of the range, summed by submission with no join (a join planned on a fresh
        -- table's missing statistics ran as a nested loop over the statement's rows); only a
        -- submission over the bound is then looked for among the rows written.
        PERFORM set_config('enable_bitmapscan', 'on', true), set_config('enable_indexscan', 'off', true);
        SELECT 'submission ' || g.submission_id AS what, g.currency INTO v
          FROM (SELECT i.submission_id, min(i.currency) AS currency
                  FROM cobranza.invoice i
                 WHERE i.tenant_id = v_tenant AND i.submission_id BETWEEN v_low AND v_high
                 GROUP BY i.submission_id
                HAVING sum(i.amount) > 1000000000000000) g
         WHERE EXISTS (SELECT 1 FROM new_rows n WHERE n.submission_id = g.submission_id)
         LIMIT 1;
        v_over := FOUND;
        PERFORM set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', 'on', true);
    ELSE
        SELECT 'submission ' || n.submission_id AS what, n.currency INTO v
          FROM (SELECT DISTINCT tenant_id, submission_id, currency FROM new_rows) n
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.submission_id = n.submission_id) > 1000000000000000
         LIMIT 1;
        v_over := FOUND;
    END IF;
    -- A placement's invoices join no case: their rows are not read again to find none.
    IF NOT v_over AND v_cased > 0 THEN
        SELECT 'case ' || c.number AS what, c.currency INTO v
          FROM (SELECT DISTINCT tenant_id, case_id FROM new_rows WHERE case_id IS NOT NULL) n
          JOIN cobranza.collection_case c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
         WHERE (SELECT sum(i.amount) FROM cobranza.invoice i
                 WHERE i.tenant_id = n.tenant_id AND i.case_id = n.case_id) > 1000000000000000
         LIMIT 1;
        v_over := FOUND;
    END IF;
    IF v_over THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = 'amount',
            MESSAGE = format('amount: the invoices of %s would add up to more than %s, the most one submission or case holds',
                             v.what, cobranza.format_money(1000000000000000, v.currency));
    END IF;
    RETURN NULL;
END
$$;

-- Name: issue_credit_note(bigint, bigint, bigint[], integer, character, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer, p_currency character, p_reason text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: issue_fee_invoices(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text) RETURNS TABLE(number text, client_code text, currency character, lines integer, subtotal bigint, costs bigint, vat bigint, total bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET work_mem TO '64MB'
    SET jit TO 'off'
    AS $_$
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
    cost AS MATERIALIZED (
        SELECT k.tenant_id, k.currency, k.case_id, k.id, k.amount
          FROM cobranza.court_cost k
         WHERE (v_tenant IS NULL OR k.tenant_id = v_tenant)
           AND k.borne_by = 'client' AND k.incurred_on <= v_end
           AND NOT EXISTS (SELECT 1 FROM cobranza.billed_court_cost b WHERE b.tenant_id = k.tenant_id AND b.cost_id = k.id)
    ),
    labelled AS MATERIALIZED (
        SELECT x.tenant_id, x.currency, jsonb_object_agg(x.case_id::text, jsonb_build_array(c.number, de.name)) AS case_labels
          FROM (SELECT pc.tenant_id, pc.currency, pc.case_id FROM per_case pc
                UNION SELECT k.tenant_id, k.currency, k.case_id FROM cost k) x
          JOIN cobranza.collection_case c ON c.tenant_id = x.tenant_id AND c.id = x.case_id
          JOIN cobranza.debtor de ON de.tenant_id = c.tenant_id AND de.id = c.debtor_id
         GROUP BY x.tenant_id, x.currency
    ),
    drafts AS MATERIALIZED (
        SELECT l.tenant_id, l.currency, l.case_labels,
               coalesce(f.subtotal, 0)::bigint AS subtotal, coalesce(x.payment_ids, '{}') AS payment_ids,
               coalesce(k.costs, 0)::bigint AS costs, coalesce(k.cost_ids, '{}') AS cost_ids
          FROM labelled l
          LEFT JOIN (SELECT pc.tenant_id, pc.currency, sum(pc.subtotal) AS subtotal
                       FROM per_case pc GROUP BY pc.tenant_id, pc.currency) f
                 ON f.tenant_id = l.tenant_id AND f.currency = l.currency
          LEFT JOIN (SELECT pc.tenant_id, pc.currency, array_agg(u.id) AS payment_ids
                       FROM per_case pc CROSS JOIN LATERAL unnest(pc.ids) AS u(id)
                      GROUP BY pc.tenant_id, pc.currency) x ON x.tenant_id = l.tenant_id AND x.currency = l.currency
          LEFT JOIN (SELECT k.tenant_id, k.currency, sum(k.amount) AS costs, array_agg(k.id ORDER BY k.id) AS cost_ids
                       FROM cost k GROUP BY k.tenant_id, k.currency) k
                 ON k.tenant_id = l.tenant_id AND k.currency = l.currency
    ),
    numbered AS MATERIALIZED (
        SELECT d.tenant_id, d.currency, t.code, k.vat_bp,
               CASE WHEN k.court_costs_vat THEN k.vat_bp ELSE 0 END AS cost_vat_bp,
               row_number() OVER (ORDER BY t.code, d.currency)::integer AS rn
          FROM (SELECT dr.tenant_id, dr.currency FROM drafts dr) d
          JOIN cobranza.tenant t ON t.id = d.tenant_id
          CROSS JOIN LATERAL (SELECT c.vat_bp, c.court_costs_vat FROM cobranza.contract c
                               WHERE c.tenant_id = d.tenant_id AND c.effective_on <= v_on
                               ORDER BY c.version DESC LIMIT 1) k
    ),
    first_number AS (
        SELECT cobranza.reserve_fee_numbers('F', v_on, (SELECT count(*)::integer FROM numbered)) AS value
    ),
    documents AS (
        INSERT INTO cobranza.fee_document AS d (tenant_id, kind, number, currency, issued_on, period, subtotal, vat_bp, vat, total,
                                                payment_ids, case_labels, cost_ids, costs, cost_vat_bp)
        SELECT g.tenant_id, 'invoice', cobranza.fee_number('F', v_on, f.value + n.rn - 1), g.currency, v_on, p_period,
               g.subtotal, n.vat_bp, cobranza.apply_rate(n.vat_bp, g.subtotal) + cobranza.apply_rate(n.cost_vat_bp, g.costs),
               g.subtotal + g.costs + cobranza.apply_rate(n.vat_bp, g.subtotal) + cobranza.apply_rate(n.cost_vat_bp, g.costs),
               g.payment_ids, g.case_labels, g.cost_ids, g.costs, n.cost_vat_bp
          FROM drafts g
          JOIN numbered n ON n.tenant_id = g.tenant_id AND n.currency = g.currency
          CROSS JOIN first_number f
        RETURNING d.tenant_id, d.currency, d.number, cardinality(d.payment_ids) + cardinality(d.cost_ids) AS lines,
                  d.subtotal, d.costs, d.vat, d.total
    )
    SELECT d.number, n.code, d.currency, d.lines, d.subtotal, d.costs, d.vat, d.total
      FROM documents d
      JOIN numbered n ON n.tenant_id = d.tenant_id AND n.currency = d.currency
     ORDER BY d.number;
END
$_$;

-- Name: keys_present(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.keys_present() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $_$
DECLARE
    v_child   text[] := string_to_array(TG_ARGV[2], ',');
    v_parent  text[] := string_to_array(TG_ARGV[3], ',');
    v_columns text;
    v_set     text;
    v_match   text;
    v_keys    bigint;
    v_found   bigint;
    v_missing text;
BEGIN
    SELECT string_agg(format('n.%I', c), ', '), string_agg(format('n.%I IS NOT NULL', c), ' AND '),
           string_agg(format('p.%I = n.%I', p, c), ' AND ')
      INTO v_columns, v_set, v_match
      FROM unnest(v_child, v_parent) AS k(c, p);
    IF TG_LEVEL = 'STATEMENT' THEN
        -- Each distinct key once; only if fewer referenced rows are found than keys is one
        -- that is missing looked for.
        EXECUTE format('WITH keys AS MATERIALIZED (SELECT DISTINCT %1$s FROM new_rows n WHERE %2$s)
                        SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM cobranza.%3$I p JOIN keys n ON %4$s)',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_keys, v_found;
        IF v_keys = v_found THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT concat_ws('', '', %1$s) FROM new_rows n
                         WHERE %2$s AND NOT EXISTS (SELECT 1 FROM cobranza.%3$I p WHERE %4$s) LIMIT 1',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_missing;
    ELSE
        EXECUTE format('SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM cobranza.%3$I p WHERE %4$s)
                                    THEN concat_ws('', '', %1$s) END
                          FROM (SELECT ($1).*) n WHERE %2$s',
                       v_columns, v_set, TG_ARGV[1], v_match)
           INTO v_missing USING NEW;
    END IF;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_ARGV[0],
            TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            MESSAGE = format('insert or update on table "%s" violates foreign key constraint "%s"', TG_TABLE_NAME, TG_ARGV[0]),
            DETAIL = format('Key (%s)=(%s) is not present in table "%s".', array_to_string(v_child, ', '), v_missing, TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$_$;

-- Name: local_moment(timestamp with time zone, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.local_moment(p_at timestamp with time zone, p_zone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT to_char(p_at AT TIME ZONE p_zone, 'FMDay YYYY-MM-DD HH24:MI') || ' ' || p_zone
$$;

-- Name: lock_billing(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.lock_billing() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF (SELECT cobranza.current_kind()) IS DISTINCT FROM 'admin'
       AND (SELECT cobranza.current_kind()) IS DISTINCT FROM 'collector'
       AND NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins and collectors take the billing lock';
    END IF;
    BEGIN
        PERFORM 1 FROM cobranza.billing_lock FOR UPDATE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION USING ERRCODE = 'lock_not_available',
            MESSAGE = format('billing is busy: another session is issuing or voiding a fee invoice or reversing a payment (waited %s); try again',
                             pg_catalog.current_setting('lock_timeout'));
    END;
END
$$;

-- Name: lock_debtor_contacts(bigint, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    INSERT INTO cobranza.contact_lock (country, tax_id)
    SELECT d.country, d.tax_id FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE c.tenant_id = p_tenant AND c.id = p_case
        ON CONFLICT (country, tax_id) DO UPDATE SET tax_id = EXCLUDED.tax_id
$$;

-- Name: today(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN pg_catalog.pg_has_role(session_user, 'cobranza_clock', 'MEMBER')
                THEN coalesce(nullif(pg_catalog.current_setting('cobranza.as_of', true), '')::date, current_date)
                ELSE current_date END
$$;

-- Name: collection_case; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.collection_case (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    number text NOT NULL,
    debtor_id bigint NOT NULL,
    currency character(3) NOT NULL,
    stage text DEFAULT 'extrajudicial'::text NOT NULL,
    disputed boolean DEFAULT false NOT NULL,
    posted boolean DEFAULT false NOT NULL,
    on_agreement boolean DEFAULT false NOT NULL,
    on_promise boolean DEFAULT false NOT NULL,
    assigned_to name,
    close_code text,
    closed_at timestamp with time zone,
    next_action_date date,
    opened_on date DEFAULT cobranza.today() NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    opened_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT collection_case_assigned_to_text CHECK (cobranza.single_line((assigned_to)::text, 'assigned_to'::text)),
    CONSTRAINT collection_case_close_code_check CHECK ((close_code = ANY (ARRAY['paid'::text, 'settled'::text, 'uncollectible'::text, 'withdrawn'::text, 'prescribed'::text, 'disputed'::text]))),
    CONSTRAINT collection_case_close_code_text CHECK (cobranza.single_line(close_code, 'close_code'::text)),
    CONSTRAINT collection_case_closed_check CHECK (((stage = 'closed'::text) = (close_code IS NOT NULL))),
    CONSTRAINT collection_case_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT collection_case_number_check CHECK ((number ~ '^C-[0-9]{4}-[0-9]{6}$'::text)),
    CONSTRAINT collection_case_number_text CHECK (cobranza.single_line(number, 'number'::text)),
    CONSTRAINT collection_case_opened_by_text CHECK (cobranza.single_line((opened_by)::text, 'opened_by'::text)),
    CONSTRAINT collection_case_stage_check CHECK ((stage = ANY (ARRAY['extrajudicial'::text, 'judicial'::text, 'closed'::text]))),
    CONSTRAINT collection_case_stage_text CHECK (cobranza.single_line(stage, 'stage'::text))
);

ALTER TABLE ONLY cobranza.collection_case FORCE ROW LEVEL SECURITY;

-- Name: lock_open_case(bigint, bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) RETURNS cobranza.collection_case
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: money_text(bigint, text, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.money_text(p_amount bigint, p_currency text, p_exponent integer) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $_$
    SELECT CASE WHEN p_amount < 0 THEN '-' ELSE '' END
        || CASE WHEN p_currency = 'CLF' THEN 'UF ' ELSE '$' END
        || CASE WHEN p_exponent = 0 AND p_amount > -9223372036854775808
                THEN pg_catalog.translate(pg_catalog.to_char(pg_catalog.abs(p_amount), 'FM9,999,999,999,999,999,990'),
                                          ',', CASE WHEN p_currency IN ('MXN', 'USD') THEN ',' ELSE '.' END)
                ELSE pg_catalog.translate(pg_catalog.to_char(pg_catalog.abs(p_amount::numeric) / 10::numeric ^ p_exponent,
                                                             'FM9,999,999,999,999,999,990'
                                                             || CASE WHEN p_exponent > 0 THEN '.' || pg_catalog.repeat('0', p_exponent) ELSE '' END),
                                          ',.', CASE WHEN p_currency IN ('MXN', 'USD') THEN ',.' ELSE '.,' END) END
$_$;

-- Name: next_case_number(date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.next_case_number(p_on date) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_year  integer := extract(year FROM p_on)::integer;
    v_value integer;
BEGIN
    IF p_on IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'a case number needs a date';
    END IF;
    INSERT INTO cobranza.case_counter AS c (year, last_value) VALUES (v_year, 1)
        ON CONFLICT (year) DO UPDATE SET last_value = c.last_value + 1
        RETURNING c.last_value INTO v_value;
    -- (the counter's CHECK already stops at 999999; lpad would silently truncate a 7th digit)
    RETURN format('C-%s-%s', lpad(v_year::text, 4, '0'), lpad(v_value::text, 6, '0'));
END
$$;

-- Name: nit_check_digit(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.nit_check_digit(p_body text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    v_weights constant integer[] := ARRAY[3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    v_sum integer := 0;
BEGIN
    FOR i IN 1..length(p_body) LOOP
        v_sum := v_sum + substr(p_body, length(p_body) - i + 1, 1)::integer * v_weights[i];
    END LOOP;
    RETURN (CASE WHEN v_sum % 11 < 2 THEN v_sum % 11 ELSE 11 - v_sum % 11 END)::text;
END
$$;

-- Name: note_text(text, text, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.note_text(p_value text, p_column text, p_max integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_value IS NULL OR (p_value !~ '[\x01-\x08\x0b-\x1f\x7f-\x9f]' AND length(p_value) <= p_max) THEN true
                ELSE cobranza.refuse_text(p_value, p_column, p_max, true) END
$$;

-- Name: now(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.now() RETURNS timestamp with time zone
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $_$
    SELECT CASE WHEN pg_catalog.pg_has_role(session_user, 'cobranza_clock', 'MEMBER')
                     AND coalesce(pg_catalog.current_setting('cobranza.as_of', true), '') <> ''
                THEN CASE WHEN pg_catalog.current_setting('cobranza.as_of', true) ~ '^\s*\d{4}-\d{2}-\d{2}\s*$'
                          THEN (pg_catalog.current_setting('cobranza.as_of', true)::date + time '12:00')
                               AT TIME ZONE 'America/Santiago'
                          WHEN pg_catalog.current_setting('cobranza.as_of', true) ~ '([+-]\d{2}(:?\d{2})?|Z)\s*$'
                          THEN pg_catalog.current_setting('cobranza.as_of', true)::timestamptz
                          ELSE pg_catalog.current_setting('cobranza.as_of', true)::timestamp AT TIME ZONE 'America/Santiago' END
                ELSE pg_catalog.now() END
$_$;

-- Name: outbound_message_notify(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbound_message_notify() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('cobranza_outbox', '');
    RETURN NULL;
END
$$;

-- Name: outbound_message_opt_out_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbound_message_opt_out_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $_$
DECLARE
    v_channel text;
    v_case    bigint;
BEGIN
    EXECUTE $sql$
        SELECT n.channel, n.case_id
          FROM new_rows n
          JOIN cobranza.debtor_opt_out o ON o.tenant_id = n.tenant_id AND o.debtor_id = n.debtor_id AND o.channel = n.channel
         LIMIT 1
        $sql$ INTO v_channel, v_case;
    IF v_channel IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_opt_out_check', COLUMN = 'channel',
            MESSAGE = format('channel: the debtor of case %s opted out of %s', v_case, v_channel);
    END IF;
    RETURN NULL;
END
$_$;

-- Name: outbound_message_to_case_debtor(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbound_message_to_case_debtor() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v record;
BEGIN
    IF (SELECT cobranza.current_kind()) IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT n.channel, n.address, n.debtor_id <> c.debtor_id AS stranger, c.stage = 'closed' AS closed, c.number,
           CASE n.channel WHEN 'email' THEN d.email ELSE cobranza.phone_e164(d.phone) END AS expected
      INTO v
      FROM new_rows n
      JOIN cobranza.collection_case c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE n.debtor_id <> c.debtor_id OR c.stage = 'closed'
        OR n.address IS DISTINCT FROM CASE n.channel WHEN 'email' THEN d.email ELSE cobranza.phone_e164(d.phone) END
           AND (n.channel <> 'email' OR n.address IS DISTINCT FROM btrim(d.email, E' \t' || chr(160)))
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    ELSIF v.stranger THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_debtor_check', COLUMN = 'debtor_id',
            MESSAGE = format('debtor_id: a message of case %s goes to the case''s own debtor', v.number);
    ELSIF v.closed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_case_open_check', COLUMN = 'case_id',
            MESSAGE = format('case %s is closed: nothing more is sent on it', v.number);
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_address_check', COLUMN = 'address',
            MESSAGE = CASE WHEN v.expected IS NULL
                           THEN format('address: the debtor of case %s has no %s on record (debtor contact records one)', v.number,
                                       CASE v.channel WHEN 'email' THEN 'email address' ELSE 'phone number in international form' END)
                           ELSE format('address: a %s of case %s goes to its debtor''s %s, %s', v.channel, v.number,
                                       CASE v.channel WHEN 'email' THEN 'email' ELSE 'phone' END, v.expected) END;
    END IF;
END
$$;

-- Name: outbound_message_transition(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbound_message_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF (NEW.tenant_id, NEW.id, NEW.case_id, NEW.debtor_id, NEW.step_id, NEW.channel, NEW.address, NEW.subject, NEW.body,
        NEW.idempotency_key, NEW.created_at, NEW.created_by, NEW.template, NEW.client_visible)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.id, OLD.case_id, OLD.debtor_id, OLD.step_id, OLD.channel, OLD.address, OLD.subject, OLD.body,
        OLD.idempotency_key, OLD.created_at, OLD.created_by, OLD.template, OLD.client_visible) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_written_check',
            MESSAGE = 'a message is kept as it was written: only its delivery status changes';
    END IF;
    IF NEW.attempts < OLD.attempts THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_attempts_check',
            COLUMN = 'attempts', MESSAGE = 'attempts: a message''s attempts only grow';
    END IF;
    IF OLD.event_id IS NOT NULL AND NEW.event_id IS DISTINCT FROM OLD.event_id THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_event_check',
            COLUMN = 'event_id', MESSAGE = 'event_id: a sent message''s contact is recorded once';
    END IF;
    IF NOT ((OLD.status, NEW.status) IN (('queued', 'sending'), ('queued', 'failed'), ('queued', 'queued'),
                                         ('sending', 'queued'), ('sending', 'sent'), ('sending', 'failed'), ('sending', 'bounced'),
                                         ('sent', 'bounced'), ('failed', 'queued'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'outbound_message_status_transition_check',
            COLUMN = 'status', MESSAGE = format('status: a %s message can''t become %s', OLD.status, NEW.status);
    END IF;
    RETURN NEW;
END
$$;

-- Name: outbox_claim(text[], integer, interval); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbox_claim(p_channels text[], p_limit integer, p_lease interval) RETURNS TABLE(tenant_id bigint, id bigint, case_id bigint, channel text, address text, subject text, body text, idempotency_key text, attempts integer, claimed_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker claims messages';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 OR p_lease IS NULL OR p_lease < interval '1 second' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'a claim takes 1 to 1000 messages and a lease of at least a second';
    END IF;
    -- A claim older than the lease belongs to a worker that died (or hung) mid-send: back to the
    -- queue, as it was written, to be sent again under the same key. One it still holds (its
    -- gate keeps the row locked through the send) is skipped.
    UPDATE cobranza.outbound_message m
       SET status = 'queued', claimed_at = NULL,
           last_error = format('the worker that claimed it at %s did not finish (lease %s)', m.claimed_at, p_lease)
      FROM (SELECT s.tenant_id, s.id FROM cobranza.outbound_message s
             WHERE s.status = 'sending' AND s.claimed_at < pg_catalog.clock_timestamp() - p_lease
             FOR UPDATE SKIP LOCKED) stale
     WHERE m.tenant_id = stale.tenant_id AND m.id = stale.id;
    -- claimed_at is the real clock (a lease is a real duration) and names the claim: the gate and
    -- the settlement hold the worker to it, so a reclaimed message is settled by its new owner only.
    RETURN QUERY
    WITH claimed AS (
    UPDATE cobranza.outbound_message m
       SET status = 'sending', attempts = m.attempts + 1, claimed_at = pg_catalog.clock_timestamp()
      FROM (SELECT q.tenant_id, q.id FROM cobranza.outbound_message q
             WHERE q.status = 'queued' AND q.not_before <= cobranza.now() AND q.channel = ANY (p_channels)
             ORDER BY q.not_before, q.id
             LIMIT p_limit
             FOR UPDATE SKIP LOCKED) due
     WHERE m.tenant_id = due.tenant_id AND m.id = due.id
    RETURNING m.tenant_id, m.id, m.case_id, m.channel, m.address, m.subject, m.body, m.idempotency_key, m.attempts, m.claimed_at)
    SELECT c.tenant_id, c.id, c.case_id, c.channel, c.address, c.subject, c.body, c.idempotency_key, c.attempts, c.claimed_at
      FROM claimed c ORDER BY c.id;
END
$$;

-- Name: outbox_gate(bigint, bigint, timestamp with time zone); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbox_gate(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, OUT verdict text, OUT rule text, OUT allowed_at timestamp with time zone, OUT reason text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    v_message cobranza.outbound_message;
    v_opt_out cobranza.debtor_opt_out;
    v_check   record;
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker sends messages';
    END IF;
    SELECT m.* INTO v_message FROM cobranza.outbound_message m WHERE m.tenant_id = p_tenant AND m.id = p_id FOR UPDATE;
    IF NOT FOUND OR v_message.status <> 'sending' OR v_message.claimed_at IS DISTINCT FROM p_claim THEN
        verdict := 'lost';
        RETURN;
    END IF;
    -- Held until the transaction ends: across the send and the contact's event, so no other
    -- contact of this debtor is judged in between (0056).
    PERFORM cobranza.lock_debtor_contacts(p_tenant, v_message.case_id);
    SELECT o.* INTO v_opt_out FROM cobranza.debtor_opt_out o
     WHERE o.tenant_id = p_tenant AND o.debtor_id = v_message.debtor_id AND o.channel = v_message.channel;
    IF FOUND THEN
        verdict := 'opted_out';
        reason := format('the debtor opted out of %s on %s (%s)', v_message.channel, v_opt_out.opted_out_on, v_opt_out.source);
        RETURN;
    END IF;
    SELECT * INTO v_check FROM cobranza.contact_check(p_tenant, v_message.case_id, v_message.channel, cobranza.now());
    IF v_check.rule IS NOT NULL THEN
        verdict := 'refused';
        rule := v_check.rule;
        allowed_at := v_check.allowed_at;
        -- The moment as the debtor's clock shows it, as the rules' own refusals name it.
        SELECT cobranza.local_moment(v_check.allowed_at, cobranza.debtor_time_zone(d.country, d.time_zone)) INTO reason
          FROM cobranza.debtor d WHERE d.tenant_id = p_tenant AND d.id = v_message.debtor_id;
        RETURN;
    END IF;
    verdict := 'send';
END
$$;

-- Name: outbox_settle(bigint, bigint, timestamp with time zone, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbox_settle(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, p_status text, p_not_before timestamp with time zone, p_error text, p_provider_id text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_message cobranza.outbound_message;
    v_event   bigint;
BEGIN
    IF pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER') IS NOT TRUE THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'only a delivery worker settles messages';
    END IF;
    SELECT m.* INTO v_message FROM cobranza.outbound_message m WHERE m.tenant_id = p_tenant AND m.id = p_id FOR UPDATE;
    IF NOT FOUND OR v_message.status <> 'sending' OR v_message.claimed_at IS DISTINCT FROM p_claim THEN
        RAISE EXCEPTION USING ERRCODE = 'serialization_failure', CONSTRAINT = 'outbound_message_claimed_check',
            MESSAGE = format('message %s is no longer this worker''s to settle (its claim expired)', p_id);
    END IF;
    CASE p_status
    WHEN 'sent' THEN
        -- The contact happens now: kind = the channel, through the contact rules' trigger.
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible)
        VALUES (p_tenant, v_message.case_id, v_message.channel, 'sent',
                left(format('%s to %s%s', v_message.channel, v_message.address,
                            CASE WHEN v_message.channel = 'email' THEN ': ' || v_message.subject ELSE '' END), 2000),
                v_message.client_visible)
        RETURNING id INTO v_event;
        UPDATE cobranza.outbound_message m
           SET status = 'sent', sent_at = cobranza.now(), provider_id = p_provider_id, event_id = v_event,
               claimed_at = NULL, last_error = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    WHEN 'queued' THEN
        UPDATE cobranza.outbound_message m
           SET status = 'queued', not_before = coalesce(p_not_before, cobranza.now()), last_error = p_error, claimed_at = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    WHEN 'failed', 'bounced' THEN
        UPDATE cobranza.outbound_message m
           SET status = p_status, last_error = coalesce(p_error, 'failed'), claimed_at = NULL
         WHERE m.tenant_id = p_tenant AND m.id = p_id;
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', COLUMN = 'status',
            MESSAGE = format('status: a message is settled sent, queued, failed or bounced, not %s', p_status);
    END CASE;
    RETURN v_event;
END
$$;

-- Name: outbox_wait(text[]); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.outbox_wait(p_channels text[]) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT greatest(0, ceil(extract(epoch FROM min(m.not_before) - cobranza.now()) * 1000))::bigint
      FROM cobranza.outbound_message m
     WHERE m.status = 'queued' AND m.channel = ANY (p_channels)
       AND pg_catalog.pg_has_role(session_user, 'cobranza_worker', 'MEMBER')
$$;

-- Name: overdue_more_than(date, integer, date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT p_on > (p_due + make_interval(months => p_months))::date
$$;

-- Name: payment_fee(bigint, character, text, text, date, date[], text[], bigint[], integer, integer, integer, integer, bigint, boolean); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) RETURNS record
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: payment_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.payment_prepare() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: payment_reversal_credit(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.payment_reversal_credit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: person_kind(name); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.person_kind(p_role name) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
    SELECT p.kind FROM cobranza.person p WHERE p.role_name = p_role AND NOT p.disabled
$$;

-- Name: person_session_limits(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.person_session_limits() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    PERFORM cobranza.apply_session_limits(NEW.role_name, NEW.kind);
    RETURN NULL;
END
$$;

-- Name: phone_e164(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.phone_e164(p_phone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT CASE WHEN d ~ '^\+[1-9][0-9]{7,14}$' THEN d END
      FROM (SELECT CASE WHEN t ~ '^\+[0-9 ().-]*$' THEN pg_catalog.translate(t, ' ().-', '') END AS d
              FROM (SELECT pg_catalog.btrim(p_phone, E' \t' || pg_catalog.chr(160)) AS t) y) x
$_$;

-- Name: FUNCTION phone_e164(p_phone text); Type: COMMENT; Schema: cobranza

COMMENT ON FUNCTION cobranza.phone_e164(p_phone text) IS 'a phone as written, in E.164 (+56955551234), or NULL when it cannot be';

-- Name: posting_effects(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.posting_effects() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: posting_notified(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.posting_notified() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_case       cobranza.collection_case;
    v_country    char(2);
    v_client     text;
    v_oldest_due date;
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
    SELECT d.country, t.code INTO v_country, v_client
      FROM cobranza.debtor d JOIN cobranza.tenant t ON t.id = d.tenant_id
     WHERE d.tenant_id = v_case.tenant_id AND d.id = v_case.debtor_id;
    IF NOT coalesce((cobranza.contract_on(NEW.tenant_id, NEW.notice_on)).posting_consent, false) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_consent_check',
            MESSAGE = format('case %s could never be posted, so no notice is sent: client %s has not consented to public posting',
                             v_case.number, v_client);
    END IF;
    SELECT min(i.due) INTO v_oldest_due FROM cobranza.invoice i WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id;
    IF v_country = 'CL' AND v_oldest_due < (NEW.notice_on - interval '5 years')::date THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_prescription_check',
            MESSAGE = format('case %s could never be posted, so no notice is sent: its oldest invoice fell due on %s, more than 5 years ago: Chilean law forbids posting it',
                             v_case.number, v_oldest_due);
    END IF;
    IF EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id AND p.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'posting_one_active_key',
            MESSAGE = format('case %s already has a posting under way', v_case.number);
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'posting', 'notice', 'prior notice of public posting sent to the debtor', true, NEW.notice_on);
    RETURN NEW;
END
$$;

-- Name: posting_transition(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.posting_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
           AND (OLD.withdrawal_due IS NOT NULL OR NEW.withdrawal_due IS DISTINCT FROM cobranza.add_business_days(cobranza.today(), 7,
                   (SELECT d.country FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id))
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
$$;

-- Name: posting_undisputed_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.posting_undisputed_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: promise_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.promise_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
$$;

-- Name: quote_for_message(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.quote_for_message(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN pg_catalog.length(p_text) > 60
                THEN pg_catalog.left(pg_catalog.regexp_replace(p_text, '[[:cntrl:]]', '?', 'g'), 57) || '...'
                ELSE pg_catalog.regexp_replace(p_text, '[[:cntrl:]]', '?', 'g') END
$$;

-- Name: record_payment(bigint, bigint, bigint, date, text, text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.record_payment(p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text) RETURNS TABLE(id bigint, number integer, amount bigint, currency text, paid_on date, channel text, method text, external_ref text, reverses_id bigint, reason text, stage text, fee_bp integer, fee bigint, fee_note text, contract_version integer, created_by text, outstanding bigint, close_code text, agreement_expects bigint, forgiven bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
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
           CASE WHEN c.on_agreement AND c.stage <> 'closed' THEN
               (SELECT greatest(0, a.total - a.paid)::bigint FROM cobranza.agreement_status a
                 WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id AND a.status IN ('active', 'default')
                 ORDER BY a.id DESC LIMIT 1)
           END,
           CASE WHEN c.close_code = 'settled' THEN b.owed END
      FROM cobranza.collection_case c
     CROSS JOIN LATERAL (
            SELECT greatest(0, least(f.invoiced, f.invoiced - f.paid), f.invoiced + f.costs - f.paid)::bigint AS owed
              FROM (SELECT (SELECT coalesce(sum(i.amount), 0) FROM cobranza.invoice i
                             WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS invoiced,
                           (SELECT coalesce(sum(k.amount), 0) FROM cobranza.court_cost k
                             WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id AND k.borne_by = 'debtor') AS costs,
                           (SELECT coalesce(sum(p.amount), 0) FROM cobranza.payment p
                             WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id) AS paid) f) b
     WHERE c.tenant_id = v.tenant_id AND c.id = v.case_id;
END
$$;

-- Name: recovery_cohorts(date, date, date, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) RETURNS TABLE(measure text, cohort date, currency text, month date, code text, n bigint, amount bigint, fees bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET enable_nestloop TO 'off'
    AS $$
    WITH closes AS (
        SELECT e.tenant_id, e.case_id,
               (array_agg(e.kind ORDER BY e.occurred_on DESC, e.id DESC) FILTER (WHERE e.occurred_on <= p_on))[1] AS last_kind,
               bool_or(e.kind = 'closed') AS ever_closed
          FROM cobranza.case_event e
         WHERE e.kind IN ('closed', 'reopened') AND (p_tenant IS NULL OR e.tenant_id = p_tenant)
         GROUP BY e.tenant_id, e.case_id
    ),
    placed AS MATERIALIZED (
        SELECT v.tenant_id, v.case_id, v.currency::text AS currency,
               date_trunc('month', min(greatest(s.submitted_on, c.opened_on)))::date AS cohort,
               sum(v.amount)::bigint AS placed,
               NOT bool_or(coalesce(k.last_kind <> 'closed',
                                    NOT (c.stage = 'closed' AND c.closed_at::date <= p_on AND NOT coalesce(k.ever_closed, false)))) AS closed,
               min(c.close_code) AS close_code
          FROM cobranza.invoice v
          JOIN cobranza.submission s ON s.tenant_id = v.tenant_id AND s.id = v.submission_id
          JOIN cobranza.collection_case c ON c.tenant_id = v.tenant_id AND c.id = v.case_id
          LEFT JOIN closes k ON k.tenant_id = v.tenant_id AND k.case_id = v.case_id
         WHERE v.case_id IS NOT NULL AND greatest(s.submitted_on, c.opened_on) <= p_on
           AND (p_tenant IS NULL OR v.tenant_id = p_tenant)
         GROUP BY v.tenant_id, v.case_id, v.currency
        HAVING min(greatest(s.submitted_on, c.opened_on)) BETWEEN p_first AND p_last
    ),
    paid AS (
        SELECT c.cohort, c.currency, date_trunc('month', p.paid_on)::date AS month,
               sum(p.amount - p.court_costs)::bigint AS recovered, sum(p.fee)::bigint AS fees
          FROM placed c
          JOIN cobranza.payment p ON p.tenant_id = c.tenant_id AND p.case_id = c.case_id
         WHERE p.paid_on <= p_on AND (p_tenant IS NULL OR p.tenant_id = p_tenant)
         GROUP BY 1, 2, 3
    )
    SELECT 'placed'::text, cohort, currency, NULL::date, NULL::text, count(*)::bigint, sum(placed)::bigint, 0::bigint
      FROM placed GROUP BY cohort, currency
    UNION ALL
    SELECT 'paid', cohort, currency, month, NULL, 0, recovered, fees FROM paid
    UNION ALL
    SELECT 'closed', cohort, currency, NULL, close_code, count(*), 0, 0 FROM placed WHERE closed GROUP BY cohort, currency, close_code
$$;

-- Name: referral_filed(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.referral_filed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: referral_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.referral_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
$$;

-- Name: referral_transition(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.referral_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
$$;

-- Name: refuse_amount(bigint, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.refuse_amount(p_amount bigint, p_column text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
        MESSAGE = format('%s: more than 1000000000000000 minor units, the most an amount may be', p_column);
END
$$;

-- Name: refuse_change(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = format('%s is append-only: %s', TG_TABLE_NAME, TG_ARGV[0]);
END
$$;

-- Name: refuse_key_change(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.refuse_key_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
        MESSAGE = format('%s keeps its rows and their keys: %s', TG_TABLE_NAME, TG_ARGV[0]);
END
$$;

-- Name: refuse_text(text, text, integer, boolean); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.refuse_text(p_value text, p_column text, p_max integer, p_multiline boolean) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_at integer;
    v_char text;
BEGIN
    IF p_max IS NOT NULL AND length(p_value) > p_max THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
            MESSAGE = format('%s: longer than %s characters', p_column, p_max);
    END IF;
    v_at := (SELECT min(o.n) FROM regexp_split_to_table(p_value, '') WITH ORDINALITY AS o(c, n)
              WHERE o.c ~ CASE WHEN p_multiline THEN '[\x01-\x08\x0b-\x1f\x7f-\x9f]' ELSE '[\x01-\x1f\x7f-\x9f]' END);
    v_char := substr(p_value, v_at, 1);
    RAISE EXCEPTION USING ERRCODE = 'check_violation', COLUMN = p_column,
        MESSAGE = format('%s: control character U+%s at character %s is not allowed%s', p_column,
                         upper(lpad(to_hex(ascii(v_char)), 4, '0')), v_at,
                         CASE WHEN p_multiline THEN ' (only newlines and tabs are)' ELSE '' END);
END
$$;

-- Name: remittance_prepare(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.remittance_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_original record;
    v_reversal bigint;
    -- Remittances are named as people see them: the client's code and the remittance's number
    -- among the client's (counted, never stored: remittances are never deleted), not the
    -- agency-wide id (issue 14, item 10).
    v_code text := (SELECT t.code FROM cobranza.tenant t WHERE t.id = NEW.tenant_id);
BEGIN
    NEW.external_ref := btrim(NEW.external_ref);
    IF NEW.reverses_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.reason IS NULL OR btrim(NEW.reason) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'remittance_reason_check', COLUMN = 'reason',
            MESSAGE = 'reason: a remittance is reversed with a reason';
    END IF;
    SELECT r.* INTO v_original FROM cobranza.remittance r WHERE r.tenant_id = NEW.tenant_id AND r.id = NEW.reverses_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'remittance_reverses_fkey',
            MESSAGE = 'the remittance to reverse does not exist for this client';
    END IF;
    IF v_original.reverses_id IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'remittance_reversal_check',
            MESSAGE = format('remittance %s-%s is itself a reversal and cannot be reversed', v_code, (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = NEW.tenant_id AND q.id <= v_original.id));
    END IF;
    SELECT r.id INTO v_reversal FROM cobranza.remittance r WHERE r.tenant_id = NEW.tenant_id AND r.reverses_id = v_original.id;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'remittance_reverses_once_key',
            MESSAGE = format('remittance %s-%s is already reversed (by remittance %s-%s)', v_code, (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = NEW.tenant_id AND q.id <= v_original.id),
                             v_code, (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = NEW.tenant_id AND q.id <= v_reversal));
    END IF;
    IF NEW.paid_on < v_original.paid_on OR NEW.paid_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'remittance_paid_on_check', COLUMN = 'paid_on',
            MESSAGE = format('paid_on: a reversal falls between its remittance (%s) and today', v_original.paid_on);
    END IF;
    NEW.amount := -v_original.amount;
    NEW.currency := v_original.currency;
    NEW.external_ref := NULL;
    RETURN NEW;
END
$$;

-- Name: reserve_fee_numbers(text, date, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.reserve_fee_numbers(p_series text, p_on date, p_count integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: reverse_payment(text, integer, text, date); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.reverse_payment(p_case text, p_number integer, p_reason text, p_on date, OUT reversal_id bigint, OUT credit_note text) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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

-- Name: rfc_check_digit(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.rfc_check_digit(p_body text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    v_alphabet constant text := '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';
    v_padded text := CASE WHEN length(p_body) = 11 THEN ' ' || p_body ELSE p_body END;
    v_sum integer := 0;
BEGIN
    FOR i IN 1..12 LOOP
        v_sum := v_sum + greatest(strpos(v_alphabet, substr(v_padded, i, 1)) - 1, 0) * (14 - i);
    END LOOP;
    RETURN CASE v_sum % 11 WHEN 0 THEN '0' WHEN 1 THEN 'A' ELSE (11 - v_sum % 11)::text END;
END
$$;

-- Name: rut_check_digit(text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.rut_check_digit(p_body text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    v_sum integer := 0;
    v_weight integer := 2;
BEGIN
    FOR i IN REVERSE length(p_body)..1 LOOP
        v_sum := v_sum + substr(p_body, i, 1)::integer * v_weight;
        v_weight := CASE WHEN v_weight = 7 THEN 2 ELSE v_weight + 1 END;
    END LOOP;
    RETURN CASE 11 - v_sum % 11 WHEN 11 THEN '0' WHEN 10 THEN 'K' ELSE (11 - v_sum % 11)::text END;
END
$$;

-- Name: set_connection_limit(text, integer); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.set_connection_limit(p_name text, p_limit integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins can change connection limits';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cobranza.person p WHERE p.role_name = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user "%s" does not exist', cobranza.quote_for_message(p_name));
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', COLUMN = 'connections',
            MESSAGE = format('connections: %s is not between 1 and 100', coalesce(p_limit::text, 'nothing'));
    END IF;
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', p_name, p_limit);
END
$$;

-- Name: set_password(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.set_password(p_name text, p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $_$
DECLARE
    v_name text := coalesce(p_name, session_user);
BEGIN
    IF v_name = session_user THEN
        IF (SELECT cobranza.current_kind()) IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = 'only cobranza users change their password here';
        END IF;
    ELSIF NOT cobranza.caller_is_admin() THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only agency admins can set another user''s password';
    ELSIF NOT EXISTS (SELECT 1 FROM cobranza.person p WHERE p.role_name = v_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('user "%s" does not exist', cobranza.quote_for_message(v_name));
    END IF;
    IF p_verifier IS NULL
       OR p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', COLUMN = 'password',
            MESSAGE = 'password: must be sent as a SCRAM-SHA-256 verifier computed by the client, never in clear or as an MD5 hash';
    END IF;
    BEGIN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', v_name, p_verifier);
    EXCEPTION WHEN OTHERS THEN
        -- re-raised without the CONTEXT that would quote the statement
        RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;
END
$_$;

-- Name: strategy_case_step_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.strategy_case_step_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_on date;
BEGIN
    SELECT n.on_date INTO v_on FROM new_rows n WHERE n.on_date > cobranza.today() LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_case_step_on_date_check', COLUMN = 'on_date',
            MESSAGE = format('on_date: %s is in the future', v_on);
    END IF;
    RETURN NULL;
END
$$;

-- Name: strategy_run(date, bigint); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint) RETURNS TABLE(tenant_id bigint, case_id bigint, step_id bigint, action text, letter_level smallint, client_visible boolean, decision text, reason text)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    SET work_mem TO '64MB'
    SET jit TO 'off'
    SET default_statistics_target TO '10'
    SET enable_nestloop TO 'off'
    AS $$
#variable_conflict use_column
DECLARE
    v_kind text := cobranza.current_kind();
    v_assignee name;
    v_moment timestamptz;
BEGIN
    IF v_kind IS NULL OR v_kind NOT IN ('admin', 'collector') THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'only admins and collectors run strategies';
    END IF;
    IF p_on IS NULL OR p_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_run_date_check', COLUMN = 'run_on',
            MESSAGE = format('run_on: %s is after today (%s)', p_on, cobranza.today());
    END IF;
    IF v_kind = 'collector' THEN
        IF p_tenant IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = 'a collector runs one client''s strategy (--client) over the cases assigned to them; only admins run every client';
        END IF;
        v_assignee := session_user;
    END IF;
    -- The moment every contact of the run is weighed at: now, or noon (Santiago) of a past day.
    v_moment := CASE WHEN p_on = cobranza.today() THEN cobranza.now()
                     ELSE (p_on + time '12:00') AT TIME ZONE 'America/Santiago' END;

    DROP TABLE IF EXISTS pg_temp.strategy_scope;
    DROP TABLE IF EXISTS pg_temp.strategy_weighed;
    DROP TABLE IF EXISTS pg_temp.strategy_plan;

    -- Every open case in scope with a ladder, and where it stands on it.
    CREATE TEMP TABLE strategy_scope ON COMMIT DROP AS
    SELECT c.tenant_id, c.id AS case_id, c.number, c.debtor_id, c.stage, c.posted, c.assigned_to, c.opened_on, c.currency,
           coalesce(cs.strategy_id, dflt.id) AS strategy_id,
           inv.base_due, r.last_day, r.last_done_day, r.last_done_on, coalesce(r.done_today, false) AS done_today,
           coalesce(r.done_steps, '{}') AS done_steps
      FROM cobranza.collection_case c
      LEFT JOIN cobranza.client_strategy cs ON cs.tenant_id = c.tenant_id
      LEFT JOIN cobranza.strategy dflt ON dflt.is_default
      LEFT JOIN (SELECT i.tenant_id, i.case_id, min(i.due) AS base_due FROM cobranza.invoice i
                  WHERE i.case_id IS NOT NULL AND i.cancel_reason IS NULL AND (p_tenant IS NULL OR i.tenant_id = p_tenant)
                  GROUP BY i.tenant_id, i.case_id) inv ON inv.tenant_id = c.tenant_id AND inv.case_id = c.id
      LEFT JOIN (SELECT d.tenant_id, d.case_id, max(s.day) AS last_day,
                        (array_agg(s.day ORDER BY d.on_date DESC, s.day DESC) FILTER (WHERE d.outcome <> 'skipped'))[1] AS last_done_day,
                        max(d.on_date) FILTER (WHERE d.outcome <> 'skipped') AS last_done_on,
                        bool_or(d.on_date = p_on AND d.outcome <> 'skipped') AS done_today, array_agg(d.step_id) AS done_steps
                   FROM cobranza.strategy_case_step d
                   JOIN cobranza.strategy_step s ON s.id = d.step_id
                  WHERE p_tenant IS NULL OR d.tenant_id = p_tenant
                  GROUP BY d.tenant_id, d.case_id) r ON r.tenant_id = c.tenant_id AND r.case_id = c.id
     WHERE c.stage <> 'closed'
       AND (p_tenant IS NULL OR c.tenant_id = p_tenant)
       AND (v_assignee IS NULL OR c.assigned_to = v_assignee)
       AND coalesce(cs.strategy_id, dflt.id) IS NOT NULL;
    ANALYZE strategy_scope;

    -- Pre-due steps whose day has passed are skipped, "too late": a case placed after them starts
    -- at its first step after the due date.
    RETURN QUERY
    WITH late AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date, reason)
        SELECT sc.tenant_id, sc.case_id, s.id, 'skipped', p_on,
               format('too late: day %s before the due date %s has passed', s.day, sc.base_due)
          FROM strategy_scope sc
          JOIN cobranza.strategy_step s ON s.strategy_id = sc.strategy_id AND s.removed_at IS NULL
         WHERE s.day < 0 AND sc.base_due + s.day < p_on AND s.day >= coalesce(sc.last_day, s.day)
           AND s.id <> ALL (sc.done_steps)
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id, d.outcome, d.reason)
    SELECT l.tenant_id, l.case_id, l.step_id, s.action, s.letter_level, s.client_visible, l.outcome, l.reason
      FROM late l JOIN cobranza.strategy_step s ON s.id = l.step_id;

    -- Each case's next step (the first of its ladder not yet resolved, never one before the last
    -- it resolved), due on the later of its own day and the last step done plus the gap between
    -- their days, what would stop it, and where a message would go.
    CREATE TEMP TABLE strategy_weighed ON COMMIT DROP AS
    WITH first AS (
        -- (only the keys sorted)
        SELECT DISTINCT ON (sc.tenant_id, sc.case_id) sc.tenant_id, sc.case_id, s.id AS step_id
          FROM strategy_scope sc
          JOIN cobranza.strategy_step s ON s.strategy_id = sc.strategy_id AND s.removed_at IS NULL
         WHERE NOT sc.done_today AND s.day >= coalesce(sc.last_day, s.day)
           -- not resolved: recorded before the run (every step recorded is in done_steps), or
           -- skipped as too late just above (the same condition)
           AND s.id <> ALL (sc.done_steps)
           AND NOT coalesce(s.day < 0 AND sc.base_due + s.day < p_on, false)
         ORDER BY sc.tenant_id, sc.case_id, s.day, s.id),
    next AS (
        SELECT sc.*, s.id AS step_id, s.action, s.letter_level, s.client_visible, s.day,
               greatest(CASE s.from_point WHEN 'due' THEN sc.base_due ELSE sc.opened_on END + s.day,
                        sc.last_done_on + (s.day - sc.last_done_day)) AS due_on
          FROM first f
          JOIN strategy_scope sc ON sc.tenant_id = f.tenant_id AND sc.case_id = f.case_id
          JOIN cobranza.strategy_step s ON s.id = f.step_id),
    refused AS (
        SELECT o.tenant_id, o.debtor_id, bool_or(o.channel = 'email') AS email, bool_or(o.channel = 'sms') AS sms,
               bool_or(o.channel = 'whatsapp') AS whatsapp
          FROM cobranza.debtor_opt_out o
         GROUP BY o.tenant_id, o.debtor_id),
    reached AS (
        SELECT n.*, deb.country, deb.tax_id, deb.email,
               -- a phone as providers take it (+56955551234); one that can't be is no phone
               CASE WHEN n.action IN ('sms', 'whatsapp', 'reminder') THEN cobranza.phone_e164(deb.phone) END AS phone, coalesce(oo.email, false) AS no_email, coalesce(oo.sms, false) AS no_sms,
               coalesce(oo.whatsapp, false) AS no_whatsapp,
               -- The debtor's own clock, for a deferral's moment (debtor_time_zone: 0055).
               cobranza.debtor_time_zone(deb.country, deb.time_zone) AS zone,
               h.until AS hold_until, h.reason AS hold_reason, p.deadline AS promise_deadline,
               dis.case_id IS NOT NULL AS disputed, agr.case_id IS NOT NULL AS agreed
          FROM next n
          JOIN cobranza.debtor deb ON deb.tenant_id = n.tenant_id AND deb.id = n.debtor_id
          LEFT JOIN refused oo ON oo.tenant_id = n.tenant_id AND oo.debtor_id = n.debtor_id
          LEFT JOIN (SELECT DISTINCT ON (h.tenant_id, h.case_id) h.tenant_id, h.case_id, h.until, h.reason
                       FROM cobranza.case_hold h
                      WHERE h.released_on IS NULL AND h.placed_on <= p_on AND h.until >= p_on
                      ORDER BY h.tenant_id, h.case_id, h.until DESC) h ON h.tenant_id = n.tenant_id AND h.case_id = n.case_id
          -- (a pending promise's deadline is not past: only those are weighed for their payments)
          LEFT JOIN (SELECT ps.tenant_id, ps.case_id, max(ps.deadline) AS deadline FROM cobranza.promise_status ps
                      WHERE ps.status = 'pending' AND ps.deadline >= cobranza.today()
                      GROUP BY ps.tenant_id, ps.case_id) p ON p.tenant_id = n.tenant_id AND p.case_id = n.case_id
          LEFT JOIN (SELECT DISTINCT x.tenant_id, x.case_id FROM cobranza.dispute x WHERE x.outcome IS NULL) dis
                 ON dis.tenant_id = n.tenant_id AND dis.case_id = n.case_id
          LEFT JOIN (SELECT DISTINCT a.tenant_id, a.case_id FROM cobranza.agreement_status a WHERE a.status = 'active') agr
                 ON agr.tenant_id = n.tenant_id AND agr.case_id = n.case_id
         WHERE n.due_on <= p_on)
    SELECT row_number() OVER () AS n, r.tenant_id, r.case_id, r.number, r.debtor_id, r.country, r.tax_id, r.assigned_to, r.currency, r.step_id,
           r.action, r.letter_level, r.client_visible, r.day, r.due_on, r.zone,
           CASE
             WHEN r.hold_until IS NOT NULL THEN format('on hold until %s: %s', r.hold_until, r.hold_reason)
             WHEN r.action = 'referral-review' AND r.stage = 'judicial' THEN NULL
             WHEN r.stage = 'judicial' THEN 'the case is judicial: extrajudicial steps wait'
             WHEN r.disputed THEN 'open dispute'
             WHEN r.promise_deadline IS NOT NULL THEN format('promise pending until %s', r.promise_deadline)
             WHEN r.agreed THEN 'payment agreement in force'
             WHEN r.posted AND r.action <> 'referral-review' THEN 'the case is posted: extrajudicial steps wait'
           END AS pause,
           CASE WHEN r.action = 'referral-review' AND r.stage = 'judicial' THEN 'the case is already judicial' END AS skip,
           -- A reminder goes by email, else SMS, through a channel the debtor has not refused.
           CASE r.action WHEN 'email' THEN 'email' WHEN 'sms' THEN 'sms' WHEN 'whatsapp' THEN 'whatsapp'
                         WHEN 'reminder' THEN CASE WHEN r.email IS NOT NULL AND NOT r.no_email THEN 'email'
                                                   WHEN r.phone IS NOT NULL AND NOT r.no_sms THEN 'sms'
                                                   WHEN r.email IS NOT NULL THEN 'email' ELSE 'sms' END END AS channel,
           CASE r.action WHEN 'email' THEN r.email WHEN 'sms' THEN r.phone WHEN 'whatsapp' THEN r.phone
                         WHEN 'reminder' THEN CASE WHEN r.email IS NOT NULL AND NOT r.no_email THEN r.email
                                                   WHEN r.phone IS NOT NULL AND NOT r.no_sms THEN r.phone
                                                   ELSE coalesce(r.email, r.phone) END END AS address,
           CASE r.action WHEN 'email' THEN CASE WHEN r.no_email THEN 'email' END
                         WHEN 'sms' THEN CASE WHEN r.no_sms THEN 'SMS' END
                         WHEN 'whatsapp' THEN CASE WHEN r.no_whatsapp THEN 'WhatsApp' END
                         WHEN 'reminder' THEN CASE WHEN (r.email IS NULL OR r.no_email) AND (r.phone IS NULL OR r.no_sms)
                                                        AND (r.email IS NOT NULL OR r.phone IS NOT NULL)
                                                   THEN concat_ws(' and ', CASE WHEN r.email IS NOT NULL THEN 'email' END,
                                                                           CASE WHEN r.phone IS NOT NULL THEN 'SMS' END) END
           END AS opted_out
      FROM reached r;
    ANALYZE strategy_weighed;

    -- What the contact rules say of each contact at the run's moment (a message by its channel,
    -- as the worker will write it), set-wise; then what the run decides. One contact per debtor
    -- per run: the rules count a debtor's contacts by tax id across every case and client, and
    -- each case here is weighed against the contacts made before this run only (a queued message
    -- is not a contact until it is sent). The first case of a debtor goes ahead; the others wait
    -- for the next run.
    CREATE TEMP TABLE strategy_plan ON COMMIT DROP AS
    WITH asked AS (
        SELECT w.n, w.tenant_id, w.case_id, coalesce(w.channel, w.action) AS kind
          FROM strategy_weighed w
         WHERE w.skip IS NULL AND w.pause IS NULL AND w.opted_out IS NULL
           AND (w.channel IS NULL OR w.address IS NOT NULL)
           AND w.action IN ('reminder', 'email', 'sms', 'whatsapp', 'call', 'visit', 'letter')),
    checked AS (
        SELECT k.key, k.rule, k.allowed_at
          FROM (SELECT array_agg(a.n) AS keys, array_agg(a.tenant_id) AS tenants, array_agg(a.case_id) AS cases,
                       array_agg(a.kind) AS kinds, array_agg(v_moment) AS moments FROM asked a) x
         CROSS JOIN LATERAL cobranza.contact_checks(x.keys, x.tenants, x.cases, x.kinds, x.moments) k
         WHERE k.rule IS NOT NULL)
    SELECT d.tenant_id, d.case_id, d.number, d.debtor_id, d.assigned_to, d.currency, d.step_id, d.action, d.letter_level,
           d.client_visible, d.day, d.due_on, d.channel, d.address, d.rule, d.allowed_at,
           CASE WHEN d.contact AND d.nth > 1 THEN 'deferred' ELSE d.decision0 END AS decision,
           CASE WHEN d.contact AND d.nth > 1 THEN 'another contact to the same debtor in this run: weighed again at the next run'
                ELSE d.reason0 END AS reason
      FROM (SELECT p.*, p.decision0 IN ('done', 'letter') AS contact,
                   row_number() OVER (PARTITION BY p.country, p.tax_id, p.decision0 IN ('done', 'letter')
                                      ORDER BY p.tenant_id, p.case_id) AS nth
              FROM (
    SELECT w.tenant_id, w.case_id, w.number, w.debtor_id, w.country, w.tax_id, w.assigned_to, w.currency, w.step_id, w.action,
           w.letter_level, w.client_visible, w.day, w.due_on, w.channel, w.address, k.rule, k.allowed_at,
           CASE WHEN w.skip IS NOT NULL THEN 'skipped'
                WHEN w.pause IS NOT NULL THEN 'paused'
                WHEN w.channel IS NOT NULL AND w.address IS NULL THEN 'skipped'
                WHEN w.opted_out IS NOT NULL THEN 'paused'
                WHEN k.rule IS NOT NULL AND k.allowed_at IS NOT NULL THEN 'deferred'
                WHEN k.rule IS NOT NULL THEN 'paused'
                WHEN w.action IN ('call', 'visit', 'referral-review') THEN 'task'
                WHEN w.action IN ('letter', 'posting-notice') THEN w.action
                ELSE 'done' END AS decision0,
           CASE WHEN w.skip IS NOT NULL THEN w.skip
                WHEN w.pause IS NOT NULL THEN w.pause
                WHEN w.channel IS NOT NULL AND w.address IS NULL
                     THEN format('no address: the debtor has no %s', CASE WHEN w.channel = 'email' AND w.action = 'email' THEN 'email'
                                                                        WHEN w.action = 'reminder' THEN 'email or phone' ELSE 'phone' END)
                WHEN w.opted_out IS NOT NULL THEN format('opted out of %s', w.opted_out)
                WHEN k.rule IS NOT NULL AND k.allowed_at IS NOT NULL
                     THEN format('deferred by rule %s until %s', k.rule, cobranza.local_moment(k.allowed_at, w.zone))
                WHEN k.rule IS NOT NULL THEN format('refused by rule %s: the assignee obtains the debtor''s authorisation', k.rule)
                WHEN w.due_on < p_on THEN format('day %s, due %s (caught up)', w.day, w.due_on)
                ELSE format('day %s, due %s', w.day, w.due_on) END AS reason0
      FROM strategy_weighed w
      LEFT JOIN checked k ON k.key = w.n) p) d;
    ANALYZE strategy_plan;

    -- Skipped (no address, already judicial): resolved, so the ladder moves on.
    RETURN QUERY
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'skipped', p_on, pl.reason FROM strategy_plan pl WHERE pl.decision = 'skipped'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id, d.outcome, d.reason)
    SELECT r.tenant_id, r.case_id, r.step_id, pl.action, pl.letter_level, pl.client_visible, r.outcome, r.reason
      FROM resolved r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id;

    -- Messages: the steps recorded first, then a message queued for each step this run recorded
    -- (a run at the same moment that recorded one first queued its message), with its text:
    -- the amount owed (case_outstanding) and the invoices, summed for all the cases at once.
    DROP TABLE IF EXISTS pg_temp.strategy_done;
    CREATE TEMP TABLE strategy_done (tenant_id bigint, case_id bigint, step_id bigint, outcome text, reason text) ON COMMIT DROP;
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'done', p_on, pl.reason || format(': %s queued to %s', pl.channel, pl.address)
          FROM strategy_plan pl WHERE pl.decision = 'done'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id, d.outcome, d.reason)
    INSERT INTO strategy_done SELECT r.tenant_id, r.case_id, r.step_id, r.outcome, r.reason FROM resolved r;
    ANALYZE strategy_done;

    INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, step_id, channel, address, subject, body,
                                           idempotency_key, client_visible)
    SELECT o.tenant_id, o.case_id, o.debtor_id, o.step_id, o.channel, o.address,
           format('%s: caso %s', CASE WHEN o.action = 'reminder' THEN 'Recordatorio de pago' ELSE 'Aviso de deuda vencida' END, o.number),
           CASE WHEN o.channel = 'email'
                THEN format(E'Estimado(a) %s:\n\nLe recordamos que mantiene una deuda de %s con %s, por las facturas %s.\n\n'
                             'Si ya pagó, le rogamos no considerar este mensaje. Para acordar el pago, responda a este correo '
                             'indicando el caso %s.' || E'\n\nSi no desea recibir más correos de cobranza, responda BAJA.',
                             o.debtor_name, o.owed, o.legal_name, o.invoices, o.number)
                ELSE format('%s: le recordamos su deuda de %s con %s (facturas %s). Caso %s. Responda BAJA para no recibir más mensajes.',
                            o.debtor_name, o.owed, o.legal_name, o.invoices, o.number) END,
           format('strategy-%s-%s-%s', o.tenant_id, o.case_id, o.step_id),
           o.client_visible
      FROM (SELECT pl.tenant_id, pl.case_id, pl.debtor_id, pl.step_id, pl.channel, pl.address, pl.action, pl.number, pl.client_visible,
                   deb.name AS debtor_name, t.legal_name, inv.invoices,
                   cobranza.money_text((coalesce(inv.invoiced, 0) + coalesce(cost.borne, 0) - coalesce(pay.paid, 0))::bigint,
                                       pl.currency, coalesce(cur.exponent, 0)) AS owed
              FROM strategy_done r
              JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id
              JOIN cobranza.debtor deb ON deb.tenant_id = pl.tenant_id AND deb.id = pl.debtor_id
              JOIN cobranza.tenant t ON t.id = pl.tenant_id
              LEFT JOIN cobranza.currency cur ON cur.code = pl.currency
              LEFT JOIN (SELECT i.tenant_id, i.case_id, sum(i.amount) AS invoiced,
                                string_agg(format('%s (%s el %s)', i.number, CASE WHEN i.due > p_on THEN 'vence' ELSE 'vencida' END,
                                                  to_char(i.due, 'DD-MM-YYYY')), ', ' ORDER BY i.due, i.number)
                                    FILTER (WHERE i.cancel_reason IS NULL) AS invoices
                           FROM cobranza.invoice i JOIN strategy_done d ON d.tenant_id = i.tenant_id AND d.case_id = i.case_id
                          GROUP BY i.tenant_id, i.case_id) inv ON inv.tenant_id = pl.tenant_id AND inv.case_id = pl.case_id
              LEFT JOIN (SELECT p.tenant_id, p.case_id, sum(p.amount) AS paid
                           FROM cobranza.payment p JOIN strategy_done d ON d.tenant_id = p.tenant_id AND d.case_id = p.case_id
                          GROUP BY p.tenant_id, p.case_id) pay ON pay.tenant_id = pl.tenant_id AND pay.case_id = pl.case_id
              LEFT JOIN (SELECT k.tenant_id, k.case_id, sum(k.amount) AS borne
                           FROM cobranza.court_cost k JOIN strategy_done d ON d.tenant_id = k.tenant_id AND d.case_id = k.case_id
                          WHERE k.borne_by = 'debtor'
                          GROUP BY k.tenant_id, k.case_id) cost ON cost.tenant_id = pl.tenant_id AND cost.case_id = pl.case_id) o
     -- numbered in the order of the cases, whatever the plan
     ORDER BY o.tenant_id, o.case_id;

    RETURN QUERY
    SELECT r.tenant_id, r.case_id, r.step_id, pl.action, pl.letter_level, pl.client_visible, r.outcome, r.reason
      FROM strategy_done r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id;

    -- Tasks for the assignee's agenda, due on the step's own due date.
    RETURN QUERY
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'task', p_on,
               format('%s for %s: %s', pl.action, coalesce(pl.assigned_to::text, 'nobody (the case is unassigned)'), pl.reason)
          FROM strategy_plan pl WHERE pl.decision = 'task'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id, d.outcome, d.reason),
    tasks AS (
        INSERT INTO cobranza.case_task (tenant_id, case_id, kind, due, assignee, step_id, note)
        SELECT pl.tenant_id, pl.case_id, pl.action, pl.due_on, pl.assigned_to, pl.step_id, 'strategy: ' || pl.reason
          FROM resolved r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id
        RETURNING 1)
    SELECT r.tenant_id, r.case_id, r.step_id, pl.action, pl.letter_level, pl.client_visible, r.outcome, r.reason
      FROM resolved r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id;

    -- A channel refused outright: one task to obtain the debtor's authorisation, then wait.
    INSERT INTO cobranza.case_task (tenant_id, case_id, kind, due, assignee, step_id, note)
    SELECT pl.tenant_id, pl.case_id, 'authorisation', p_on, pl.assigned_to, pl.step_id,
           format('obtain contact authorisation (%s refused by rule %s)', pl.action, pl.rule)
      FROM strategy_plan pl WHERE pl.decision = 'paused' AND pl.rule IS NOT NULL
    ON CONFLICT (tenant_id, case_id) WHERE kind = 'authorisation' AND done_on IS NULL DO NOTHING;

    -- Paused and deferred: logged (once a day for the same reason, so a second run the same day
    -- does nothing), and weighed again at the next run.
    RETURN QUERY
    WITH logged AS (
        INSERT INTO cobranza.strategy_decision AS g (tenant_id, case_id, step_id, run_on, decision, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, p_on, pl.decision, pl.reason
          FROM strategy_plan pl WHERE pl.decision IN ('paused', 'deferred')
           AND NOT EXISTS (SELECT 1 FROM cobranza.strategy_decision x
                            WHERE x.tenant_id = pl.tenant_id AND x.case_id = pl.case_id AND x.step_id = pl.step_id
                              AND x.run_on = p_on AND x.decision = pl.decision AND x.reason = pl.reason)
        RETURNING g.tenant_id, g.case_id, g.step_id, g.decision, g.reason)
    SELECT g.tenant_id, g.case_id, g.step_id, pl.action, pl.letter_level, pl.client_visible, g.decision, g.reason
      FROM logged g JOIN strategy_plan pl ON pl.tenant_id = g.tenant_id AND pl.case_id = g.case_id;

    -- Letters and posting notices: the caller renders and records them (strategy_step_done).
    RETURN QUERY
    SELECT pl.tenant_id, pl.case_id, pl.step_id, pl.action, pl.letter_level, pl.client_visible, pl.decision, pl.reason
      FROM strategy_plan pl WHERE pl.decision IN ('letter', 'posting-notice')
     ORDER BY pl.tenant_id, pl.case_id;
END
$$;

-- Name: strategy_step_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.strategy_step_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_conflict record;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL
           OR (NEW.strategy_id, NEW.day, NEW.action, NEW.letter_level, NEW.from_point, NEW.client_visible, NEW.added_at, NEW.added_by)
              IS DISTINCT FROM (OLD.strategy_id, OLD.day, OLD.action, OLD.letter_level, OLD.from_point, OLD.client_visible, OLD.added_at, OLD.added_by) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_step_removed_check',
                MESSAGE = 'a strategy step is never edited: remove it and add another (cases keep the steps they did)';
        END IF;
        NEW.removed_at := now();
        NEW.removed_by := session_user;
        IF OLD.action = 'letter' THEN
            SELECT s.letter_level, s.day INTO v_conflict FROM cobranza.strategy_step s
             WHERE s.strategy_id = OLD.strategy_id AND s.removed_at IS NULL AND s.action = 'letter' AND s.letter_level > OLD.letter_level
             ORDER BY s.letter_level LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_step_letter_order_check',
                    MESSAGE = format('the level %s letter (day %s) needs this level %s letter before it: remove it first',
                                     v_conflict.letter_level, v_conflict.day, OLD.letter_level);
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    NEW.removed_at := NULL;
    NEW.removed_by := NULL;
    NEW.added_at := now();
    NEW.added_by := session_user;
    IF NEW.action = 'letter' THEN
        PERFORM 1 FROM cobranza.strategy_step s
          WHERE s.strategy_id = NEW.strategy_id AND s.removed_at IS NULL AND s.action = 'letter'
            AND (s.letter_level >= NEW.letter_level OR s.day >= NEW.day);
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_step_letter_order_check', COLUMN = 'letter_level',
                MESSAGE = format('letter_level: the ladder''s letters go 1, 2, 3, each on a later day: a level %s letter on day %s comes after every letter already in it',
                                 NEW.letter_level, NEW.day);
        END IF;
        IF NEW.letter_level > 1 AND NOT EXISTS (
            SELECT 1 FROM cobranza.strategy_step s
             WHERE s.strategy_id = NEW.strategy_id AND s.removed_at IS NULL AND s.action = 'letter'
               AND s.letter_level = NEW.letter_level - 1) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'strategy_step_letter_order_check', COLUMN = 'letter_level',
                MESSAGE = format('letter_level: a level %s letter needs a level %s letter earlier in the ladder',
                                 NEW.letter_level, NEW.letter_level - 1);
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Name: strategy_step_lock(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.strategy_step_lock() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    PERFORM 1 FROM cobranza.strategy s WHERE s.id = NEW.strategy_id FOR UPDATE;
    RETURN NEW;
END
$$;

-- Name: submission_accepted_undisputed(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_accepted_undisputed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_number text;
BEGIN
    SELECT c.number INTO v_number FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id AND c.disputed;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_case_undisputed_check',
            MESSAGE = format('case %s is disputed: its debtor''s new submission waits until the dispute is resolved', v_number);
    END IF;
    RETURN NEW;
END
$$;

-- Name: submission_key_violation(text, text, text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_key_violation(p_constraint text, p_columns text, p_values text, p_table text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = p_constraint,
        TABLE = 'submission', SCHEMA = 'cobranza',
        MESSAGE = format('insert or update on table "submission" violates foreign key constraint "%s"', p_constraint),
        DETAIL = format('Key (%s)=(%s) is not present in table "%s".', p_columns, p_values, p_table);
END
$$;

-- Name: submission_keys_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_keys_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v        record;
    v_keys   bigint;
    v_locked bigint;
BEGIN
    -- Debtors are kept (0106): found is enough.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, debtor_id FROM new_rows)
    SELECT (SELECT count(*) FROM keys),
           (SELECT count(*) FROM cobranza.debtor d JOIN keys n ON d.tenant_id = n.tenant_id AND d.id = n.debtor_id)
      INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.debtor_id INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.debtor d WHERE d.tenant_id = n.tenant_id AND d.id = n.debtor_id)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_debtor_fkey', 'tenant_id, debtor_id',
                                                      format('%s, %s', v.tenant_id, v.debtor_id), 'debtor');
        END IF;
    END IF;

    WITH keys AS MATERIALIZED (SELECT DISTINCT currency FROM new_rows),
    locked AS (SELECT 1 FROM cobranza.currency c JOIN keys n ON c.code = n.currency FOR KEY SHARE OF c)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.currency INTO v FROM new_rows n
         WHERE NOT EXISTS (SELECT 1 FROM cobranza.currency c WHERE c.code = n.currency)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_currency_fkey', 'currency', v.currency::text, 'currency');
        END IF;
    END IF;

    -- MATCH SIMPLE: a submission of no batch (`submit invoice`) has nothing to check.
    WITH keys AS MATERIALIZED (SELECT DISTINCT tenant_id, batch_id FROM new_rows WHERE batch_id IS NOT NULL),
    locked AS (SELECT 1 FROM cobranza.import_batch b JOIN keys n ON b.tenant_id = n.tenant_id AND b.id = n.batch_id
                  FOR KEY SHARE OF b)
    SELECT (SELECT count(*) FROM keys), (SELECT count(*) FROM locked) INTO v_keys, v_locked;
    IF v_locked <> v_keys THEN
        SELECT n.tenant_id, n.batch_id INTO v FROM new_rows n
         WHERE n.batch_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM cobranza.import_batch b WHERE b.tenant_id = n.tenant_id AND b.id = n.batch_id)
         LIMIT 1;
        IF FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_batch_fkey', 'tenant_id, batch_id',
                                                      format('%s, %s', v.tenant_id, v.batch_id), 'import_batch');
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Name: submission_keys_row_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_keys_row_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF (OLD.tenant_id, OLD.debtor_id) IS DISTINCT FROM (NEW.tenant_id, NEW.debtor_id) THEN
        PERFORM 1 FROM cobranza.debtor d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.debtor_id;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_debtor_fkey', 'tenant_id, debtor_id',
                                                      format('%s, %s', NEW.tenant_id, NEW.debtor_id), 'debtor');
        END IF;
    END IF;
    IF OLD.currency IS DISTINCT FROM NEW.currency THEN
        PERFORM 1 FROM cobranza.currency c WHERE c.code = NEW.currency FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_currency_fkey', 'currency', NEW.currency::text, 'currency');
        END IF;
    END IF;
    IF NEW.batch_id IS NOT NULL AND (OLD.tenant_id, OLD.batch_id) IS DISTINCT FROM (NEW.tenant_id, NEW.batch_id) THEN
        PERFORM 1 FROM cobranza.import_batch b WHERE b.tenant_id = NEW.tenant_id AND b.id = NEW.batch_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM cobranza.submission_key_violation('submission_batch_fkey', 'tenant_id, batch_id',
                                                      format('%s, %s', NEW.tenant_id, NEW.batch_id), 'import_batch');
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Name: submission_parent_referenced_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_parent_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
DECLARE
    v_constraint text := CASE TG_TABLE_NAME WHEN 'debtor' THEN 'submission_debtor_fkey'
                                            WHEN 'currency' THEN 'submission_currency_fkey'
                                            ELSE 'submission_batch_fkey' END;
    v_key text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = format('Table "submission" references "%s" (%s).', TG_TABLE_NAME, v_constraint);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'debtor' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.tenant_id = OLD.tenant_id AND s.debtor_id = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'currency' THEN
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.currency = OLD.code) THEN
            v_key := format('Key (code)=(%s)', OLD.code);
        END IF;
    ELSE
        IF EXISTS (SELECT 1 FROM cobranza.submission s WHERE s.tenant_id = OLD.tenant_id AND s.batch_id = OLD.id) THEN
            v_key := format('Key (tenant_id, id)=(%s, %s)', OLD.tenant_id, OLD.id);
        END IF;
    END IF;
    IF v_key IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = v_constraint,
            TABLE = TG_TABLE_NAME, SCHEMA = 'cobranza',
            MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "submission"',
                             TG_TABLE_NAME, v_constraint),
            DETAIL = v_key || ' is still referenced from table "submission".';
    END IF;
    RETURN NULL;
END
$$;

-- Name: submission_reviewed(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.submission_reviewed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        IF (NEW.status, NEW.case_id, NEW.reject_reason, NEW.reviewed_by, NEW.reviewed_at)
           IS DISTINCT FROM (OLD.status, OLD.case_id, OLD.reject_reason, OLD.reviewed_by, OLD.reviewed_at) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                MESSAGE = format('submission %s was %s on %s: a review is not undone or changed', OLD.number, OLD.status,
                                 coalesce(OLD.reviewed_at::date::text, 'placement'));
        END IF;
        -- What the client sent stays as sent once reviewed (the owner may still correct it).
        IF (NEW.note, NEW.batch_id) IS DISTINCT FROM (OLD.note, OLD.batch_id) AND (SELECT cobranza.current_kind()) IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                COLUMN = CASE WHEN NEW.note IS DISTINCT FROM OLD.note THEN 'note' ELSE 'batch_id' END,
                MESSAGE = format('submission %s was %s on %s: what the client sent (its note and batch) is kept as it was', OLD.number,
                                 OLD.status, coalesce(OLD.reviewed_at::date::text, 'placement'));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'pending' THEN
        IF NEW.reviewed_by IS NOT NULL OR NEW.reviewed_at IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                MESSAGE = format('submission %s is pending: it has no reviewer or review date until it is accepted or rejected', OLD.number);
        END IF;
        RETURN NEW;
    END IF;
    NEW.reviewed_by := session_user;
    NEW.reviewed_at := now();
    RETURN NEW;
END
$$;

-- Name: tax_id_is_valid(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.tax_id_is_valid(p_country text, p_tax_id text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
DECLARE
    v_letters integer;
    v_year integer;
    v_month integer;
    v_day integer;
BEGIN
    IF p_country = 'CL' THEN
        RETURN p_tax_id ~ '^[1-9][0-9]{5,7}-[0-9K]$'
           AND right(p_tax_id, 1) = cobranza.rut_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'CO' THEN
        RETURN p_tax_id ~ '^[0-9]{5,15}-[0-9]$'
           AND right(p_tax_id, 1) = cobranza.nit_check_digit(split_part(p_tax_id, '-', 1));
    ELSIF p_country = 'MX' THEN
        -- Letters, YYMMDD, and the homoclave: 1-9 or A-V, 1-9 or A-Z, the check digit.
        IF p_tax_id !~ '^[A-Z&Ñ]{3,4}[0-9]{6}[1-9A-V][1-9A-Z][0-9A]$' THEN RETURN false; END IF;
        v_letters := length(p_tax_id) - 9;
        IF v_letters = 4 AND left(p_tax_id, 4) = ANY (ARRAY[
            'BUEI', 'BUEY', 'CACA', 'CACO', 'CAGA', 'CAGO', 'CAKA', 'CAKO', 'COGE', 'COJA', 'COJE', 'COJI', 'COJO', 'CULO',
            'FETO', 'GUEY', 'JOTO', 'KACA', 'KACO', 'KAGA', 'KAGO', 'KAKA', 'KOGE', 'KOJO', 'KULO', 'MAME', 'MAMO', 'MEAR',
            'MEAS', 'MEON', 'MION', 'MOCO', 'MULA', 'PEDA', 'PEDO', 'PENE', 'PUTA', 'PUTO', 'QULO', 'RATA', 'RUIN'])
        THEN
            RETURN false;
        END IF;
        v_year := substr(p_tax_id, v_letters + 1, 2)::integer;
        v_month := substr(p_tax_id, v_letters + 3, 2)::integer;
        v_day := substr(p_tax_id, v_letters + 5, 2)::integer;
        RETURN v_month BETWEEN 1 AND 12
           AND v_day BETWEEN 1 AND (CASE WHEN v_month = 2 THEN CASE WHEN v_year % 4 = 0 THEN 29 ELSE 28 END
                                         WHEN v_month IN (4, 6, 9, 11) THEN 30 ELSE 31 END)
           AND right(p_tax_id, 1) = cobranza.rfc_check_digit(left(p_tax_id, length(p_tax_id) - 1));
    END IF;
    RETURN false;
END
$_$;

-- Name: tenant_debtor_referenced_check(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.tenant_debtor_referenced_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM cobranza.debtor) THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = 'cannot truncate a table referenced in a foreign key constraint',
                DETAIL = 'Table "debtor" references "tenant" (debtor_tenant_country_fkey).';
        END IF;
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM cobranza.debtor d WHERE d.tenant_id = OLD.id AND d.country = OLD.country) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'debtor_tenant_country_fkey',
            TABLE = 'tenant', SCHEMA = 'cobranza',
            MESSAGE = 'update or delete on table "tenant" violates foreign key constraint "debtor_tenant_country_fkey" on table "debtor"',
            DETAIL = format('Key (id, country)=(%s, %s) is still referenced from table "debtor".', OLD.id, OLD.country);
    END IF;
    RETURN NULL;
END
$$;

-- Name: tenant_identity_fixed(); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.tenant_identity_fixed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
    AS $$
BEGIN
    IF (NEW.tax_id, NEW.currency) IS DISTINCT FROM (OLD.tax_id, OLD.currency)
       AND EXISTS (SELECT 1 FROM cobranza.collection_case c WHERE c.tenant_id = OLD.id) THEN
        IF NEW.tax_id IS DISTINCT FROM OLD.tax_id THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_tax_id_fixed_check', COLUMN = 'tax_id',
                MESSAGE = format('tax_id: client %s has cases: its tax id no longer changes', OLD.code);
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'tenant_currency_fixed_check', COLUMN = 'currency',
            MESSAGE = format('currency: client %s has cases: its currency no longer changes', OLD.code);
    END IF;
    RETURN NEW;
END
$$;

-- Name: void_fee_invoice(text, text); Type: FUNCTION; Schema: cobranza

CREATE FUNCTION cobranza.void_fee_invoice(p_number text, p_reason text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
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
            COLUMN = 'reason', MESSAGE = 'reason: required (it is printed on the credit note)';
    END IF;
    RETURN cobranza.issue_credit_note(v_invoice.tenant_id, v_invoice.id, NULL, v_invoice.vat_bp, v_invoice.currency, p_reason);
END
$$;

-- Name: agreement_cancellation; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.agreement_cancellation (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    agreement_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    owed bigint NOT NULL,
    total bigint NOT NULL,
    cancelled_on date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agreement_cancellation_amounts_check CHECK (((owed > 0) AND (total >= 0) AND (total <= owed)))
);

ALTER TABLE ONLY cobranza.agreement_cancellation FORCE ROW LEVEL SECURITY;

-- Name: agreement_cancellation_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.agreement_cancellation ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.agreement_cancellation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: instalment; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.instalment (
    tenant_id bigint NOT NULL,
    agreement_id bigint NOT NULL,
    sequence integer NOT NULL,
    due date NOT NULL,
    amount bigint NOT NULL,
    CONSTRAINT instalment_amount_check CHECK ((amount > 0)),
    CONSTRAINT instalment_sequence_check CHECK (((sequence >= 0) AND (sequence <= 120)))
);

ALTER TABLE ONLY cobranza.instalment FORCE ROW LEVEL SECURITY;

-- Name: payment; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.payment (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    paid_on date DEFAULT cobranza.today() NOT NULL,
    channel text DEFAULT 'agency'::text NOT NULL,
    method text DEFAULT 'transfer'::text NOT NULL,
    external_ref text,
    reverses_id bigint,
    reason text,
    stage text NOT NULL,
    contract_version integer NOT NULL,
    fee_bp integer NOT NULL,
    fee bigint NOT NULL,
    fee_note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    number integer NOT NULL,
    court_costs bigint DEFAULT 0 NOT NULL,
    CONSTRAINT payment_amount_check CHECK ((amount <> 0)),
    CONSTRAINT payment_channel_check CHECK ((channel = ANY (ARRAY['agency'::text, 'direct'::text]))),
    CONSTRAINT payment_channel_text CHECK (cobranza.single_line(channel, 'channel'::text)),
    CONSTRAINT payment_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT payment_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT payment_external_ref_check CHECK (((length(btrim(external_ref)) >= 1) AND (length(btrim(external_ref)) <= 100))),
    CONSTRAINT payment_external_ref_text CHECK (cobranza.single_line(external_ref, 'external_ref'::text)),
    CONSTRAINT payment_fee_bp_check CHECK (((fee_bp >= 0) AND (fee_bp <= 5000))),
    CONSTRAINT payment_fee_check CHECK (((abs(fee) <= abs(amount)) AND ((fee = 0) OR (sign((fee)::double precision) = sign((amount)::double precision))))),
    CONSTRAINT payment_fee_note_text CHECK (cobranza.single_line(fee_note, 'fee_note'::text)),
    CONSTRAINT payment_method_check CHECK ((method = ANY (ARRAY['transfer'::text, 'cash'::text, 'check'::text, 'card'::text, 'other'::text]))),
    CONSTRAINT payment_method_text CHECK (cobranza.single_line(method, 'method'::text)),
    CONSTRAINT payment_number_check CHECK ((number >= 1)),
    CONSTRAINT payment_reason_check CHECK (((length(btrim(reason)) >= 1) AND (length(btrim(reason)) <= 500))),
    CONSTRAINT payment_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 500)),
    CONSTRAINT payment_reversal_check CHECK ((((reverses_id IS NULL) = (amount > 0)) AND ((reverses_id IS NULL) = (reason IS NULL)) AND ((reverses_id IS NULL) OR (external_ref IS NULL)))),
    CONSTRAINT payment_stage_check CHECK ((stage = ANY (ARRAY['extrajudicial'::text, 'judicial'::text]))),
    CONSTRAINT payment_stage_text CHECK (cobranza.single_line(stage, 'stage'::text))
);

ALTER TABLE ONLY cobranza.payment FORCE ROW LEVEL SECURITY;

-- Name: payment_agreement; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.payment_agreement (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    currency character(3) NOT NULL,
    agreed_on date DEFAULT cobranza.today() NOT NULL,
    owed bigint DEFAULT 0 NOT NULL,
    discount_bp integer DEFAULT 0 NOT NULL,
    total bigint DEFAULT 0 NOT NULL,
    down_payment bigint DEFAULT 0 NOT NULL,
    instalments integer NOT NULL,
    every text DEFAULT 'month'::text NOT NULL,
    first_due date NOT NULL,
    default_days integer DEFAULT 30 NOT NULL,
    paid_before bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT payment_agreement_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT payment_agreement_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT payment_agreement_discount_check CHECK (((discount_bp >= 0) AND (discount_bp <= 10000))),
    CONSTRAINT payment_agreement_down_payment_check CHECK ((down_payment >= 0)),
    CONSTRAINT payment_agreement_every_check CHECK ((every = ANY (ARRAY['month'::text, '2weeks'::text]))),
    CONSTRAINT payment_agreement_every_text CHECK (cobranza.single_line(every, 'every'::text)),
    CONSTRAINT payment_agreement_first_due_check CHECK ((first_due >= agreed_on)),
    CONSTRAINT payment_agreement_instalments_check CHECK (((instalments >= 1) AND (instalments <= 120))),
    CONSTRAINT payment_agreement_total_check CHECK (((total > 0) AND (total <= owed) AND (down_payment < total)))
);

ALTER TABLE ONLY cobranza.payment_agreement FORCE ROW LEVEL SECURITY;

-- Name: instalment_status; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.instalment_status WITH (security_invoker='true') AS
 SELECT i.tenant_id,
    i.agreement_id,
    a.case_id,
    i.sequence,
    i.due,
    i.amount,
    a.currency,
    f.paid,
        CASE
            WHEN (f.paid >= (i.amount - f.cancelled)) THEN
            CASE
                WHEN (f.paid = 0) THEN 'cancelled'::text
                ELSE 'paid'::text
            END
            WHEN (cobranza.today() > (i.due + a.default_days)) THEN 'default'::text
            WHEN (cobranza.today() > i.due) THEN 'late'::text
            ELSE 'open'::text
        END AS status,
    f.cancelled
   FROM (((((cobranza.instalment i
     JOIN cobranza.payment_agreement a ON (((a.tenant_id = i.tenant_id) AND (a.id = i.agreement_id))))
     CROSS JOIN LATERAL ( SELECT (sum(j.amount))::bigint AS through
           FROM cobranza.instalment j
          WHERE ((j.tenant_id = i.tenant_id) AND (j.agreement_id = i.agreement_id) AND (j.sequence <= i.sequence))) s)
     CROSS JOIN LATERAL ( SELECT (GREATEST((0)::numeric, (COALESCE(sum(p.amount), (0)::numeric) - (a.paid_before)::numeric)))::bigint AS paid
           FROM cobranza.payment p
          WHERE ((p.tenant_id = a.tenant_id) AND (p.case_id = a.case_id))) k)
     CROSS JOIN LATERAL ( SELECT (COALESCE(sum(c.total), (0)::numeric))::bigint AS total
           FROM cobranza.agreement_cancellation c
          WHERE ((c.tenant_id = a.tenant_id) AND (c.agreement_id = a.id))) x)
     CROSS JOIN LATERAL ( SELECT LEAST(i.amount, GREATEST((0)::bigint, (k.paid - (s.through - i.amount)))) AS paid,
            LEAST(i.amount, GREATEST((0)::bigint, (x.total - (a.total - s.through)))) AS cancelled) f);

-- Name: agreement_status; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.agreement_status WITH (security_invoker='true') AS
 SELECT a.tenant_id,
    a.id,
    a.case_id,
    a.currency,
    a.agreed_on,
    (a.owed - x.owed) AS owed,
    a.discount_bp,
    (a.total - x.total) AS total,
    a.down_payment,
    a.instalments,
    a.every,
    a.first_due,
    a.default_days,
    k.paid,
        CASE
            WHEN (EXISTS ( SELECT 1
               FROM cobranza.payment_agreement b
              WHERE ((b.tenant_id = a.tenant_id) AND (b.case_id = a.case_id) AND (b.id > a.id)))) THEN 'superseded'::text
            WHEN (k.paid >= (a.total - x.total)) THEN 'completed'::text
            WHEN (EXISTS ( SELECT 1
               FROM cobranza.instalment_status s
              WHERE ((s.tenant_id = a.tenant_id) AND (s.agreement_id = a.id) AND (s.status = 'default'::text)))) THEN 'default'::text
            ELSE 'active'::text
        END AS status,
    a.created_by,
    x.total AS cancelled,
    x.owed AS cancelled_owed
   FROM ((cobranza.payment_agreement a
     CROSS JOIN LATERAL ( SELECT (COALESCE(sum(c.owed), (0)::numeric))::bigint AS owed,
            (COALESCE(sum(c.total), (0)::numeric))::bigint AS total
           FROM cobranza.agreement_cancellation c
          WHERE ((c.tenant_id = a.tenant_id) AND (c.agreement_id = a.id))) x)
     CROSS JOIN LATERAL ( SELECT (GREATEST((0)::numeric, (COALESCE(sum(p.amount), (0)::numeric) - (a.paid_before)::numeric)))::bigint AS paid
           FROM cobranza.payment p
          WHERE ((p.tenant_id = a.tenant_id) AND (p.case_id = a.case_id))) k);

-- Name: audit_log; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    who name DEFAULT SESSION_USER NOT NULL,
    table_name text NOT NULL,
    operation text NOT NULL,
    tenant_id bigint,
    before jsonb,
    after jsonb,
    CONSTRAINT audit_log_operation_check CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text]))),
    CONSTRAINT audit_log_operation_text CHECK (cobranza.single_line(operation, 'operation'::text)),
    CONSTRAINT audit_log_table_name_text CHECK (cobranza.single_line(table_name, 'table_name'::text)),
    CONSTRAINT audit_log_who_text CHECK (cobranza.single_line((who)::text, 'who'::text))
);

ALTER TABLE ONLY cobranza.audit_log FORCE ROW LEVEL SECURITY;

-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: fee_document; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.fee_document (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    kind text NOT NULL,
    number text NOT NULL,
    currency character(3) NOT NULL,
    issued_on date DEFAULT cobranza.today() NOT NULL,
    period text,
    subtotal bigint NOT NULL,
    vat_bp integer NOT NULL,
    vat bigint NOT NULL,
    total bigint NOT NULL,
    voids_id bigint,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    payment_ids bigint[] NOT NULL,
    case_labels jsonb NOT NULL,
    cost_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    costs bigint DEFAULT 0 NOT NULL,
    cost_vat_bp integer DEFAULT 0 NOT NULL,
    CONSTRAINT fee_document_case_labels_check CHECK ((jsonb_typeof(case_labels) = 'object'::text)),
    CONSTRAINT fee_document_cost_ids_check CHECK (((cardinality(cost_ids) = 0) OR ((array_ndims(cost_ids) = 1) AND (array_position(cost_ids, NULL::bigint) IS NULL)))),
    CONSTRAINT fee_document_cost_labels_check CHECK (((costs = 0) OR (case_labels <> '{}'::jsonb))),
    CONSTRAINT fee_document_cost_vat_bp_check CHECK (((cost_vat_bp >= 0) AND (cost_vat_bp <= 10000))),
    CONSTRAINT fee_document_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT fee_document_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT fee_document_kind_check CHECK ((kind = ANY (ARRAY['invoice'::text, 'credit_note'::text]))),
    CONSTRAINT fee_document_kind_shape_check CHECK (
CASE kind
    WHEN 'invoice'::text THEN ((voids_id IS NULL) AND (reason IS NULL) AND (period IS NOT NULL) AND (subtotal >= 0) AND (costs >= 0) AND ((subtotal + costs) > 0))
    ELSE ((reason IS NOT NULL) AND (period IS NULL) AND (subtotal <= 0) AND (costs <= 0))
END),
    CONSTRAINT fee_document_kind_text CHECK (cobranza.single_line(kind, 'kind'::text)),
    CONSTRAINT fee_document_number_check CHECK ((number ~ '^(F|NC)-[0-9]{4}-[0-9]{6}$'::text)),
    CONSTRAINT fee_document_number_kind_check CHECK (((kind = 'invoice'::text) = (number ~~ 'F-%'::text))),
    CONSTRAINT fee_document_number_text CHECK (cobranza.single_line(number, 'number'::text)),
    CONSTRAINT fee_document_payment_ids_check CHECK (((cardinality(payment_ids) = 0) OR ((array_ndims(payment_ids) = 1) AND (array_position(payment_ids, NULL::bigint) IS NULL)))),
    CONSTRAINT fee_document_period_check CHECK ((period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'::text)),
    CONSTRAINT fee_document_period_text CHECK (cobranza.single_line(period, 'period'::text)),
    CONSTRAINT fee_document_reason_check CHECK (((length(btrim(reason)) >= 1) AND (length(btrim(reason)) <= 500))),
    CONSTRAINT fee_document_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 500)),
    CONSTRAINT fee_document_total_check CHECK (((total = ((subtotal + costs) + vat)) AND (vat = (cobranza.apply_rate(vat_bp, subtotal) + cobranza.apply_rate(cost_vat_bp, costs))))),
    CONSTRAINT fee_document_vat_bp_check CHECK (((vat_bp >= 0) AND (vat_bp <= 10000)))
);
ALTER TABLE ONLY cobranza.fee_document ALTER COLUMN payment_ids SET STORAGE EXTERNAL;
ALTER TABLE ONLY cobranza.fee_document ALTER COLUMN case_labels SET STORAGE EXTERNAL;
ALTER TABLE ONLY cobranza.fee_document ALTER COLUMN cost_ids SET STORAGE EXTERNAL;

ALTER TABLE ONLY cobranza.fee_document FORCE ROW LEVEL SECURITY;

-- Name: standing_fee_document; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.standing_fee_document WITH (security_invoker='true') AS
 SELECT tenant_id,
    id,
    kind,
    number,
    currency,
    issued_on,
    period,
    subtotal,
    vat_bp,
    vat,
    total,
    voids_id,
    reason,
    created_at,
    created_by,
    payment_ids,
    case_labels,
    cost_ids,
    costs,
    cost_vat_bp
   FROM cobranza.fee_document d
  WHERE ((voids_id IS NULL) AND (NOT (EXISTS ( SELECT 1
           FROM cobranza.fee_document v
          WHERE ((v.tenant_id = d.tenant_id) AND (v.voids_id = d.id))))));

-- Name: billed_court_cost; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.billed_court_cost WITH (security_invoker='true') AS
 SELECT d.tenant_id,
    u.cost_id,
    d.id AS document_id,
    d.number
   FROM (cobranza.standing_fee_document d
     CROSS JOIN LATERAL unnest(d.cost_ids) u(cost_id));

-- Name: billed_payment; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.billed_payment WITH (security_invoker='true') AS
 SELECT d.tenant_id,
    u.payment_id,
    d.id AS document_id,
    d.number,
    d.vat_bp
   FROM (cobranza.standing_fee_document d
     CROSS JOIN LATERAL unnest(d.payment_ids) u(payment_id));

-- Name: billing_lock; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.billing_lock (
    id boolean DEFAULT true NOT NULL,
    CONSTRAINT billing_lock_id_check CHECK (id)
);

-- Name: case_counter; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.case_counter (
    year integer NOT NULL,
    last_value integer NOT NULL,
    CONSTRAINT case_counter_last_value_check CHECK (((last_value >= 1) AND (last_value <= 999999))),
    CONSTRAINT case_counter_year_check CHECK (((year >= 1000) AND (year <= 9999)))
);

-- Name: case_event; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.case_event (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    kind text NOT NULL,
    outcome text,
    note text,
    client_visible boolean DEFAULT false NOT NULL,
    occurred_on date DEFAULT cobranza.today() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    letter_level smallint,
    body text,
    occurred_at timestamp with time zone DEFAULT cobranza.now() NOT NULL,
    rule_override text,
    CONSTRAINT case_event_body_text CHECK (cobranza.note_text(body, 'body'::text, 50000)),
    CONSTRAINT case_event_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT case_event_kind_check CHECK ((kind = ANY (ARRAY['opened'::text, 'assigned'::text, 'note'::text, 'reminder'::text, 'call'::text, 'letter'::text, 'visit'::text, 'email'::text, 'sms'::text, 'whatsapp'::text, 'promise'::text, 'agreement'::text, 'dispute'::text, 'posting'::text, 'stage_change'::text, 'referral'::text, 'closed'::text, 'reopened'::text]))),
    CONSTRAINT case_event_kind_text CHECK (cobranza.single_line(kind, 'kind'::text)),
    CONSTRAINT case_event_letter_check CHECK ((((kind = 'letter'::text) = (letter_level IS NOT NULL)) AND ((kind = 'letter'::text) = (body IS NOT NULL)))),
    CONSTRAINT case_event_letter_level_check CHECK (((letter_level >= 1) AND (letter_level <= 3))),
    CONSTRAINT case_event_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000)),
    CONSTRAINT case_event_outcome_text CHECK (cobranza.single_line(outcome, 'outcome'::text)),
    CONSTRAINT case_event_rule_override_check CHECK (((length(btrim(rule_override)) >= 1) AND (length(btrim(rule_override)) <= 500))),
    CONSTRAINT case_event_rule_override_text CHECK (cobranza.single_line(rule_override, 'rule_override'::text))
);

ALTER TABLE ONLY cobranza.case_event FORCE ROW LEVEL SECURITY;

-- Name: COLUMN case_event.occurred_at; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.case_event.occurred_at IS 'the moment of the step; a step dated another day than today: noon of that day in Santiago';

-- Name: COLUMN case_event.rule_override; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.case_event.rule_override IS 'an admin''s reason for letting one contact through the country''s contact rules';

-- Name: case_event_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.case_event ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.case_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: case_hold; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.case_hold (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    until date NOT NULL,
    reason text NOT NULL,
    placed_on date DEFAULT cobranza.today() NOT NULL,
    placed_at timestamp with time zone DEFAULT now() NOT NULL,
    placed_by name DEFAULT SESSION_USER NOT NULL,
    released_on date,
    released_by name,
    CONSTRAINT case_hold_placed_by_text CHECK (cobranza.single_line((placed_by)::text, 'placed_by'::text)),
    CONSTRAINT case_hold_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 500)),
    CONSTRAINT case_hold_released_by_text CHECK (cobranza.single_line((released_by)::text, 'released_by'::text)),
    CONSTRAINT case_hold_released_check CHECK (((released_on IS NULL) = (released_by IS NULL))),
    CONSTRAINT case_hold_until_check CHECK ((until >= placed_on))
);

ALTER TABLE ONLY cobranza.case_hold FORCE ROW LEVEL SECURITY;

-- Name: case_hold_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.case_hold ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.case_hold_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: debtor; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.debtor (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    country character(2) NOT NULL,
    tax_id text NOT NULL,
    name text NOT NULL,
    kind text DEFAULT 'company'::text NOT NULL,
    email text,
    phone text,
    address text,
    city text,
    region text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    salutation text,
    time_zone text,
    CONSTRAINT debtor_address_check CHECK ((length(address) <= 200)),
    CONSTRAINT debtor_address_text CHECK (cobranza.single_line(address, 'address'::text)),
    CONSTRAINT debtor_city_check CHECK ((length(city) <= 200)),
    CONSTRAINT debtor_city_text CHECK (cobranza.single_line(city, 'city'::text)),
    CONSTRAINT debtor_country_check CHECK ((country = ANY (ARRAY['CL'::bpchar, 'CO'::bpchar, 'MX'::bpchar]))),
    CONSTRAINT debtor_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT debtor_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT debtor_email_check CHECK (((length(email) <= 254) AND (strpos(email, '@'::text) > 0))),
    CONSTRAINT debtor_email_text CHECK (cobranza.single_line(email, 'email'::text)),
    CONSTRAINT debtor_kind_check CHECK ((kind = ANY (ARRAY['company'::text, 'person'::text]))),
    CONSTRAINT debtor_kind_text CHECK (cobranza.single_line(kind, 'kind'::text)),
    CONSTRAINT debtor_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT debtor_name_text CHECK (cobranza.single_line(name, 'name'::text)),
    CONSTRAINT debtor_phone_check CHECK ((length(phone) <= 200)),
    CONSTRAINT debtor_phone_text CHECK (cobranza.single_line(phone, 'phone'::text)),
    CONSTRAINT debtor_region_check CHECK ((length(region) <= 200)),
    CONSTRAINT debtor_region_text CHECK (cobranza.single_line(region, 'region'::text)),
    CONSTRAINT debtor_salutation_check CHECK ((salutation = ANY (ARRAY['señor'::text, 'señora'::text]))),
    CONSTRAINT debtor_salutation_text CHECK (cobranza.single_line(salutation, 'salutation'::text)),
    CONSTRAINT debtor_tax_id_check CHECK (((tax_id ~ '^[A-Z0-9&Ñ-]+$'::text) AND ((length(tax_id) >= 5) AND (length(tax_id) <= 20)))),
    CONSTRAINT debtor_tax_id_text CHECK (cobranza.single_line(tax_id, 'tax_id'::text)),
    CONSTRAINT debtor_tax_id_valid_check CHECK (cobranza.tax_id_is_valid((country)::text, tax_id)),
    CONSTRAINT debtor_time_zone_check CHECK ((((country = 'CL'::bpchar) AND (time_zone = ANY (ARRAY['America/Santiago'::text, 'America/Punta_Arenas'::text]))) OR ((country = 'CO'::bpchar) AND (time_zone = 'America/Bogota'::text)) OR ((country = 'MX'::bpchar) AND (time_zone = ANY (ARRAY['America/Mexico_City'::text, 'America/Cancun'::text, 'America/Monterrey'::text, 'America/Chihuahua'::text, 'America/Hermosillo'::text, 'America/Mazatlan'::text, 'America/Tijuana'::text]))))),
    CONSTRAINT debtor_time_zone_text CHECK (cobranza.single_line(time_zone, 'time_zone'::text))
);

ALTER TABLE ONLY cobranza.debtor FORCE ROW LEVEL SECURITY;

-- Name: COLUMN debtor.time_zone; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.debtor.time_zone IS 'the debtor''s zone for contact hours; NULL: its country''s main zone (debtor_time_zone)';

-- Name: invoice; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.invoice (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    submission_id bigint NOT NULL,
    debtor_id bigint NOT NULL,
    number text NOT NULL,
    issued date NOT NULL,
    due date NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    case_id bigint,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    cancel_reason text,
    cancelled_on date,
    cancelled_by text,
    cancelled_amount bigint,
    cancelled_by_dispute bigint,
    CONSTRAINT invoice_amount_bound CHECK (cobranza.bounded_amount(amount, 'amount'::text)),
    CONSTRAINT invoice_amount_check CHECK (((amount > 0) OR ((cancel_reason IS NOT NULL) AND (amount = 0)))),
    CONSTRAINT invoice_cancel_reason_text CHECK (cobranza.note_text(cancel_reason, 'cancel_reason'::text, 2000)),
    CONSTRAINT invoice_cancelled_by_text CHECK (cobranza.single_line(cancelled_by, 'cancelled_by'::text)),
    CONSTRAINT invoice_cancelled_check CHECK ((((cancel_reason IS NULL) = (cancelled_on IS NULL)) AND ((cancel_reason IS NULL) = (cancelled_by IS NULL)) AND ((cancel_reason IS NULL) = (cancelled_amount IS NULL)) AND ((cancel_reason IS NOT NULL) OR (cancelled_by_dispute IS NULL)) AND ((cancelled_amount IS NULL) OR (cancelled_amount > 0)))),
    CONSTRAINT invoice_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT invoice_dates_check CHECK ((issued <= due)),
    CONSTRAINT invoice_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000)),
    CONSTRAINT invoice_number_check CHECK (((length(btrim(number)) >= 1) AND (length(btrim(number)) <= 40))),
    CONSTRAINT invoice_number_text CHECK (cobranza.single_line(number, 'number'::text))
);

ALTER TABLE ONLY cobranza.invoice FORCE ROW LEVEL SECURITY;

-- Name: tenant; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.tenant (
    id bigint NOT NULL,
    code text NOT NULL,
    legal_name text NOT NULL,
    tax_id text NOT NULL,
    country character(2) NOT NULL,
    currency character(3) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    contact text,
    CONSTRAINT tenant_code_check CHECK ((code ~ '^[A-Z0-9][A-Z0-9_-]{1,19}$'::text)),
    CONSTRAINT tenant_code_text CHECK (cobranza.single_line(code, 'code'::text)),
    CONSTRAINT tenant_contact_check CHECK ((length(contact) <= 200)),
    CONSTRAINT tenant_contact_text CHECK (cobranza.single_line(contact, 'contact'::text)),
    CONSTRAINT tenant_country_check CHECK ((country = ANY (ARRAY['CL'::bpchar, 'CO'::bpchar, 'MX'::bpchar]))),
    CONSTRAINT tenant_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT tenant_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT tenant_legal_name_check CHECK (((length(btrim(legal_name)) >= 1) AND (length(btrim(legal_name)) <= 200))),
    CONSTRAINT tenant_legal_name_text CHECK (cobranza.single_line(legal_name, 'legal_name'::text)),
    CONSTRAINT tenant_tax_id_check CHECK ((tax_id ~ '^[A-Z0-9&Ñ-]{5,20}$'::text)),
    CONSTRAINT tenant_tax_id_text CHECK (cobranza.single_line(tax_id, 'tax_id'::text)),
    CONSTRAINT tenant_tax_id_valid_check CHECK (cobranza.tax_id_is_valid((country)::text, tax_id))
);

ALTER TABLE ONLY cobranza.tenant FORCE ROW LEVEL SECURITY;

-- Name: case_summary; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.case_summary WITH (security_invoker='true') AS
 SELECT c.tenant_id,
    c.id,
    c.number,
    t.code AS client_code,
    c.debtor_id,
    d.name AS debtor_name,
    d.country AS debtor_country,
    d.tax_id AS debtor_tax_id,
    c.currency,
    c.stage,
    c.disputed,
    c.posted,
    c.on_agreement,
    c.on_promise,
    c.close_code,
    c.closed_at,
    c.opened_on,
    i.invoice_count,
    i.total_amount,
    i.oldest_due,
    (cobranza.today() - i.oldest_due) AS days_overdue,
    c.assigned_to,
    c.next_action_date
   FROM (((cobranza.collection_case c
     JOIN cobranza.tenant t ON ((t.id = c.tenant_id)))
     JOIN cobranza.debtor d ON (((d.tenant_id = c.tenant_id) AND (d.id = c.debtor_id))))
     CROSS JOIN LATERAL ( SELECT count(*) AS invoice_count,
            (COALESCE(sum(v.amount), (0)::numeric))::bigint AS total_amount,
            min(v.due) AS oldest_due
           FROM cobranza.invoice v
          WHERE ((v.tenant_id = c.tenant_id) AND (v.case_id = c.id))) i);

-- Name: case_task; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.case_task (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    kind text NOT NULL,
    due date NOT NULL,
    assignee name,
    step_id bigint,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    done_on date,
    done_by name,
    CONSTRAINT case_task_assignee_text CHECK (cobranza.single_line((assignee)::text, 'assignee'::text)),
    CONSTRAINT case_task_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT case_task_done_by_text CHECK (cobranza.single_line((done_by)::text, 'done_by'::text)),
    CONSTRAINT case_task_done_check CHECK (((done_on IS NULL) = (done_by IS NULL))),
    CONSTRAINT case_task_kind_check CHECK ((kind = ANY (ARRAY['call'::text, 'visit'::text, 'referral-review'::text, 'authorisation'::text]))),
    CONSTRAINT case_task_kind_text CHECK (cobranza.single_line(kind, 'kind'::text)),
    CONSTRAINT case_task_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000))
);

ALTER TABLE ONLY cobranza.case_task FORCE ROW LEVEL SECURITY;

-- Name: case_task_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.case_task ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.case_task_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: client_case_summary; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.client_case_summary WITH (security_invoker='true') AS
 SELECT c.tenant_id,
    c.id,
    c.number,
    t.code AS client_code,
    c.debtor_id,
    d.name AS debtor_name,
    d.country AS debtor_country,
    d.tax_id AS debtor_tax_id,
    c.currency,
    c.stage,
    c.disputed,
    c.posted,
    c.on_agreement,
    c.on_promise,
    c.close_code,
    c.closed_at,
    c.opened_on,
    i.invoice_count,
    i.total_amount,
    i.oldest_due,
    (cobranza.today() - i.oldest_due) AS days_overdue
   FROM (((cobranza.collection_case c
     JOIN cobranza.tenant t ON ((t.id = c.tenant_id)))
     JOIN cobranza.debtor d ON (((d.tenant_id = c.tenant_id) AND (d.id = c.debtor_id))))
     CROSS JOIN LATERAL ( SELECT count(*) AS invoice_count,
            (COALESCE(sum(v.amount), (0)::numeric))::bigint AS total_amount,
            min(v.due) AS oldest_due
           FROM cobranza.invoice v
          WHERE ((v.tenant_id = c.tenant_id) AND (v.case_id = c.id))) i);

-- Name: client_number_counter; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.client_number_counter (
    tenant_id bigint NOT NULL,
    series text NOT NULL,
    last_value integer NOT NULL,
    CONSTRAINT client_number_counter_last_value_check CHECK ((last_value >= 1)),
    CONSTRAINT client_number_counter_series_check CHECK ((series = ANY (ARRAY['submission'::text, 'import_batch'::text]))),
    CONSTRAINT client_number_counter_series_text CHECK (cobranza.single_line(series, 'series'::text))
);

ALTER TABLE ONLY cobranza.client_number_counter FORCE ROW LEVEL SECURITY;

-- Name: client_strategy; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.client_strategy (
    tenant_id bigint NOT NULL,
    strategy_id bigint NOT NULL,
    set_at timestamp with time zone DEFAULT now() NOT NULL,
    set_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT client_strategy_set_by_text CHECK (cobranza.single_line((set_by)::text, 'set_by'::text))
);

ALTER TABLE ONLY cobranza.client_strategy FORCE ROW LEVEL SECURITY;

-- Name: collection_case_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.collection_case ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.collection_case_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: contact_authorisation; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.contact_authorisation (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    debtor_id bigint NOT NULL,
    channel text NOT NULL,
    authorised_on date NOT NULL,
    source text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT contact_authorisation_channel_check CHECK ((channel = ANY (ARRAY['call'::text, 'email'::text, 'sms'::text, 'whatsapp'::text, 'letter'::text]))),
    CONSTRAINT contact_authorisation_channel_text CHECK (cobranza.single_line(channel, 'channel'::text)),
    CONSTRAINT contact_authorisation_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT contact_authorisation_source_check CHECK (((length(btrim(source)) >= 1) AND (length(btrim(source)) <= 500))),
    CONSTRAINT contact_authorisation_source_text CHECK (cobranza.single_line(source, 'source'::text))
);

ALTER TABLE ONLY cobranza.contact_authorisation FORCE ROW LEVEL SECURITY;

-- Name: TABLE contact_authorisation; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.contact_authorisation IS 'the channels a debtor authorised its creditor to use, with the date and where it is recorded';

-- Name: contact_authorisation_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.contact_authorisation ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.contact_authorisation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: contact_lock; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.contact_lock (
    country character(2) NOT NULL,
    tax_id text NOT NULL,
    CONSTRAINT contact_lock_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT contact_lock_tax_id_text CHECK (cobranza.single_line(tax_id, 'tax_id'::text))
);

-- Name: TABLE contact_lock; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.contact_lock IS 'one row per debtor tax id ever contacted, locked while a contact of it is judged; no grants';

-- Name: contact_rule_hours; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.contact_rule_hours (
    country character(2) NOT NULL,
    effective_from date NOT NULL,
    code text NOT NULL,
    isodow smallint NOT NULL,
    opens time without time zone NOT NULL,
    closes time without time zone NOT NULL,
    CONSTRAINT contact_rule_hours_check CHECK ((opens < closes)),
    CONSTRAINT contact_rule_hours_code_text CHECK (cobranza.single_line(code, 'code'::text)),
    CONSTRAINT contact_rule_hours_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT contact_rule_hours_isodow_check CHECK (((isodow >= 1) AND (isodow <= 7)))
);

-- Name: TABLE contact_rule_hours; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.contact_rule_hours IS 'the window of an hours rule on each weekday (1 Monday … 7 Sunday), local to the debtor';

-- Name: contract_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.contract ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.contract_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: court_cost; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.court_cost (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    note text NOT NULL,
    incurred_on date DEFAULT cobranza.today() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    borne_by text NOT NULL,
    CONSTRAINT court_cost_amount_bound CHECK (cobranza.bounded_amount(amount, 'amount'::text)),
    CONSTRAINT court_cost_amount_check CHECK ((amount > 0)),
    CONSTRAINT court_cost_borne_by_check CHECK ((borne_by = ANY (ARRAY['client'::text, 'debtor'::text, 'agency'::text]))),
    CONSTRAINT court_cost_borne_by_text CHECK (cobranza.single_line(borne_by, 'borne_by'::text)),
    CONSTRAINT court_cost_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT court_cost_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT court_cost_note_check CHECK ((btrim(note) <> ''::text)),
    CONSTRAINT court_cost_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000))
);

ALTER TABLE ONLY cobranza.court_cost FORCE ROW LEVEL SECURITY;

-- Name: court_cost_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.court_cost ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.court_cost_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: currency; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.currency (
    code character(3) NOT NULL,
    exponent smallint NOT NULL,
    name text NOT NULL,
    CONSTRAINT currency_code_check CHECK ((code ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT currency_code_text CHECK (cobranza.single_line((code)::text, 'code'::text)),
    CONSTRAINT currency_exponent_check CHECK (((exponent >= 0) AND (exponent <= 4))),
    CONSTRAINT currency_name_text CHECK (cobranza.single_line(name, 'name'::text))
);

-- Name: debtor_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.debtor ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.debtor_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: debtor_opt_out; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.debtor_opt_out (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    debtor_id bigint NOT NULL,
    channel text NOT NULL,
    opted_out_on date DEFAULT cobranza.today() NOT NULL,
    source text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT debtor_opt_out_channel_check CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text, 'whatsapp'::text]))),
    CONSTRAINT debtor_opt_out_channel_text CHECK (cobranza.single_line(channel, 'channel'::text)),
    CONSTRAINT debtor_opt_out_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT debtor_opt_out_source_check CHECK (((length(btrim(source)) >= 1) AND (length(btrim(source)) <= 500))),
    CONSTRAINT debtor_opt_out_source_text CHECK (cobranza.single_line(source, 'source'::text))
);

ALTER TABLE ONLY cobranza.debtor_opt_out FORCE ROW LEVEL SECURITY;

-- Name: TABLE debtor_opt_out; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.debtor_opt_out IS 'the channels a debtor asked not to be contacted through, with the day and where it was said';

-- Name: dispute; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.dispute (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    reason text NOT NULL,
    opened_on date DEFAULT cobranza.today() NOT NULL,
    outcome text,
    resolved_on date,
    resolution_note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    resolved_by name,
    CONSTRAINT dispute_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT dispute_outcome_check CHECK ((outcome = ANY (ARRAY['upheld'::text, 'rejected'::text]))),
    CONSTRAINT dispute_outcome_text CHECK (cobranza.single_line(outcome, 'outcome'::text)),
    CONSTRAINT dispute_reason_check CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT dispute_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 2000)),
    CONSTRAINT dispute_resolution_note_text CHECK (cobranza.note_text(resolution_note, 'resolution_note'::text, 2000)),
    CONSTRAINT dispute_resolved_by_text CHECK (cobranza.single_line((resolved_by)::text, 'resolved_by'::text)),
    CONSTRAINT dispute_resolved_check CHECK ((((outcome IS NULL) = (resolved_on IS NULL)) AND ((outcome IS NULL) = (resolved_by IS NULL))))
);

ALTER TABLE ONLY cobranza.dispute FORCE ROW LEVEL SECURITY;

-- Name: dispute_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.dispute ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.dispute_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: dispute_invoice; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.dispute_invoice (
    tenant_id bigint NOT NULL,
    dispute_id bigint NOT NULL,
    invoice_id bigint NOT NULL
);

ALTER TABLE ONLY cobranza.dispute_invoice FORCE ROW LEVEL SECURITY;

-- Name: fee_counter; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.fee_counter (
    series text NOT NULL,
    year integer NOT NULL,
    last_value integer NOT NULL,
    CONSTRAINT fee_counter_last_value_check CHECK (((last_value >= 0) AND (last_value <= 999999))),
    CONSTRAINT fee_counter_series_check CHECK ((series = ANY (ARRAY['F'::text, 'NC'::text]))),
    CONSTRAINT fee_counter_series_text CHECK (cobranza.single_line(series, 'series'::text)),
    CONSTRAINT fee_counter_year_check CHECK (((year >= 1000) AND (year <= 9999)))
);

-- Name: fee_document_cost_line; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.fee_document_cost_line WITH (security_invoker='true') AS
 SELECT d.tenant_id,
    d.id AS document_id,
    (row_number() OVER (PARTITION BY d.tenant_id, d.id ORDER BY k.incurred_on, ((d.case_labels -> (k.case_id)::text) ->> 0), k.id))::integer AS line_no,
    k.id AS cost_id,
    ((d.case_labels -> (k.case_id)::text) ->> 0) AS case_number,
    ((d.case_labels -> (k.case_id)::text) ->> 1) AS debtor_name,
    k.incurred_on,
    k.note,
        CASE
            WHEN (d.kind = 'credit_note'::text) THEN (- k.amount)
            ELSE k.amount
        END AS amount,
    d.cost_vat_bp
   FROM ((cobranza.fee_document d
     CROSS JOIN LATERAL unnest(d.cost_ids) u(cost_id))
     JOIN cobranza.court_cost k ON (((k.tenant_id = d.tenant_id) AND (k.id = u.cost_id))));

-- Name: fee_document_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.fee_document ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.fee_document_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: fee_document_line; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.fee_document_line WITH (security_invoker='true') AS
 SELECT d.tenant_id,
    d.id AS document_id,
    (row_number() OVER (PARTITION BY d.tenant_id, d.id ORDER BY p.paid_on, ((d.case_labels -> (p.case_id)::text) ->> 0), p.id))::integer AS line_no,
    p.id AS payment_id,
    ((d.case_labels -> (p.case_id)::text) ->> 0) AS case_number,
    ((d.case_labels -> (p.case_id)::text) ->> 1) AS debtor_name,
    p.paid_on,
        CASE
            WHEN ((d.kind = 'credit_note'::text) AND (p.reverses_id IS NULL)) THEN (- p.amount)
            ELSE p.amount
        END AS amount,
    p.stage,
    p.fee_bp,
        CASE
            WHEN ((d.kind = 'credit_note'::text) AND (p.reverses_id IS NULL)) THEN (- p.fee)
            ELSE p.fee
        END AS fee
   FROM ((cobranza.fee_document d
     CROSS JOIN LATERAL unnest(d.payment_ids) u(payment_id))
     JOIN cobranza.payment p ON (((p.tenant_id = d.tenant_id) AND (p.id = u.payment_id))));

-- Name: holiday; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.holiday (
    country character(2) NOT NULL,
    day date NOT NULL,
    name text NOT NULL,
    source text,
    added_by name DEFAULT SESSION_USER NOT NULL,
    added_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT holiday_added_by_text CHECK (cobranza.single_line((added_by)::text, 'added_by'::text)),
    CONSTRAINT holiday_country_check CHECK ((country = ANY (ARRAY['CL'::bpchar, 'CO'::bpchar, 'MX'::bpchar]))),
    CONSTRAINT holiday_country_text CHECK (cobranza.single_line((country)::text, 'country'::text)),
    CONSTRAINT holiday_day_check CHECK (((day >= '2000-01-01'::date) AND (day <= '2100-12-31'::date))),
    CONSTRAINT holiday_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT holiday_name_text CHECK (cobranza.single_line(name, 'name'::text)),
    CONSTRAINT holiday_source_check CHECK ((length(source) <= 500)),
    CONSTRAINT holiday_source_text CHECK (cobranza.single_line(source, 'source'::text))
);

-- Name: TABLE holiday; Type: COMMENT; Schema: cobranza

COMMENT ON TABLE cobranza.holiday IS 'public holidays by country: contact windows, legal deadlines, letters'' reply dates';

-- Name: import_batch; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.import_batch (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    file_name text NOT NULL,
    checksum text NOT NULL,
    row_count integer NOT NULL,
    imported_by name DEFAULT SESSION_USER NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_on date DEFAULT cobranza.today() NOT NULL,
    number integer NOT NULL,
    CONSTRAINT import_batch_checksum_check CHECK (((length(checksum) >= 1) AND (length(checksum) <= 128))),
    CONSTRAINT import_batch_checksum_text CHECK (cobranza.single_line(checksum, 'checksum'::text)),
    CONSTRAINT import_batch_file_name_check CHECK (((length(btrim(file_name)) >= 1) AND (length(btrim(file_name)) <= 255))),
    CONSTRAINT import_batch_file_name_text CHECK (cobranza.single_line(file_name, 'file_name'::text)),
    CONSTRAINT import_batch_imported_by_text CHECK (cobranza.single_line((imported_by)::text, 'imported_by'::text)),
    CONSTRAINT import_batch_number_check CHECK ((number >= 1)),
    CONSTRAINT import_batch_row_count_check CHECK ((row_count >= 0))
);

ALTER TABLE ONLY cobranza.import_batch FORCE ROW LEVEL SECURITY;

-- Name: import_batch_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.import_batch ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.import_batch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: invoice_balance; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.invoice_balance WITH (security_invoker='true') AS
 SELECT i.tenant_id,
    i.id AS invoice_id,
    i.case_id,
    i.number,
    i.due,
    i.amount,
    i.currency,
    (LEAST((i.amount)::numeric, GREATEST((0)::numeric, (COALESCE(p.paid, (0)::numeric) - (i.running - (i.amount)::numeric)))))::bigint AS paid,
    (((i.amount)::numeric - LEAST((i.amount)::numeric, GREATEST((0)::numeric, (COALESCE(p.paid, (0)::numeric) - (i.running - (i.amount)::numeric))))))::bigint AS outstanding
   FROM (( SELECT v.tenant_id,
            v.id,
            v.submission_id,
            v.debtor_id,
            v.number,
            v.issued,
            v.due,
            v.amount,
            v.currency,
            v.case_id,
            v.note,
            v.created_at,
            sum(v.amount) OVER (PARTITION BY v.tenant_id, v.case_id ORDER BY v.due, v.id) AS running
           FROM cobranza.invoice v
          WHERE (v.case_id IS NOT NULL)) i
     LEFT JOIN ( SELECT y.tenant_id,
            y.case_id,
            sum(y.amount) AS paid
           FROM cobranza.payment y
          GROUP BY y.tenant_id, y.case_id) p ON (((p.tenant_id = i.tenant_id) AND (p.case_id = i.case_id))));

-- Name: invoice_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.invoice ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.invoice_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: judicial_referral; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.judicial_referral (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    lawyer name NOT NULL,
    court text,
    docket text,
    stage text DEFAULT 'referred'::text NOT NULL,
    referred_on date DEFAULT cobranza.today() NOT NULL,
    outstanding bigint DEFAULT 0 NOT NULL,
    threshold bigint DEFAULT 0 NOT NULL,
    override_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT judicial_referral_court_text CHECK (cobranza.single_line(court, 'court'::text)),
    CONSTRAINT judicial_referral_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT judicial_referral_docket_text CHECK (cobranza.single_line(docket, 'docket'::text)),
    CONSTRAINT judicial_referral_lawyer_text CHECK (cobranza.single_line((lawyer)::text, 'lawyer'::text)),
    CONSTRAINT judicial_referral_override_reason_text CHECK (cobranza.note_text(override_reason, 'override_reason'::text, 2000)),
    CONSTRAINT judicial_referral_stage_check CHECK ((stage = ANY (ARRAY['referred'::text, 'filed'::text, 'served'::text, 'judgment'::text, 'enforcement'::text, 'closed'::text]))),
    CONSTRAINT judicial_referral_stage_text CHECK (cobranza.single_line(stage, 'stage'::text))
);

ALTER TABLE ONLY cobranza.judicial_referral FORCE ROW LEVEL SECURITY;

-- Name: judicial_referral_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.judicial_referral ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.judicial_referral_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: outbound_message; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.outbound_message (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    debtor_id bigint NOT NULL,
    step_id bigint,
    channel text NOT NULL,
    address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    template text,
    client_visible boolean DEFAULT false NOT NULL,
    not_before timestamp with time zone DEFAULT cobranza.now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    provider_id text,
    claimed_at timestamp with time zone,
    sent_at timestamp with time zone,
    event_id bigint,
    CONSTRAINT outbound_message_address_text CHECK (cobranza.single_line(address, 'address'::text)),
    CONSTRAINT outbound_message_attempts_check CHECK (((attempts >= 0) AND (attempts <= 1000))),
    CONSTRAINT outbound_message_body_text CHECK (cobranza.note_text(body, 'body'::text, 20000)),
    CONSTRAINT outbound_message_channel_check CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text, 'whatsapp'::text]))),
    CONSTRAINT outbound_message_channel_text CHECK (cobranza.single_line(channel, 'channel'::text)),
    CONSTRAINT outbound_message_claimed_check CHECK (((status = 'sending'::text) = (claimed_at IS NOT NULL))),
    CONSTRAINT outbound_message_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT outbound_message_idempotency_key_check CHECK (((idempotency_key ~ '^[A-Za-z0-9._-]+$'::text) AND (length(idempotency_key) <= 128))),
    CONSTRAINT outbound_message_idempotency_key_text CHECK (cobranza.single_line(idempotency_key, 'idempotency_key'::text)),
    CONSTRAINT outbound_message_last_error_text CHECK (cobranza.note_text(last_error, 'last_error'::text, 2000)),
    CONSTRAINT outbound_message_provider_id_check CHECK (((length(provider_id) >= 1) AND (length(provider_id) <= 200))),
    CONSTRAINT outbound_message_provider_id_text CHECK (cobranza.single_line(provider_id, 'provider_id'::text)),
    CONSTRAINT outbound_message_sent_check CHECK (((status <> 'sent'::text) OR (sent_at IS NOT NULL))),
    CONSTRAINT outbound_message_status_check CHECK ((status = ANY (ARRAY['queued'::text, 'sending'::text, 'sent'::text, 'failed'::text, 'bounced'::text]))),
    CONSTRAINT outbound_message_status_text CHECK (cobranza.single_line(status, 'status'::text)),
    CONSTRAINT outbound_message_subject_text CHECK (cobranza.single_line(subject, 'subject'::text)),
    CONSTRAINT outbound_message_template_check CHECK ((template ~ '^[a-z0-9-]{1,64}$'::text)),
    CONSTRAINT outbound_message_template_text CHECK (cobranza.single_line(template, 'template'::text))
);

ALTER TABLE ONLY cobranza.outbound_message FORCE ROW LEVEL SECURITY;

-- Name: COLUMN outbound_message.template; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.outbound_message.template IS 'the templates/avisos kind that rendered it (NULL: the strategy run''s own text)';

-- Name: COLUMN outbound_message.not_before; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.outbound_message.not_before IS 'the first moment it may be sent: moved by a contact-rule deferral or a retry''s backoff';

-- Name: COLUMN outbound_message.event_id; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.outbound_message.event_id IS 'the case event that records the contact, written when it was sent';

-- Name: outbound_message_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.outbound_message ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.outbound_message_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: payment_agreement_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.payment_agreement ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.payment_agreement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: payment_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.payment ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.payment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: person; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.person (
    role_name name NOT NULL,
    kind text NOT NULL,
    tenant_id bigint,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT person_check CHECK (((kind = 'client'::text) = (tenant_id IS NOT NULL))),
    CONSTRAINT person_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT person_kind_check CHECK ((kind = ANY (ARRAY['admin'::text, 'collector'::text, 'lawyer'::text, 'client'::text]))),
    CONSTRAINT person_kind_text CHECK (cobranza.single_line(kind, 'kind'::text)),
    CONSTRAINT person_role_name_text CHECK (cobranza.single_line((role_name)::text, 'role_name'::text))
);

ALTER TABLE ONLY cobranza.person FORCE ROW LEVEL SECURITY;

-- Name: posting; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.posting (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    notice_on date DEFAULT cobranza.today() NOT NULL,
    registry text,
    reference text,
    published_on date,
    withdrawal_due date,
    withdrawn_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT posting_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT posting_published_check CHECK (((published_on IS NULL) OR ((registry IS NOT NULL) AND (published_on >= notice_on)))),
    CONSTRAINT posting_reference_text CHECK (cobranza.single_line(reference, 'reference'::text)),
    CONSTRAINT posting_registry_text CHECK (cobranza.single_line(registry, 'registry'::text)),
    CONSTRAINT posting_withdrawn_check CHECK (((withdrawn_on IS NULL) OR (withdrawn_on >= notice_on)))
);

ALTER TABLE ONLY cobranza.posting FORCE ROW LEVEL SECURITY;

-- Name: posting_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.posting ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.posting_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: promise; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.promise (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    promised_on date DEFAULT cobranza.today() NOT NULL,
    due date NOT NULL,
    grace_days integer DEFAULT 0 NOT NULL,
    paid_before bigint DEFAULT 0 NOT NULL,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT promise_amount_check CHECK ((amount > 0)),
    CONSTRAINT promise_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT promise_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT promise_due_check CHECK ((due >= promised_on)),
    CONSTRAINT promise_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000))
);

ALTER TABLE ONLY cobranza.promise FORCE ROW LEVEL SECURITY;

-- Name: promise_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.promise ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.promise_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: promise_status; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.promise_status WITH (security_invoker='true') AS
 SELECT p.tenant_id,
    p.id,
    p.case_id,
    p.amount,
    p.currency,
    p.promised_on,
    p.due,
    p.grace_days,
    (p.due + p.grace_days) AS deadline,
    k.paid,
        CASE
            WHEN (k.paid >= p.amount) THEN 'kept'::text
            WHEN (cobranza.today() > (p.due + p.grace_days)) THEN 'broken'::text
            ELSE 'pending'::text
        END AS status,
    p.note,
    p.created_by
   FROM (cobranza.promise p
     CROSS JOIN LATERAL ( SELECT (GREATEST((0)::numeric, (COALESCE(sum(y.amount), (0)::numeric) - (p.paid_before)::numeric)))::bigint AS paid
           FROM cobranza.payment y
          WHERE ((y.tenant_id = p.tenant_id) AND (y.case_id = p.case_id) AND (y.paid_on <= (p.due + p.grace_days)))) k);

-- Name: received_transfer; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.received_transfer (
    external_ref text NOT NULL,
    tenant_id bigint NOT NULL,
    payment_id bigint NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT received_transfer_external_ref_text CHECK (cobranza.single_line(external_ref, 'external_ref'::text))
);

ALTER TABLE ONLY cobranza.received_transfer FORCE ROW LEVEL SECURITY;

-- Name: remittance; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.remittance (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    paid_on date DEFAULT cobranza.today() NOT NULL,
    external_ref text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    reverses_id bigint,
    reason text,
    CONSTRAINT remittance_amount_bound CHECK (cobranza.bounded_amount(amount, 'amount'::text)),
    CONSTRAINT remittance_amount_check CHECK ((amount <> 0)),
    CONSTRAINT remittance_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT remittance_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT remittance_external_ref_check CHECK (((length(btrim(external_ref)) >= 1) AND (length(btrim(external_ref)) <= 100))),
    CONSTRAINT remittance_external_ref_text CHECK (cobranza.single_line(external_ref, 'external_ref'::text)),
    CONSTRAINT remittance_reason_check CHECK (((length(btrim(reason)) >= 1) AND (length(btrim(reason)) <= 500))),
    CONSTRAINT remittance_reason_text CHECK (cobranza.single_line(reason, 'reason'::text)),
    CONSTRAINT remittance_reversal_check CHECK ((((reverses_id IS NULL) = (amount > 0)) AND ((reverses_id IS NULL) = (reason IS NULL)) AND ((reverses_id IS NULL) OR (external_ref IS NULL))))
);

ALTER TABLE ONLY cobranza.remittance FORCE ROW LEVEL SECURITY;

-- Name: remittance_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.remittance ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.remittance_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: strategy; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.strategy (
    id bigint NOT NULL,
    name text NOT NULL,
    is_default boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT strategy_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT strategy_name_check CHECK (((length(name) >= 1) AND (length(name) <= 60))),
    CONSTRAINT strategy_name_text CHECK (cobranza.single_line(name, 'name'::text))
);

ALTER TABLE ONLY cobranza.strategy FORCE ROW LEVEL SECURITY;

-- Name: strategy_case_step; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.strategy_case_step (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    step_id bigint NOT NULL,
    outcome text NOT NULL,
    on_date date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    reason text,
    CONSTRAINT strategy_case_step_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT strategy_case_step_outcome_check CHECK ((outcome = ANY (ARRAY['done'::text, 'skipped'::text, 'task'::text]))),
    CONSTRAINT strategy_case_step_outcome_text CHECK (cobranza.single_line(outcome, 'outcome'::text)),
    CONSTRAINT strategy_case_step_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 2000))
);

ALTER TABLE ONLY cobranza.strategy_case_step FORCE ROW LEVEL SECURITY;

-- Name: COLUMN strategy_case_step.reason; Type: COMMENT; Schema: cobranza

COMMENT ON COLUMN cobranza.strategy_case_step.reason IS 'why, for strategy log (NULL: before 0090, the reason is in strategy_decision)';

-- Name: strategy_case_step_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.strategy_case_step ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.strategy_case_step_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: strategy_decision; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.strategy_decision (
    tenant_id bigint NOT NULL,
    id bigint NOT NULL,
    case_id bigint NOT NULL,
    step_id bigint NOT NULL,
    run_on date NOT NULL,
    decision text NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by name DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT strategy_decision_created_by_text CHECK (cobranza.single_line((created_by)::text, 'created_by'::text)),
    CONSTRAINT strategy_decision_decision_check CHECK ((decision = ANY (ARRAY['done'::text, 'skipped'::text, 'paused'::text, 'deferred'::text, 'task'::text]))),
    CONSTRAINT strategy_decision_decision_text CHECK (cobranza.single_line(decision, 'decision'::text)),
    CONSTRAINT strategy_decision_reason_text CHECK (cobranza.note_text(reason, 'reason'::text, 2000))
);

ALTER TABLE ONLY cobranza.strategy_decision FORCE ROW LEVEL SECURITY;

-- Name: strategy_decision_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.strategy_decision ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.strategy_decision_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: strategy_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.strategy ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.strategy_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: strategy_step; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.strategy_step (
    id bigint NOT NULL,
    strategy_id bigint NOT NULL,
    day integer NOT NULL,
    action text NOT NULL,
    letter_level smallint,
    from_point text DEFAULT 'due'::text NOT NULL,
    client_visible boolean DEFAULT false NOT NULL,
    added_at timestamp with time zone DEFAULT now() NOT NULL,
    added_by name DEFAULT SESSION_USER NOT NULL,
    removed_at timestamp with time zone,
    removed_by name,
    CONSTRAINT strategy_step_action_check CHECK ((action = ANY (ARRAY['reminder'::text, 'email'::text, 'sms'::text, 'whatsapp'::text, 'call'::text, 'visit'::text, 'letter'::text, 'posting-notice'::text, 'referral-review'::text]))),
    CONSTRAINT strategy_step_action_text CHECK (cobranza.single_line(action, 'action'::text)),
    CONSTRAINT strategy_step_added_by_text CHECK (cobranza.single_line((added_by)::text, 'added_by'::text)),
    CONSTRAINT strategy_step_day_check CHECK (((day >= '-365'::integer) AND (day <= 3650))),
    CONSTRAINT strategy_step_from_check CHECK ((from_point = ANY (ARRAY['due'::text, 'opened'::text]))),
    CONSTRAINT strategy_step_from_point_text CHECK (cobranza.single_line(from_point, 'from_point'::text)),
    CONSTRAINT strategy_step_letter_check CHECK (((action = 'letter'::text) = (letter_level IS NOT NULL))),
    CONSTRAINT strategy_step_letter_level_check CHECK (((letter_level >= 1) AND (letter_level <= 3))),
    CONSTRAINT strategy_step_pre_due_check CHECK (((day >= 0) OR (from_point = 'due'::text))),
    CONSTRAINT strategy_step_removed_by_text CHECK (cobranza.single_line((removed_by)::text, 'removed_by'::text)),
    CONSTRAINT strategy_step_removed_check CHECK (((removed_at IS NULL) = (removed_by IS NULL)))
);

ALTER TABLE ONLY cobranza.strategy_step FORCE ROW LEVEL SECURITY;

-- Name: strategy_step_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.strategy_step ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.strategy_step_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: submission; Type: TABLE; Schema: cobranza

CREATE TABLE cobranza.submission (
    tenant_id bigint DEFAULT cobranza.current_tenant() NOT NULL,
    id bigint NOT NULL,
    debtor_id bigint NOT NULL,
    currency character(3) NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    note text,
    reject_reason text,
    batch_id bigint,
    case_id bigint,
    submitted_by name DEFAULT SESSION_USER NOT NULL,
    submitted_at timestamp with time zone DEFAULT now() NOT NULL,
    submitted_on date DEFAULT cobranza.today() NOT NULL,
    reviewed_by name,
    reviewed_at timestamp with time zone,
    number integer NOT NULL,
    CONSTRAINT submission_accepted_case_check CHECK (((status <> 'accepted'::text) OR (case_id IS NOT NULL))),
    CONSTRAINT submission_currency_text CHECK (cobranza.single_line((currency)::text, 'currency'::text)),
    CONSTRAINT submission_note_text CHECK (cobranza.note_text(note, 'note'::text, 2000)),
    CONSTRAINT submission_number_check CHECK ((number >= 1)),
    CONSTRAINT submission_reject_reason_blank_check CHECK ((length(btrim(reject_reason)) > 0)),
    CONSTRAINT submission_reject_reason_check CHECK (((status = 'rejected'::text) = (reject_reason IS NOT NULL))),
    CONSTRAINT submission_reject_reason_text CHECK (cobranza.note_text(reject_reason, 'reject_reason'::text, 2000)),
    CONSTRAINT submission_reviewed_by_text CHECK (cobranza.single_line((reviewed_by)::text, 'reviewed_by'::text)),
    CONSTRAINT submission_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'accepted'::text, 'rejected'::text]))),
    CONSTRAINT submission_status_text CHECK (cobranza.single_line(status, 'status'::text)),
    CONSTRAINT submission_submitted_by_text CHECK (cobranza.single_line((submitted_by)::text, 'submitted_by'::text))
);

ALTER TABLE ONLY cobranza.submission FORCE ROW LEVEL SECURITY;

-- Name: submission_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.submission ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.submission_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: tenant_id_seq; Type: SEQUENCE; Schema: cobranza

ALTER TABLE cobranza.tenant ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME cobranza.tenant_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: whoami; Type: VIEW; Schema: cobranza

CREATE VIEW cobranza.whoami WITH (security_invoker='true') AS
 SELECT p.role_name,
    p.kind,
    t.code AS client_code,
    t.legal_name AS client_name
   FROM (cobranza.person p
     LEFT JOIN cobranza.tenant t ON ((t.id = p.tenant_id)))
  WHERE (p.role_name = SESSION_USER);

-- Name: agreement_cancellation agreement_cancellation_invoice_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.agreement_cancellation
    ADD CONSTRAINT agreement_cancellation_invoice_key UNIQUE (tenant_id, invoice_id);

-- Name: agreement_cancellation agreement_cancellation_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.agreement_cancellation
    ADD CONSTRAINT agreement_cancellation_pkey PRIMARY KEY (tenant_id, id);

-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);

-- Name: billing_lock billing_lock_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.billing_lock
    ADD CONSTRAINT billing_lock_pkey PRIMARY KEY (id);

-- Name: case_counter case_counter_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_counter
    ADD CONSTRAINT case_counter_pkey PRIMARY KEY (year);

-- Name: case_event case_event_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_event
    ADD CONSTRAINT case_event_pkey PRIMARY KEY (tenant_id, id);

-- Name: case_hold case_hold_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_hold
    ADD CONSTRAINT case_hold_pkey PRIMARY KEY (tenant_id, id);

-- Name: case_task case_task_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_task
    ADD CONSTRAINT case_task_pkey PRIMARY KEY (tenant_id, id);

-- Name: client_number_counter client_number_counter_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.client_number_counter
    ADD CONSTRAINT client_number_counter_pkey PRIMARY KEY (tenant_id, series);

-- Name: client_strategy client_strategy_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.client_strategy
    ADD CONSTRAINT client_strategy_pkey PRIMARY KEY (tenant_id);

-- Name: collection_case collection_case_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_number_key UNIQUE (number);

-- Name: collection_case collection_case_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_pkey PRIMARY KEY (tenant_id, id);

-- Name: collection_case collection_case_tenant_id_id_debtor_id_currency_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_tenant_id_id_debtor_id_currency_key UNIQUE (tenant_id, id, debtor_id, currency);

-- Name: contact_authorisation contact_authorisation_channel_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_authorisation
    ADD CONSTRAINT contact_authorisation_channel_key UNIQUE (tenant_id, debtor_id, channel);

-- Name: contact_authorisation contact_authorisation_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_authorisation
    ADD CONSTRAINT contact_authorisation_pkey PRIMARY KEY (tenant_id, id);

-- Name: contact_lock contact_lock_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_lock
    ADD CONSTRAINT contact_lock_pkey PRIMARY KEY (country, tax_id);

-- Name: contact_rule_hours contact_rule_hours_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_rule_hours
    ADD CONSTRAINT contact_rule_hours_pkey PRIMARY KEY (country, effective_from, code, isodow);

-- Name: contact_rule contact_rule_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_rule
    ADD CONSTRAINT contact_rule_pkey PRIMARY KEY (country, effective_from, code);

-- Name: contact_rule contact_rule_position_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_rule
    ADD CONSTRAINT contact_rule_position_key UNIQUE (country, effective_from, "position");

-- Name: contract contract_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contract
    ADD CONSTRAINT contract_pkey PRIMARY KEY (tenant_id, id);

-- Name: contract contract_tenant_id_version_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contract
    ADD CONSTRAINT contract_tenant_id_version_key UNIQUE (tenant_id, version);

-- Name: court_cost court_cost_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.court_cost
    ADD CONSTRAINT court_cost_pkey PRIMARY KEY (tenant_id, id);

-- Name: currency currency_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.currency
    ADD CONSTRAINT currency_pkey PRIMARY KEY (code);

-- Name: debtor_opt_out debtor_opt_out_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.debtor_opt_out
    ADD CONSTRAINT debtor_opt_out_pkey PRIMARY KEY (tenant_id, debtor_id, channel);

-- Name: debtor debtor_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.debtor
    ADD CONSTRAINT debtor_pkey PRIMARY KEY (tenant_id, id);

-- Name: debtor debtor_tenant_id_country_tax_id_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.debtor
    ADD CONSTRAINT debtor_tenant_id_country_tax_id_key UNIQUE (tenant_id, country, tax_id);

-- Name: dispute_invoice dispute_invoice_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute_invoice
    ADD CONSTRAINT dispute_invoice_pkey PRIMARY KEY (tenant_id, dispute_id, invoice_id);

-- Name: dispute dispute_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute
    ADD CONSTRAINT dispute_pkey PRIMARY KEY (tenant_id, id);

-- Name: fee_counter fee_counter_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_counter
    ADD CONSTRAINT fee_counter_pkey PRIMARY KEY (series, year);

-- Name: fee_document fee_document_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_number_key UNIQUE (number);

-- Name: fee_document fee_document_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_pkey PRIMARY KEY (tenant_id, id);

-- Name: fee_document fee_document_voids_once_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_voids_once_key UNIQUE (tenant_id, voids_id);

-- Name: holiday holiday_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.holiday
    ADD CONSTRAINT holiday_pkey PRIMARY KEY (country, day);

-- Name: import_batch import_batch_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.import_batch
    ADD CONSTRAINT import_batch_pkey PRIMARY KEY (tenant_id, id);

-- Name: import_batch import_batch_tenant_id_checksum_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.import_batch
    ADD CONSTRAINT import_batch_tenant_id_checksum_key UNIQUE (tenant_id, checksum);

-- Name: import_batch import_batch_tenant_id_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.import_batch
    ADD CONSTRAINT import_batch_tenant_id_number_key UNIQUE (tenant_id, number);

-- Name: instalment instalment_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.instalment
    ADD CONSTRAINT instalment_pkey PRIMARY KEY (tenant_id, agreement_id, sequence);

-- Name: invoice invoice_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.invoice
    ADD CONSTRAINT invoice_pkey PRIMARY KEY (tenant_id, id);

-- Name: invoice invoice_tenant_id_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.invoice
    ADD CONSTRAINT invoice_tenant_id_number_key UNIQUE (tenant_id, number);

-- Name: judicial_referral judicial_referral_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.judicial_referral
    ADD CONSTRAINT judicial_referral_pkey PRIMARY KEY (tenant_id, id);

-- Name: judicial_referral judicial_referral_tenant_id_case_id_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.judicial_referral
    ADD CONSTRAINT judicial_referral_tenant_id_case_id_key UNIQUE (tenant_id, case_id);

-- Name: outbound_message outbound_message_idempotency_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.outbound_message
    ADD CONSTRAINT outbound_message_idempotency_key UNIQUE (tenant_id, idempotency_key);

-- Name: outbound_message outbound_message_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.outbound_message
    ADD CONSTRAINT outbound_message_pkey PRIMARY KEY (tenant_id, id);

-- Name: payment_agreement payment_agreement_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment_agreement
    ADD CONSTRAINT payment_agreement_pkey PRIMARY KEY (tenant_id, id);

-- Name: payment payment_fee_cap_check; Type: CHECK CONSTRAINT; Schema: cobranza

ALTER TABLE cobranza.payment
    ADD CONSTRAINT payment_fee_cap_check CHECK (((reverses_id IS NOT NULL) OR (fee <= (amount / 2)))) NOT VALID;

-- Name: payment payment_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_pkey PRIMARY KEY (tenant_id, id);

-- Name: payment payment_reverses_once_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_reverses_once_key UNIQUE (tenant_id, reverses_id);

-- Name: payment payment_tenant_id_case_id_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_tenant_id_case_id_number_key UNIQUE (tenant_id, case_id, number);

-- Name: person person_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (role_name);

-- Name: posting posting_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.posting
    ADD CONSTRAINT posting_pkey PRIMARY KEY (tenant_id, id);

-- Name: promise promise_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.promise
    ADD CONSTRAINT promise_pkey PRIMARY KEY (tenant_id, id);

-- Name: received_transfer received_transfer_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.received_transfer
    ADD CONSTRAINT received_transfer_pkey PRIMARY KEY (external_ref);

-- Name: remittance remittance_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.remittance
    ADD CONSTRAINT remittance_pkey PRIMARY KEY (tenant_id, id);

-- Name: remittance remittance_reverses_once_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.remittance
    ADD CONSTRAINT remittance_reverses_once_key UNIQUE (tenant_id, reverses_id);

-- Name: strategy_case_step strategy_case_step_once_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_case_step
    ADD CONSTRAINT strategy_case_step_once_key UNIQUE (tenant_id, case_id, step_id);

-- Name: strategy_case_step strategy_case_step_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_case_step
    ADD CONSTRAINT strategy_case_step_pkey PRIMARY KEY (tenant_id, id);

-- Name: strategy_decision strategy_decision_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_decision
    ADD CONSTRAINT strategy_decision_pkey PRIMARY KEY (tenant_id, id);

-- Name: strategy strategy_name_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy
    ADD CONSTRAINT strategy_name_key UNIQUE (name);

-- Name: strategy strategy_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy
    ADD CONSTRAINT strategy_pkey PRIMARY KEY (id);

-- Name: strategy_step strategy_step_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_step
    ADD CONSTRAINT strategy_step_pkey PRIMARY KEY (id);

-- Name: submission submission_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.submission
    ADD CONSTRAINT submission_pkey PRIMARY KEY (tenant_id, id);

-- Name: submission submission_tenant_id_number_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.submission
    ADD CONSTRAINT submission_tenant_id_number_key UNIQUE (tenant_id, number);

-- Name: tenant tenant_code_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.tenant
    ADD CONSTRAINT tenant_code_key UNIQUE (code);

-- Name: tenant tenant_country_tax_id_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.tenant
    ADD CONSTRAINT tenant_country_tax_id_key UNIQUE (country, tax_id);

-- Name: tenant tenant_id_country_key; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.tenant
    ADD CONSTRAINT tenant_id_country_key UNIQUE (id, country);

-- Name: tenant tenant_pkey; Type: CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.tenant
    ADD CONSTRAINT tenant_pkey PRIMARY KEY (id);

-- Name: agreement_cancellation_agreement_idx; Type: INDEX; Schema: cobranza

CREATE INDEX agreement_cancellation_agreement_idx ON cobranza.agreement_cancellation USING btree (tenant_id, agreement_id);

-- Name: audit_log_tenant_id_at_idx; Type: INDEX; Schema: cobranza

CREATE INDEX audit_log_tenant_id_at_idx ON cobranza.audit_log USING btree (tenant_id, at);

-- Name: case_event_contact_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_event_contact_idx ON cobranza.case_event USING btree (tenant_id, case_id, occurred_at) WHERE (kind = ANY (ARRAY['reminder'::text, 'call'::text, 'letter'::text, 'visit'::text, 'email'::text, 'sms'::text, 'whatsapp'::text]));

-- Name: case_event_contact_moment_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_event_contact_moment_idx ON cobranza.case_event USING btree (occurred_at) WHERE (kind = ANY (ARRAY['reminder'::text, 'call'::text, 'letter'::text, 'visit'::text, 'email'::text, 'sms'::text, 'whatsapp'::text]));

-- Name: case_event_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_event_tenant_id_case_id_idx ON cobranza.case_event USING btree (tenant_id, case_id, occurred_on);

-- Name: case_hold_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_hold_tenant_id_case_id_idx ON cobranza.case_hold USING btree (tenant_id, case_id);

-- Name: case_task_one_authorisation; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX case_task_one_authorisation ON cobranza.case_task USING btree (tenant_id, case_id) WHERE ((kind = 'authorisation'::text) AND (done_on IS NULL));

-- Name: case_task_open_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_task_open_idx ON cobranza.case_task USING btree (due) WHERE (done_on IS NULL);

-- Name: case_task_step_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_task_step_id_idx ON cobranza.case_task USING btree (step_id);

-- Name: case_task_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX case_task_tenant_id_case_id_idx ON cobranza.case_task USING btree (tenant_id, case_id);

-- Name: client_strategy_strategy_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX client_strategy_strategy_id_idx ON cobranza.client_strategy USING btree (strategy_id);

-- Name: collection_case_assigned_to_idx; Type: INDEX; Schema: cobranza

CREATE INDEX collection_case_assigned_to_idx ON cobranza.collection_case USING btree (assigned_to) WHERE (assigned_to IS NOT NULL);

-- Name: collection_case_one_open_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX collection_case_one_open_key ON cobranza.collection_case USING btree (tenant_id, debtor_id, currency) WHERE (stage <> 'closed'::text);

-- Name: collection_case_tenant_id_debtor_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX collection_case_tenant_id_debtor_id_idx ON cobranza.collection_case USING btree (tenant_id, debtor_id);

-- Name: collection_case_tenant_id_stage_idx; Type: INDEX; Schema: cobranza

CREATE INDEX collection_case_tenant_id_stage_idx ON cobranza.collection_case USING btree (tenant_id, stage);

-- Name: court_cost_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX court_cost_tenant_id_case_id_idx ON cobranza.court_cost USING btree (tenant_id, case_id);

-- Name: debtor_country_tax_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX debtor_country_tax_id_idx ON cobranza.debtor USING btree (country, tax_id);

-- Name: dispute_invoice_tenant_id_invoice_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX dispute_invoice_tenant_id_invoice_id_idx ON cobranza.dispute_invoice USING btree (tenant_id, invoice_id);

-- Name: dispute_one_open_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX dispute_one_open_key ON cobranza.dispute USING btree (tenant_id, case_id) WHERE (outcome IS NULL);

-- Name: fee_document_tenant_id_issued_on_idx; Type: INDEX; Schema: cobranza

CREATE INDEX fee_document_tenant_id_issued_on_idx ON cobranza.fee_document USING btree (tenant_id, issued_on);

-- Name: invoice_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX invoice_tenant_id_case_id_idx ON cobranza.invoice USING btree (tenant_id, case_id);

-- Name: invoice_tenant_id_debtor_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX invoice_tenant_id_debtor_id_idx ON cobranza.invoice USING btree (tenant_id, debtor_id);

-- Name: invoice_tenant_id_submission_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX invoice_tenant_id_submission_id_idx ON cobranza.invoice USING btree (tenant_id, submission_id);

-- Name: judicial_referral_lawyer_idx; Type: INDEX; Schema: cobranza

CREATE INDEX judicial_referral_lawyer_idx ON cobranza.judicial_referral USING btree (lawyer);

-- Name: outbound_message_claimed_idx; Type: INDEX; Schema: cobranza

CREATE INDEX outbound_message_claimed_idx ON cobranza.outbound_message USING btree (claimed_at) WHERE (status = 'sending'::text);

-- Name: outbound_message_due_idx; Type: INDEX; Schema: cobranza

CREATE INDEX outbound_message_due_idx ON cobranza.outbound_message USING btree (not_before) WHERE (status = 'queued'::text);

-- Name: outbound_message_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX outbound_message_id_idx ON cobranza.outbound_message USING btree (id);

-- Name: outbound_message_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX outbound_message_tenant_id_case_id_idx ON cobranza.outbound_message USING btree (tenant_id, case_id);

-- Name: payment_agreement_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX payment_agreement_tenant_id_case_id_idx ON cobranza.payment_agreement USING btree (tenant_id, case_id);

-- Name: payment_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX payment_tenant_id_case_id_idx ON cobranza.payment USING btree (tenant_id, case_id);

-- Name: payment_tenant_id_external_ref_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX payment_tenant_id_external_ref_key ON cobranza.payment USING btree (tenant_id, external_ref) WHERE (external_ref IS NOT NULL);

-- Name: payment_tenant_id_paid_on_idx; Type: INDEX; Schema: cobranza

CREATE INDEX payment_tenant_id_paid_on_idx ON cobranza.payment USING btree (tenant_id, paid_on);

-- Name: payment_tenant_id_reverses_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX payment_tenant_id_reverses_id_idx ON cobranza.payment USING btree (tenant_id, reverses_id) WHERE (reverses_id IS NOT NULL);

-- Name: person_tenant_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX person_tenant_id_idx ON cobranza.person USING btree (tenant_id);

-- Name: posting_one_active_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX posting_one_active_key ON cobranza.posting USING btree (tenant_id, case_id) WHERE (withdrawn_on IS NULL);

-- Name: posting_withdrawal_due_idx; Type: INDEX; Schema: cobranza

CREATE INDEX posting_withdrawal_due_idx ON cobranza.posting USING btree (withdrawal_due) WHERE (withdrawn_on IS NULL);

-- Name: promise_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX promise_tenant_id_case_id_idx ON cobranza.promise USING btree (tenant_id, case_id);

-- Name: remittance_tenant_id_external_ref_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX remittance_tenant_id_external_ref_key ON cobranza.remittance USING btree (tenant_id, external_ref) WHERE (external_ref IS NOT NULL);

-- Name: strategy_decision_run_on_idx; Type: INDEX; Schema: cobranza

CREATE INDEX strategy_decision_run_on_idx ON cobranza.strategy_decision USING btree (run_on);

-- Name: strategy_decision_step_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX strategy_decision_step_id_idx ON cobranza.strategy_decision USING btree (step_id);

-- Name: strategy_decision_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX strategy_decision_tenant_id_case_id_idx ON cobranza.strategy_decision USING btree (tenant_id, case_id, id);

-- Name: strategy_one_default; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX strategy_one_default ON cobranza.strategy USING btree ((true)) WHERE is_default;

-- Name: strategy_step_active_key; Type: INDEX; Schema: cobranza

CREATE UNIQUE INDEX strategy_step_active_key ON cobranza.strategy_step USING btree (strategy_id, day, action) WHERE (removed_at IS NULL);

-- Name: submission_tenant_id_batch_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX submission_tenant_id_batch_id_idx ON cobranza.submission USING btree (tenant_id, batch_id);

-- Name: submission_tenant_id_case_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX submission_tenant_id_case_id_idx ON cobranza.submission USING btree (tenant_id, case_id);

-- Name: submission_tenant_id_debtor_id_idx; Type: INDEX; Schema: cobranza

CREATE INDEX submission_tenant_id_debtor_id_idx ON cobranza.submission USING btree (tenant_id, debtor_id);

-- Name: submission_tenant_id_status_idx; Type: INDEX; Schema: cobranza

CREATE INDEX submission_tenant_id_status_idx ON cobranza.submission USING btree (tenant_id, status);

-- Name: agreement_cancellation agreement_cancellation_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER agreement_cancellation_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.agreement_cancellation FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('what a cancelled invoice took off an agreement is history');

-- Name: agreement_cancellation agreement_cancellation_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER agreement_cancellation_audit_insert AFTER INSERT ON cobranza.agreement_cancellation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: payment_agreement agreement_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER agreement_prepare BEFORE INSERT ON cobranza.payment_agreement FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_prepare();

-- Name: payment_agreement agreement_schedule_check; Type: TRIGGER; Schema: cobranza

CREATE CONSTRAINT TRIGGER agreement_schedule_check AFTER INSERT ON cobranza.payment_agreement DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_schedule_check();

-- Name: payment_agreement agreement_undisputed_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER agreement_undisputed_check BEFORE INSERT ON cobranza.payment_agreement FOR EACH ROW EXECUTE FUNCTION cobranza.agreement_undisputed_check();

-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.audit_log FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_log_append_only();

-- Name: case_event case_event_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.case_event FOR EACH STATEMENT EXECUTE FUNCTION cobranza.case_event_append_only();

-- Name: case_event case_event_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_audit AFTER DELETE OR UPDATE ON cobranza.case_event FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: case_event case_event_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_audit_insert AFTER INSERT ON cobranza.case_event REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: case_event case_event_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_check BEFORE INSERT ON cobranza.case_event FOR EACH ROW EXECUTE FUNCTION cobranza.case_event_check();

-- Name: case_event case_event_contact_rules; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_contact_rules BEFORE INSERT ON cobranza.case_event FOR EACH ROW EXECUTE FUNCTION cobranza.case_event_contact_rules();

-- Name: case_event case_event_letter_not_yet_due; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_event_letter_not_yet_due BEFORE INSERT ON cobranza.case_event FOR EACH ROW WHEN ((new.kind = 'letter'::text)) EXECUTE FUNCTION cobranza.case_not_yet_due_check();

-- Name: case_hold case_hold_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_hold_audit AFTER UPDATE ON cobranza.case_hold FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: case_hold case_hold_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_hold_audit_insert AFTER INSERT ON cobranza.case_hold REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: case_hold case_hold_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_hold_check BEFORE INSERT OR UPDATE ON cobranza.case_hold FOR EACH ROW EXECUTE FUNCTION cobranza.case_hold_check();

-- Name: case_hold case_hold_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_hold_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.case_hold FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a hold is released, never deleted');

-- Name: case_task case_task_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_task_audit AFTER UPDATE ON cobranza.case_task FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: case_task case_task_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_task_audit_insert AFTER INSERT ON cobranza.case_task REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: case_task case_task_done; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_task_done BEFORE UPDATE ON cobranza.case_task FOR EACH ROW EXECUTE FUNCTION cobranza.case_task_done();

-- Name: case_task case_task_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER case_task_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.case_task FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a task is closed, never deleted');

-- Name: client_strategy client_strategy_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER client_strategy_audit AFTER INSERT OR DELETE OR UPDATE ON cobranza.client_strategy FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: collection_case collection_case_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_audit AFTER DELETE OR UPDATE ON cobranza.collection_case FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: collection_case collection_case_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_audit_insert AFTER INSERT ON cobranza.collection_case REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: collection_case collection_case_check_assignee; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_check_assignee BEFORE INSERT OR UPDATE OF assigned_to ON cobranza.collection_case FOR EACH ROW EXECUTE FUNCTION cobranza.check_case_assignee();

-- Name: collection_case collection_case_closed_withdrawal; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_closed_withdrawal AFTER UPDATE OF stage ON cobranza.collection_case FOR EACH ROW WHEN (((new.stage = 'closed'::text) AND (old.stage <> 'closed'::text) AND new.posted)) EXECUTE FUNCTION cobranza.case_closed_withdrawal();

-- Name: collection_case collection_case_flags_and_close_moment; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_flags_and_close_moment BEFORE UPDATE ON cobranza.collection_case FOR EACH ROW WHEN (((old.on_agreement IS DISTINCT FROM new.on_agreement) OR (old.stage IS DISTINCT FROM new.stage) OR (old.closed_at IS DISTINCT FROM new.closed_at))) EXECUTE FUNCTION cobranza.case_flags_and_close_moment();

-- Name: collection_case collection_case_insert_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_insert_check BEFORE INSERT ON cobranza.collection_case FOR EACH ROW EXECUTE FUNCTION cobranza.case_insert_check();

-- Name: collection_case collection_case_invoice_referenced_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_invoice_referenced_delete AFTER DELETE ON cobranza.collection_case FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: collection_case collection_case_invoice_referenced_truncate; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_invoice_referenced_truncate BEFORE TRUNCATE ON cobranza.collection_case FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: collection_case collection_case_invoice_referenced_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_invoice_referenced_update AFTER UPDATE OF tenant_id, id, debtor_id, currency ON cobranza.collection_case FOR EACH ROW WHEN (((((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id)) OR (old.debtor_id IS DISTINCT FROM new.debtor_id)) OR (old.currency IS DISTINCT FROM new.currency))) EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: collection_case collection_case_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_kept BEFORE DELETE OR TRUNCATE ON cobranza.collection_case FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a case is closed, never deleted');

-- Name: collection_case collection_case_key_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_key_kept BEFORE UPDATE OF tenant_id, id ON cobranza.collection_case FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id))) EXECUTE FUNCTION cobranza.refuse_key_change('a case keeps its client and its id');

-- Name: collection_case collection_case_number; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_number BEFORE INSERT ON cobranza.collection_case FOR EACH ROW WHEN ((new.number IS NULL)) EXECUTE FUNCTION cobranza.collection_case_number();

-- Name: collection_case collection_case_numbers_drawn; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_numbers_drawn AFTER INSERT ON cobranza.collection_case REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.case_numbers_drawn();

-- Name: collection_case collection_case_transition; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER collection_case_transition BEFORE UPDATE ON cobranza.collection_case FOR EACH ROW EXECUTE FUNCTION cobranza.case_transition();

-- Name: contact_authorisation contact_authorisation_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER contact_authorisation_audit AFTER DELETE OR UPDATE ON cobranza.contact_authorisation FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: contact_authorisation contact_authorisation_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER contact_authorisation_audit_insert AFTER INSERT ON cobranza.contact_authorisation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: contract contract_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER contract_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.contract FOR EACH STATEMENT EXECUTE FUNCTION cobranza.contract_append_only();

-- Name: contract contract_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER contract_audit_insert AFTER INSERT ON cobranza.contract REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: contract contract_version_order; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER contract_version_order BEFORE INSERT ON cobranza.contract FOR EACH ROW EXECUTE FUNCTION cobranza.contract_version_order();

-- Name: court_cost court_cost_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER court_cost_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.court_cost FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('costs are history');

-- Name: court_cost court_cost_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER court_cost_audit_insert AFTER INSERT ON cobranza.court_cost REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: court_cost court_cost_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER court_cost_prepare BEFORE INSERT ON cobranza.court_cost FOR EACH ROW EXECUTE FUNCTION cobranza.court_cost_prepare();

-- Name: currency currency_submission_referenced_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER currency_submission_referenced_delete AFTER DELETE ON cobranza.currency FOR EACH ROW EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: currency currency_submission_referenced_truncate; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER currency_submission_referenced_truncate BEFORE TRUNCATE ON cobranza.currency FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: currency currency_submission_referenced_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER currency_submission_referenced_update AFTER UPDATE OF code ON cobranza.currency FOR EACH ROW WHEN ((old.code IS DISTINCT FROM new.code)) EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: debtor debtor_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_audit AFTER DELETE OR UPDATE ON cobranza.debtor FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: debtor debtor_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_audit_insert AFTER INSERT ON cobranza.debtor REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: debtor debtor_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_kept BEFORE DELETE OR TRUNCATE ON cobranza.debtor FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a debtor is kept, never deleted');

-- Name: debtor debtor_key_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_key_kept BEFORE UPDATE OF tenant_id, id ON cobranza.debtor FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id))) EXECUTE FUNCTION cobranza.refuse_key_change('a debtor keeps its client and its id');

-- Name: debtor_opt_out debtor_opt_out_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_opt_out_audit AFTER INSERT OR DELETE ON cobranza.debtor_opt_out FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: debtor debtor_tenant_insert_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_tenant_insert_check AFTER INSERT ON cobranza.debtor REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.debtor_tenant_check();

-- Name: debtor debtor_tenant_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER debtor_tenant_update_check AFTER UPDATE OF tenant_id, country ON cobranza.debtor FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.country IS DISTINCT FROM new.country))) EXECUTE FUNCTION cobranza.debtor_tenant_check();

-- Name: dispute dispute_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_audit AFTER UPDATE ON cobranza.dispute FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: dispute dispute_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_audit_insert AFTER INSERT ON cobranza.dispute REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: dispute_invoice dispute_invoice_added; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_invoice_added AFTER INSERT ON cobranza.dispute_invoice FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_invoice_added();

-- Name: dispute_invoice dispute_invoice_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_invoice_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.dispute_invoice FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('what a dispute covered is history');

-- Name: dispute dispute_invoice_referenced_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_invoice_referenced_delete AFTER DELETE ON cobranza.dispute FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: dispute dispute_invoice_referenced_truncate; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_invoice_referenced_truncate BEFORE TRUNCATE ON cobranza.dispute FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: dispute dispute_invoice_referenced_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_invoice_referenced_update AFTER UPDATE OF tenant_id, id ON cobranza.dispute FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id))) EXECUTE FUNCTION cobranza.invoice_case_referenced_check();

-- Name: dispute dispute_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.dispute FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('disputes are resolved, never deleted');

-- Name: dispute dispute_opened; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_opened AFTER INSERT ON cobranza.dispute FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_opened();

-- Name: dispute dispute_resolved; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_resolved AFTER UPDATE ON cobranza.dispute FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_resolved();

-- Name: dispute dispute_resolving; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER dispute_resolving BEFORE UPDATE ON cobranza.dispute FOR EACH ROW EXECUTE FUNCTION cobranza.dispute_resolving();

-- Name: fee_document fee_document_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER fee_document_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.fee_document FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('an issued document is corrected by a credit note');

-- Name: fee_document fee_document_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER fee_document_audit_insert AFTER INSERT ON cobranza.fee_document REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement('payment_ids', 'case_labels');

-- Name: fee_document fee_document_check_lines; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER fee_document_check_lines AFTER INSERT ON cobranza.fee_document REFERENCING NEW TABLE AS new_documents FOR EACH STATEMENT EXECUTE FUNCTION cobranza.fee_document_check_lines();

-- Name: fee_document fee_document_number; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER fee_document_number BEFORE INSERT ON cobranza.fee_document FOR EACH ROW WHEN ((new.number IS NULL)) EXECUTE FUNCTION cobranza.fee_document_number();

-- Name: fee_document fee_document_void_costs; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER fee_document_void_costs BEFORE INSERT ON cobranza.fee_document FOR EACH ROW WHEN (((new.kind = 'credit_note'::text) AND (new.voids_id IS NOT NULL))) EXECUTE FUNCTION cobranza.fee_document_void_costs();

-- Name: holiday holiday_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER holiday_audit AFTER INSERT OR DELETE ON cobranza.holiday FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: import_batch import_batch_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_audit AFTER DELETE OR UPDATE ON cobranza.import_batch FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: import_batch import_batch_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_audit_insert AFTER INSERT ON cobranza.import_batch REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: import_batch import_batch_number; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_number BEFORE INSERT ON cobranza.import_batch FOR EACH ROW EXECUTE FUNCTION cobranza.client_number();

-- Name: import_batch import_batch_numbers_drawn; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_numbers_drawn AFTER INSERT ON cobranza.import_batch REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.client_numbers_drawn();

-- Name: import_batch import_batch_submission_referenced_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_submission_referenced_delete AFTER DELETE ON cobranza.import_batch FOR EACH ROW EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: import_batch import_batch_submission_referenced_truncate; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_submission_referenced_truncate BEFORE TRUNCATE ON cobranza.import_batch FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: import_batch import_batch_submission_referenced_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER import_batch_submission_referenced_update AFTER UPDATE OF tenant_id, id ON cobranza.import_batch FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id))) EXECUTE FUNCTION cobranza.submission_parent_referenced_check();

-- Name: instalment instalment_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER instalment_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.instalment FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new agreement replaces one in default');

-- Name: instalment instalment_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER instalment_prepare BEFORE INSERT ON cobranza.instalment FOR EACH ROW EXECUTE FUNCTION cobranza.instalment_prepare();

-- Name: invoice invoice_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_audit AFTER DELETE OR UPDATE ON cobranza.invoice FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: invoice invoice_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_audit_insert AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: invoice invoice_cancelled; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_cancelled AFTER UPDATE OF cancel_reason ON cobranza.invoice FOR EACH ROW WHEN (((old.cancel_reason IS NULL) AND (new.cancel_reason IS NOT NULL))) EXECUTE FUNCTION cobranza.invoice_cancelled();

-- Name: invoice invoice_cancelled_under_agreement; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_cancelled_under_agreement AFTER UPDATE OF cancel_reason ON cobranza.invoice FOR EACH ROW WHEN (((old.cancel_reason IS NULL) AND (new.cancel_reason IS NOT NULL))) EXECUTE FUNCTION cobranza.invoice_cancelled_under_agreement();

-- Name: invoice invoice_cancelling; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_cancelling BEFORE UPDATE ON cobranza.invoice FOR EACH ROW EXECUTE FUNCTION cobranza.invoice_cancelling();

-- Name: invoice invoice_case_keys_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_case_keys_insert AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_keys_check();

-- Name: invoice invoice_case_keys_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_case_keys_update AFTER UPDATE ON cobranza.invoice REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_case_keys_check();

-- Name: invoice invoice_case_submission_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_case_submission_check BEFORE UPDATE OF case_id ON cobranza.invoice FOR EACH ROW WHEN (((old.case_id IS NULL) AND (new.case_id IS NOT NULL))) EXECUTE FUNCTION cobranza.invoice_case_submission_check();

-- Name: invoice invoice_client_pending_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_client_pending_check AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_client_pending_check();

-- Name: invoice invoice_overdue_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_overdue_insert AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_overdue_check();

-- Name: invoice invoice_overdue_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_overdue_update AFTER UPDATE ON cobranza.invoice REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_overdue_check();

-- Name: invoice invoice_placed_terms_fixed; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_placed_terms_fixed BEFORE UPDATE OF number, issued, due, amount, case_id ON cobranza.invoice FOR EACH ROW WHEN (((old.case_id IS NOT NULL) AND (NOT (new.cancel_reason IS DISTINCT FROM old.cancel_reason)) AND (((((new.number IS DISTINCT FROM old.number) OR (new.issued IS DISTINCT FROM old.issued)) OR (new.due IS DISTINCT FROM old.due)) OR (new.amount IS DISTINCT FROM old.amount)) OR (new.case_id IS DISTINCT FROM old.case_id)))) EXECUTE FUNCTION cobranza.invoice_placed_terms_fixed();

-- Name: invoice invoice_placed_text_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_placed_text_kept BEFORE UPDATE OF note ON cobranza.invoice FOR EACH ROW WHEN (((old.case_id IS NOT NULL) AND (new.note IS DISTINCT FROM old.note))) EXECUTE FUNCTION cobranza.invoice_placed_text_kept();

-- Name: invoice invoice_submission_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_submission_check AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_submission_check();

-- Name: invoice invoice_submission_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_submission_update_check AFTER UPDATE OF tenant_id, submission_id, debtor_id, currency ON cobranza.invoice FOR EACH ROW WHEN (((((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.submission_id IS DISTINCT FROM new.submission_id)) OR (old.debtor_id IS DISTINCT FROM new.debtor_id)) OR (old.currency IS DISTINCT FROM new.currency))) EXECUTE FUNCTION cobranza.invoice_submission_row_check();

-- Name: invoice invoice_totals_bound_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_totals_bound_insert AFTER INSERT ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_totals_bound();

-- Name: invoice invoice_totals_bound_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER invoice_totals_bound_update AFTER UPDATE ON cobranza.invoice REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_totals_bound();

-- Name: judicial_referral judicial_referral_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER judicial_referral_audit AFTER UPDATE ON cobranza.judicial_referral FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: judicial_referral judicial_referral_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER judicial_referral_audit_insert AFTER INSERT ON cobranza.judicial_referral REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: judicial_referral judicial_referral_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER judicial_referral_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.judicial_referral FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a referral is history');

-- Name: judicial_referral judicial_referral_not_yet_due; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER judicial_referral_not_yet_due BEFORE INSERT ON cobranza.judicial_referral FOR EACH ROW EXECUTE FUNCTION cobranza.case_not_yet_due_check();

-- Name: outbound_message outbound_message_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_audit AFTER UPDATE ON cobranza.outbound_message FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: outbound_message outbound_message_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_audit_insert AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: outbound_message outbound_message_case_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_case_fkey_check AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('outbound_message_case_fkey', 'collection_case', 'tenant_id,case_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_case_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_case_fkey_update_check AFTER UPDATE OF tenant_id, case_id ON cobranza.outbound_message FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.case_id IS DISTINCT FROM new.case_id))) EXECUTE FUNCTION cobranza.keys_present('outbound_message_case_fkey', 'collection_case', 'tenant_id,case_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_debtor_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_debtor_fkey_check AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('outbound_message_debtor_fkey', 'debtor', 'tenant_id,debtor_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_debtor_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_debtor_fkey_update_check AFTER UPDATE OF tenant_id, debtor_id ON cobranza.outbound_message FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.debtor_id IS DISTINCT FROM new.debtor_id))) EXECUTE FUNCTION cobranza.keys_present('outbound_message_debtor_fkey', 'debtor', 'tenant_id,debtor_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_event_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_event_fkey_check AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('outbound_message_event_fkey', 'case_event', 'tenant_id,event_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_event_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_event_fkey_update_check AFTER UPDATE OF tenant_id, event_id ON cobranza.outbound_message FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.event_id IS DISTINCT FROM new.event_id))) EXECUTE FUNCTION cobranza.keys_present('outbound_message_event_fkey', 'case_event', 'tenant_id,event_id', 'tenant_id,id');

-- Name: outbound_message outbound_message_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.outbound_message FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a message is kept, never deleted');

-- Name: outbound_message outbound_message_notify_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_notify_insert AFTER INSERT ON cobranza.outbound_message FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_notify();

-- Name: outbound_message outbound_message_notify_requeue; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_notify_requeue AFTER UPDATE OF status ON cobranza.outbound_message FOR EACH ROW WHEN (((new.status = 'queued'::text) AND (old.status <> 'queued'::text))) EXECUTE FUNCTION cobranza.outbound_message_notify();

-- Name: outbound_message outbound_message_opt_out; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_opt_out AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_opt_out_check();

-- Name: outbound_message outbound_message_step_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_step_fkey_check AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('outbound_message_step_fkey', 'strategy_step', 'step_id', 'id');

-- Name: outbound_message outbound_message_step_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_step_fkey_update_check AFTER UPDATE OF step_id ON cobranza.outbound_message FOR EACH ROW WHEN ((old.step_id IS DISTINCT FROM new.step_id)) EXECUTE FUNCTION cobranza.keys_present('outbound_message_step_fkey', 'strategy_step', 'step_id', 'id');

-- Name: outbound_message outbound_message_to_case_debtor; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_to_case_debtor AFTER INSERT ON cobranza.outbound_message REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.outbound_message_to_case_debtor();

-- Name: outbound_message outbound_message_transition; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER outbound_message_transition BEFORE UPDATE ON cobranza.outbound_message FOR EACH ROW EXECUTE FUNCTION cobranza.outbound_message_transition();

-- Name: payment_agreement payment_agreement_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_agreement_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.payment_agreement FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new agreement replaces one in default');

-- Name: payment_agreement payment_agreement_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_agreement_audit_insert AFTER INSERT ON cobranza.payment_agreement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: payment payment_agreement_settle; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_agreement_settle AFTER INSERT ON cobranza.payment FOR EACH ROW WHEN ((new.amount > 0)) EXECUTE FUNCTION cobranza.agreement_settle();

-- Name: payment payment_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.payment FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a payment is undone by "payment reverse"');

-- Name: payment payment_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_audit_insert AFTER INSERT ON cobranza.payment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: payment payment_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_prepare BEFORE INSERT ON cobranza.payment FOR EACH ROW EXECUTE FUNCTION cobranza.payment_prepare();

-- Name: payment payment_reversal_credit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER payment_reversal_credit AFTER INSERT ON cobranza.payment FOR EACH ROW WHEN ((new.reverses_id IS NOT NULL)) EXECUTE FUNCTION cobranza.payment_reversal_credit();

-- Name: person person_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER person_audit AFTER INSERT OR DELETE OR UPDATE ON cobranza.person FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: person person_session_limits; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER person_session_limits AFTER INSERT ON cobranza.person FOR EACH ROW EXECUTE FUNCTION cobranza.person_session_limits();

-- Name: posting posting_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_audit AFTER UPDATE ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: posting posting_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_audit_insert AFTER INSERT ON cobranza.posting REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: posting posting_effects; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_effects AFTER UPDATE ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.posting_effects();

-- Name: posting posting_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.posting FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('postings are withdrawn, never deleted');

-- Name: posting posting_not_yet_due; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_not_yet_due BEFORE INSERT ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.case_not_yet_due_check();

-- Name: posting posting_notified; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_notified BEFORE INSERT ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.posting_notified();

-- Name: posting posting_publish_not_yet_due; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_publish_not_yet_due BEFORE UPDATE ON cobranza.posting FOR EACH ROW WHEN (((old.published_on IS NULL) AND (new.published_on IS NOT NULL))) EXECUTE FUNCTION cobranza.case_not_yet_due_check();

-- Name: posting posting_transition; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_transition BEFORE UPDATE ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.posting_transition();

-- Name: posting posting_undisputed_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER posting_undisputed_check BEFORE INSERT OR UPDATE ON cobranza.posting FOR EACH ROW EXECUTE FUNCTION cobranza.posting_undisputed_check();

-- Name: promise promise_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER promise_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.promise FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a new promise replaces an old one');

-- Name: promise promise_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER promise_audit_insert AFTER INSERT ON cobranza.promise REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: promise promise_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER promise_prepare BEFORE INSERT ON cobranza.promise FOR EACH ROW EXECUTE FUNCTION cobranza.promise_prepare();

-- Name: received_transfer received_transfer_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER received_transfer_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.received_transfer FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a transfer is recorded once, with its payment');

-- Name: judicial_referral referral_filed; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER referral_filed AFTER INSERT ON cobranza.judicial_referral FOR EACH ROW EXECUTE FUNCTION cobranza.referral_filed();

-- Name: judicial_referral referral_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER referral_prepare BEFORE INSERT ON cobranza.judicial_referral FOR EACH ROW EXECUTE FUNCTION cobranza.referral_prepare();

-- Name: judicial_referral referral_transition; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER referral_transition BEFORE UPDATE ON cobranza.judicial_referral FOR EACH ROW EXECUTE FUNCTION cobranza.referral_transition();

-- Name: remittance remittance_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER remittance_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.remittance FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a remittance is corrected by a new one');

-- Name: remittance remittance_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER remittance_audit_insert AFTER INSERT ON cobranza.remittance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: remittance remittance_prepare; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER remittance_prepare BEFORE INSERT ON cobranza.remittance FOR EACH ROW EXECUTE FUNCTION cobranza.remittance_prepare();

-- Name: strategy strategy_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_audit AFTER INSERT OR DELETE OR UPDATE ON cobranza.strategy FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: strategy_case_step strategy_case_step_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.strategy_case_step FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a step done on a case is history');

-- Name: strategy_case_step strategy_case_step_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_audit_insert AFTER INSERT ON cobranza.strategy_case_step REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: strategy_case_step strategy_case_step_case_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_case_fkey_check AFTER INSERT ON cobranza.strategy_case_step REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('strategy_case_step_case_fkey', 'collection_case', 'tenant_id,case_id', 'tenant_id,id');

-- Name: strategy_case_step strategy_case_step_case_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_case_fkey_update_check AFTER UPDATE OF tenant_id, case_id ON cobranza.strategy_case_step FOR EACH ROW WHEN (((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.case_id IS DISTINCT FROM new.case_id))) EXECUTE FUNCTION cobranza.keys_present('strategy_case_step_case_fkey', 'collection_case', 'tenant_id,case_id', 'tenant_id,id');

-- Name: strategy_case_step strategy_case_step_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_check AFTER INSERT ON cobranza.strategy_case_step REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.strategy_case_step_check();

-- Name: strategy_case_step strategy_case_step_step_fkey_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_step_fkey_check AFTER INSERT ON cobranza.strategy_case_step REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.keys_present('strategy_case_step_step_fkey', 'strategy_step', 'step_id', 'id');

-- Name: strategy_case_step strategy_case_step_step_fkey_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_case_step_step_fkey_update_check AFTER UPDATE OF step_id ON cobranza.strategy_case_step FOR EACH ROW WHEN ((old.step_id IS DISTINCT FROM new.step_id)) EXECUTE FUNCTION cobranza.keys_present('strategy_case_step_step_fkey', 'strategy_step', 'step_id', 'id');

-- Name: strategy_decision strategy_decision_append_only; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_decision_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON cobranza.strategy_decision FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('the run''s log is history');

-- Name: strategy_decision strategy_decision_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_decision_audit_insert AFTER INSERT ON cobranza.strategy_decision REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: strategy_step strategy_step_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_step_audit AFTER INSERT OR UPDATE ON cobranza.strategy_step FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: strategy_step strategy_step_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_step_check BEFORE INSERT OR UPDATE ON cobranza.strategy_step FOR EACH ROW EXECUTE FUNCTION cobranza.strategy_step_check();

-- Name: strategy_step strategy_step_lock; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_step_lock BEFORE INSERT OR UPDATE ON cobranza.strategy_step FOR EACH ROW EXECUTE FUNCTION cobranza.strategy_step_lock();

-- Name: strategy_step strategy_step_no_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER strategy_step_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.strategy_step FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a step is removed (removed_at), never deleted: cases keep the steps they did');

-- Name: submission submission_accepted_undisputed; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_accepted_undisputed BEFORE UPDATE OF status, case_id ON cobranza.submission FOR EACH ROW WHEN (((new.status = 'accepted'::text) AND (new.case_id IS NOT NULL))) EXECUTE FUNCTION cobranza.submission_accepted_undisputed();

-- Name: submission submission_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_audit AFTER DELETE OR UPDATE ON cobranza.submission FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: submission submission_audit_insert; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_audit_insert AFTER INSERT ON cobranza.submission REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

-- Name: submission submission_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_kept BEFORE DELETE OR TRUNCATE ON cobranza.submission FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_key_change('a submission is rejected, never deleted');

-- Name: submission submission_key_kept; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_key_kept BEFORE UPDATE OF tenant_id, id, debtor_id, currency ON cobranza.submission FOR EACH ROW WHEN (((((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.id IS DISTINCT FROM new.id)) OR (old.debtor_id IS DISTINCT FROM new.debtor_id)) OR (old.currency IS DISTINCT FROM new.currency))) EXECUTE FUNCTION cobranza.refuse_key_change('a submission keeps its client, id, debtor and currency');

-- Name: submission submission_keys_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_keys_check AFTER INSERT ON cobranza.submission REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.submission_keys_check();

-- Name: submission submission_keys_update_check; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_keys_update_check AFTER UPDATE OF tenant_id, debtor_id, currency, batch_id ON cobranza.submission FOR EACH ROW WHEN (((((old.tenant_id IS DISTINCT FROM new.tenant_id) OR (old.debtor_id IS DISTINCT FROM new.debtor_id)) OR (old.currency IS DISTINCT FROM new.currency)) OR (old.batch_id IS DISTINCT FROM new.batch_id))) EXECUTE FUNCTION cobranza.submission_keys_row_check();

-- Name: submission submission_number; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_number BEFORE INSERT ON cobranza.submission FOR EACH ROW EXECUTE FUNCTION cobranza.client_number();

-- Name: submission submission_numbers_drawn; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_numbers_drawn AFTER INSERT ON cobranza.submission REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.client_numbers_drawn();

-- Name: submission submission_reviewed; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER submission_reviewed BEFORE UPDATE ON cobranza.submission FOR EACH ROW WHEN (((old.status <> 'pending'::text) OR (new.status <> 'pending'::text) OR (new.reviewed_by IS DISTINCT FROM old.reviewed_by) OR (new.reviewed_at IS DISTINCT FROM old.reviewed_at))) EXECUTE FUNCTION cobranza.submission_reviewed();

-- Name: tenant tenant_audit; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER tenant_audit AFTER INSERT OR DELETE OR UPDATE ON cobranza.tenant FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- Name: tenant tenant_debtor_referenced_delete; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER tenant_debtor_referenced_delete AFTER DELETE ON cobranza.tenant FOR EACH ROW EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();

-- Name: tenant tenant_debtor_referenced_truncate; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER tenant_debtor_referenced_truncate BEFORE TRUNCATE ON cobranza.tenant FOR EACH STATEMENT EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();

-- Name: tenant tenant_debtor_referenced_update; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER tenant_debtor_referenced_update AFTER UPDATE OF id, country ON cobranza.tenant FOR EACH ROW WHEN (((old.id IS DISTINCT FROM new.id) OR (old.country IS DISTINCT FROM new.country))) EXECUTE FUNCTION cobranza.tenant_debtor_referenced_check();

-- Name: tenant tenant_identity_fixed; Type: TRIGGER; Schema: cobranza

CREATE TRIGGER tenant_identity_fixed BEFORE UPDATE OF tax_id, currency ON cobranza.tenant FOR EACH ROW EXECUTE FUNCTION cobranza.tenant_identity_fixed();

-- Name: agreement_cancellation agreement_cancellation_agreement_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.agreement_cancellation
    ADD CONSTRAINT agreement_cancellation_agreement_fkey FOREIGN KEY (tenant_id, agreement_id) REFERENCES cobranza.payment_agreement(tenant_id, id);

-- Name: agreement_cancellation agreement_cancellation_invoice_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.agreement_cancellation
    ADD CONSTRAINT agreement_cancellation_invoice_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES cobranza.invoice(tenant_id, id);

-- Name: case_event case_event_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_event
    ADD CONSTRAINT case_event_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: case_event case_event_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_event
    ADD CONSTRAINT case_event_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: case_hold case_hold_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_hold
    ADD CONSTRAINT case_hold_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: case_task case_task_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_task
    ADD CONSTRAINT case_task_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: case_task case_task_step_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.case_task
    ADD CONSTRAINT case_task_step_fkey FOREIGN KEY (step_id) REFERENCES cobranza.strategy_step(id);

-- Name: client_number_counter client_number_counter_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.client_number_counter
    ADD CONSTRAINT client_number_counter_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: client_strategy client_strategy_strategy_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.client_strategy
    ADD CONSTRAINT client_strategy_strategy_fkey FOREIGN KEY (strategy_id) REFERENCES cobranza.strategy(id);

-- Name: client_strategy client_strategy_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.client_strategy
    ADD CONSTRAINT client_strategy_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: collection_case collection_case_currency_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency(code);

-- Name: collection_case collection_case_debtor_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor(tenant_id, id);

-- Name: collection_case collection_case_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.collection_case
    ADD CONSTRAINT collection_case_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: contact_authorisation contact_authorisation_debtor_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_authorisation
    ADD CONSTRAINT contact_authorisation_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor(tenant_id, id);

-- Name: contact_rule_hours contact_rule_hours_rule_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contact_rule_hours
    ADD CONSTRAINT contact_rule_hours_rule_fkey FOREIGN KEY (country, effective_from, code) REFERENCES cobranza.contact_rule(country, effective_from, code);

-- Name: contract contract_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.contract
    ADD CONSTRAINT contract_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: court_cost court_cost_referral_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.court_cost
    ADD CONSTRAINT court_cost_referral_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.judicial_referral(tenant_id, case_id);

-- Name: court_cost court_cost_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.court_cost
    ADD CONSTRAINT court_cost_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: debtor_opt_out debtor_opt_out_debtor_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.debtor_opt_out
    ADD CONSTRAINT debtor_opt_out_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor(tenant_id, id);

-- Name: dispute dispute_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute
    ADD CONSTRAINT dispute_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: dispute_invoice dispute_invoice_dispute_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute_invoice
    ADD CONSTRAINT dispute_invoice_dispute_fkey FOREIGN KEY (tenant_id, dispute_id) REFERENCES cobranza.dispute(tenant_id, id);

-- Name: dispute_invoice dispute_invoice_invoice_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute_invoice
    ADD CONSTRAINT dispute_invoice_invoice_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES cobranza.invoice(tenant_id, id);

-- Name: dispute_invoice dispute_invoice_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute_invoice
    ADD CONSTRAINT dispute_invoice_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: dispute dispute_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.dispute
    ADD CONSTRAINT dispute_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: fee_document fee_document_currency_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency(code);

-- Name: fee_document fee_document_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: fee_document fee_document_voids_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.fee_document
    ADD CONSTRAINT fee_document_voids_fkey FOREIGN KEY (tenant_id, voids_id) REFERENCES cobranza.fee_document(tenant_id, id);

-- Name: import_batch import_batch_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.import_batch
    ADD CONSTRAINT import_batch_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: instalment instalment_agreement_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.instalment
    ADD CONSTRAINT instalment_agreement_fkey FOREIGN KEY (tenant_id, agreement_id) REFERENCES cobranza.payment_agreement(tenant_id, id);

-- Name: judicial_referral judicial_referral_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.judicial_referral
    ADD CONSTRAINT judicial_referral_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: judicial_referral judicial_referral_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.judicial_referral
    ADD CONSTRAINT judicial_referral_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: payment_agreement payment_agreement_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment_agreement
    ADD CONSTRAINT payment_agreement_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: payment_agreement payment_agreement_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment_agreement
    ADD CONSTRAINT payment_agreement_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: payment payment_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: payment payment_contract_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_contract_fkey FOREIGN KEY (tenant_id, contract_version) REFERENCES cobranza.contract(tenant_id, version);

-- Name: payment payment_currency_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency(code);

-- Name: payment payment_reverses_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_reverses_fkey FOREIGN KEY (tenant_id, reverses_id) REFERENCES cobranza.payment(tenant_id, id);

-- Name: payment payment_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.payment
    ADD CONSTRAINT payment_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: person person_tenant_id_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.person
    ADD CONSTRAINT person_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: posting posting_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.posting
    ADD CONSTRAINT posting_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: posting posting_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.posting
    ADD CONSTRAINT posting_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: promise promise_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.promise
    ADD CONSTRAINT promise_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: promise promise_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.promise
    ADD CONSTRAINT promise_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: remittance remittance_currency_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.remittance
    ADD CONSTRAINT remittance_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency(code);

-- Name: remittance remittance_reverses_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.remittance
    ADD CONSTRAINT remittance_reverses_fkey FOREIGN KEY (tenant_id, reverses_id) REFERENCES cobranza.remittance(tenant_id, id);

-- Name: remittance remittance_tenant_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.remittance
    ADD CONSTRAINT remittance_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant(id);

-- Name: strategy_decision strategy_decision_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_decision
    ADD CONSTRAINT strategy_decision_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case(tenant_id, id);

-- Name: strategy_decision strategy_decision_step_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_decision
    ADD CONSTRAINT strategy_decision_step_fkey FOREIGN KEY (step_id) REFERENCES cobranza.strategy_step(id);

-- Name: strategy_step strategy_step_strategy_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.strategy_step
    ADD CONSTRAINT strategy_step_strategy_fkey FOREIGN KEY (strategy_id) REFERENCES cobranza.strategy(id);

-- Name: submission submission_case_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.submission
    ADD CONSTRAINT submission_case_fkey FOREIGN KEY (tenant_id, case_id, debtor_id, currency) REFERENCES cobranza.collection_case(tenant_id, id, debtor_id, currency);

-- Name: tenant tenant_currency_fkey; Type: FK CONSTRAINT; Schema: cobranza

ALTER TABLE ONLY cobranza.tenant
    ADD CONSTRAINT tenant_currency_fkey FOREIGN KEY (currency) REFERENCES cobranza.currency(code);

-- Name: agreement_cancellation; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.agreement_cancellation ENABLE ROW LEVEL SECURITY;

-- Name: agreement_cancellation agreement_cancellation_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY agreement_cancellation_client_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: agreement_cancellation agreement_cancellation_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY agreement_cancellation_lawyer_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.payment_agreement a
  WHERE ((a.tenant_id = agreement_cancellation.tenant_id) AND (a.id = agreement_cancellation.agreement_id)))));

-- Name: agreement_cancellation agreement_cancellation_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY agreement_cancellation_owner_trusted ON cobranza.agreement_cancellation TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: agreement_cancellation agreement_cancellation_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY agreement_cancellation_staff_read ON cobranza.agreement_cancellation FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: audit_log; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.audit_log ENABLE ROW LEVEL SECURITY;

-- Name: audit_log audit_log_admin_read; Type: POLICY; Schema: cobranza

CREATE POLICY audit_log_admin_read ON cobranza.audit_log FOR SELECT TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: audit_log audit_log_owner_insert; Type: POLICY; Schema: cobranza

CREATE POLICY audit_log_owner_insert ON cobranza.audit_log FOR INSERT TO cobranza_owner WITH CHECK (true);

-- Name: case_event; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.case_event ENABLE ROW LEVEL SECURITY;

-- Name: case_event case_event_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_client_read ON cobranza.case_event FOR SELECT TO cobranza_client USING (((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)) AND client_visible));

-- Name: case_event case_event_lawyer_insert; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_lawyer_insert ON cobranza.case_event FOR INSERT TO cobranza_lawyer WITH CHECK ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = case_event.tenant_id) AND (r.case_id = case_event.case_id)))));

-- Name: case_event case_event_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_lawyer_read ON cobranza.case_event FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = case_event.tenant_id) AND (r.case_id = case_event.case_id)))));

-- Name: case_event case_event_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_owner_trusted ON cobranza.case_event TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: case_event case_event_staff_insert; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_staff_insert ON cobranza.case_event FOR INSERT TO cobranza_admin, cobranza_collector WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: case_event case_event_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY case_event_staff_read ON cobranza.case_event FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: case_hold; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.case_hold ENABLE ROW LEVEL SECURITY;

-- Name: case_hold case_hold_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY case_hold_owner_trusted ON cobranza.case_hold TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: case_hold case_hold_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY case_hold_staff_all ON cobranza.case_hold TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: case_task; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.case_task ENABLE ROW LEVEL SECURITY;

-- Name: case_task case_task_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY case_task_owner_trusted ON cobranza.case_task TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: case_task case_task_staff_insert; Type: POLICY; Schema: cobranza

CREATE POLICY case_task_staff_insert ON cobranza.case_task FOR INSERT TO cobranza_admin, cobranza_collector WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: case_task case_task_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY case_task_staff_read ON cobranza.case_task FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: case_task case_task_staff_update; Type: POLICY; Schema: cobranza

CREATE POLICY case_task_staff_update ON cobranza.case_task FOR UPDATE TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: client_number_counter; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.client_number_counter ENABLE ROW LEVEL SECURITY;

-- Name: client_number_counter client_number_counter_owner_all; Type: POLICY; Schema: cobranza

CREATE POLICY client_number_counter_owner_all ON cobranza.client_number_counter TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: client_strategy; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.client_strategy ENABLE ROW LEVEL SECURITY;

-- Name: client_strategy client_strategy_admin_write; Type: POLICY; Schema: cobranza

CREATE POLICY client_strategy_admin_write ON cobranza.client_strategy TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: client_strategy client_strategy_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY client_strategy_owner_trusted ON cobranza.client_strategy TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: client_strategy client_strategy_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY client_strategy_staff_read ON cobranza.client_strategy FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: collection_case; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.collection_case ENABLE ROW LEVEL SECURITY;

-- Name: collection_case collection_case_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY collection_case_client_read ON cobranza.collection_case FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: collection_case collection_case_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY collection_case_lawyer_read ON cobranza.collection_case FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = collection_case.tenant_id) AND (r.case_id = collection_case.id)))));

-- Name: collection_case collection_case_lawyer_update; Type: POLICY; Schema: cobranza

CREATE POLICY collection_case_lawyer_update ON cobranza.collection_case FOR UPDATE TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = collection_case.tenant_id) AND (r.case_id = collection_case.id))))) WITH CHECK ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = collection_case.tenant_id) AND (r.case_id = collection_case.id)))));

-- Name: collection_case collection_case_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY collection_case_owner_trusted ON cobranza.collection_case TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: collection_case collection_case_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY collection_case_staff_all ON cobranza.collection_case TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: contact_authorisation; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.contact_authorisation ENABLE ROW LEVEL SECURITY;

-- Name: contact_authorisation contact_authorisation_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY contact_authorisation_client_read ON cobranza.contact_authorisation FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: contact_authorisation contact_authorisation_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY contact_authorisation_owner_read ON cobranza.contact_authorisation FOR SELECT TO cobranza_owner USING (true);

-- Name: contact_authorisation contact_authorisation_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY contact_authorisation_staff_all ON cobranza.contact_authorisation TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: contract; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.contract ENABLE ROW LEVEL SECURITY;

-- Name: contract contract_admin_all; Type: POLICY; Schema: cobranza

CREATE POLICY contract_admin_all ON cobranza.contract TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: contract contract_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY contract_client_read ON cobranza.contract FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: contract contract_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY contract_owner_trusted ON cobranza.contract TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: contract contract_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY contract_staff_read ON cobranza.contract FOR SELECT TO cobranza_collector, cobranza_lawyer USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['collector'::text, 'lawyer'::text])));

-- Name: court_cost; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.court_cost ENABLE ROW LEVEL SECURITY;

-- Name: court_cost court_cost_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY court_cost_client_read ON cobranza.court_cost FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: court_cost court_cost_lawyer_insert; Type: POLICY; Schema: cobranza

CREATE POLICY court_cost_lawyer_insert ON cobranza.court_cost FOR INSERT TO cobranza_lawyer WITH CHECK ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = court_cost.tenant_id) AND (r.case_id = court_cost.case_id)))));

-- Name: court_cost court_cost_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY court_cost_lawyer_read ON cobranza.court_cost FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = court_cost.tenant_id) AND (r.case_id = court_cost.case_id)))));

-- Name: court_cost court_cost_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY court_cost_owner_read ON cobranza.court_cost FOR SELECT TO cobranza_owner USING (true);

-- Name: court_cost court_cost_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY court_cost_staff_all ON cobranza.court_cost TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: debtor; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.debtor ENABLE ROW LEVEL SECURITY;

-- Name: debtor debtor_client_insert; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_client_insert ON cobranza.debtor FOR INSERT TO cobranza_client WITH CHECK ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: debtor debtor_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_client_read ON cobranza.debtor FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: debtor debtor_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_lawyer_read ON cobranza.debtor FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.collection_case c
  WHERE ((c.tenant_id = debtor.tenant_id) AND (c.debtor_id = debtor.id)))));

-- Name: debtor_opt_out; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.debtor_opt_out ENABLE ROW LEVEL SECURITY;

-- Name: debtor_opt_out debtor_opt_out_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_opt_out_client_read ON cobranza.debtor_opt_out FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: debtor_opt_out debtor_opt_out_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_opt_out_owner_read ON cobranza.debtor_opt_out FOR SELECT TO cobranza_owner USING (true);

-- Name: debtor_opt_out debtor_opt_out_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_opt_out_staff_all ON cobranza.debtor_opt_out TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: debtor debtor_owner_lock; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_owner_lock ON cobranza.debtor FOR UPDATE TO cobranza_owner USING (true);

-- Name: debtor debtor_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_owner_read ON cobranza.debtor FOR SELECT TO cobranza_owner USING (true);

-- Name: debtor debtor_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY debtor_staff_all ON cobranza.debtor TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: dispute; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.dispute ENABLE ROW LEVEL SECURITY;

-- Name: dispute dispute_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_client_read ON cobranza.dispute FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: dispute_invoice; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.dispute_invoice ENABLE ROW LEVEL SECURITY;

-- Name: dispute_invoice dispute_invoice_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_invoice_client_read ON cobranza.dispute_invoice FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: dispute_invoice dispute_invoice_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_invoice_owner_trusted ON cobranza.dispute_invoice TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: dispute_invoice dispute_invoice_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_invoice_staff_all ON cobranza.dispute_invoice TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: dispute dispute_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_lawyer_read ON cobranza.dispute FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = dispute.tenant_id) AND (r.case_id = dispute.case_id)))));

-- Name: dispute dispute_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_owner_trusted ON cobranza.dispute TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: dispute dispute_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY dispute_staff_all ON cobranza.dispute TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: fee_document; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.fee_document ENABLE ROW LEVEL SECURITY;

-- Name: fee_document fee_document_admin_all; Type: POLICY; Schema: cobranza

CREATE POLICY fee_document_admin_all ON cobranza.fee_document TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: fee_document fee_document_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY fee_document_client_read ON cobranza.fee_document FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: fee_document fee_document_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY fee_document_owner_trusted ON cobranza.fee_document TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: fee_document fee_document_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY fee_document_staff_read ON cobranza.fee_document FOR SELECT TO cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = 'collector'::text));

-- Name: import_batch; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.import_batch ENABLE ROW LEVEL SECURITY;

-- Name: import_batch import_batch_client_insert; Type: POLICY; Schema: cobranza

CREATE POLICY import_batch_client_insert ON cobranza.import_batch FOR INSERT TO cobranza_client WITH CHECK ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: import_batch import_batch_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY import_batch_client_read ON cobranza.import_batch FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: import_batch import_batch_owner_lock; Type: POLICY; Schema: cobranza

CREATE POLICY import_batch_owner_lock ON cobranza.import_batch FOR UPDATE TO cobranza_owner USING (true);

-- Name: import_batch import_batch_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY import_batch_owner_read ON cobranza.import_batch FOR SELECT TO cobranza_owner USING (true);

-- Name: import_batch import_batch_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY import_batch_staff_all ON cobranza.import_batch TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: instalment; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.instalment ENABLE ROW LEVEL SECURITY;

-- Name: instalment instalment_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY instalment_client_read ON cobranza.instalment FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: instalment instalment_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY instalment_lawyer_read ON cobranza.instalment FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.payment_agreement a
  WHERE ((a.tenant_id = instalment.tenant_id) AND (a.id = instalment.agreement_id)))));

-- Name: instalment instalment_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY instalment_owner_read ON cobranza.instalment FOR SELECT TO cobranza_owner USING (true);

-- Name: instalment instalment_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY instalment_staff_all ON cobranza.instalment TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: invoice; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.invoice ENABLE ROW LEVEL SECURITY;

-- Name: invoice invoice_client_cancel; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_client_cancel ON cobranza.invoice FOR UPDATE TO cobranza_client USING (((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)) AND (case_id IS NOT NULL))) WITH CHECK (((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)) AND (case_id IS NOT NULL)));

-- Name: invoice invoice_client_insert; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_client_insert ON cobranza.invoice FOR INSERT TO cobranza_client WITH CHECK (((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)) AND (case_id IS NULL)));

-- Name: invoice invoice_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_client_read ON cobranza.invoice FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: invoice invoice_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_lawyer_read ON cobranza.invoice FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = invoice.tenant_id) AND (r.case_id = invoice.case_id)))));

-- Name: invoice invoice_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_owner_trusted ON cobranza.invoice TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: invoice invoice_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY invoice_staff_all ON cobranza.invoice TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: judicial_referral; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.judicial_referral ENABLE ROW LEVEL SECURITY;

-- Name: judicial_referral judicial_referral_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY judicial_referral_client_read ON cobranza.judicial_referral FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: judicial_referral judicial_referral_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY judicial_referral_lawyer_read ON cobranza.judicial_referral FOR SELECT TO cobranza_lawyer USING (((lawyer = SESSION_USER) AND (( SELECT cobranza.current_kind() AS current_kind) = 'lawyer'::text)));

-- Name: judicial_referral judicial_referral_lawyer_update; Type: POLICY; Schema: cobranza

CREATE POLICY judicial_referral_lawyer_update ON cobranza.judicial_referral FOR UPDATE TO cobranza_lawyer USING (((lawyer = SESSION_USER) AND (( SELECT cobranza.current_kind() AS current_kind) = 'lawyer'::text))) WITH CHECK ((lawyer = SESSION_USER));

-- Name: judicial_referral judicial_referral_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY judicial_referral_owner_trusted ON cobranza.judicial_referral TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: judicial_referral judicial_referral_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY judicial_referral_staff_all ON cobranza.judicial_referral TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: outbound_message; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.outbound_message ENABLE ROW LEVEL SECURITY;

-- Name: outbound_message outbound_message_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY outbound_message_owner_trusted ON cobranza.outbound_message TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: outbound_message outbound_message_staff_insert; Type: POLICY; Schema: cobranza

CREATE POLICY outbound_message_staff_insert ON cobranza.outbound_message FOR INSERT TO cobranza_admin, cobranza_collector WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: outbound_message outbound_message_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY outbound_message_staff_read ON cobranza.outbound_message FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: outbound_message outbound_message_staff_retry; Type: POLICY; Schema: cobranza

CREATE POLICY outbound_message_staff_retry ON cobranza.outbound_message FOR UPDATE TO cobranza_admin, cobranza_collector USING (((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])) AND (status = 'failed'::text))) WITH CHECK (((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])) AND (status = 'queued'::text)));

-- Name: payment; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.payment ENABLE ROW LEVEL SECURITY;

-- Name: payment_agreement; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.payment_agreement ENABLE ROW LEVEL SECURITY;

-- Name: payment_agreement payment_agreement_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY payment_agreement_client_read ON cobranza.payment_agreement FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: payment_agreement payment_agreement_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY payment_agreement_lawyer_read ON cobranza.payment_agreement FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = payment_agreement.tenant_id) AND (r.case_id = payment_agreement.case_id)))));

-- Name: payment_agreement payment_agreement_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY payment_agreement_owner_read ON cobranza.payment_agreement FOR SELECT TO cobranza_owner USING (true);

-- Name: payment_agreement payment_agreement_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY payment_agreement_staff_all ON cobranza.payment_agreement TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: payment payment_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY payment_client_read ON cobranza.payment FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: payment payment_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY payment_lawyer_read ON cobranza.payment FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = payment.tenant_id) AND (r.case_id = payment.case_id)))));

-- Name: payment payment_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY payment_owner_trusted ON cobranza.payment TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: payment payment_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY payment_staff_all ON cobranza.payment TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: person; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.person ENABLE ROW LEVEL SECURITY;

-- Name: person person_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY person_client_read ON cobranza.person FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: person person_owner_all; Type: POLICY; Schema: cobranza

CREATE POLICY person_owner_all ON cobranza.person TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: person person_self_read; Type: POLICY; Schema: cobranza

CREATE POLICY person_self_read ON cobranza.person FOR SELECT USING ((role_name = SESSION_USER));

-- Name: person person_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY person_staff_read ON cobranza.person FOR SELECT TO cobranza_admin, cobranza_collector, cobranza_lawyer USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text, 'lawyer'::text])));

-- Name: posting; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.posting ENABLE ROW LEVEL SECURITY;

-- Name: posting posting_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY posting_client_read ON cobranza.posting FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: posting posting_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY posting_lawyer_read ON cobranza.posting FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = posting.tenant_id) AND (r.case_id = posting.case_id)))));

-- Name: posting posting_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY posting_owner_trusted ON cobranza.posting TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: posting posting_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY posting_staff_all ON cobranza.posting TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: promise; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.promise ENABLE ROW LEVEL SECURITY;

-- Name: promise promise_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY promise_client_read ON cobranza.promise FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: promise promise_lawyer_read; Type: POLICY; Schema: cobranza

CREATE POLICY promise_lawyer_read ON cobranza.promise FOR SELECT TO cobranza_lawyer USING ((EXISTS ( SELECT 1
   FROM cobranza.judicial_referral r
  WHERE ((r.tenant_id = promise.tenant_id) AND (r.case_id = promise.case_id)))));

-- Name: promise promise_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY promise_staff_all ON cobranza.promise TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: received_transfer; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.received_transfer ENABLE ROW LEVEL SECURITY;

-- Name: received_transfer received_transfer_owner_all; Type: POLICY; Schema: cobranza

CREATE POLICY received_transfer_owner_all ON cobranza.received_transfer TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: received_transfer received_transfer_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY received_transfer_staff_read ON cobranza.received_transfer FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: remittance; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.remittance ENABLE ROW LEVEL SECURITY;

-- Name: remittance remittance_admin_all; Type: POLICY; Schema: cobranza

CREATE POLICY remittance_admin_all ON cobranza.remittance TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: remittance remittance_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY remittance_client_read ON cobranza.remittance FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: remittance remittance_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY remittance_staff_read ON cobranza.remittance FOR SELECT TO cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = 'collector'::text));

-- Name: strategy; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.strategy ENABLE ROW LEVEL SECURITY;

-- Name: strategy strategy_admin_write; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_admin_write ON cobranza.strategy TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: strategy_case_step; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.strategy_case_step ENABLE ROW LEVEL SECURITY;

-- Name: strategy_case_step strategy_case_step_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_case_step_owner_trusted ON cobranza.strategy_case_step TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: strategy_case_step strategy_case_step_staff_insert; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_case_step_staff_insert ON cobranza.strategy_case_step FOR INSERT TO cobranza_admin, cobranza_collector WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: strategy_case_step strategy_case_step_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_case_step_staff_read ON cobranza.strategy_case_step FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: strategy_decision; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.strategy_decision ENABLE ROW LEVEL SECURITY;

-- Name: strategy_decision strategy_decision_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_decision_owner_trusted ON cobranza.strategy_decision TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: strategy_decision strategy_decision_staff_insert; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_decision_staff_insert ON cobranza.strategy_decision FOR INSERT TO cobranza_admin, cobranza_collector WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: strategy_decision strategy_decision_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_decision_staff_read ON cobranza.strategy_decision FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: strategy strategy_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_owner_trusted ON cobranza.strategy TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: strategy strategy_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_staff_read ON cobranza.strategy FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: strategy_step; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.strategy_step ENABLE ROW LEVEL SECURITY;

-- Name: strategy_step strategy_step_admin_write; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_step_admin_write ON cobranza.strategy_step TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: strategy_step strategy_step_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_step_owner_trusted ON cobranza.strategy_step TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: strategy_step strategy_step_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY strategy_step_staff_read ON cobranza.strategy_step FOR SELECT TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: submission; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.submission ENABLE ROW LEVEL SECURITY;

-- Name: submission submission_client_insert; Type: POLICY; Schema: cobranza

CREATE POLICY submission_client_insert ON cobranza.submission FOR INSERT TO cobranza_client WITH CHECK (((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)) AND (status = 'pending'::text) AND (case_id IS NULL) AND (reviewed_by IS NULL)));

-- Name: submission submission_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY submission_client_read ON cobranza.submission FOR SELECT TO cobranza_client USING ((tenant_id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: submission submission_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY submission_owner_trusted ON cobranza.submission TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: submission submission_staff_all; Type: POLICY; Schema: cobranza

CREATE POLICY submission_staff_all ON cobranza.submission TO cobranza_admin, cobranza_collector USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text]))) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['admin'::text, 'collector'::text])));

-- Name: tenant; Type: ROW SECURITY; Schema: cobranza

ALTER TABLE cobranza.tenant ENABLE ROW LEVEL SECURITY;

-- Name: tenant tenant_admin; Type: POLICY; Schema: cobranza

CREATE POLICY tenant_admin ON cobranza.tenant TO cobranza_admin USING ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text)) WITH CHECK ((( SELECT cobranza.current_kind() AS current_kind) = 'admin'::text));

-- Name: tenant tenant_client_read; Type: POLICY; Schema: cobranza

CREATE POLICY tenant_client_read ON cobranza.tenant FOR SELECT TO cobranza_client USING ((id = ( SELECT cobranza.current_tenant() AS current_tenant)));

-- Name: tenant tenant_owner_read; Type: POLICY; Schema: cobranza

CREATE POLICY tenant_owner_read ON cobranza.tenant FOR SELECT TO cobranza_owner USING (true);

-- Name: tenant tenant_owner_trusted; Type: POLICY; Schema: cobranza

CREATE POLICY tenant_owner_trusted ON cobranza.tenant TO cobranza_owner USING (true) WITH CHECK (true);

-- Name: tenant tenant_staff_read; Type: POLICY; Schema: cobranza

CREATE POLICY tenant_staff_read ON cobranza.tenant FOR SELECT TO cobranza_collector, cobranza_lawyer USING ((( SELECT cobranza.current_kind() AS current_kind) = ANY (ARRAY['collector'::text, 'lawyer'::text])));

-- Name: SCHEMA cobranza; Type: ACL; Schema: -

GRANT USAGE ON SCHEMA cobranza TO cobranza_admin;
GRANT USAGE ON SCHEMA cobranza TO cobranza_collector;
GRANT USAGE ON SCHEMA cobranza TO cobranza_lawyer;
GRANT USAGE ON SCHEMA cobranza TO cobranza_client;
GRANT USAGE ON SCHEMA cobranza TO cobranza_lookup;
GRANT USAGE ON SCHEMA cobranza TO cobranza_worker;

-- Name: FUNCTION add_business_days(p_from date, p_days integer); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer) TO cobranza_client;

-- Name: FUNCTION add_business_days(p_from date, p_days integer, p_country text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) TO cobranza_client;

-- Name: FUNCTION age_bucket(p_days integer); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.age_bucket(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.age_bucket(p_days integer) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.age_bucket(p_days integer) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.age_bucket(p_days integer) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.age_bucket(p_days integer) TO cobranza_client;

-- Name: FUNCTION agreement_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.agreement_prepare() FROM PUBLIC;

-- Name: FUNCTION agreement_schedule_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.agreement_schedule_check() FROM PUBLIC;

-- Name: FUNCTION agreement_settle(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.agreement_settle() FROM PUBLIC;

-- Name: FUNCTION apply_rate(p_bp integer, p_amount bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.apply_rate(p_bp integer, p_amount bigint) TO cobranza_client;

-- Name: FUNCTION apply_session_limits(p_role name, p_kind text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.apply_session_limits(p_role name, p_kind text) FROM PUBLIC;

-- Name: FUNCTION audit(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.audit() FROM PUBLIC;

-- Name: FUNCTION audit_insert_statement(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.audit_insert_statement() FROM PUBLIC;

-- Name: FUNCTION audit_log_append_only(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.audit_log_append_only() FROM PUBLIC;

-- Name: FUNCTION caller_is_admin(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.caller_is_admin() FROM PUBLIC;

-- Name: FUNCTION case_clock(p_tenant bigint, p_case bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) TO cobranza_client;

-- Name: FUNCTION case_closed_withdrawal(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_closed_withdrawal() FROM PUBLIC;

-- Name: FUNCTION case_event_append_only(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_event_append_only() FROM PUBLIC;

-- Name: FUNCTION case_event_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_event_check() FROM PUBLIC;

-- Name: FUNCTION case_event_contact_rules(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_event_contact_rules() FROM PUBLIC;

-- Name: FUNCTION case_insert_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_insert_check() FROM PUBLIC;

-- Name: FUNCTION case_not_yet_due_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_not_yet_due_check() FROM PUBLIC;

-- Name: FUNCTION case_numbers_drawn(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_numbers_drawn() FROM PUBLIC;

-- Name: FUNCTION case_outstanding(p_tenant bigint, p_case bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.case_outstanding(p_tenant bigint, p_case bigint) TO cobranza_client;

-- Name: FUNCTION case_transition(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_transition() FROM PUBLIC;

-- Name: FUNCTION case_undisputed_outstanding(p_tenant bigint, p_case bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.case_undisputed_outstanding(p_tenant bigint, p_case bigint) TO cobranza_client;

-- Name: FUNCTION check_case_assignee(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.check_case_assignee() FROM PUBLIC;

-- Name: FUNCTION client_number(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.client_number() FROM PUBLIC;

-- Name: FUNCTION client_numbers_drawn(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.client_numbers_drawn() FROM PUBLIC;

-- Name: FUNCTION collection_case_number(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.collection_case_number() FROM PUBLIC;

-- Name: FUNCTION collector_report(p_from date, p_to date, p_on date); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.collector_report(p_from date, p_to date, p_on date) TO cobranza_collector;

-- Name: FUNCTION contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamp with time zone, OUT rule text, OUT allowed_at timestamp with time zone) TO cobranza_lawyer;

-- Name: FUNCTION contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[], p_moments timestamp with time zone[]) TO cobranza_lawyer;

-- Name: TABLE contact_rule; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.contact_rule TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.contact_rule TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.contact_rule TO cobranza_lawyer;

-- Name: FUNCTION contact_rule_allows(p_rule cobranza.contact_rule, p_kind text, p_at timestamp with time zone, p_zone text, p_tenant bigint, p_debtor bigint, p_tax_id text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contact_rule_allows(p_rule cobranza.contact_rule, p_kind text, p_at timestamp with time zone, p_zone text, p_tenant bigint, p_debtor bigint, p_tax_id text) FROM PUBLIC;

-- Name: FUNCTION contact_rule_label(p_rule cobranza.contact_rule); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contact_rule_label(p_rule cobranza.contact_rule) FROM PUBLIC;

-- Name: FUNCTION contract_append_only(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contract_append_only() FROM PUBLIC;

-- Name: TABLE contract; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.contract TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.contract TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.contract TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.contract TO cobranza_client;

-- Name: COLUMN contract.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.version; Type: ACL; Schema: cobranza

GRANT INSERT(version) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.effective_on; Type: ACL; Schema: cobranza

GRANT INSERT(effective_on) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.extrajudicial_bp; Type: ACL; Schema: cobranza

GRANT INSERT(extrajudicial_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.judicial_bp; Type: ACL; Schema: cobranza

GRANT INSERT(judicial_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.surcharge_12m_bp; Type: ACL; Schema: cobranza

GRANT INSERT(surcharge_12m_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.surcharge_24m_bp; Type: ACL; Schema: cobranza

GRANT INSERT(surcharge_24m_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.minimum_fee; Type: ACL; Schema: cobranza

GRANT INSERT(minimum_fee) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.vat_bp; Type: ACL; Schema: cobranza

GRANT INSERT(vat_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.direct_earns_fee; Type: ACL; Schema: cobranza

GRANT INSERT(direct_earns_fee) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.remittance; Type: ACL; Schema: cobranza

GRANT INSERT(remittance) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.posting_consent; Type: ACL; Schema: cobranza

GRANT INSERT(posting_consent) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.judicial_threshold; Type: ACL; Schema: cobranza

GRANT INSERT(judicial_threshold) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.promise_grace_days; Type: ACL; Schema: cobranza

GRANT INSERT(promise_grace_days) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.max_discount_bp; Type: ACL; Schema: cobranza

GRANT INSERT(max_discount_bp) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.posting_notice_days; Type: ACL; Schema: cobranza

GRANT INSERT(posting_notice_days) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.agreement_default_days; Type: ACL; Schema: cobranza

GRANT INSERT(agreement_default_days) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.follow_up_days; Type: ACL; Schema: cobranza

GRANT INSERT(follow_up_days) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.court_costs; Type: ACL; Schema: cobranza

GRANT INSERT(court_costs) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.court_costs_vat; Type: ACL; Schema: cobranza

GRANT INSERT(court_costs_vat) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: COLUMN contract.pre_due_days; Type: ACL; Schema: cobranza

GRANT INSERT(pre_due_days) ON TABLE cobranza.contract TO cobranza_admin;

-- Name: FUNCTION contract_on(p_tenant bigint, p_on date); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.contract_on(p_tenant bigint, p_on date) TO cobranza_lawyer;

-- Name: FUNCTION contract_version_order(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.contract_version_order() FROM PUBLIC;

-- Name: FUNCTION court_cost_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.court_cost_prepare() FROM PUBLIC;

-- Name: FUNCTION create_person(p_name text, p_kind text, p_client_code text, p_password text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.create_person(p_name text, p_kind text, p_client_code text, p_password text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.create_person(p_name text, p_kind text, p_client_code text, p_password text) TO cobranza_admin;

-- Name: FUNCTION create_worker(p_name text, p_password text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.create_worker(p_name text, p_password text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.create_worker(p_name text, p_password text) TO cobranza_admin;

-- Name: FUNCTION current_kind(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.current_kind() FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.current_kind() TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.current_kind() TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.current_kind() TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.current_kind() TO cobranza_client;
GRANT ALL ON FUNCTION cobranza.current_kind() TO cobranza_owner;

-- Name: FUNCTION current_tenant(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.current_tenant() FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.current_tenant() TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.current_tenant() TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.current_tenant() TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.current_tenant() TO cobranza_client;
GRANT ALL ON FUNCTION cobranza.current_tenant() TO cobranza_owner;

-- Name: FUNCTION debtor_contacts(p_country text, p_tax_id text, p_kinds text[], p_after timestamp with time zone, p_until timestamp with time zone); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_contacts(p_country text, p_tax_id text, p_kinds text[], p_after timestamp with time zone, p_until timestamp with time zone) FROM PUBLIC;

-- Name: FUNCTION debtor_grade(p_country character, p_tax_id text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_grade(p_country character, p_tax_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.debtor_grade(p_country character, p_tax_id text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.debtor_grade(p_country character, p_tax_id text) TO cobranza_collector;

-- Name: FUNCTION debtor_history(p_country character, p_tax_id text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_history(p_country character, p_tax_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.debtor_history(p_country character, p_tax_id text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.debtor_history(p_country character, p_tax_id text) TO cobranza_collector;

-- Name: FUNCTION debtor_tenant_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_tenant_check() FROM PUBLIC;

-- Name: FUNCTION debtor_tenant_violation(p_tenant bigint, p_country text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_tenant_violation(p_tenant bigint, p_country text) FROM PUBLIC;

-- Name: FUNCTION debtor_time_zone(p_country text, p_time_zone text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) TO cobranza_client;

-- Name: FUNCTION default_connection_limit(p_kind text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.default_connection_limit(p_kind text) FROM PUBLIC;

-- Name: FUNCTION disable_person(p_name text, p_reassign_to text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.disable_person(p_name text, p_reassign_to text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.disable_person(p_name text, p_reassign_to text) TO cobranza_admin;

-- Name: FUNCTION dispute_opened(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.dispute_opened() FROM PUBLIC;

-- Name: FUNCTION dispute_resolved(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.dispute_resolved() FROM PUBLIC;

-- Name: FUNCTION dispute_resolving(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.dispute_resolving() FROM PUBLIC;

-- Name: FUNCTION enable_person(p_name text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.enable_person(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.enable_person(p_name text) TO cobranza_admin;

-- Name: FUNCTION end_sessions(p_name text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.end_sessions(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.end_sessions(p_name text) TO cobranza_owner;

-- Name: FUNCTION fee_document_check_lines(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.fee_document_check_lines() FROM PUBLIC;

-- Name: FUNCTION fee_document_number(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.fee_document_number() FROM PUBLIC;

-- Name: FUNCTION fee_document_void_costs(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.fee_document_void_costs() FROM PUBLIC;

-- Name: FUNCTION fee_number(p_series text, p_on date, p_value integer); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.fee_number(p_series text, p_on date, p_value integer) TO cobranza_client;

-- Name: FUNCTION format_money(p_amount bigint, p_currency character); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.format_money(p_amount bigint, p_currency character) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.format_money(p_amount bigint, p_currency character) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.format_money(p_amount bigint, p_currency character) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.format_money(p_amount bigint, p_currency character) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.format_money(p_amount bigint, p_currency character) TO cobranza_client;

-- Name: FUNCTION instalment_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.instalment_prepare() FROM PUBLIC;

-- Name: FUNCTION invoice_balance_as_of(p_on date); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_balance_as_of(p_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.invoice_balance_as_of(p_on date) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.invoice_balance_as_of(p_on date) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.invoice_balance_as_of(p_on date) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.invoice_balance_as_of(p_on date) TO cobranza_client;

-- Name: FUNCTION invoice_cancelled_under_agreement(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_cancelled_under_agreement() FROM PUBLIC;

-- Name: FUNCTION invoice_case_keys_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_case_keys_check() FROM PUBLIC;

-- Name: FUNCTION invoice_case_referenced_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_case_referenced_check() FROM PUBLIC;

-- Name: FUNCTION invoice_client_pending_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_client_pending_check() FROM PUBLIC;

-- Name: FUNCTION invoice_disputed(p_tenant bigint, p_invoice bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.invoice_disputed(p_tenant bigint, p_invoice bigint) TO cobranza_client;

-- Name: FUNCTION invoice_placed_terms_fixed(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_placed_terms_fixed() FROM PUBLIC;

-- Name: FUNCTION invoice_submission_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_submission_check() FROM PUBLIC;

-- Name: FUNCTION invoice_submission_row_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_submission_row_check() FROM PUBLIC;

-- Name: FUNCTION invoice_submission_violation(p_tenant bigint, p_submission bigint, p_debtor bigint, p_currency text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.invoice_submission_violation(p_tenant bigint, p_submission bigint, p_debtor bigint, p_currency text) FROM PUBLIC;

-- Name: FUNCTION issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer, p_currency character, p_reason text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer, p_currency character, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.issue_credit_note(p_tenant bigint, p_voids bigint, p_reversals bigint[], p_vat_bp integer, p_currency character, p_reason text) TO cobranza_admin;

-- Name: FUNCTION issue_fee_invoices(p_client text, p_period text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.issue_fee_invoices(p_client text, p_period text) TO cobranza_admin;

-- Name: FUNCTION keys_present(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.keys_present() FROM PUBLIC;

-- Name: FUNCTION local_moment(p_at timestamp with time zone, p_zone text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.local_moment(p_at timestamp with time zone, p_zone text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.local_moment(p_at timestamp with time zone, p_zone text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.local_moment(p_at timestamp with time zone, p_zone text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.local_moment(p_at timestamp with time zone, p_zone text) TO cobranza_lawyer;

-- Name: FUNCTION lock_billing(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.lock_billing() FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.lock_billing() TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.lock_billing() TO cobranza_collector;

-- Name: FUNCTION lock_debtor_contacts(p_tenant bigint, p_case bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) TO cobranza_lawyer;

-- Name: FUNCTION today(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.today() FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.today() TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.today() TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.today() TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.today() TO cobranza_client;

-- Name: TABLE collection_case; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.collection_case TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.collection_case TO cobranza_lawyer;

-- Name: COLUMN collection_case.tenant_id; Type: ACL; Schema: cobranza

GRANT SELECT(tenant_id) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(tenant_id) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.id; Type: ACL; Schema: cobranza

GRANT SELECT(id) ON TABLE cobranza.collection_case TO cobranza_client;

-- Name: COLUMN collection_case.number; Type: ACL; Schema: cobranza

GRANT SELECT(number) ON TABLE cobranza.collection_case TO cobranza_client;

-- Name: COLUMN collection_case.debtor_id; Type: ACL; Schema: cobranza

GRANT SELECT(debtor_id) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(debtor_id) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.currency; Type: ACL; Schema: cobranza

GRANT SELECT(currency) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(currency) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(currency) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.stage; Type: ACL; Schema: cobranza

GRANT SELECT(stage) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(stage),UPDATE(stage) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(stage),UPDATE(stage) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.disputed; Type: ACL; Schema: cobranza

GRANT SELECT(disputed) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(disputed),UPDATE(disputed) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(disputed),UPDATE(disputed) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.posted; Type: ACL; Schema: cobranza

GRANT SELECT(posted) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(posted),UPDATE(posted) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(posted),UPDATE(posted) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.on_agreement; Type: ACL; Schema: cobranza

GRANT SELECT(on_agreement) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(on_agreement),UPDATE(on_agreement) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(on_agreement),UPDATE(on_agreement) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.on_promise; Type: ACL; Schema: cobranza

GRANT SELECT(on_promise) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(on_promise),UPDATE(on_promise) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(on_promise),UPDATE(on_promise) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.assigned_to; Type: ACL; Schema: cobranza

GRANT INSERT(assigned_to),UPDATE(assigned_to) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(assigned_to),UPDATE(assigned_to) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.close_code; Type: ACL; Schema: cobranza

GRANT SELECT(close_code) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(close_code),UPDATE(close_code) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(close_code),UPDATE(close_code) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.closed_at; Type: ACL; Schema: cobranza

GRANT SELECT(closed_at) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(closed_at),UPDATE(closed_at) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(closed_at),UPDATE(closed_at) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: COLUMN collection_case.next_action_date; Type: ACL; Schema: cobranza

GRANT INSERT(next_action_date),UPDATE(next_action_date) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(next_action_date),UPDATE(next_action_date) ON TABLE cobranza.collection_case TO cobranza_collector;
GRANT UPDATE(next_action_date) ON TABLE cobranza.collection_case TO cobranza_lawyer;

-- Name: COLUMN collection_case.opened_on; Type: ACL; Schema: cobranza

GRANT SELECT(opened_on) ON TABLE cobranza.collection_case TO cobranza_client;
GRANT INSERT(opened_on) ON TABLE cobranza.collection_case TO cobranza_admin;
GRANT INSERT(opened_on) ON TABLE cobranza.collection_case TO cobranza_collector;

-- Name: FUNCTION lock_open_case(p_tenant bigint, p_case bigint, p_what text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.lock_open_case(p_tenant bigint, p_case bigint, p_what text) TO cobranza_lawyer;

-- Name: FUNCTION next_case_number(p_on date); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.next_case_number(p_on date) FROM PUBLIC;

-- Name: FUNCTION outbound_message_notify(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbound_message_notify() FROM PUBLIC;

-- Name: FUNCTION outbound_message_opt_out_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbound_message_opt_out_check() FROM PUBLIC;

-- Name: FUNCTION outbound_message_transition(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbound_message_transition() FROM PUBLIC;

-- Name: FUNCTION outbox_claim(p_channels text[], p_limit integer, p_lease interval); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbox_claim(p_channels text[], p_limit integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.outbox_claim(p_channels text[], p_limit integer, p_lease interval) TO cobranza_worker;

-- Name: FUNCTION outbox_gate(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, OUT verdict text, OUT rule text, OUT allowed_at timestamp with time zone, OUT reason text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbox_gate(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, OUT verdict text, OUT rule text, OUT allowed_at timestamp with time zone, OUT reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.outbox_gate(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, OUT verdict text, OUT rule text, OUT allowed_at timestamp with time zone, OUT reason text) TO cobranza_worker;

-- Name: FUNCTION outbox_settle(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, p_status text, p_not_before timestamp with time zone, p_error text, p_provider_id text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbox_settle(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, p_status text, p_not_before timestamp with time zone, p_error text, p_provider_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.outbox_settle(p_tenant bigint, p_id bigint, p_claim timestamp with time zone, p_status text, p_not_before timestamp with time zone, p_error text, p_provider_id text) TO cobranza_worker;

-- Name: FUNCTION outbox_wait(p_channels text[]); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.outbox_wait(p_channels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.outbox_wait(p_channels text[]) TO cobranza_worker;

-- Name: FUNCTION overdue_more_than(p_due date, p_months integer, p_on date); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.overdue_more_than(p_due date, p_months integer, p_on date) TO cobranza_client;

-- Name: FUNCTION payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.payment_fee(p_amount bigint, p_currency character, p_stage text, p_channel text, p_placed date, p_dues date[], p_numbers text[], p_parts bigint[], p_extrajudicial_bp integer, p_judicial_bp integer, p_surcharge_12m_bp integer, p_surcharge_24m_bp integer, p_minimum_fee bigint, p_direct_earns_fee boolean, OUT fee_bp integer, OUT fee bigint, OUT note text) TO cobranza_client;

-- Name: FUNCTION payment_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.payment_prepare() FROM PUBLIC;

-- Name: FUNCTION payment_reversal_credit(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.payment_reversal_credit() FROM PUBLIC;

-- Name: FUNCTION person_kind(p_role name); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.person_kind(p_role name) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.person_kind(p_role name) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.person_kind(p_role name) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.person_kind(p_role name) TO cobranza_lawyer;

-- Name: FUNCTION person_session_limits(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.person_session_limits() FROM PUBLIC;

-- Name: FUNCTION posting_effects(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.posting_effects() FROM PUBLIC;

-- Name: FUNCTION posting_notified(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.posting_notified() FROM PUBLIC;

-- Name: FUNCTION posting_transition(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.posting_transition() FROM PUBLIC;

-- Name: FUNCTION promise_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.promise_prepare() FROM PUBLIC;

-- Name: FUNCTION quote_for_message(p_text text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.quote_for_message(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.quote_for_message(p_text text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.quote_for_message(p_text text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.quote_for_message(p_text text) TO cobranza_lawyer;

-- Name: FUNCTION record_payment(p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.record_payment(p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.record_payment(p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.record_payment(p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text) TO cobranza_collector;

-- Name: FUNCTION recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.recovery_cohorts(p_first date, p_last date, p_on date, p_tenant bigint) TO cobranza_client;

-- Name: FUNCTION referral_filed(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.referral_filed() FROM PUBLIC;

-- Name: FUNCTION referral_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.referral_prepare() FROM PUBLIC;

-- Name: FUNCTION referral_transition(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.referral_transition() FROM PUBLIC;

-- Name: FUNCTION refuse_change(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.refuse_change() FROM PUBLIC;

-- Name: FUNCTION refuse_key_change(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.refuse_key_change() FROM PUBLIC;

-- Name: FUNCTION remittance_prepare(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.remittance_prepare() FROM PUBLIC;

-- Name: FUNCTION reserve_fee_numbers(p_series text, p_on date, p_count integer); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.reserve_fee_numbers(p_series text, p_on date, p_count integer) FROM PUBLIC;

-- Name: FUNCTION reverse_payment(p_case text, p_number integer, p_reason text, p_on date, OUT reversal_id bigint, OUT credit_note text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.reverse_payment(p_case text, p_number integer, p_reason text, p_on date, OUT reversal_id bigint, OUT credit_note text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.reverse_payment(p_case text, p_number integer, p_reason text, p_on date, OUT reversal_id bigint, OUT credit_note text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.reverse_payment(p_case text, p_number integer, p_reason text, p_on date, OUT reversal_id bigint, OUT credit_note text) TO cobranza_collector;

-- Name: FUNCTION set_connection_limit(p_name text, p_limit integer); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.set_connection_limit(p_name text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.set_connection_limit(p_name text, p_limit integer) TO cobranza_admin;

-- Name: FUNCTION set_password(p_name text, p_verifier text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.set_password(p_name text, p_verifier text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.set_password(p_name text, p_verifier text) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.set_password(p_name text, p_verifier text) TO cobranza_collector;
GRANT ALL ON FUNCTION cobranza.set_password(p_name text, p_verifier text) TO cobranza_lawyer;
GRANT ALL ON FUNCTION cobranza.set_password(p_name text, p_verifier text) TO cobranza_client;

-- Name: FUNCTION strategy_run(p_on date, p_tenant bigint); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint) TO cobranza_admin;
GRANT ALL ON FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint) TO cobranza_collector;

-- Name: FUNCTION submission_key_violation(p_constraint text, p_columns text, p_values text, p_table text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.submission_key_violation(p_constraint text, p_columns text, p_values text, p_table text) FROM PUBLIC;

-- Name: FUNCTION submission_keys_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.submission_keys_check() FROM PUBLIC;

-- Name: FUNCTION submission_keys_row_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.submission_keys_row_check() FROM PUBLIC;

-- Name: FUNCTION submission_parent_referenced_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.submission_parent_referenced_check() FROM PUBLIC;

-- Name: FUNCTION tenant_debtor_referenced_check(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.tenant_debtor_referenced_check() FROM PUBLIC;

-- Name: FUNCTION tenant_identity_fixed(); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.tenant_identity_fixed() FROM PUBLIC;

-- Name: FUNCTION void_fee_invoice(p_number text, p_reason text); Type: ACL; Schema: cobranza

REVOKE ALL ON FUNCTION cobranza.void_fee_invoice(p_number text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION cobranza.void_fee_invoice(p_number text, p_reason text) TO cobranza_admin;

-- Name: TABLE agreement_cancellation; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.agreement_cancellation TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.agreement_cancellation TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.agreement_cancellation TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.agreement_cancellation TO cobranza_client;

-- Name: TABLE instalment; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.instalment TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.instalment TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.instalment TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.instalment TO cobranza_client;

-- Name: COLUMN instalment.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.instalment TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.instalment TO cobranza_collector;

-- Name: COLUMN instalment.agreement_id; Type: ACL; Schema: cobranza

GRANT INSERT(agreement_id) ON TABLE cobranza.instalment TO cobranza_admin;
GRANT INSERT(agreement_id) ON TABLE cobranza.instalment TO cobranza_collector;

-- Name: COLUMN instalment.sequence; Type: ACL; Schema: cobranza

GRANT INSERT(sequence) ON TABLE cobranza.instalment TO cobranza_admin;
GRANT INSERT(sequence) ON TABLE cobranza.instalment TO cobranza_collector;

-- Name: COLUMN instalment.due; Type: ACL; Schema: cobranza

GRANT INSERT(due) ON TABLE cobranza.instalment TO cobranza_admin;
GRANT INSERT(due) ON TABLE cobranza.instalment TO cobranza_collector;

-- Name: COLUMN instalment.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.instalment TO cobranza_admin;
GRANT INSERT(amount) ON TABLE cobranza.instalment TO cobranza_collector;

-- Name: TABLE payment; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.payment TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.payment TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.payment TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.payment TO cobranza_client;

-- Name: COLUMN payment.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(amount) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.paid_on; Type: ACL; Schema: cobranza

GRANT INSERT(paid_on) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(paid_on) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.channel; Type: ACL; Schema: cobranza

GRANT INSERT(channel) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(channel) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.method; Type: ACL; Schema: cobranza

GRANT INSERT(method) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(method) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.external_ref; Type: ACL; Schema: cobranza

GRANT INSERT(external_ref) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(external_ref) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.reverses_id; Type: ACL; Schema: cobranza

GRANT INSERT(reverses_id) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(reverses_id) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: COLUMN payment.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.payment TO cobranza_admin;
GRANT INSERT(reason) ON TABLE cobranza.payment TO cobranza_collector;

-- Name: TABLE payment_agreement; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.payment_agreement TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.payment_agreement TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.payment_agreement TO cobranza_client;

-- Name: COLUMN payment_agreement.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.discount_bp; Type: ACL; Schema: cobranza

GRANT INSERT(discount_bp) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(discount_bp) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.down_payment; Type: ACL; Schema: cobranza

GRANT INSERT(down_payment) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(down_payment) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.instalments; Type: ACL; Schema: cobranza

GRANT INSERT(instalments) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(instalments) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.every; Type: ACL; Schema: cobranza

GRANT INSERT(every) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(every) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: COLUMN payment_agreement.first_due; Type: ACL; Schema: cobranza

GRANT INSERT(first_due) ON TABLE cobranza.payment_agreement TO cobranza_admin;
GRANT INSERT(first_due) ON TABLE cobranza.payment_agreement TO cobranza_collector;

-- Name: TABLE instalment_status; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.instalment_status TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.instalment_status TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.instalment_status TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.instalment_status TO cobranza_client;

-- Name: TABLE agreement_status; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.agreement_status TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.agreement_status TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.agreement_status TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.agreement_status TO cobranza_client;

-- Name: TABLE audit_log; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.audit_log TO cobranza_admin;

-- Name: TABLE fee_document; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.fee_document TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.fee_document TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.fee_document TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.fee_document TO cobranza_client;

-- Name: COLUMN fee_document.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.kind; Type: ACL; Schema: cobranza

GRANT INSERT(kind) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.number; Type: ACL; Schema: cobranza

GRANT INSERT(number) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.currency; Type: ACL; Schema: cobranza

GRANT INSERT(currency) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.issued_on; Type: ACL; Schema: cobranza

GRANT INSERT(issued_on) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.period; Type: ACL; Schema: cobranza

GRANT INSERT(period) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.subtotal; Type: ACL; Schema: cobranza

GRANT INSERT(subtotal) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.vat_bp; Type: ACL; Schema: cobranza

GRANT INSERT(vat_bp) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.vat; Type: ACL; Schema: cobranza

GRANT INSERT(vat) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.total; Type: ACL; Schema: cobranza

GRANT INSERT(total) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.voids_id; Type: ACL; Schema: cobranza

GRANT INSERT(voids_id) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.payment_ids; Type: ACL; Schema: cobranza

GRANT INSERT(payment_ids) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: COLUMN fee_document.case_labels; Type: ACL; Schema: cobranza

GRANT INSERT(case_labels) ON TABLE cobranza.fee_document TO cobranza_admin;

-- Name: TABLE standing_fee_document; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.standing_fee_document TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.standing_fee_document TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.standing_fee_document TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.standing_fee_document TO cobranza_client;

-- Name: TABLE billed_court_cost; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.billed_court_cost TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.billed_court_cost TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.billed_court_cost TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.billed_court_cost TO cobranza_client;

-- Name: TABLE billed_payment; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.billed_payment TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.billed_payment TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.billed_payment TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.billed_payment TO cobranza_client;

-- Name: TABLE case_event; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.case_event TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.case_event TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.tenant_id; Type: ACL; Schema: cobranza

GRANT SELECT(tenant_id) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(tenant_id) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(tenant_id) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.id; Type: ACL; Schema: cobranza

GRANT SELECT(id) ON TABLE cobranza.case_event TO cobranza_client;

-- Name: COLUMN case_event.case_id; Type: ACL; Schema: cobranza

GRANT SELECT(case_id) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(case_id) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(case_id) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.kind; Type: ACL; Schema: cobranza

GRANT SELECT(kind) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(kind) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(kind) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(kind) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.outcome; Type: ACL; Schema: cobranza

GRANT SELECT(outcome) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(outcome) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(outcome) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(outcome) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.note; Type: ACL; Schema: cobranza

GRANT SELECT(note) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(note) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(note) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(note) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.client_visible; Type: ACL; Schema: cobranza

GRANT SELECT(client_visible) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(client_visible) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(client_visible) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(client_visible) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.occurred_on; Type: ACL; Schema: cobranza

GRANT SELECT(occurred_on) ON TABLE cobranza.case_event TO cobranza_client;
GRANT INSERT(occurred_on) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(occurred_on) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(occurred_on) ON TABLE cobranza.case_event TO cobranza_lawyer;

-- Name: COLUMN case_event.created_at; Type: ACL; Schema: cobranza

GRANT SELECT(created_at) ON TABLE cobranza.case_event TO cobranza_client;

-- Name: COLUMN case_event.letter_level; Type: ACL; Schema: cobranza

GRANT INSERT(letter_level) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(letter_level) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(letter_level) ON TABLE cobranza.case_event TO cobranza_lawyer;
GRANT SELECT(letter_level) ON TABLE cobranza.case_event TO cobranza_client;

-- Name: COLUMN case_event.body; Type: ACL; Schema: cobranza

GRANT INSERT(body) ON TABLE cobranza.case_event TO cobranza_admin;
GRANT INSERT(body) ON TABLE cobranza.case_event TO cobranza_collector;
GRANT INSERT(body) ON TABLE cobranza.case_event TO cobranza_lawyer;
GRANT SELECT(body) ON TABLE cobranza.case_event TO cobranza_client;

-- Name: COLUMN case_event.occurred_at; Type: ACL; Schema: cobranza

GRANT SELECT(occurred_at) ON TABLE cobranza.case_event TO cobranza_client;

-- Name: COLUMN case_event.rule_override; Type: ACL; Schema: cobranza

GRANT INSERT(rule_override) ON TABLE cobranza.case_event TO cobranza_admin;

-- Name: TABLE case_hold; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: COLUMN case_hold.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: COLUMN case_hold.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: COLUMN case_hold.until; Type: ACL; Schema: cobranza

GRANT INSERT(until) ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT INSERT(until) ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: COLUMN case_hold.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT INSERT(reason) ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: COLUMN case_hold.released_on; Type: ACL; Schema: cobranza

GRANT UPDATE(released_on) ON TABLE cobranza.case_hold TO cobranza_admin;
GRANT UPDATE(released_on) ON TABLE cobranza.case_hold TO cobranza_collector;

-- Name: TABLE debtor; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.debtor TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.debtor TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.debtor TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(tenant_id) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.country; Type: ACL; Schema: cobranza

GRANT INSERT(country) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(country) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(country) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.tax_id; Type: ACL; Schema: cobranza

GRANT INSERT(tax_id) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(tax_id) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(tax_id) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.name; Type: ACL; Schema: cobranza

GRANT INSERT(name),UPDATE(name) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(name),UPDATE(name) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(name) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.kind; Type: ACL; Schema: cobranza

GRANT INSERT(kind),UPDATE(kind) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(kind),UPDATE(kind) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(kind) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.email; Type: ACL; Schema: cobranza

GRANT INSERT(email),UPDATE(email) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(email),UPDATE(email) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(email) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.phone; Type: ACL; Schema: cobranza

GRANT INSERT(phone),UPDATE(phone) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(phone),UPDATE(phone) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(phone) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.address; Type: ACL; Schema: cobranza

GRANT INSERT(address),UPDATE(address) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(address),UPDATE(address) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(address) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.city; Type: ACL; Schema: cobranza

GRANT INSERT(city),UPDATE(city) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(city),UPDATE(city) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(city) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.region; Type: ACL; Schema: cobranza

GRANT INSERT(region),UPDATE(region) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(region),UPDATE(region) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(region) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.salutation; Type: ACL; Schema: cobranza

GRANT INSERT(salutation),UPDATE(salutation) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(salutation),UPDATE(salutation) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(salutation) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: COLUMN debtor.time_zone; Type: ACL; Schema: cobranza

GRANT INSERT(time_zone),UPDATE(time_zone) ON TABLE cobranza.debtor TO cobranza_admin;
GRANT INSERT(time_zone),UPDATE(time_zone) ON TABLE cobranza.debtor TO cobranza_collector;
GRANT INSERT(time_zone) ON TABLE cobranza.debtor TO cobranza_client;

-- Name: TABLE invoice; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.invoice TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.invoice TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.invoice TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.invoice TO cobranza_client;

-- Name: COLUMN invoice.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(tenant_id) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.submission_id; Type: ACL; Schema: cobranza

GRANT INSERT(submission_id) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(submission_id) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(submission_id) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.debtor_id; Type: ACL; Schema: cobranza

GRANT INSERT(debtor_id) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(debtor_id) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.number; Type: ACL; Schema: cobranza

GRANT INSERT(number) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(number),UPDATE(number) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(number),UPDATE(number) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.issued; Type: ACL; Schema: cobranza

GRANT INSERT(issued) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(issued),UPDATE(issued) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(issued),UPDATE(issued) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.due; Type: ACL; Schema: cobranza

GRANT INSERT(due) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(due),UPDATE(due) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(due),UPDATE(due) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(amount),UPDATE(amount) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(amount),UPDATE(amount) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.currency; Type: ACL; Schema: cobranza

GRANT INSERT(currency) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(currency) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(currency) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.case_id; Type: ACL; Schema: cobranza

GRANT UPDATE(case_id) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT UPDATE(case_id) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.note; Type: ACL; Schema: cobranza

GRANT INSERT(note) ON TABLE cobranza.invoice TO cobranza_client;
GRANT INSERT(note),UPDATE(note) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT INSERT(note),UPDATE(note) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.cancel_reason; Type: ACL; Schema: cobranza

GRANT UPDATE(cancel_reason) ON TABLE cobranza.invoice TO cobranza_client;
GRANT UPDATE(cancel_reason) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT UPDATE(cancel_reason) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: COLUMN invoice.cancelled_by_dispute; Type: ACL; Schema: cobranza

GRANT UPDATE(cancelled_by_dispute) ON TABLE cobranza.invoice TO cobranza_admin;
GRANT UPDATE(cancelled_by_dispute) ON TABLE cobranza.invoice TO cobranza_collector;

-- Name: TABLE tenant; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.tenant TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.tenant TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.tenant TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.tenant TO cobranza_client;

-- Name: COLUMN tenant.code; Type: ACL; Schema: cobranza

GRANT INSERT(code) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: COLUMN tenant.legal_name; Type: ACL; Schema: cobranza

GRANT INSERT(legal_name),UPDATE(legal_name) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: COLUMN tenant.tax_id; Type: ACL; Schema: cobranza

GRANT INSERT(tax_id),UPDATE(tax_id) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: COLUMN tenant.country; Type: ACL; Schema: cobranza

GRANT INSERT(country) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: COLUMN tenant.currency; Type: ACL; Schema: cobranza

GRANT INSERT(currency),UPDATE(currency) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: COLUMN tenant.contact; Type: ACL; Schema: cobranza

GRANT INSERT(contact),UPDATE(contact) ON TABLE cobranza.tenant TO cobranza_admin;

-- Name: TABLE case_summary; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.case_summary TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.case_summary TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.case_summary TO cobranza_lawyer;

-- Name: TABLE case_task; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.case_task TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.kind; Type: ACL; Schema: cobranza

GRANT INSERT(kind) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(kind) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.due; Type: ACL; Schema: cobranza

GRANT INSERT(due) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(due) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.assignee; Type: ACL; Schema: cobranza

GRANT INSERT(assignee) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(assignee) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.step_id; Type: ACL; Schema: cobranza

GRANT INSERT(step_id) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(step_id) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.note; Type: ACL; Schema: cobranza

GRANT INSERT(note) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT INSERT(note) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: COLUMN case_task.done_on; Type: ACL; Schema: cobranza

GRANT UPDATE(done_on) ON TABLE cobranza.case_task TO cobranza_admin;
GRANT UPDATE(done_on) ON TABLE cobranza.case_task TO cobranza_collector;

-- Name: TABLE client_case_summary; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.client_case_summary TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.client_case_summary TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.client_case_summary TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.client_case_summary TO cobranza_client;

-- Name: TABLE client_strategy; Type: ACL; Schema: cobranza

GRANT SELECT,DELETE ON TABLE cobranza.client_strategy TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.client_strategy TO cobranza_collector;

-- Name: COLUMN client_strategy.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.client_strategy TO cobranza_admin;

-- Name: COLUMN client_strategy.strategy_id; Type: ACL; Schema: cobranza

GRANT INSERT(strategy_id),UPDATE(strategy_id) ON TABLE cobranza.client_strategy TO cobranza_admin;

-- Name: COLUMN client_strategy.set_at; Type: ACL; Schema: cobranza

GRANT UPDATE(set_at) ON TABLE cobranza.client_strategy TO cobranza_admin;

-- Name: COLUMN client_strategy.set_by; Type: ACL; Schema: cobranza

GRANT UPDATE(set_by) ON TABLE cobranza.client_strategy TO cobranza_admin;

-- Name: TABLE contact_authorisation; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.contact_authorisation TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.contact_authorisation TO cobranza_client;

-- Name: COLUMN contact_authorisation.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.contact_authorisation TO cobranza_collector;

-- Name: COLUMN contact_authorisation.debtor_id; Type: ACL; Schema: cobranza

GRANT INSERT(debtor_id) ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.contact_authorisation TO cobranza_collector;

-- Name: COLUMN contact_authorisation.channel; Type: ACL; Schema: cobranza

GRANT INSERT(channel) ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT INSERT(channel) ON TABLE cobranza.contact_authorisation TO cobranza_collector;

-- Name: COLUMN contact_authorisation.authorised_on; Type: ACL; Schema: cobranza

GRANT INSERT(authorised_on) ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT INSERT(authorised_on) ON TABLE cobranza.contact_authorisation TO cobranza_collector;

-- Name: COLUMN contact_authorisation.source; Type: ACL; Schema: cobranza

GRANT INSERT(source) ON TABLE cobranza.contact_authorisation TO cobranza_admin;
GRANT INSERT(source) ON TABLE cobranza.contact_authorisation TO cobranza_collector;

-- Name: TABLE contact_rule_hours; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.contact_rule_hours TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.contact_rule_hours TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.contact_rule_hours TO cobranza_lawyer;

-- Name: TABLE court_cost; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.court_cost TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.court_cost TO cobranza_client;

-- Name: COLUMN court_cost.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT INSERT(tenant_id) ON TABLE cobranza.court_cost TO cobranza_lawyer;

-- Name: COLUMN court_cost.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT INSERT(case_id) ON TABLE cobranza.court_cost TO cobranza_lawyer;

-- Name: COLUMN court_cost.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT INSERT(amount) ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT INSERT(amount) ON TABLE cobranza.court_cost TO cobranza_lawyer;

-- Name: COLUMN court_cost.note; Type: ACL; Schema: cobranza

GRANT INSERT(note) ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT INSERT(note) ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT INSERT(note) ON TABLE cobranza.court_cost TO cobranza_lawyer;

-- Name: COLUMN court_cost.incurred_on; Type: ACL; Schema: cobranza

GRANT INSERT(incurred_on) ON TABLE cobranza.court_cost TO cobranza_admin;
GRANT INSERT(incurred_on) ON TABLE cobranza.court_cost TO cobranza_collector;
GRANT INSERT(incurred_on) ON TABLE cobranza.court_cost TO cobranza_lawyer;

-- Name: TABLE currency; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.currency TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.currency TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.currency TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.currency TO cobranza_client;

-- Name: TABLE debtor_opt_out; Type: ACL; Schema: cobranza

GRANT SELECT,DELETE ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT SELECT,DELETE ON TABLE cobranza.debtor_opt_out TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.debtor_opt_out TO cobranza_client;

-- Name: COLUMN debtor_opt_out.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.debtor_opt_out TO cobranza_collector;

-- Name: COLUMN debtor_opt_out.debtor_id; Type: ACL; Schema: cobranza

GRANT INSERT(debtor_id) ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.debtor_opt_out TO cobranza_collector;

-- Name: COLUMN debtor_opt_out.channel; Type: ACL; Schema: cobranza

GRANT INSERT(channel) ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT INSERT(channel) ON TABLE cobranza.debtor_opt_out TO cobranza_collector;

-- Name: COLUMN debtor_opt_out.opted_out_on; Type: ACL; Schema: cobranza

GRANT INSERT(opted_out_on) ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT INSERT(opted_out_on) ON TABLE cobranza.debtor_opt_out TO cobranza_collector;

-- Name: COLUMN debtor_opt_out.source; Type: ACL; Schema: cobranza

GRANT INSERT(source) ON TABLE cobranza.debtor_opt_out TO cobranza_admin;
GRANT INSERT(source) ON TABLE cobranza.debtor_opt_out TO cobranza_collector;

-- Name: TABLE dispute; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.dispute TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.dispute TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.dispute TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.dispute TO cobranza_client;

-- Name: COLUMN dispute.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: COLUMN dispute.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: COLUMN dispute.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT INSERT(reason) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: COLUMN dispute.outcome; Type: ACL; Schema: cobranza

GRANT UPDATE(outcome) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT UPDATE(outcome) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: COLUMN dispute.resolved_on; Type: ACL; Schema: cobranza

GRANT UPDATE(resolved_on) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT UPDATE(resolved_on) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: COLUMN dispute.resolution_note; Type: ACL; Schema: cobranza

GRANT UPDATE(resolution_note) ON TABLE cobranza.dispute TO cobranza_admin;
GRANT UPDATE(resolution_note) ON TABLE cobranza.dispute TO cobranza_collector;

-- Name: TABLE dispute_invoice; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.dispute_invoice TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.dispute_invoice TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.dispute_invoice TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.dispute_invoice TO cobranza_client;

-- Name: COLUMN dispute_invoice.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.dispute_invoice TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.dispute_invoice TO cobranza_collector;

-- Name: COLUMN dispute_invoice.dispute_id; Type: ACL; Schema: cobranza

GRANT INSERT(dispute_id) ON TABLE cobranza.dispute_invoice TO cobranza_admin;
GRANT INSERT(dispute_id) ON TABLE cobranza.dispute_invoice TO cobranza_collector;

-- Name: COLUMN dispute_invoice.invoice_id; Type: ACL; Schema: cobranza

GRANT INSERT(invoice_id) ON TABLE cobranza.dispute_invoice TO cobranza_admin;
GRANT INSERT(invoice_id) ON TABLE cobranza.dispute_invoice TO cobranza_collector;

-- Name: TABLE fee_document_cost_line; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.fee_document_cost_line TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.fee_document_cost_line TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.fee_document_cost_line TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.fee_document_cost_line TO cobranza_client;

-- Name: TABLE fee_document_line; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.fee_document_line TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.fee_document_line TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.fee_document_line TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.fee_document_line TO cobranza_client;

-- Name: TABLE holiday; Type: ACL; Schema: cobranza

GRANT SELECT,DELETE ON TABLE cobranza.holiday TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.holiday TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.holiday TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.holiday TO cobranza_client;

-- Name: COLUMN holiday.country; Type: ACL; Schema: cobranza

GRANT INSERT(country) ON TABLE cobranza.holiday TO cobranza_admin;

-- Name: COLUMN holiday.day; Type: ACL; Schema: cobranza

GRANT INSERT(day) ON TABLE cobranza.holiday TO cobranza_admin;

-- Name: COLUMN holiday.name; Type: ACL; Schema: cobranza

GRANT INSERT(name) ON TABLE cobranza.holiday TO cobranza_admin;

-- Name: COLUMN holiday.source; Type: ACL; Schema: cobranza

GRANT INSERT(source) ON TABLE cobranza.holiday TO cobranza_admin;

-- Name: TABLE import_batch; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.import_batch TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.import_batch TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.import_batch TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.import_batch TO cobranza_client;

-- Name: COLUMN import_batch.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.import_batch TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.import_batch TO cobranza_collector;
GRANT INSERT(tenant_id) ON TABLE cobranza.import_batch TO cobranza_client;

-- Name: COLUMN import_batch.file_name; Type: ACL; Schema: cobranza

GRANT INSERT(file_name) ON TABLE cobranza.import_batch TO cobranza_admin;
GRANT INSERT(file_name) ON TABLE cobranza.import_batch TO cobranza_collector;
GRANT INSERT(file_name) ON TABLE cobranza.import_batch TO cobranza_client;

-- Name: COLUMN import_batch.checksum; Type: ACL; Schema: cobranza

GRANT INSERT(checksum) ON TABLE cobranza.import_batch TO cobranza_admin;
GRANT INSERT(checksum) ON TABLE cobranza.import_batch TO cobranza_collector;
GRANT INSERT(checksum) ON TABLE cobranza.import_batch TO cobranza_client;

-- Name: COLUMN import_batch.row_count; Type: ACL; Schema: cobranza

GRANT INSERT(row_count) ON TABLE cobranza.import_batch TO cobranza_admin;
GRANT INSERT(row_count) ON TABLE cobranza.import_batch TO cobranza_collector;
GRANT INSERT(row_count) ON TABLE cobranza.import_batch TO cobranza_client;

-- Name: TABLE invoice_balance; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.invoice_balance TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.invoice_balance TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.invoice_balance TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.invoice_balance TO cobranza_client;

-- Name: TABLE judicial_referral; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.judicial_referral TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.judicial_referral TO cobranza_lawyer;

-- Name: COLUMN judicial_referral.tenant_id; Type: ACL; Schema: cobranza

GRANT SELECT(tenant_id) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT INSERT(tenant_id) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.judicial_referral TO cobranza_collector;

-- Name: COLUMN judicial_referral.id; Type: ACL; Schema: cobranza

GRANT SELECT(id) ON TABLE cobranza.judicial_referral TO cobranza_client;

-- Name: COLUMN judicial_referral.case_id; Type: ACL; Schema: cobranza

GRANT SELECT(case_id) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT INSERT(case_id) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.judicial_referral TO cobranza_collector;

-- Name: COLUMN judicial_referral.lawyer; Type: ACL; Schema: cobranza

GRANT SELECT(lawyer) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT INSERT(lawyer),UPDATE(lawyer) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(lawyer) ON TABLE cobranza.judicial_referral TO cobranza_collector;

-- Name: COLUMN judicial_referral.court; Type: ACL; Schema: cobranza

GRANT SELECT(court) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT INSERT(court),UPDATE(court) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(court),UPDATE(court) ON TABLE cobranza.judicial_referral TO cobranza_collector;
GRANT UPDATE(court) ON TABLE cobranza.judicial_referral TO cobranza_lawyer;

-- Name: COLUMN judicial_referral.docket; Type: ACL; Schema: cobranza

GRANT SELECT(docket) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT INSERT(docket),UPDATE(docket) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(docket),UPDATE(docket) ON TABLE cobranza.judicial_referral TO cobranza_collector;
GRANT UPDATE(docket) ON TABLE cobranza.judicial_referral TO cobranza_lawyer;

-- Name: COLUMN judicial_referral.stage; Type: ACL; Schema: cobranza

GRANT SELECT(stage) ON TABLE cobranza.judicial_referral TO cobranza_client;
GRANT UPDATE(stage) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT UPDATE(stage) ON TABLE cobranza.judicial_referral TO cobranza_collector;
GRANT UPDATE(stage) ON TABLE cobranza.judicial_referral TO cobranza_lawyer;

-- Name: COLUMN judicial_referral.referred_on; Type: ACL; Schema: cobranza

GRANT SELECT(referred_on) ON TABLE cobranza.judicial_referral TO cobranza_client;

-- Name: COLUMN judicial_referral.override_reason; Type: ACL; Schema: cobranza

GRANT INSERT(override_reason) ON TABLE cobranza.judicial_referral TO cobranza_admin;
GRANT INSERT(override_reason) ON TABLE cobranza.judicial_referral TO cobranza_collector;

-- Name: TABLE outbound_message; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.debtor_id; Type: ACL; Schema: cobranza

GRANT INSERT(debtor_id) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.step_id; Type: ACL; Schema: cobranza

GRANT INSERT(step_id) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(step_id) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.channel; Type: ACL; Schema: cobranza

GRANT INSERT(channel) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(channel) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.address; Type: ACL; Schema: cobranza

GRANT INSERT(address) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(address) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.subject; Type: ACL; Schema: cobranza

GRANT INSERT(subject) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(subject) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.body; Type: ACL; Schema: cobranza

GRANT INSERT(body) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(body) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.status; Type: ACL; Schema: cobranza

GRANT UPDATE(status) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT UPDATE(status) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.idempotency_key; Type: ACL; Schema: cobranza

GRANT INSERT(idempotency_key) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(idempotency_key) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.template; Type: ACL; Schema: cobranza

GRANT INSERT(template) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(template) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.client_visible; Type: ACL; Schema: cobranza

GRANT INSERT(client_visible) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT INSERT(client_visible) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: COLUMN outbound_message.not_before; Type: ACL; Schema: cobranza

GRANT UPDATE(not_before) ON TABLE cobranza.outbound_message TO cobranza_admin;
GRANT UPDATE(not_before) ON TABLE cobranza.outbound_message TO cobranza_collector;

-- Name: TABLE person; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.person TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.person TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.person TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.person TO cobranza_client;
GRANT SELECT ON TABLE cobranza.person TO cobranza_lookup;

-- Name: TABLE posting; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.posting TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.posting TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.posting TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.posting TO cobranza_client;

-- Name: COLUMN posting.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.posting TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.posting TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.registry; Type: ACL; Schema: cobranza

GRANT UPDATE(registry) ON TABLE cobranza.posting TO cobranza_admin;
GRANT UPDATE(registry) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.reference; Type: ACL; Schema: cobranza

GRANT UPDATE(reference) ON TABLE cobranza.posting TO cobranza_admin;
GRANT UPDATE(reference) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.published_on; Type: ACL; Schema: cobranza

GRANT UPDATE(published_on) ON TABLE cobranza.posting TO cobranza_admin;
GRANT UPDATE(published_on) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.withdrawal_due; Type: ACL; Schema: cobranza

GRANT UPDATE(withdrawal_due) ON TABLE cobranza.posting TO cobranza_admin;
GRANT UPDATE(withdrawal_due) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: COLUMN posting.withdrawn_on; Type: ACL; Schema: cobranza

GRANT UPDATE(withdrawn_on) ON TABLE cobranza.posting TO cobranza_admin;
GRANT UPDATE(withdrawn_on) ON TABLE cobranza.posting TO cobranza_collector;

-- Name: TABLE promise; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.promise TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.promise TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.promise TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.promise TO cobranza_client;

-- Name: COLUMN promise.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.promise TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.promise TO cobranza_collector;

-- Name: COLUMN promise.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.promise TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.promise TO cobranza_collector;

-- Name: COLUMN promise.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.promise TO cobranza_admin;
GRANT INSERT(amount) ON TABLE cobranza.promise TO cobranza_collector;

-- Name: COLUMN promise.due; Type: ACL; Schema: cobranza

GRANT INSERT(due) ON TABLE cobranza.promise TO cobranza_admin;
GRANT INSERT(due) ON TABLE cobranza.promise TO cobranza_collector;

-- Name: COLUMN promise.note; Type: ACL; Schema: cobranza

GRANT INSERT(note) ON TABLE cobranza.promise TO cobranza_admin;
GRANT INSERT(note) ON TABLE cobranza.promise TO cobranza_collector;

-- Name: TABLE promise_status; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.promise_status TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.promise_status TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.promise_status TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.promise_status TO cobranza_client;

-- Name: TABLE received_transfer; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.received_transfer TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.received_transfer TO cobranza_collector;

-- Name: TABLE remittance; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.remittance TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.remittance TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.remittance TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.remittance TO cobranza_client;

-- Name: COLUMN remittance.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.amount; Type: ACL; Schema: cobranza

GRANT INSERT(amount) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.currency; Type: ACL; Schema: cobranza

GRANT INSERT(currency) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.paid_on; Type: ACL; Schema: cobranza

GRANT INSERT(paid_on) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.external_ref; Type: ACL; Schema: cobranza

GRANT INSERT(external_ref) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.reverses_id; Type: ACL; Schema: cobranza

GRANT INSERT(reverses_id) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: COLUMN remittance.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.remittance TO cobranza_admin;

-- Name: TABLE strategy; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.strategy TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.strategy TO cobranza_collector;

-- Name: COLUMN strategy.name; Type: ACL; Schema: cobranza

GRANT INSERT(name) ON TABLE cobranza.strategy TO cobranza_admin;

-- Name: COLUMN strategy.is_default; Type: ACL; Schema: cobranza

GRANT INSERT(is_default),UPDATE(is_default) ON TABLE cobranza.strategy TO cobranza_admin;

-- Name: TABLE strategy_case_step; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.step_id; Type: ACL; Schema: cobranza

GRANT INSERT(step_id) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(step_id) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.outcome; Type: ACL; Schema: cobranza

GRANT INSERT(outcome) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(outcome) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.on_date; Type: ACL; Schema: cobranza

GRANT INSERT(on_date) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(on_date) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: COLUMN strategy_case_step.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.strategy_case_step TO cobranza_admin;
GRANT INSERT(reason) ON TABLE cobranza.strategy_case_step TO cobranza_collector;

-- Name: TABLE strategy_decision; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.case_id; Type: ACL; Schema: cobranza

GRANT INSERT(case_id) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(case_id) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.step_id; Type: ACL; Schema: cobranza

GRANT INSERT(step_id) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(step_id) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.run_on; Type: ACL; Schema: cobranza

GRANT INSERT(run_on) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(run_on) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.decision; Type: ACL; Schema: cobranza

GRANT INSERT(decision) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(decision) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: COLUMN strategy_decision.reason; Type: ACL; Schema: cobranza

GRANT INSERT(reason) ON TABLE cobranza.strategy_decision TO cobranza_admin;
GRANT INSERT(reason) ON TABLE cobranza.strategy_decision TO cobranza_collector;

-- Name: TABLE strategy_step; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.strategy_step TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.strategy_step TO cobranza_collector;

-- Name: COLUMN strategy_step.strategy_id; Type: ACL; Schema: cobranza

GRANT INSERT(strategy_id) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.day; Type: ACL; Schema: cobranza

GRANT INSERT(day) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.action; Type: ACL; Schema: cobranza

GRANT INSERT(action) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.letter_level; Type: ACL; Schema: cobranza

GRANT INSERT(letter_level) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.from_point; Type: ACL; Schema: cobranza

GRANT INSERT(from_point) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.client_visible; Type: ACL; Schema: cobranza

GRANT INSERT(client_visible) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: COLUMN strategy_step.removed_at; Type: ACL; Schema: cobranza

GRANT UPDATE(removed_at) ON TABLE cobranza.strategy_step TO cobranza_admin;

-- Name: TABLE submission; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.submission TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.submission TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.submission TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.submission TO cobranza_client;

-- Name: COLUMN submission.tenant_id; Type: ACL; Schema: cobranza

GRANT INSERT(tenant_id) ON TABLE cobranza.submission TO cobranza_client;
GRANT INSERT(tenant_id) ON TABLE cobranza.submission TO cobranza_admin;
GRANT INSERT(tenant_id) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.debtor_id; Type: ACL; Schema: cobranza

GRANT INSERT(debtor_id) ON TABLE cobranza.submission TO cobranza_client;
GRANT INSERT(debtor_id) ON TABLE cobranza.submission TO cobranza_admin;
GRANT INSERT(debtor_id) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.currency; Type: ACL; Schema: cobranza

GRANT INSERT(currency) ON TABLE cobranza.submission TO cobranza_client;
GRANT INSERT(currency) ON TABLE cobranza.submission TO cobranza_admin;
GRANT INSERT(currency) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.status; Type: ACL; Schema: cobranza

GRANT UPDATE(status) ON TABLE cobranza.submission TO cobranza_admin;
GRANT UPDATE(status) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.note; Type: ACL; Schema: cobranza

GRANT INSERT(note) ON TABLE cobranza.submission TO cobranza_client;
GRANT INSERT(note),UPDATE(note) ON TABLE cobranza.submission TO cobranza_admin;
GRANT INSERT(note),UPDATE(note) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.reject_reason; Type: ACL; Schema: cobranza

GRANT UPDATE(reject_reason) ON TABLE cobranza.submission TO cobranza_admin;
GRANT UPDATE(reject_reason) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.batch_id; Type: ACL; Schema: cobranza

GRANT INSERT(batch_id) ON TABLE cobranza.submission TO cobranza_client;
GRANT INSERT(batch_id),UPDATE(batch_id) ON TABLE cobranza.submission TO cobranza_admin;
GRANT INSERT(batch_id),UPDATE(batch_id) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.case_id; Type: ACL; Schema: cobranza

GRANT UPDATE(case_id) ON TABLE cobranza.submission TO cobranza_admin;
GRANT UPDATE(case_id) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.reviewed_by; Type: ACL; Schema: cobranza

GRANT UPDATE(reviewed_by) ON TABLE cobranza.submission TO cobranza_admin;
GRANT UPDATE(reviewed_by) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: COLUMN submission.reviewed_at; Type: ACL; Schema: cobranza

GRANT UPDATE(reviewed_at) ON TABLE cobranza.submission TO cobranza_admin;
GRANT UPDATE(reviewed_at) ON TABLE cobranza.submission TO cobranza_collector;

-- Name: TABLE whoami; Type: ACL; Schema: cobranza

GRANT SELECT ON TABLE cobranza.whoami TO cobranza_admin;
GRANT SELECT ON TABLE cobranza.whoami TO cobranza_collector;
GRANT SELECT ON TABLE cobranza.whoami TO cobranza_lawyer;
GRANT SELECT ON TABLE cobranza.whoami TO cobranza_client;
