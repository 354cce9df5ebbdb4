-- 0001_foundation: roles, schema, currency, tenant, person, audit_log, user management.
--
-- Run by the migration runner as ONE simple-query string inside its transaction, as a superuser,
-- in the target database (no BEGIN/COMMIT here). Roles are cluster-wide and may already exist
-- (the migration runs in several databases of one cluster), so they are created idempotently;
-- everything inside the database is created plainly.
--
-- Security model (docs: DESIGN.md section 3):
--   * cobranza_owner  NOLOGIN NOINHERIT CREATEROLE, no BYPASSRLS: owns the schema, every table,
--     view and function; subject to FORCE ROW LEVEL SECURITY like everyone else.
--   * cobranza_lookup NOLOGIN BYPASSRLS: owns only current_tenant() and current_kind(), which
--     are used inside RLS policies (including person's own); bypassing RLS there prevents
--     policy recursion. It can read cobranza.person and nothing else.
--   * cobranza_admin / _collector / _lawyer / _client: the group roles; every person is a login
--     role created by cobranza.create_person() and member of exactly one group.
--   * Roles are cluster-wide but people belong to one database: group membership alone shows no
--     row of tenant, person or audit_log. Every policy also requires the caller to be an enabled person
--     of THIS database of the right kind (cobranza.current_kind()), and create_person /
--     disable_person require an admin person of this database.

------------------------------------------------------------------------------------------------
-- Cluster-wide roles (idempotent; attributes converge on every run)
------------------------------------------------------------------------------------------------
DO $roles$
DECLARE
    spec record;
    cur  record;
BEGIN
    FOR spec IN
        SELECT * FROM (VALUES
            -- name               inherit createrole bypassrls
            ('cobranza_owner',     false,  true,      false),
            ('cobranza_lookup',    false,  false,     true),
            ('cobranza_admin',     true,   false,     false),
            ('cobranza_collector', true,   false,     false),
            ('cobranza_lawyer',    true,   false,     false),
            ('cobranza_client',    true,   false,     false)
        ) AS s(name, inherit, createrole, bypassrls)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = spec.name) THEN
            BEGIN
                EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', spec.name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by the same migration in another database
            END;
        END IF;
        SELECT r.rolsuper, r.rolcanlogin, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
               r.rolreplication, r.rolbypassrls
          INTO cur
          FROM pg_catalog.pg_roles r WHERE r.rolname = spec.name;
        IF cur.rolsuper OR cur.rolcanlogin OR cur.rolcreatedb OR cur.rolreplication
           OR cur.rolinherit IS DISTINCT FROM spec.inherit
           OR cur.rolcreaterole IS DISTINCT FROM spec.createrole
           OR cur.rolbypassrls IS DISTINCT FROM spec.bypassrls
        THEN
            EXECUTE pg_catalog.format(
                'ALTER ROLE %I NOSUPERUSER NOLOGIN NOCREATEDB NOREPLICATION %s %s %s',
                spec.name,
                CASE WHEN spec.inherit THEN 'INHERIT' ELSE 'NOINHERIT' END,
                CASE WHEN spec.createrole THEN 'CREATEROLE' ELSE 'NOCREATEROLE' END,
                CASE WHEN spec.bypassrls THEN 'BYPASSRLS' ELSE 'NOBYPASSRLS' END);
        END IF;
    END LOOP;

    -- The owner's SECURITY DEFINER functions put new login roles into a group: that takes ADMIN
    -- OPTION on the group from PG16 on (PG15 accepts CREATEROLE alone). The owner is NOINHERIT,
    -- so the membership gives it none of the groups' privileges.
    FOR spec IN
        SELECT unnest(ARRAY['cobranza_admin', 'cobranza_collector',
                            'cobranza_lawyer', 'cobranza_client']) AS name
    LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_catalog.pg_auth_members m
             WHERE m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = spec.name)
               AND m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_owner')
               AND m.admin_option)
        THEN
            EXECUTE pg_catalog.format('GRANT %I TO cobranza_owner WITH ADMIN OPTION', spec.name);
        END IF;
    END LOOP;
END
$roles$;

------------------------------------------------------------------------------------------------
-- This database: who may connect, no CREATE in public
------------------------------------------------------------------------------------------------
-- NB: CREATE DATABASE ... TEMPLATE does not copy the database ACL (datacl starts again at the
-- default: CONNECT and TEMP for PUBLIC). Whoever copies a migrated database must re-run this.
DO $db$
BEGIN
    EXECUTE pg_catalog.format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC',
                              pg_catalog.current_database());
    EXECUTE pg_catalog.format(
        'GRANT CONNECT, TEMPORARY ON DATABASE %I '
        'TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client',
        pg_catalog.current_database());
END
$db$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA cobranza AUTHORIZATION cobranza_owner;
GRANT USAGE ON SCHEMA cobranza
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client, cobranza_lookup;

------------------------------------------------------------------------------------------------
-- Objects, all owned by cobranza_owner
------------------------------------------------------------------------------------------------
SET LOCAL ROLE cobranza_owner;

-- Currency: reference data, not tenant data (no RLS).
CREATE TABLE cobranza.currency (
    code     char(3)  PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    exponent smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    name     text     NOT NULL
);
INSERT INTO cobranza.currency (code, exponent, name) VALUES
    ('CLP', 0, 'Peso chileno'),
    ('CLF', 4, 'Unidad de Fomento'),
    ('COP', 2, 'Peso colombiano'),
    ('MXN', 2, 'Peso mexicano'),
    ('USD', 2, 'US dollar');

-- Tenant: an SME client of the agency.
CREATE TABLE cobranza.tenant (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text        NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,19}$'),
    legal_name text        NOT NULL CHECK (length(btrim(legal_name)) BETWEEN 1 AND 200),
    tax_id     text        NOT NULL CHECK (tax_id ~ '^[A-Z0-9&Ñ-]{5,20}$'),
    country    char(2)     NOT NULL CHECK (country IN ('CL', 'CO', 'MX')),
    currency   char(3)     NOT NULL REFERENCES cobranza.currency,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (country, tax_id)
);

-- Person: one row per login role of this database: its kind and, for SME users, its tenant.
CREATE TABLE cobranza.person (
    role_name  name        PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('admin', 'collector', 'lawyer', 'client')),
    tenant_id  bigint      REFERENCES cobranza.tenant (id),
    disabled   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name        NOT NULL DEFAULT session_user,
    CHECK ((kind = 'client') = (tenant_id IS NOT NULL))
);
CREATE INDEX person_tenant_id_idx ON cobranza.person (tenant_id);

-- Audit log: append-only.
CREATE TABLE cobranza.audit_log (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    who        name        NOT NULL DEFAULT session_user,
    table_name text        NOT NULL,
    operation  text        NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    tenant_id  bigint,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_log_tenant_id_at_idx ON cobranza.audit_log (tenant_id, at);

------------------------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------------------------
-- The caller's tenant (NULL for staff and for roles that are not enabled persons here).
-- SECURITY DEFINER as cobranza_lookup (BYPASSRLS): used inside RLS policies, person's included.
CREATE FUNCTION cobranza.current_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT p.tenant_id FROM cobranza.person p
     WHERE p.role_name = session_user AND NOT p.disabled
$$;

-- The caller's kind: admin, collector, lawyer, client; NULL if not an enabled person here.
CREATE FUNCTION cobranza.current_kind() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT p.kind FROM cobranza.person p
     WHERE p.role_name = session_user AND NOT p.disabled
$$;

-- The one source of "today": honours the session setting cobranza.as_of (tests, --as-of).
CREATE FUNCTION cobranza.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(nullif(pg_catalog.current_setting('cobranza.as_of', true), '')::date,
                    current_date)
$$;

-- Generic row audit trigger: AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW.
CREATE FUNCTION cobranza.audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
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

-- Refuses every UPDATE, DELETE and TRUNCATE of audit_log (statement level: even when no row
-- would match, and for the owner too; privileges already keep everyone else out).
CREATE FUNCTION cobranza.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                          MESSAGE = 'audit_log is append-only';
END
$$;

-- A user name or client code as it may appear inside a one-line error message.
CREATE FUNCTION cobranza.quote_for_message(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.length(p_text) > 60
                THEN pg_catalog.left(pg_catalog.regexp_replace(p_text, '[[:cntrl:]]', '?', 'g'), 57) || '...'
                ELSE pg_catalog.regexp_replace(p_text, '[[:cntrl:]]', '?', 'g') END
$$;

-- Whether the session user may manage users: an enabled admin person of this database, or a
-- superuser (the bootstrap superuser creates the first admin).
CREATE FUNCTION cobranza.caller_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
        OR (pg_catalog.pg_has_role(session_user, 'cobranza_admin', 'MEMBER')
            AND cobranza.current_kind() IS NOT DISTINCT FROM 'admin')
$$;

-- user add: creates the login role (SCRAM password), puts it in its group, records the person.
CREATE FUNCTION cobranza.create_person(p_name text, p_kind text, p_client_code text, p_password text)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
    SET password_encryption = 'scram-sha-256'
AS $$
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
                MESSAGE = '--client is required for role client';
        END IF;
        SELECT t.id INTO v_tenant FROM cobranza.tenant t WHERE t.code = v_code;
        IF v_tenant IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                MESSAGE = format('client "%s" does not exist', cobranza.quote_for_message(v_code));
        END IF;
    ELSIF v_code IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = '--client is only for role client';
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
$$;

-- user disable: the role can no longer log in, and its person row stops matching any policy.
CREATE FUNCTION cobranza.disable_person(p_name text) RETURNS void
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
END
$$;

------------------------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------------------------
CREATE TRIGGER tenant_audit AFTER INSERT OR UPDATE OR DELETE ON cobranza.tenant
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE TRIGGER person_audit AFTER INSERT OR UPDATE OR DELETE ON cobranza.person
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_log_append_only();

------------------------------------------------------------------------------------------------
-- Row level security
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.tenant    ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.tenant    FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.person    ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.person    FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.audit_log FORCE ROW LEVEL SECURITY;

-- tenant
CREATE POLICY tenant_admin ON cobranza.tenant FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin')
    WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY tenant_staff_read ON cobranza.tenant FOR SELECT TO cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('collector', 'lawyer'));
CREATE POLICY tenant_client_read ON cobranza.tenant FOR SELECT TO cobranza_client
    USING (id = (SELECT cobranza.current_tenant()));
CREATE POLICY tenant_owner_read ON cobranza.tenant FOR SELECT TO cobranza_owner
    USING (true);

-- person
CREATE POLICY person_self_read ON cobranza.person FOR SELECT TO PUBLIC
    USING (role_name = session_user);
CREATE POLICY person_staff_read ON cobranza.person FOR SELECT
    TO cobranza_admin, cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector', 'lawyer'));
CREATE POLICY person_client_read ON cobranza.person FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY person_owner_all ON cobranza.person FOR ALL TO cobranza_owner
    USING (true) WITH CHECK (true);

-- audit_log
CREATE POLICY audit_log_admin_read ON cobranza.audit_log FOR SELECT TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY audit_log_owner_insert ON cobranza.audit_log FOR INSERT TO cobranza_owner
    WITH CHECK (true);

------------------------------------------------------------------------------------------------
-- Views
------------------------------------------------------------------------------------------------
CREATE VIEW cobranza.whoami WITH (security_invoker = true) AS
    SELECT p.role_name, p.kind, t.code AS client_code, t.legal_name AS client_name
      FROM cobranza.person p
      LEFT JOIN cobranza.tenant t ON t.id = p.tenant_id
     WHERE p.role_name = session_user;

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC)
------------------------------------------------------------------------------------------------
GRANT SELECT ON cobranza.currency
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT SELECT ON cobranza.tenant
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT INSERT (code, legal_name, tax_id, country, currency),
      UPDATE (legal_name, tax_id, currency)
    ON cobranza.tenant TO cobranza_admin;
GRANT SELECT ON cobranza.person
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT SELECT ON cobranza.audit_log TO cobranza_admin;
GRANT SELECT ON cobranza.whoami
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

REVOKE EXECUTE ON FUNCTION cobranza.today(),
                           cobranza.audit(),
                           cobranza.audit_log_append_only(),
                           cobranza.quote_for_message(text),
                           cobranza.caller_is_admin(),
                           cobranza.create_person(text, text, text, text),
                           cobranza.disable_person(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.today()
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT EXECUTE ON FUNCTION cobranza.create_person(text, text, text, text),
                          cobranza.disable_person(text)
    TO cobranza_admin;

------------------------------------------------------------------------------------------------
-- The lookup functions change hands (needs superuser: cobranza_owner is not a member of
-- cobranza_lookup).
------------------------------------------------------------------------------------------------
RESET ROLE;

ALTER FUNCTION cobranza.current_tenant() OWNER TO cobranza_lookup;
ALTER FUNCTION cobranza.current_kind() OWNER TO cobranza_lookup;
REVOKE EXECUTE ON FUNCTION cobranza.current_tenant(), cobranza.current_kind() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.current_tenant(), cobranza.current_kind()
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client, cobranza_owner;
GRANT SELECT ON cobranza.person TO cobranza_lookup;

RESET ROLE;
