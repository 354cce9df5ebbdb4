-- 0025_settlement_and_closing: issue 16, item 6. What a case says once it is settled or closed.
--
--   * A closed case's ages stop: "days overdue" counted on to today for a case paid months ago.
--     case_clock is the date a case's ages are counted to: today while it is open, the day of
--     its latest 'closed' event once closed (0011 keeps a closed case's latest close/reopen event
--     a 'closed' one; closed_at, an instant of the real clock, is only the fallback).
--   * record_payment also returns the case's close code, what its agreement in force still
--     expects, and, for a settled case, the discount forgiven: paying off a discounted agreement
--     said "Outstanding: $90.000" (the forgiven discount) about a case closed as settled. A
--     settled case owes nothing: its outstanding is 0 and the rest is named as forgiven.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.case_clock(p_tenant bigint, p_case bigint) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT CASE WHEN c.stage = 'closed'
                THEN coalesce((SELECT e.occurred_on FROM cobranza.case_event e
                                WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'closed'
                                ORDER BY e.id DESC LIMIT 1),
                              c.closed_at::date, cobranza.today())
                ELSE cobranza.today() END
      FROM cobranza.collection_case c
     WHERE c.tenant_id = p_tenant AND c.id = p_case
$$;
REVOKE EXECUTE ON FUNCTION cobranza.case_clock(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.case_clock(bigint, bigint)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- 0013's, returning more about the case after the payment (a new result type: dropped first).
DROP FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text);
CREATE FUNCTION cobranza.record_payment(
    p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text)
RETURNS TABLE (id bigint, amount bigint, currency text, paid_on date, channel text, method text, external_ref text,
               reverses_id bigint, reason text, stage text, fee_bp integer, fee bigint, fee_note text,
               contract_version integer, created_by text, outstanding bigint, close_code text,
               agreement_expects bigint, forgiven bigint)
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v cobranza.payment;
BEGIN
    INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
    VALUES (p_tenant, p_case, p_amount, coalesce(p_paid_on, cobranza.today()), p_channel, p_method, p_ref)
    RETURNING * INTO v;
    -- A new statement: it sees the payment just written (and the case closed by it, if paid or
    -- settled).
    RETURN QUERY
    SELECT v.id, v.amount, v.currency::text, v.paid_on, v.channel, v.method, v.external_ref, v.reverses_id, v.reason,
           v.stage, v.fee_bp, v.fee, v.fee_note, v.contract_version, v.created_by::text,
           CASE WHEN c.close_code = 'settled' THEN 0 ELSE b.owed END,
           c.close_code,
           (SELECT greatest(0, a.total - a.paid)::bigint FROM cobranza.agreement_status a
             WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id AND c.stage <> 'closed' AND a.status IN ('active', 'default')
             ORDER BY a.id DESC LIMIT 1),
           CASE WHEN c.close_code = 'settled' THEN b.owed END
      FROM cobranza.collection_case c
     CROSS JOIN LATERAL (SELECT coalesce(sum(x.outstanding), 0)::bigint AS owed FROM cobranza.invoice_balance x
                          WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id) b
     WHERE c.tenant_id = v.tenant_id AND c.id = v.case_id;
END
$$;
REVOKE ALL ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.record_payment(bigint, bigint, bigint, date, text, text, text)
    TO cobranza_admin, cobranza_collector;

RESET ROLE;
