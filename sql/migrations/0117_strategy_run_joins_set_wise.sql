-- 0117_strategy_run_joins_set_wise: the run finds each case's due date, next step, hold and
-- pending promise by joins over all the cases at once (issue 17, item 5).
--
-- Each of those was a lookup per case (a lateral subquery, an index probe or a scan of the
-- ladder with a probe per step): 100,000 of each, about 1.1 s of a 6.8 s run. Now:
-- * the scope groups the invoices by case for the due date, and keeps the steps each case has
--   recorded (done_steps), read once with its history;
-- * the next step is the first of the ladder by (day, id) not in done_steps and not skipped as
--   too late by the statement before (the same condition), picked by one sort;
-- * holds, pending promises, open disputes and agreements in force are joined as sets (a
--   pending promise's deadline is today or later, so only those are weighed for their payments);
-- * the debtor's phone is put in provider form only for a step that may use it;
-- * nested loops are off for the whole run, which row security's guesses would otherwise plan
--   as a lookup per case: a run of 100,000 deferred calls logged them with an anti-join that
--   scanned, for each row, strategy_decision as the statement filled it (80 s); its sorts and
--   hashes get 64 MB; JIT is off: a plan with nested loops disabled costs enough to be compiled,
--   0.5-2 s a statement, longer than it runs; its temporary tables are analyzed on a 3,000-row
--   sample, as the import's (0115).
-- Same decisions, same rows: the strategy run tests and transcripts hold it.

SET LOCAL ROLE cobranza_owner;

-- Redefined from 0107 (its current definition). Same signature and result.
CREATE OR REPLACE FUNCTION cobranza.strategy_run(p_on date, p_tenant bigint)
    RETURNS TABLE (tenant_id bigint, case_id bigint, step_id bigint, action text, letter_level smallint,
                   client_visible boolean, decision text, reason text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
    -- its sorts and hashes of every case in memory; no JIT, which compiles for longer than the
    -- run's statements take (and nested loops off, below, would make each plan cost enough)
    SET work_mem = '64MB'
    SET jit = off
    -- its four tables of every case analyzed on a 3,000-row sample, as the import's (0115)
    SET default_statistics_target = 10
    -- Row security's conditions are guessed to keep one row in a hundred or fewer: every case
    -- would be joined to what it needs as nested loops, a lookup each (as 0071 found for reports),
    -- and an anti-join as a scan, per row, of the table the statement is filling
    SET enable_nestloop = off
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

RESET ROLE;
