-- 0051_strategy_run: the daily run of the strategies (issue 17, item 2).
--
-- strategy_case_step   each (case, step) resolved at most once: UNIQUE (tenant_id, case_id, step_id)
--                      is the guard, so two runs at once or the same run twice do nothing twice
--                      (the second insert waits for the first to commit, then does nothing);
-- strategy_decision    the run's log: every decision (done, skipped, paused, deferred, task) with
--                      its reason, for `strategy log`;
-- outbound_message     reminders, emails, SMS and WhatsApp the run queued (the notices issue sends
--                      them), with the text, the address and a unique idempotency key;
-- case_task            calls, visits and referral reviews for the assignee's agenda, and the one
--                      "obtain contact authorisation" task when the contact rules refuse a channel
--                      outright.
--
-- strategy_run(on, tenant) is set-wise SQL: a handful of statements over every case in scope,
-- never a loop over cases. It does everything but letters and posting notices, which it returns
-- for the shell to render (the templates are files) and record in the same transaction, with the
-- same unique key as their guard. SECURITY INVOKER: it writes with the caller's own rights, so a
-- collector's run sees and writes what the collector could by hand.
--
-- SME users see none of these tables: what the run does to their cases reaches them as the
-- client-visible steps on the case's timeline.

SET LOCAL ROLE cobranza_owner;

CREATE TABLE cobranza.strategy_case_step (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    case_id    bigint NOT NULL,
    step_id    bigint NOT NULL CONSTRAINT strategy_case_step_step_fkey REFERENCES cobranza.strategy_step (id),
    outcome    text NOT NULL,
    on_date    date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user,
    CONSTRAINT strategy_case_step_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT strategy_case_step_once_key UNIQUE (tenant_id, case_id, step_id),
    CONSTRAINT strategy_case_step_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT strategy_case_step_outcome_check CHECK (outcome IN ('done', 'skipped', 'task')),
    CONSTRAINT strategy_case_step_outcome_text CHECK (cobranza.single_line(outcome, 'outcome')),
    CONSTRAINT strategy_case_step_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'))
);
CREATE INDEX strategy_case_step_step_id_idx ON cobranza.strategy_case_step (step_id);

CREATE TABLE cobranza.strategy_decision (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    case_id    bigint NOT NULL,
    step_id    bigint NOT NULL CONSTRAINT strategy_decision_step_fkey REFERENCES cobranza.strategy_step (id),
    run_on     date NOT NULL,
    decision   text NOT NULL,
    reason     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user,
    CONSTRAINT strategy_decision_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT strategy_decision_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT strategy_decision_decision_check CHECK (decision IN ('done', 'skipped', 'paused', 'deferred', 'task')),
    CONSTRAINT strategy_decision_decision_text CHECK (cobranza.single_line(decision, 'decision')),
    CONSTRAINT strategy_decision_reason_text CHECK (cobranza.note_text(reason, 'reason', 2000)),
    CONSTRAINT strategy_decision_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'))
);
CREATE INDEX strategy_decision_tenant_id_case_id_idx ON cobranza.strategy_decision (tenant_id, case_id, id);
CREATE INDEX strategy_decision_step_id_idx ON cobranza.strategy_decision (step_id);
CREATE INDEX strategy_decision_run_on_idx ON cobranza.strategy_decision (run_on);

CREATE TABLE cobranza.outbound_message (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    case_id         bigint NOT NULL,
    debtor_id       bigint NOT NULL,
    step_id         bigint CONSTRAINT outbound_message_step_fkey REFERENCES cobranza.strategy_step (id),
    channel         text NOT NULL,
    address         text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'queued',
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      name NOT NULL DEFAULT session_user,
    CONSTRAINT outbound_message_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT outbound_message_idempotency_key UNIQUE (tenant_id, idempotency_key),
    CONSTRAINT outbound_message_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT outbound_message_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor (tenant_id, id),
    CONSTRAINT outbound_message_channel_check CHECK (channel IN ('email', 'sms', 'whatsapp')),
    CONSTRAINT outbound_message_status_check CHECK (status IN ('queued')),
    CONSTRAINT outbound_message_channel_text CHECK (cobranza.single_line(channel, 'channel')),
    CONSTRAINT outbound_message_address_text CHECK (cobranza.single_line(address, 'address')),
    CONSTRAINT outbound_message_subject_text CHECK (cobranza.single_line(subject, 'subject')),
    CONSTRAINT outbound_message_body_text CHECK (cobranza.note_text(body, 'body', 20000)),
    CONSTRAINT outbound_message_status_text CHECK (cobranza.single_line(status, 'status')),
    CONSTRAINT outbound_message_idempotency_key_text CHECK (cobranza.single_line(idempotency_key, 'idempotency_key')),
    -- What Delivery's ProtocolText.idempotencyKey accepts (it becomes the Message-ID).
    CONSTRAINT outbound_message_idempotency_key_check CHECK (idempotency_key ~ '^[A-Za-z0-9._-]{1,128}$'),
    CONSTRAINT outbound_message_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'))
);
CREATE INDEX outbound_message_tenant_id_case_id_idx ON cobranza.outbound_message (tenant_id, case_id);
CREATE INDEX outbound_message_step_id_idx ON cobranza.outbound_message (step_id);

CREATE TABLE cobranza.case_task (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    case_id    bigint NOT NULL,
    kind       text NOT NULL,
    due        date NOT NULL,
    assignee   name,
    step_id    bigint CONSTRAINT case_task_step_fkey REFERENCES cobranza.strategy_step (id),
    note       text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user,
    done_on    date,
    done_by    name,
    CONSTRAINT case_task_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT case_task_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT case_task_kind_check CHECK (kind IN ('call', 'visit', 'referral-review', 'authorisation')),
    CONSTRAINT case_task_kind_text CHECK (cobranza.single_line(kind, 'kind')),
    CONSTRAINT case_task_assignee_text CHECK (cobranza.single_line(assignee::text, 'assignee')),
    CONSTRAINT case_task_note_text CHECK (cobranza.note_text(note, 'note', 2000)),
    CONSTRAINT case_task_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by')),
    CONSTRAINT case_task_done_by_text CHECK (cobranza.single_line(done_by::text, 'done_by')),
    CONSTRAINT case_task_done_check CHECK ((done_on IS NULL) = (done_by IS NULL))
);
CREATE INDEX case_task_tenant_id_case_id_idx ON cobranza.case_task (tenant_id, case_id);
CREATE INDEX case_task_step_id_idx ON cobranza.case_task (step_id);
CREATE INDEX case_task_open_idx ON cobranza.case_task (due) WHERE done_on IS NULL;
-- At most one open authorisation task per case: the run asks every day, the assignee once.
CREATE UNIQUE INDEX case_task_one_authorisation ON cobranza.case_task (tenant_id, case_id) WHERE kind = 'authorisation' AND done_on IS NULL;

-- A task is only ever closed: done today, by whoever closes it.
CREATE FUNCTION cobranza.case_task_done() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
CREATE TRIGGER case_task_done BEFORE UPDATE ON cobranza.case_task FOR EACH ROW EXECUTE FUNCTION cobranza.case_task_done();

CREATE TRIGGER strategy_case_step_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.strategy_case_step
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a step done on a case is history');
CREATE TRIGGER strategy_decision_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.strategy_decision
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('the run''s log is history');
CREATE TRIGGER outbound_message_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.outbound_message
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a queued message is kept as it was written');
CREATE TRIGGER case_task_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.case_task
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a task is closed, never deleted');

DO $audit$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['strategy_case_step', 'strategy_decision', 'outbound_message', 'case_task']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cobranza.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement()', t || '_audit_insert', t);
        EXECUTE format('ALTER TABLE cobranza.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE cobranza.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR SELECT TO cobranza_admin, cobranza_collector '
                       'USING ((SELECT cobranza.current_kind()) IN (''admin'', ''collector''))', t || '_staff_read', t);
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR INSERT TO cobranza_admin, cobranza_collector '
                       'WITH CHECK ((SELECT cobranza.current_kind()) IN (''admin'', ''collector''))', t || '_staff_insert', t);
        EXECUTE format('CREATE POLICY %I ON cobranza.%I FOR ALL TO cobranza_owner USING (true) WITH CHECK (true)', t || '_owner_trusted', t);
        EXECUTE format('REVOKE ALL ON cobranza.%I FROM PUBLIC', t);
        EXECUTE format('GRANT SELECT ON cobranza.%I TO cobranza_admin, cobranza_collector', t);
    END LOOP;
END
$audit$;
CREATE TRIGGER case_task_audit AFTER UPDATE ON cobranza.case_task FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE POLICY case_task_staff_update ON cobranza.case_task FOR UPDATE TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));

GRANT INSERT (tenant_id, case_id, step_id, outcome, on_date) ON cobranza.strategy_case_step TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, step_id, run_on, decision, reason) ON cobranza.strategy_decision TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, debtor_id, step_id, channel, address, subject, body, idempotency_key)
    ON cobranza.outbound_message TO cobranza_admin, cobranza_collector;
GRANT INSERT (tenant_id, case_id, kind, due, assignee, step_id, note), UPDATE (done_on)
    ON cobranza.case_task TO cobranza_admin, cobranza_collector;

-- A step is resolved on a day that has come (the run's --date is never after today): one check
-- per statement, since a run inserts a row per case.
CREATE FUNCTION cobranza.strategy_case_step_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
CREATE TRIGGER strategy_case_step_check AFTER INSERT ON cobranza.strategy_case_step
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.strategy_case_step_check();

-- The run. Returns one row per decision it made (and, with decision 'letter' or 'posting-notice',
-- the steps the caller must still carry out in the same transaction).
CREATE FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint)
    RETURNS TABLE (tenant_id bigint, case_id bigint, step_id bigint, action text, letter_level smallint,
                   client_visible boolean, decision text, reason text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
    DROP TABLE IF EXISTS pg_temp.strategy_plan;

    -- Every open case in scope with a ladder, and where it stands on it.
    CREATE TEMP TABLE strategy_scope ON COMMIT DROP AS
    SELECT c.tenant_id, c.id AS case_id, c.number, c.debtor_id, c.stage, c.posted, c.assigned_to, c.opened_on, c.currency,
           coalesce(cs.strategy_id, dflt.id) AS strategy_id,
           inv.base_due, r.last_day, r.last_done_day, r.last_done_on, coalesce(r.done_today, false) AS done_today
      FROM cobranza.collection_case c
      LEFT JOIN cobranza.client_strategy cs ON cs.tenant_id = c.tenant_id
      LEFT JOIN cobranza.strategy dflt ON dflt.is_default
      LEFT JOIN LATERAL (SELECT min(i.due) AS base_due FROM cobranza.invoice i
                          WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id AND i.cancel_reason IS NULL) inv ON true
      LEFT JOIN (SELECT d.tenant_id, d.case_id, max(s.day) AS last_day,
                        (array_agg(s.day ORDER BY d.on_date DESC, s.day DESC) FILTER (WHERE d.outcome <> 'skipped'))[1] AS last_done_day,
                        max(d.on_date) FILTER (WHERE d.outcome <> 'skipped') AS last_done_on,
                        bool_or(d.on_date = p_on AND d.outcome <> 'skipped') AS done_today
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
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date)
        SELECT sc.tenant_id, sc.case_id, s.id, 'skipped', p_on
          FROM strategy_scope sc
          JOIN cobranza.strategy_step s ON s.strategy_id = sc.strategy_id AND s.removed_at IS NULL
         WHERE s.day < 0 AND sc.base_due + s.day < p_on AND s.day >= coalesce(sc.last_day, s.day)
           AND NOT EXISTS (SELECT 1 FROM cobranza.strategy_case_step x
                            WHERE x.tenant_id = sc.tenant_id AND x.case_id = sc.case_id AND x.step_id = s.id)
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id),
    logged AS (
        INSERT INTO cobranza.strategy_decision AS g (tenant_id, case_id, step_id, run_on, decision, reason)
        SELECT l.tenant_id, l.case_id, l.step_id, p_on, 'skipped',
               format('too late: day %s before the due date %s has passed', s.day, sc.base_due)
          FROM late l JOIN cobranza.strategy_step s ON s.id = l.step_id
          JOIN strategy_scope sc ON sc.tenant_id = l.tenant_id AND sc.case_id = l.case_id
        RETURNING g.tenant_id, g.case_id, g.step_id, g.decision, g.reason)
    SELECT g.tenant_id, g.case_id, g.step_id, s.action, s.letter_level, s.client_visible, g.decision, g.reason
      FROM logged g JOIN cobranza.strategy_step s ON s.id = g.step_id;

    -- Each case's next step (the first of its ladder not yet resolved, never one before the last
    -- it resolved), due on the later of its own day and the last step done plus the gap between
    -- their days, and what the run decides about it.
    CREATE TEMP TABLE strategy_plan ON COMMIT DROP AS
    WITH next AS (
        SELECT sc.*, s.id AS step_id, s.action, s.letter_level, s.client_visible, s.day,
               greatest(CASE s.from_point WHEN 'due' THEN sc.base_due ELSE sc.opened_on END + s.day,
                        sc.last_done_on + (s.day - sc.last_done_day)) AS due_on
          FROM strategy_scope sc
         CROSS JOIN LATERAL (SELECT s.* FROM cobranza.strategy_step s
                              WHERE s.strategy_id = sc.strategy_id AND s.removed_at IS NULL
                                AND s.day >= coalesce(sc.last_day, s.day)
                                AND NOT EXISTS (SELECT 1 FROM cobranza.strategy_case_step x
                                                 WHERE x.tenant_id = sc.tenant_id AND x.case_id = sc.case_id AND x.step_id = s.id)
                              ORDER BY s.day, s.id LIMIT 1) s
         WHERE NOT sc.done_today),
    weighed AS (
        SELECT n.*,
               CASE
                 WHEN h.until IS NOT NULL THEN format('on hold until %s: %s', h.until, h.reason)
                 WHEN n.action = 'referral-review' AND n.stage = 'judicial' THEN NULL
                 WHEN n.stage = 'judicial' THEN 'the case is judicial: extrajudicial steps wait'
                 WHEN EXISTS (SELECT 1 FROM cobranza.dispute x WHERE x.tenant_id = n.tenant_id AND x.case_id = n.case_id
                                 AND x.outcome IS NULL) THEN 'open dispute'
                 WHEN p.deadline IS NOT NULL THEN format('promise pending until %s', p.deadline)
                 WHEN EXISTS (SELECT 1 FROM cobranza.agreement_status a WHERE a.tenant_id = n.tenant_id AND a.case_id = n.case_id
                                 AND a.status = 'active') THEN 'payment agreement in force'
                 WHEN n.posted AND n.action <> 'referral-review' THEN 'the case is posted: extrajudicial steps wait'
               END AS pause,
               CASE WHEN n.action = 'referral-review' AND n.stage = 'judicial' THEN 'the case is already judicial' END AS skip,
               CASE n.action WHEN 'email' THEN 'email' WHEN 'sms' THEN 'sms' WHEN 'whatsapp' THEN 'whatsapp'
                             WHEN 'reminder' THEN CASE WHEN deb.email IS NOT NULL THEN 'email' ELSE 'sms' END END AS channel,
               CASE n.action WHEN 'email' THEN deb.email WHEN 'sms' THEN deb.phone WHEN 'whatsapp' THEN deb.phone
                             WHEN 'reminder' THEN coalesce(deb.email, deb.phone) END AS address,
               -- The debtor's own clock, for a deferral's moment (debtor_time_zone: 0055).
               cobranza.debtor_time_zone(deb.country, deb.time_zone) AS zone
          FROM next n
          JOIN cobranza.debtor deb ON deb.tenant_id = n.tenant_id AND deb.id = n.debtor_id
          LEFT JOIN LATERAL (SELECT h.until, h.reason FROM cobranza.case_hold h
                              WHERE h.tenant_id = n.tenant_id AND h.case_id = n.case_id AND h.released_on IS NULL
                                AND h.placed_on <= p_on AND h.until >= p_on
                              ORDER BY h.until DESC LIMIT 1) h ON true
          LEFT JOIN LATERAL (SELECT max(ps.deadline) AS deadline FROM cobranza.promise_status ps
                              WHERE ps.tenant_id = n.tenant_id AND ps.case_id = n.case_id AND ps.status = 'pending') p ON true
         WHERE n.due_on <= p_on)
    SELECT w.tenant_id, w.case_id, w.number, w.debtor_id, w.assigned_to, w.currency, w.step_id, w.action, w.letter_level,
           w.client_visible, w.day, w.due_on, w.channel, w.address, k.rule, k.allowed_at,
           CASE WHEN w.skip IS NOT NULL THEN 'skipped'
                WHEN w.pause IS NOT NULL THEN 'paused'
                WHEN k.rule IS NOT NULL AND k.allowed_at IS NOT NULL THEN 'deferred'
                WHEN k.rule IS NOT NULL THEN 'paused'
                WHEN w.channel IS NOT NULL AND w.address IS NULL THEN 'skipped'
                WHEN w.action IN ('call', 'visit', 'referral-review') THEN 'task'
                WHEN w.action IN ('letter', 'posting-notice') THEN w.action
                ELSE 'done' END AS decision,
           CASE WHEN w.skip IS NOT NULL THEN w.skip
                WHEN w.pause IS NOT NULL THEN w.pause
                WHEN k.rule IS NOT NULL AND k.allowed_at IS NOT NULL
                     THEN format('deferred by rule %s until %s', k.rule, cobranza.local_moment(k.allowed_at, w.zone))
                WHEN k.rule IS NOT NULL THEN format('refused by rule %s: the assignee obtains the debtor''s authorisation', k.rule)
                WHEN w.channel IS NOT NULL AND w.address IS NULL
                     THEN format('no address: the debtor has no %s', CASE WHEN w.channel = 'email' AND w.action = 'email' THEN 'email'
                                                                        WHEN w.action = 'reminder' THEN 'email or phone' ELSE 'phone' END)
                WHEN w.due_on < p_on THEN format('day %s, due %s (caught up)', w.day, w.due_on)
                ELSE format('day %s, due %s', w.day, w.due_on) END AS reason
      FROM weighed w
      LEFT JOIN LATERAL (SELECT q.rule, q.allowed_at FROM cobranza.contact_check(w.tenant_id, w.case_id, w.action, v_moment) q
                          WHERE w.skip IS NULL AND w.pause IS NULL
                            AND w.action IN ('reminder', 'email', 'sms', 'whatsapp', 'call', 'visit', 'letter')) k ON true;
    -- One contact per debtor per run: the rules count a debtor's contacts by tax id across every
    -- case and client, and each case above was weighed against the contacts made before this run
    -- only. The first case of a debtor goes ahead; the others wait for the next run, where the
    -- rules see this run's contact.
    UPDATE strategy_plan pl
       SET decision = 'deferred',
           reason = 'another contact to the same debtor in this run: weighed again at the next run'
      FROM (SELECT p.tenant_id, p.case_id,
                   row_number() OVER (PARTITION BY d.country, d.tax_id ORDER BY p.tenant_id, p.case_id) AS nth
              FROM strategy_plan p
              JOIN cobranza.debtor d ON d.tenant_id = p.tenant_id AND d.id = p.debtor_id
             WHERE p.decision IN ('done', 'letter')) x
     WHERE x.tenant_id = pl.tenant_id AND x.case_id = pl.case_id AND x.nth > 1;
    ANALYZE strategy_plan;

    -- Skipped (no address, already judicial): resolved, so the ladder moves on.
    RETURN QUERY
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'skipped', p_on FROM strategy_plan pl WHERE pl.decision = 'skipped'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id),
    logged AS (
        INSERT INTO cobranza.strategy_decision AS g (tenant_id, case_id, step_id, run_on, decision, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, p_on, pl.decision, pl.reason
          FROM resolved r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id
        RETURNING g.tenant_id, g.case_id, g.step_id, g.decision, g.reason)
    SELECT g.tenant_id, g.case_id, g.step_id, pl.action, pl.letter_level, pl.client_visible, g.decision, g.reason
      FROM logged g JOIN strategy_plan pl ON pl.tenant_id = g.tenant_id AND pl.case_id = g.case_id;

    -- Messages: queued with their text, and on the timeline as the contact they are.
    RETURN QUERY
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'done', p_on FROM strategy_plan pl WHERE pl.decision = 'done'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id),
    doing AS (
        SELECT pl.*, deb.name AS debtor_name, t.legal_name,
               -- case_outstanding, written out so it is planned with the statement, not called per row
               cobranza.format_money((coalesce((SELECT sum(i.amount) FROM cobranza.invoice i
                                                 WHERE i.tenant_id = pl.tenant_id AND i.case_id = pl.case_id), 0)
                                      + coalesce((SELECT sum(k.amount) FROM cobranza.court_cost k
                                                   WHERE k.tenant_id = pl.tenant_id AND k.case_id = pl.case_id AND k.borne_by = 'debtor'), 0)
                                      - coalesce((SELECT sum(p.amount) FROM cobranza.payment p
                                                   WHERE p.tenant_id = pl.tenant_id AND p.case_id = pl.case_id), 0))::bigint,
                                     pl.currency) AS owed,
               (SELECT string_agg(format('%s (vencida el %s)', i.number, to_char(i.due, 'DD-MM-YYYY')), ', ' ORDER BY i.due, i.number)
                  FROM cobranza.invoice i WHERE i.tenant_id = pl.tenant_id AND i.case_id = pl.case_id AND i.cancel_reason IS NULL) AS invoices
          FROM resolved r
          JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id
          JOIN cobranza.debtor deb ON deb.tenant_id = pl.tenant_id AND deb.id = pl.debtor_id
          JOIN cobranza.tenant t ON t.id = pl.tenant_id),
    queued AS (
        INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, step_id, channel, address, subject, body, idempotency_key)
        SELECT o.tenant_id, o.case_id, o.debtor_id, o.step_id, o.channel, o.address,
               format('%s: caso %s', CASE WHEN o.action = 'reminder' THEN 'Recordatorio de pago' ELSE 'Aviso de deuda vencida' END, o.number),
               CASE WHEN o.channel = 'email'
                    THEN format(E'Estimado(a) %s:\n\nLe recordamos que mantiene una deuda de %s con %s, por las facturas %s.\n\n'
                                 'Si ya pagó, le rogamos no considerar este mensaje. Para acordar el pago, responda a este correo '
                                 'indicando el caso %s.', o.debtor_name, o.owed, o.legal_name, o.invoices, o.number)
                    ELSE format('%s: le recordamos su deuda de %s con %s (facturas %s). Caso %s.',
                                o.debtor_name, o.owed, o.legal_name, o.invoices, o.number) END,
               format('strategy-%s-%s-%s', o.tenant_id, o.case_id, o.step_id)
          FROM doing o
        RETURNING 1),
    -- (data-modifying CTEs run whether or not the final query reads them)
    events AS (
        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
        SELECT o.tenant_id, o.case_id, o.action, 'queued', format('strategy: %s by %s to %s', o.action, o.channel, o.address),
               o.client_visible, p_on
          FROM doing o
        RETURNING 1),
    logged AS (
        INSERT INTO cobranza.strategy_decision AS g (tenant_id, case_id, step_id, run_on, decision, reason)
        SELECT o.tenant_id, o.case_id, o.step_id, p_on, 'done', o.reason || format(': %s queued to %s', o.channel, o.address)
          FROM doing o
        RETURNING g.tenant_id, g.case_id, g.step_id, g.decision, g.reason)
    SELECT g.tenant_id, g.case_id, g.step_id, pl.action, pl.letter_level, pl.client_visible, g.decision, g.reason
      FROM logged g JOIN strategy_plan pl ON pl.tenant_id = g.tenant_id AND pl.case_id = g.case_id;

    -- Tasks for the assignee's agenda, due on the step's own due date.
    RETURN QUERY
    WITH resolved AS (
        INSERT INTO cobranza.strategy_case_step AS d (tenant_id, case_id, step_id, outcome, on_date)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, 'task', p_on FROM strategy_plan pl WHERE pl.decision = 'task'
        ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING
        RETURNING d.tenant_id, d.case_id, d.step_id),
    tasks AS (
        INSERT INTO cobranza.case_task (tenant_id, case_id, kind, due, assignee, step_id, note)
        SELECT pl.tenant_id, pl.case_id, pl.action, pl.due_on, pl.assigned_to, pl.step_id, 'strategy: ' || pl.reason
          FROM resolved r JOIN strategy_plan pl ON pl.tenant_id = r.tenant_id AND pl.case_id = r.case_id
        RETURNING tenant_id, case_id, assignee),
    logged AS (
        INSERT INTO cobranza.strategy_decision AS g (tenant_id, case_id, step_id, run_on, decision, reason)
        SELECT pl.tenant_id, pl.case_id, pl.step_id, p_on, 'task',
               format('%s for %s: %s', pl.action, coalesce(t.assignee::text, 'nobody (the case is unassigned)'), pl.reason)
          FROM tasks t JOIN strategy_plan pl ON pl.tenant_id = t.tenant_id AND pl.case_id = t.case_id
        RETURNING g.tenant_id, g.case_id, g.step_id, g.decision, g.reason)
    SELECT g.tenant_id, g.case_id, g.step_id, pl.action, pl.letter_level, pl.client_visible, g.decision, g.reason
      FROM logged g JOIN strategy_plan pl ON pl.tenant_id = g.tenant_id AND pl.case_id = g.case_id;

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

REVOKE ALL ON FUNCTION cobranza.strategy_run(date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.strategy_run(date, bigint) TO cobranza_admin, cobranza_collector;

RESET ROLE;
