-- 0050_strategies: collection strategies as data (issue 17, item 1), and holds placed by staff.
--
-- A strategy is the agency's written ladder: steps on day N counted from the oldest open
-- invoice's due date (negative N: a friendly reminder before it) or from the case's opening.
-- Strategies are agency-wide (no tenant_id): staff read them, admins write them, SME users see
-- nothing of them (what a ladder does to their cases reaches them as client-visible steps on the
-- case's timeline). One strategy may be the agency default; a client may have its own
-- (client_strategy).
--
-- A step is never edited: it is removed (removed_at) and another added, so the steps cases have
-- already done keep pointing at the step they did (strategy_case_step, 0051) and a changed
-- strategy never repeats or loses history.
--
-- case_hold: staff stop the ladder on a case until a date, with a reason; the run re-evaluates
-- it every day. Placing and releasing a hold lands on the case's timeline (internal notes).

SET LOCAL ROLE cobranza_owner;

CREATE TABLE cobranza.strategy (
    id         bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT strategy_pkey PRIMARY KEY,
    name       text NOT NULL CONSTRAINT strategy_name_key UNIQUE,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user,
    CONSTRAINT strategy_name_text CHECK (cobranza.single_line(name, 'name')),
    CONSTRAINT strategy_name_check CHECK (length(name) BETWEEN 1 AND 60),
    CONSTRAINT strategy_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'))
);
-- At most one agency default.
CREATE UNIQUE INDEX strategy_one_default ON cobranza.strategy ((true)) WHERE is_default;

CREATE TABLE cobranza.strategy_step (
    id             bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT strategy_step_pkey PRIMARY KEY,
    strategy_id    bigint NOT NULL CONSTRAINT strategy_step_strategy_fkey REFERENCES cobranza.strategy (id),
    day            integer NOT NULL,
    action         text NOT NULL,
    letter_level   smallint,
    from_point     text NOT NULL DEFAULT 'due',
    client_visible boolean NOT NULL DEFAULT false,
    added_at       timestamptz NOT NULL DEFAULT now(),
    added_by       name NOT NULL DEFAULT session_user,
    removed_at     timestamptz,
    removed_by     name,
    CONSTRAINT strategy_step_day_check CHECK (day BETWEEN -365 AND 3650),
    CONSTRAINT strategy_step_action_check CHECK (action IN ('reminder', 'email', 'sms', 'whatsapp', 'call', 'visit', 'letter',
                                                            'posting-notice', 'referral-review')),
    CONSTRAINT strategy_step_action_text CHECK (cobranza.single_line(action, 'action')),
    CONSTRAINT strategy_step_letter_check CHECK ((action = 'letter') = (letter_level IS NOT NULL)),
    CONSTRAINT strategy_step_letter_level_check CHECK (letter_level BETWEEN 1 AND 3),
    CONSTRAINT strategy_step_from_check CHECK (from_point IN ('due', 'opened')),
    CONSTRAINT strategy_step_from_point_text CHECK (cobranza.single_line(from_point, 'from_point')),
    -- "Before the case was opened" means nothing: only a due date has a before.
    CONSTRAINT strategy_step_pre_due_check CHECK (day >= 0 OR from_point = 'due'),
    CONSTRAINT strategy_step_removed_check CHECK ((removed_at IS NULL) = (removed_by IS NULL)),
    CONSTRAINT strategy_step_added_by_text CHECK (cobranza.single_line(added_by::text, 'added_by')),
    CONSTRAINT strategy_step_removed_by_text CHECK (cobranza.single_line(removed_by::text, 'removed_by'))
);
CREATE UNIQUE INDEX strategy_step_active_key ON cobranza.strategy_step (strategy_id, day, action) WHERE removed_at IS NULL;

-- The letters of a ladder go 1, 2, 3, each on a later day than the one before (case_event_check
-- refuses a level N letter without N-1 sent before it, so any other order would stall the run).
CREATE FUNCTION cobranza.strategy_step_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
CREATE TRIGGER strategy_step_check BEFORE INSERT OR UPDATE ON cobranza.strategy_step
    FOR EACH ROW EXECUTE FUNCTION cobranza.strategy_step_check();
-- Two admins adding letters to one ladder at once: the ladder's strategy row is the lock.
CREATE FUNCTION cobranza.strategy_step_lock() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    PERFORM 1 FROM cobranza.strategy s WHERE s.id = NEW.strategy_id FOR UPDATE;
    RETURN NEW;
END
$$;
CREATE TRIGGER strategy_step_lock BEFORE INSERT OR UPDATE ON cobranza.strategy_step
    FOR EACH ROW EXECUTE FUNCTION cobranza.strategy_step_lock();
CREATE TRIGGER strategy_step_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.strategy_step
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a step is removed (removed_at), never deleted: cases keep the steps they did');

CREATE TABLE cobranza.client_strategy (
    tenant_id   bigint NOT NULL CONSTRAINT client_strategy_pkey PRIMARY KEY
                       CONSTRAINT client_strategy_tenant_fkey REFERENCES cobranza.tenant (id),
    strategy_id bigint NOT NULL CONSTRAINT client_strategy_strategy_fkey REFERENCES cobranza.strategy (id),
    set_at      timestamptz NOT NULL DEFAULT now(),
    set_by      name NOT NULL DEFAULT session_user,
    CONSTRAINT client_strategy_set_by_text CHECK (cobranza.single_line(set_by::text, 'set_by'))
);
CREATE INDEX client_strategy_strategy_id_idx ON cobranza.client_strategy (strategy_id);

CREATE TABLE cobranza.case_hold (
    tenant_id   bigint NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    case_id     bigint NOT NULL,
    until       date NOT NULL,
    reason      text NOT NULL,
    placed_on   date NOT NULL DEFAULT cobranza.today(),
    placed_at   timestamptz NOT NULL DEFAULT now(),
    placed_by   name NOT NULL DEFAULT session_user,
    released_on date,
    released_by name,
    CONSTRAINT case_hold_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT case_hold_case_fkey FOREIGN KEY (tenant_id, case_id) REFERENCES cobranza.collection_case (tenant_id, id),
    CONSTRAINT case_hold_reason_text CHECK (cobranza.note_text(reason, 'reason', 500)),
    CONSTRAINT case_hold_placed_by_text CHECK (cobranza.single_line(placed_by::text, 'placed_by')),
    CONSTRAINT case_hold_released_by_text CHECK (cobranza.single_line(released_by::text, 'released_by')),
    CONSTRAINT case_hold_released_check CHECK ((released_on IS NULL) = (released_by IS NULL)),
    CONSTRAINT case_hold_until_check CHECK (until >= placed_on)
);
CREATE INDEX case_hold_tenant_id_case_id_idx ON cobranza.case_hold (tenant_id, case_id);

CREATE FUNCTION cobranza.case_hold_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
CREATE TRIGGER case_hold_check BEFORE INSERT OR UPDATE ON cobranza.case_hold
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_hold_check();
CREATE TRIGGER case_hold_no_delete BEFORE DELETE OR TRUNCATE ON cobranza.case_hold
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.refuse_change('a hold is released, never deleted');

-- Agency-wide rows (no tenant_id), written one at a time by admins: audited row by row.
CREATE TRIGGER strategy_audit AFTER INSERT OR UPDATE OR DELETE ON cobranza.strategy FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE TRIGGER strategy_step_audit AFTER INSERT OR UPDATE ON cobranza.strategy_step FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE TRIGGER client_strategy_audit AFTER INSERT OR UPDATE OR DELETE ON cobranza.client_strategy
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE TRIGGER case_hold_audit_insert AFTER INSERT ON cobranza.case_hold
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();
CREATE TRIGGER case_hold_audit AFTER UPDATE ON cobranza.case_hold FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

ALTER TABLE cobranza.strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.strategy FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.strategy_step ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.strategy_step FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.client_strategy ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.client_strategy FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.case_hold ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.case_hold FORCE ROW LEVEL SECURITY;

CREATE POLICY strategy_staff_read ON cobranza.strategy FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY strategy_admin_write ON cobranza.strategy FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY strategy_owner_trusted ON cobranza.strategy FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);
CREATE POLICY strategy_step_staff_read ON cobranza.strategy_step FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY strategy_step_admin_write ON cobranza.strategy_step FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY strategy_step_owner_trusted ON cobranza.strategy_step FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);
CREATE POLICY client_strategy_staff_read ON cobranza.client_strategy FOR SELECT TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY client_strategy_admin_write ON cobranza.client_strategy FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin') WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY client_strategy_owner_trusted ON cobranza.client_strategy FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);
CREATE POLICY case_hold_staff_all ON cobranza.case_hold FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY case_hold_owner_trusted ON cobranza.case_hold FOR ALL TO cobranza_owner USING (true) WITH CHECK (true);

REVOKE ALL ON cobranza.strategy, cobranza.strategy_step, cobranza.client_strategy, cobranza.case_hold FROM PUBLIC;
GRANT SELECT ON cobranza.strategy, cobranza.strategy_step, cobranza.client_strategy, cobranza.case_hold
    TO cobranza_admin, cobranza_collector;
GRANT INSERT (name, is_default), UPDATE (is_default) ON cobranza.strategy TO cobranza_admin;
GRANT INSERT (strategy_id, day, action, letter_level, from_point, client_visible), UPDATE (removed_at)
    ON cobranza.strategy_step TO cobranza_admin;
GRANT INSERT (tenant_id, strategy_id), UPDATE (strategy_id, set_at, set_by), DELETE ON cobranza.client_strategy TO cobranza_admin;
GRANT INSERT (tenant_id, case_id, until, reason), UPDATE (released_on) ON cobranza.case_hold TO cobranza_admin, cobranza_collector;

RESET ROLE;
