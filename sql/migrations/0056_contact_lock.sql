-- 0056_contact_lock: contacts of one debtor are judged one at a time.
--
-- case_event_contact_rules (0055) counts a debtor's contacts across every client and case. Two
-- sessions writing a contact for the same debtor at the same moment (two collectors of two
-- clients, two strategy runs) would each count without the other's uncommitted row and both pass,
-- contacting the debtor twice where the law allows once. Now each contact first locks the
-- debtor's row in contact_lock (country, tax id), an owner-only table written by the SECURITY
-- DEFINER lock_debtor_contacts (the pattern of client_number_counter, 0019: no advisory key an SME
-- could hold), until its transaction ends; the second waits, then counts the first.

SET LOCAL ROLE cobranza_owner;

CREATE TABLE cobranza.contact_lock (
    country char(2) NOT NULL CONSTRAINT contact_lock_country_text CHECK (cobranza.single_line(country::text, 'country')),
    tax_id  text NOT NULL CONSTRAINT contact_lock_tax_id_text CHECK (cobranza.single_line(tax_id, 'tax_id')),
    CONSTRAINT contact_lock_pkey PRIMARY KEY (country, tax_id)
);
COMMENT ON TABLE cobranza.contact_lock IS 'one row per debtor tax id ever contacted, locked while a contact of it is judged; no grants';

-- Locks the row of the debtor of the case until the transaction ends.
CREATE FUNCTION cobranza.lock_debtor_contacts(p_tenant bigint, p_case bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    INSERT INTO cobranza.contact_lock (country, tax_id)
    SELECT d.country, d.tax_id FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE c.tenant_id = p_tenant AND c.id = p_case
        ON CONFLICT (country, tax_id) DO UPDATE SET tax_id = EXCLUDED.tax_id
$$;
REVOKE ALL ON FUNCTION cobranza.lock_debtor_contacts(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.lock_debtor_contacts(bigint, bigint) TO cobranza_admin, cobranza_collector, cobranza_lawyer;

-- Redefined from 0055: takes the debtor's lock before counting.
CREATE OR REPLACE FUNCTION cobranza.case_event_contact_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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

RESET ROLE;
