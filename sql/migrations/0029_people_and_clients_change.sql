-- People and clients change (issue 16, item 14).
--   * user disable refused a person with open cases on their name only in the sense that it did
--     not: the cases kept a disabled assignee nobody worked. disable_person now refuses while the
--     person holds open cases, naming them, unless p_reassign_to names who takes them over; the
--     move happens in the same call (one transaction), each case's timeline saying so, and
--     check_case_assignee refuses a target that is not an enabled collector or lawyer.
--   * enable_person: an admin lets a disabled person log in again.
--   * tenant.contact (who to talk to at the client), editable by admins with the legal name; the
--     tax id (and currency) of a client no longer change once it has cases: the cases, invoices
--     and fee documents were issued under them.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.tenant
    ADD COLUMN contact text CONSTRAINT tenant_contact_check CHECK (length(contact) <= 200),
    -- Like every text column since 0016: one line, no control characters.
    ADD CONSTRAINT tenant_contact_text CHECK (cobranza.single_line(contact, 'contact'));
GRANT INSERT (contact), UPDATE (contact) ON cobranza.tenant TO cobranza_admin;

-- A client's identity is fixed once it has cases. Invoker's rights: only admins may update a
-- tenant, and they see every case.
CREATE FUNCTION cobranza.tenant_identity_fixed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
CREATE TRIGGER tenant_identity_fixed BEFORE UPDATE OF tax_id, currency ON cobranza.tenant
    FOR EACH ROW EXECUTE FUNCTION cobranza.tenant_identity_fixed();
REVOKE EXECUTE ON FUNCTION cobranza.tenant_identity_fixed() FROM PUBLIC;

-- user disable [--reassign-to]: as 0015's, and the person's open cases move or the call fails.
DROP FUNCTION cobranza.disable_person(text);
CREATE FUNCTION cobranza.disable_person(p_name text, p_reassign_to text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
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

-- user enable: the person logs in again.
CREATE FUNCTION cobranza.enable_person(p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
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

REVOKE EXECUTE ON FUNCTION cobranza.disable_person(text, text), cobranza.enable_person(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.disable_person(text, text), cobranza.enable_person(text) TO cobranza_admin;

RESET ROLE;
