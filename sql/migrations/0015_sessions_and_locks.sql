-- 0015_sessions_and_locks: no person can freeze billing, fill the server's connections, or keep
-- a session open after being disabled.
--
--   * Billing was serialized by pg_advisory_xact_lock(20260404, 1), and every role may take any
--     advisory lock: an SME holding that key with plain psql froze fee invoice issue and void
--     and payment reversal until it let go. lock_billing() now locks the one row of
--     billing_lock FOR UPDATE, as its owner: the table has no grants, so no person can lock it
--     (SELECT … FOR UPDATE and LOCK TABLE need privileges the person roles do not have), and
--     only staff of this database may call lock_billing(). A waiter whose lock_timeout expires
--     is told what it waited for.
--   * Every person's login role gets a connection limit by kind when its person row is
--     inserted (person_session_limits): an SME user a handful, staff more, so one SME cannot
--     take every slot of max_connections. SME users' roles also get statement_timeout and
--     idle_in_transaction_session_timeout, staff's the latter: defaults that bound what an
--     honest client holds (a person may SET them otherwise in its own session; the connection
--     limit is what binds). Admins change a person's limit with set_connection_limit.
--   * disable_person ends the person's open sessions (end_sessions), so a disabled person's
--     session does not live on. Terminating another role's backend takes pg_signal_backend,
--     and cobranza_owner is NOINHERIT (it must not act with its groups' privileges), so the
--     signal goes through end_sessions, owned by cobranza_signal: a NOLOGIN role whose only
--     privilege is pg_signal_backend, and executable by the owner alone.
--   * Passwords travel as SCRAM verifiers computed by the client (libpq's
--     PQencryptPasswordConn, as psql's \password does): set_password takes nothing else, so a
--     clear password never reaches the server, its statement log or pg_stat_activity. An MD5
--     hash, which PostgreSQL would store verbatim, is refused like a clear password.

------------------------------------------------------------------------------------------------
-- cobranza_signal: may signal backends of non-superusers, nothing else (cluster-wide, idempotent)
------------------------------------------------------------------------------------------------
DO $signal$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_signal') THEN
        BEGIN
            CREATE ROLE cobranza_signal NOLOGIN INHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by the same migration in another database
        END;
    END IF;
    IF NOT pg_catalog.pg_has_role('cobranza_signal', 'pg_signal_backend', 'MEMBER') THEN
        GRANT pg_signal_backend TO cobranza_signal;
    END IF;
END
$signal$;

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Billing lock: a row only the owner can lock
------------------------------------------------------------------------------------------------
CREATE TABLE cobranza.billing_lock (
    id boolean PRIMARY KEY DEFAULT true CHECK (id)
);
INSERT INTO cobranza.billing_lock DEFAULT VALUES;
REVOKE ALL ON cobranza.billing_lock FROM PUBLIC;

-- Serializes everything that decides whether a payment is billed: issuing, voiding, reversing.
-- Runs as the owner, since nobody else may lock billing_lock; checks its caller is what the
-- callers of those paths are (staff who bill, or the superuser), because EXECUTE goes to
-- cluster-wide groups and an admin of another database on the cluster is in them too.
CREATE OR REPLACE FUNCTION cobranza.lock_billing() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
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

------------------------------------------------------------------------------------------------
-- Connection limits and session timeouts by kind of person
------------------------------------------------------------------------------------------------
-- How many sessions a person of a kind may hold at once unless an admin says otherwise: an SME
-- user needs the shell and perhaps psql; staff run scripts and several shells.
CREATE FUNCTION cobranza.default_connection_limit(p_kind text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE p_kind WHEN 'client' THEN 4 WHEN 'admin' THEN 20 ELSE 10 END
$$;

-- A person's login role gets its kind's connection limit and session timeouts. Called as the
-- owner, whose CREATEROLE may alter non-superuser roles (and by this migration for the people
-- who exist already).
CREATE FUNCTION cobranza.apply_session_limits(p_role name, p_kind text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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

-- AFTER INSERT on person, whose rows only create_person (the owner) inserts: every way a
-- person is made gives its role the limits. Runs as the owner, as apply_session_limits needs.
CREATE FUNCTION cobranza.person_session_limits() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    PERFORM cobranza.apply_session_limits(NEW.role_name, NEW.kind);
    RETURN NULL;
END
$$;

CREATE TRIGGER person_session_limits AFTER INSERT ON cobranza.person
    FOR EACH ROW EXECUTE FUNCTION cobranza.person_session_limits();

-- user add --connections N: a person's own limit, 1 to 100 sessions at once.
CREATE FUNCTION cobranza.set_connection_limit(p_name text, p_limit integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
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

------------------------------------------------------------------------------------------------
-- Disabling ends the person's sessions
------------------------------------------------------------------------------------------------
-- Terminates every backend of a person's login role, waiting up to a second for each to exit,
-- and returns how many it ended. Owned by cobranza_signal (below) and executable by the owner
-- only: disable_person calls it. Refuses a role that is no cobranza person's, so even the owner
-- cannot end other sessions. The pids are read first and signalled one by one: in a single
-- query the planner may run a signalling filter below the join that names the role.
CREATE FUNCTION cobranza.end_sessions(p_name text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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

-- user disable: the role can no longer log in, its person row stops matching any policy, and
-- its open sessions end.
CREATE OR REPLACE FUNCTION cobranza.disable_person(p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_disabled boolean;
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
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    IF NOT v_disabled THEN
        UPDATE cobranza.person SET disabled = true WHERE role_name = p_name;
    END IF;
    PERFORM cobranza.end_sessions(p_name);
END
$$;

------------------------------------------------------------------------------------------------
-- Passwords: SCRAM verifiers only
------------------------------------------------------------------------------------------------
-- password: sets a person's SCRAM verifier (computed client-side). p_name NULL is the caller;
-- anyone else's takes an admin. A clear password or an MD5 hash is refused, so what the server
-- sees and stores is always SCRAM.
CREATE FUNCTION cobranza.set_password(p_name text, p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
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
$$;

REVOKE EXECUTE ON FUNCTION cobranza.default_connection_limit(text),
                           cobranza.apply_session_limits(name, text),
                           cobranza.person_session_limits(),
                           cobranza.set_connection_limit(text, integer),
                           cobranza.end_sessions(text),
                           cobranza.set_password(text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.set_connection_limit(text, integer) TO cobranza_admin;
GRANT EXECUTE ON FUNCTION cobranza.set_password(text, text)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

RESET ROLE;

-- end_sessions changes hands (needs superuser: the owner is not a member of cobranza_signal).
ALTER FUNCTION cobranza.end_sessions(text) OWNER TO cobranza_signal;
REVOKE EXECUTE ON FUNCTION cobranza.end_sessions(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.end_sessions(text) TO cobranza_owner;

-- People created before this migration get their kind's limits now.
DO $existing$
BEGIN
    PERFORM cobranza.apply_session_limits(p.role_name, p.kind) FROM cobranza.person p WHERE NOT p.disabled;
END
$existing$;
