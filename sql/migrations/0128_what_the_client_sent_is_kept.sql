-- 0128_what_the_client_sent_is_kept: a placed invoice's note and an import batch's file record
-- are the client's, as sent.
--
-- Staff held UPDATE on an invoice's note (for reviewing pending invoices) and on an import
-- batch's file_name and row_count (0002); no command uses them after placement. With psql a
-- collector could rewrite the note of an invoice on a case, which the client reads back on the
-- case and which letters do not correct, or the name and row count of the file the client
-- uploaded. 0120 fixed a placed invoice's number, dates, amount and case; its note now stays too,
-- for people (the owner may still correct it), and the batch's file record is no one's to edit.
-- (A reviewed submission's note and batch: 0124.) SubmissionReviewTests.whatTheClientSentIsKept.

SET LOCAL ROLE cobranza_owner;

REVOKE UPDATE (file_name, row_count) ON cobranza.import_batch FROM cobranza_admin, cobranza_collector;

CREATE FUNCTION cobranza.invoice_placed_text_kept() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF (SELECT cobranza.current_kind()) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_placed_terms_check', COLUMN = 'note',
            MESSAGE = format('note: invoice %s is on a case, and its note is the client''s, as sent', OLD.number);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER invoice_placed_text_kept BEFORE UPDATE OF note ON cobranza.invoice
    FOR EACH ROW WHEN (OLD.case_id IS NOT NULL AND NEW.note IS DISTINCT FROM OLD.note)
    EXECUTE FUNCTION cobranza.invoice_placed_text_kept();

RESET ROLE;
