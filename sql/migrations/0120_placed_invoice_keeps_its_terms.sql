-- 0120_placed_invoice_keeps_its_terms: what an invoice on a case says (its number, dates, amount
-- and case) is not rewritten, by anyone.
--
-- Staff have held UPDATE on an invoice's number, issued, due, amount and case since 0002, for
-- the review of a pending submission; no command changes them once the invoice is on a case, and
-- the shell offers no way to. With plain SQL a collector could still raise what a debtor owes
-- (which letters, notices and the run then demand), un-place an invoice, or move its due date
-- back: the fee's age surcharges (0023) and the posting law count from that date, so the
-- agency's own staff could raise the agency's fee. A placed invoice that is wrong is cancelled
-- ("invoice cancel": the client's correction, which invoice_cancelling lets write only its
-- reason) and submitted again. Pending invoices stay open to review, as before. The owner is
-- held too, as payments are: nobody rewrites what was claimed.
-- PlacementRulesTests.aPlacedInvoiceKeepsWhatItSays.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.invoice_placed_terms_fixed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_column text := CASE WHEN NEW.amount IS DISTINCT FROM OLD.amount THEN 'amount'
                          WHEN NEW.due IS DISTINCT FROM OLD.due THEN 'due'
                          WHEN NEW.issued IS DISTINCT FROM OLD.issued THEN 'issued'
                          WHEN NEW.number IS DISTINCT FROM OLD.number THEN 'number'
                          ELSE 'case_id' END;
    v_case text;
BEGIN
    SELECT c.number INTO v_case FROM cobranza.collection_case c WHERE c.tenant_id = OLD.tenant_id AND c.id = OLD.case_id;
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_placed_terms_check', COLUMN = v_column,
        MESSAGE = format('%s: invoice %s is on case %s, and what a placed invoice says is not changed; '
                         'a wrong one is cancelled ("invoice cancel") and submitted again',
                         v_column, OLD.number, coalesce(v_case, '(not visible)'));
END
$$;

-- (a cancellation changes the amount itself, in invoice_cancelling, after checking that nothing
-- else was written: it is let through here)
CREATE TRIGGER invoice_placed_terms_fixed
    BEFORE UPDATE OF number, issued, due, amount, case_id ON cobranza.invoice
    FOR EACH ROW
    WHEN (OLD.case_id IS NOT NULL AND NEW.cancel_reason IS NOT DISTINCT FROM OLD.cancel_reason
          AND (NEW.number, NEW.issued, NEW.due, NEW.amount, NEW.case_id)
              IS DISTINCT FROM (OLD.number, OLD.issued, OLD.due, OLD.amount, OLD.case_id))
    EXECUTE FUNCTION cobranza.invoice_placed_terms_fixed();

REVOKE EXECUTE ON FUNCTION cobranza.invoice_placed_terms_fixed() FROM PUBLIC;

RESET ROLE;
