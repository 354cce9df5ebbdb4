-- 0124_submission_reviewed_once: a submission is reviewed once, by whoever reviews it, then.
--
-- 0002 let staff INSERT and UPDATE a submission's status, case, reject reason, reviewer and
-- review moment, and no rule stood behind them: with psql a collector could enter a submission
-- already "accepted" or "rejected" in someone else's name, reject one whose invoices are being
-- collected (the client then reads "rejected"), move an accepted one back to pending or onto
-- another case (its invoices stay where they are, 0120), or re-date a review: 0122 asks that
-- date whether a cancelled invoice was under an instalment agreement. The commands only ever
-- enter pending submissions and review a pending one once (case open, submission reject, batch
-- opening). So:
--   * people enter submissions pending: the INSERT grant no longer names the review columns;
--   * submission_reviewed (BEFORE UPDATE) lets a pending submission be accepted or rejected
--     once, writes its reviewer (session_user) and moment (now()) whatever the statement says,
--     and refuses any later change of the review (status, case, reason, reviewer, moment), and a
--     reviewer or moment on a submission still pending. A pending submission's note and batch
--     stay open to staff's review; once reviewed, a person changes neither (what the client
--     sent is what the client reads back).
-- It holds for the owner too, as a payment's rules do; the owner's fixtures insert accepted
-- submissions directly, which the row trigger on UPDATE does not see.
-- SubmissionReviewTests.

SET LOCAL ROLE cobranza_owner;

REVOKE INSERT (status, reject_reason, case_id, reviewed_by, reviewed_at) ON cobranza.submission
    FROM cobranza_admin, cobranza_collector;

CREATE FUNCTION cobranza.submission_reviewed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.status <> 'pending' THEN
        IF (NEW.status, NEW.case_id, NEW.reject_reason, NEW.reviewed_by, NEW.reviewed_at)
           IS DISTINCT FROM (OLD.status, OLD.case_id, OLD.reject_reason, OLD.reviewed_by, OLD.reviewed_at) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                MESSAGE = format('submission %s was %s on %s: a review is not undone or changed', OLD.number, OLD.status,
                                 coalesce(OLD.reviewed_at::date::text, 'placement'));
        END IF;
        -- What the client sent stays as sent once reviewed (the owner may still correct it).
        IF (NEW.note, NEW.batch_id) IS DISTINCT FROM (OLD.note, OLD.batch_id) AND (SELECT cobranza.current_kind()) IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                COLUMN = CASE WHEN NEW.note IS DISTINCT FROM OLD.note THEN 'note' ELSE 'batch_id' END,
                MESSAGE = format('submission %s was %s on %s: what the client sent (its note and batch) is kept as it was', OLD.number,
                                 OLD.status, coalesce(OLD.reviewed_at::date::text, 'placement'));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'pending' THEN
        IF NEW.reviewed_by IS NOT NULL OR NEW.reviewed_at IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'submission_reviewed_check',
                MESSAGE = format('submission %s is pending: it has no reviewer or review date until it is accepted or rejected', OLD.number);
        END IF;
        RETURN NEW;
    END IF;
    NEW.reviewed_by := session_user;
    NEW.reviewed_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER submission_reviewed BEFORE UPDATE ON cobranza.submission
    FOR EACH ROW WHEN (OLD.status <> 'pending' OR NEW.status <> 'pending'
                       OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by OR NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at)
    EXECUTE FUNCTION cobranza.submission_reviewed();

RESET ROLE;
