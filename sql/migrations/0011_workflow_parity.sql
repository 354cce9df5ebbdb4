-- 0011_workflow_parity: the triggers agree with CobranzaCore.CaseWorkflow where the parity test
-- (Tests/CobranzaStoreTests/WorkflowParityTests: every action from every state Core reaches, by
-- plain SQL as staff) found them apart, and the database was the side in the wrong:
--
--   * case_transition refused to reopen a judicial case that had been closed while disputed: its
--     "a disputed case cannot be referred to court" check took the way back from 'closed' to
--     'judicial' for a referral, and since a referred case never goes back to 'extrajudicial',
--     such a case could not be reopened at all. The check now applies to referrals only
--     (extrajudicial to judicial); reopening restores the case as it was, disputed.
--   * case_event_check let anyone write a 'reopened' event on an open case: an admin's reopening
--     statements on a case that was never closed went through and put a reopening on its
--     timeline. A 'reopened' event now needs the case's last close or reopening to be a close.
--     (payment_prepare's reopening after a reversal follows its own 'closed' event, as every close
--     in the code does.)
--
-- Both functions are replaced whole; the lines that changed carry a comment.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.case_transition() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF OLD.stage = 'closed' THEN
        IF NEW.stage <> 'closed' THEN
            -- Reopening: an admin's decision, or a reversal of the payment that closed the case as
            -- paid. payment_prepare runs as the owner (0005), and no person can act as the owner,
            -- so current_user tells the trusted move from any imitation.
            IF NOT ((SELECT cobranza.current_kind()) IS NOT DISTINCT FROM 'admin'
                    OR (OLD.close_code = 'paid' AND current_user = 'cobranza_owner')) THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                    MESSAGE = format('case %s is closed (%s): only an admin can reopen it', OLD.number, OLD.close_code);
            END IF;
        ELSIF (NEW.close_code, NEW.closed_at, NEW.on_agreement, NEW.on_promise, NEW.assigned_to, NEW.next_action_date)
              IS DISTINCT FROM (OLD.close_code, OLD.closed_at, OLD.on_agreement, OLD.on_promise, OLD.assigned_to, OLD.next_action_date)
              OR (NEW.disputed AND NOT OLD.disputed) OR (NEW.posted AND NOT OLD.posted) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
                MESSAGE = format('case %s is closed (%s): it takes no new steps; an admin may reopen it', OLD.number, OLD.close_code);
        END IF;
    END IF;
    IF NEW.stage = 'extrajudicial' AND OLD.stage <> 'extrajudicial'
       AND EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
            MESSAGE = format('case %s was referred to court: it does not go back to the extrajudicial stage', OLD.number);
    END IF;
    -- Closing as paid is the payments' to do (payment_prepare, as the owner, inside the payment's INSERT).
    IF NEW.close_code = 'paid' AND OLD.close_code IS DISTINCT FROM 'paid' AND current_user <> 'cobranza_owner'
       AND cobranza.case_outstanding(NEW.tenant_id, NEW.id) > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_close_code_check',
            MESSAGE = format('case %s still owes %s: it closes as paid by itself when the payments cover it', OLD.number,
                             cobranza.format_money(cobranza.case_outstanding(NEW.tenant_id, NEW.id), NEW.currency));
    END IF;
    IF OLD.posted AND NOT NEW.posted
       AND EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.id
                      AND p.published_on IS NOT NULL AND p.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_posted_check',
            MESSAGE = format('case %s is posted until its posting is withdrawn (posting withdraw)', OLD.number);
    END IF;
    IF NEW.stage = 'judicial' AND OLD.stage <> 'judicial' THEN
        -- A referral, not a reopening: a judicial case closed while disputed goes back to court
        -- as it was, still disputed (CaseWorkflow's reopen).
        IF NEW.disputed AND OLD.stage = 'extrajudicial' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be referred to court', OLD.number);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.id) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_stage_check',
                MESSAGE = format('case %s becomes judicial only by a referral to court (referral file)', OLD.number);
        END IF;
    END IF;
    IF NEW.posted AND NOT OLD.posted THEN
        IF NEW.disputed THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be posted', OLD.number);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.id
                          AND p.published_on IS NOT NULL AND p.withdrawn_on IS NULL) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_posted_check',
                MESSAGE = format('case %s is posted only by publishing it (posting publish)', OLD.number);
        END IF;
    END IF;
    IF NEW.disputed IS DISTINCT FROM OLD.disputed
       AND NEW.disputed <> EXISTS (SELECT 1 FROM cobranza.dispute d WHERE d.tenant_id = NEW.tenant_id AND d.case_id = NEW.id
                                      AND d.outcome IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s: disputes are opened and resolved with "dispute open" and "dispute resolve"', OLD.number);
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION cobranza.case_event_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case record;
BEGIN
    -- FOR SHARE: a step does not land on a case being closed at the same moment.
    SELECT c.number, c.stage, c.close_code INTO v_case FROM cobranza.collection_case c
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'case_event_case_fkey', MESSAGE = 'no such case';
    END IF;
    IF v_case.stage = 'closed' AND NEW.kind NOT IN ('closed', 'reopened', 'posting', 'dispute') THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
            MESSAGE = format('case %s is closed (%s): it takes no new steps; an admin may reopen it', v_case.number, v_case.close_code);
    END IF;
    IF NEW.kind = 'call' AND (NEW.outcome IS NULL OR NEW.outcome NOT IN ('no-answer', 'wrong-number', 'promise', 'refused',
                                                                         'dispute', 'paid-claimed', 'callback')) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_call_outcome_check',
            MESSAGE = '--outcome: a call needs one of no-answer, wrong-number, promise, refused, dispute, paid-claimed, callback';
    END IF;
    IF NEW.occurred_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_occurred_on_check',
            MESSAGE = format('a step cannot be dated in the future (%s)', NEW.occurred_on);
    END IF;
    -- The referral writes this event and payments read it for the judicial rate: it must match
    -- a referral of that date.
    IF NEW.kind = 'stage_change'
       AND NOT EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = NEW.tenant_id AND r.case_id = NEW.case_id
                          AND r.referred_on = NEW.occurred_on AND NEW.outcome = 'judicial') THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_stage_change_check',
            MESSAGE = 'a stage change is written by the referral that makes it (referral file)';
    END IF;
    IF NEW.kind = 'closed' AND (v_case.stage <> 'closed' OR NEW.outcome IS DISTINCT FROM v_case.close_code)
       OR NEW.kind = 'reopened' AND v_case.stage = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_state_check',
            MESSAGE = format('case %s: a %s event must match the case (%s)', v_case.number, NEW.kind,
                             coalesce(v_case.close_code, v_case.stage));
    END IF;
    -- Reopening is the move out of a close: an open case that was never closed, or was reopened
    -- already, is not reopened again.
    IF NEW.kind = 'reopened'
       AND (SELECT e.kind FROM cobranza.case_event e WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id
                AND e.kind IN ('closed', 'reopened') ORDER BY e.id DESC LIMIT 1) IS DISTINCT FROM 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_state_check',
            MESSAGE = format('case %s is open: only a closed case is reopened', v_case.number);
    END IF;
    IF NEW.kind = 'letter' AND NEW.letter_level > 1
       AND NOT EXISTS (SELECT 1 FROM cobranza.case_event e WHERE e.tenant_id = NEW.tenant_id AND e.case_id = NEW.case_id
                          AND e.kind = 'letter' AND e.letter_level = NEW.letter_level - 1 AND e.occurred_on <= NEW.occurred_on) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_letter_order_check',
            MESSAGE = format('--level: a level %s letter needs a level %s letter sent before (case %s)',
                             NEW.letter_level, NEW.letter_level - 1, v_case.number);
    END IF;
    RETURN NEW;
END
$$;

RESET ROLE;
