-- 0018_pg18: people made before PostgreSQL 16 can be disabled on 16 and later.
--
-- From PostgreSQL 16 on, a CREATEROLE role may alter only the roles it holds ADMIN OPTION on, and
-- disable_person runs ALTER ROLE ... NOLOGIN as cobranza_owner. A role it creates gives it that
-- option (create_person creates every person as cobranza_owner), but a person made on PostgreSQL
-- 15, where CREATEROLE alone sufficed, and carried to 16+ (pg_upgrade, or pg_dumpall's roles) has
-- none: disabling them fails with "permission denied to alter role". This grants cobranza_owner
-- ADMIN OPTION, without INHERIT or SET as PostgreSQL's own grant to a creator, on every person of
-- this database it does not administer. On 15 there is nothing to do.
--
-- One DO block, nothing else: a superuser may run this file again after moving a cluster whose
-- databases already applied it from 15 to 16+ (psql -f sql/migrations/0018_pg18.sql, per database).
DO $pg16$
DECLARE
    v_role name;
BEGIN
    IF pg_catalog.current_setting('server_version_num')::integer < 160000 THEN
        RETURN;
    END IF;
    FOR v_role IN
        SELECT r.rolname
          FROM cobranza.person p
          JOIN pg_catalog.pg_roles r ON r.rolname = p.role_name
         WHERE NOT EXISTS (
                   SELECT 1 FROM pg_catalog.pg_auth_members m
                    WHERE m.roleid = r.oid
                      AND m.member = (SELECT o.oid FROM pg_catalog.pg_roles o WHERE o.rolname = 'cobranza_owner')
                      AND m.admin_option)
         ORDER BY r.rolname
    LOOP
        EXECUTE pg_catalog.format('GRANT %I TO cobranza_owner WITH ADMIN OPTION, INHERIT FALSE, SET FALSE', v_role);
    END LOOP;
END
$pg16$;
