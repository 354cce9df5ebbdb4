-- payment record in one statement: the payment and what its case still owes right after it,
-- read in the same transaction. The shell used to insert, then look the case up again and read
-- its balances in two more round trips outside that transaction, where another collector's
-- payment could already have changed them.
--
-- SECURITY INVOKER: the caller's own policies and the payment triggers decide, exactly as for
-- an INSERT typed in psql; the function only saves the round trips.
SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.record_payment(
    p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text)
RETURNS TABLE (id bigint, amount bigint, currency text, paid_on date, channel text, method text, external_ref text,
               reverses_id bigint, reason text, stage text, fee_bp integer, fee bigint, fee_note text,
               contract_version integer, created_by text, outstanding bigint)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v cobranza.payment;
BEGIN
    INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
    VALUES (p_tenant, p_case, p_amount, coalesce(p_paid_on, cobranza.today()), p_channel, p_method, p_ref)
    RETURNING * INTO v;
    -- A new statement: it sees the payment just written (and the case closed by it, if paid).
    RETURN QUERY
    SELECT v.id, v.amount, v.currency::text, v.paid_on, v.channel, v.method, v.external_ref, v.reverses_id, v.reason,
           v.stage, v.fee_bp, v.fee, v.fee_note, v.contract_version, v.created_by::text,
           (SELECT coalesce(sum(b.outstanding), 0)::bigint FROM cobranza.invoice_balance b
             WHERE b.tenant_id = v.tenant_id AND b.case_id = v.case_id);
END
$$;

REVOKE ALL ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text)
    TO cobranza_admin, cobranza_collector;

RESET ROLE;
