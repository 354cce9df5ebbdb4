-- 0003_contracts: each client's fee terms, versioned by effective date.
--
-- A payment will freeze the contract version it was charged under, so a new version never
-- rewrites a fee already computed: versions are only ever added, never updated or deleted.
-- Rates are basis points (1500 = 15 %); the minimum fee is in minor units of the client's
-- currency. The application checks the same rules first (CobranzaCore.FeeContract) so errors
-- name the flag; these constraints have the last word.

SET LOCAL ROLE cobranza_owner;

CREATE TABLE cobranza.contract (
    tenant_id        bigint   NOT NULL,
    id               bigint   GENERATED ALWAYS AS IDENTITY,
    version          integer  NOT NULL CHECK (version >= 1),
    effective_on     date     NOT NULL,
    extrajudicial_bp integer  NOT NULL CONSTRAINT contract_extrajudicial_rate_check CHECK (extrajudicial_bp BETWEEN 0 AND 5000),
    judicial_bp      integer  NOT NULL CONSTRAINT contract_judicial_rate_check CHECK (judicial_bp BETWEEN 0 AND 5000),
    surcharge_12m_bp integer  NOT NULL DEFAULT 0 CHECK (surcharge_12m_bp >= 0),
    surcharge_24m_bp integer  NOT NULL DEFAULT 0 CHECK (surcharge_24m_bp >= 0),
    minimum_fee      bigint   NOT NULL DEFAULT 0 CHECK (minimum_fee >= 0),
    vat_bp           integer  NOT NULL CHECK (vat_bp BETWEEN 0 AND 10000),
    direct_earns_fee boolean  NOT NULL DEFAULT true,
    remittance       text     NOT NULL DEFAULT 'net' CHECK (remittance IN ('net', 'gross')),
    posting_consent  boolean  NOT NULL DEFAULT false,
    -- Debts at or above this (minor units) may go to court without an admin override.
    judicial_threshold bigint NOT NULL DEFAULT 0 CHECK (judicial_threshold >= 0),
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       name     NOT NULL DEFAULT session_user,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT contract_tenant_id_version_key UNIQUE (tenant_id, version),
    CONSTRAINT contract_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES cobranza.tenant (id),
    CONSTRAINT contract_rate_with_surcharge_check
        CHECK (greatest(extrajudicial_bp, judicial_bp) + greatest(surcharge_12m_bp, surcharge_24m_bp) <= 5000)
);

-- Versions follow each other in time: a new one may not take effect before the one it follows.
CREATE FUNCTION cobranza.contract_version_order() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
                MESSAGE = format('--effective: %s is before version %s (effective %s); versions never rewrite the past',
                                 NEW.effective_on, latest.version, latest.effective_on);
        END IF;
    ELSIF NEW.version <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = '23514', MESSAGE = 'the first contract version must be 1';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER contract_version_order BEFORE INSERT ON cobranza.contract
    FOR EACH ROW EXECUTE FUNCTION cobranza.contract_version_order();

-- Append-only: versions are history.
CREATE FUNCTION cobranza.contract_append_only() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = 'contract versions are append-only: set a new version instead';
END;
$$;

CREATE TRIGGER contract_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.contract
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.contract_append_only();

CREATE TRIGGER contract_audit_insert AFTER INSERT ON cobranza.contract
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();

ALTER TABLE cobranza.contract ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.contract FORCE ROW LEVEL SECURITY;

CREATE POLICY contract_admin_all ON cobranza.contract FOR ALL TO cobranza_admin
    USING ((SELECT cobranza.current_kind()) = 'admin')
    WITH CHECK ((SELECT cobranza.current_kind()) = 'admin');
CREATE POLICY contract_staff_read ON cobranza.contract FOR SELECT TO cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('collector', 'lawyer'));
CREATE POLICY contract_client_read ON cobranza.contract FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

REVOKE ALL ON cobranza.contract FROM PUBLIC;
GRANT SELECT ON cobranza.contract TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT INSERT (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, surcharge_12m_bp, surcharge_24m_bp,
              minimum_fee, vat_bp, direct_earns_fee, remittance, posting_consent, judicial_threshold)
    ON cobranza.contract TO cobranza_admin;
REVOKE ALL ON FUNCTION cobranza.contract_version_order(), cobranza.contract_append_only() FROM PUBLIC;

RESET ROLE;
