-- 0024_remittance_reversal: issue 16, item 5. A remittance sent to the wrong account or returned
-- by the bank could not be undone: the table is append-only ("a remittance is corrected by a new
-- one") but a new one could only add money. Now a remittance is reversed as a payment is: by a
-- row of its own that points at it (reverses_id), carries a reason, and negates its amount; a
-- remittance is reversed at most once and a reversal is never itself reversed. The statement's
-- sums need no change (a reversal is a negative remittance) and it lists the month's remittances.
--
--   * remittance_prepare (BEFORE INSERT) writes a reversal's amount, currency and reference from
--     the remittance it reverses, whatever the INSERT said, refuses a reversal of a reversal, a
--     second reversal (naming the first; remittance_reverses_once_key stops a race) and a date
--     before the remittance or after today.
--   * A reference is the client's bank transfer and unique per client
--     (remittance_tenant_id_external_ref_key, since 0004); it is now stored trimmed, as a
--     payment's is, so ' TRF-1' typed in psql is TRF-1 and meets the same key.
--   * Admins write remittances (and so their reversals), as before; the insert is audited by the
--     table's statement-level audit trigger like any remittance.

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.remittance
    ADD COLUMN reverses_id bigint,
    ADD COLUMN reason text
        CONSTRAINT remittance_reason_check CHECK (length(btrim(reason)) BETWEEN 1 AND 500)
        CONSTRAINT remittance_reason_text CHECK (cobranza.single_line(reason, 'reason')),
    DROP CONSTRAINT remittance_amount_check,
    ADD CONSTRAINT remittance_amount_check CHECK (amount <> 0),
    -- A remittance is positive; its reversal negative, with a reason and no bank reference.
    ADD CONSTRAINT remittance_reversal_check CHECK ((reverses_id IS NULL) = (amount > 0)
                                                   AND (reverses_id IS NULL) = (reason IS NULL)
                                                   AND (reverses_id IS NULL OR external_ref IS NULL)),
    ADD CONSTRAINT remittance_reverses_fkey FOREIGN KEY (tenant_id, reverses_id)
        REFERENCES cobranza.remittance (tenant_id, id),
    ADD CONSTRAINT remittance_reverses_once_key UNIQUE (tenant_id, reverses_id);

CREATE FUNCTION cobranza.remittance_prepare() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
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
REVOKE EXECUTE ON FUNCTION cobranza.remittance_prepare() FROM PUBLIC;

CREATE TRIGGER remittance_prepare BEFORE INSERT ON cobranza.remittance
    FOR EACH ROW EXECUTE FUNCTION cobranza.remittance_prepare();

GRANT INSERT (reverses_id, reason) ON cobranza.remittance TO cobranza_admin;

RESET ROLE;
