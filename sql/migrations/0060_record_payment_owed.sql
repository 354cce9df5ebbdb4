-- 0060_record_payment_owed: what record_payment reports a case still owes, read once.
--
-- record_payment (0036's, itself 0030's with the court costs) answered "what does the case still
-- owe" by summing invoice_balance (a window over the case's invoices and a sum of its payments)
-- and then calling case_outstanding (an SQL function with its own search_path, so never inlined:
-- three more sums, each planned and run apart, each under the caller's policies), and read
-- agreement_status (its instalments, later agreements, payments) for every payment, agreement or
-- not. That final read cost more than a third of a payment's time (issue 20: the payments bench
-- fell from 0.54 to 0.20 of pgbench).
--
-- The same answer from three sums read once. With I the invoices' outstanding as invoice_balance
-- fills them (oldest due first, invoice amounts never negative) and C what case_outstanding says
-- (invoices + the court costs the debtor bears - net payments), 0036 reported I + greatest(0, C - I)
-- = greatest(I, C); and I = greatest(0, least(invoiced, invoiced - paid)) (the net paid total
-- fills the invoices; a negative one fills none). So
--     owed = greatest(0, least(invoiced, invoiced - paid), invoiced + costs - paid).
-- The agreement a payment may leave expecting more is read only for a case that ever had one
-- (on_agreement, the flag agreement_settle asks first too) and is still open.
--
-- Only the final SELECT changes; the INSERT, the columns, the rights (SECURITY INVOKER: the
-- caller's policies on every table read, as before) are 0036's.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.record_payment(
    p_tenant bigint, p_case bigint, p_amount bigint, p_paid_on date, p_channel text, p_method text, p_ref text)
RETURNS TABLE (id bigint, number integer, amount bigint, currency text, paid_on date, channel text, method text, external_ref text,
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
    SELECT v.id, v.number, v.amount, v.currency::text, v.paid_on, v.channel, v.method, v.external_ref, v.reverses_id, v.reason,
           v.stage, v.fee_bp, v.fee, v.fee_note, v.contract_version, v.created_by::text,
           CASE WHEN c.close_code = 'settled' THEN 0 ELSE b.owed END,
           c.close_code,
           CASE WHEN c.on_agreement AND c.stage <> 'closed' THEN
               (SELECT greatest(0, a.total - a.paid)::bigint FROM cobranza.agreement_status a
                 WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id AND a.status IN ('active', 'default')
                 ORDER BY a.id DESC LIMIT 1)
           END,
           CASE WHEN c.close_code = 'settled' THEN b.owed END
      FROM cobranza.collection_case c
     CROSS JOIN LATERAL (
            SELECT greatest(0, least(f.invoiced, f.invoiced - f.paid), f.invoiced + f.costs - f.paid)::bigint AS owed
              FROM (SELECT (SELECT coalesce(sum(i.amount), 0) FROM cobranza.invoice i
                             WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS invoiced,
                           (SELECT coalesce(sum(k.amount), 0) FROM cobranza.court_cost k
                             WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id AND k.borne_by = 'debtor') AS costs,
                           (SELECT coalesce(sum(p.amount), 0) FROM cobranza.payment p
                             WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id) AS paid) f) b
     WHERE c.tenant_id = v.tenant_id AND c.id = v.case_id;
END
$$;

RESET ROLE;
