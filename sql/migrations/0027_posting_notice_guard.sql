-- No notice that can never be followed (issue 16, item 10). A notice of public posting was given
-- on a case whose client never consented to posting, or whose oldest invoice was more than five
-- years past due in Chile: the notice threatened what the law or the contract forbids, and
-- publication was refused weeks later. A notice is now refused, whoever inserts it, for the
-- reasons no notice period could cure: no consent in the contract in force today, an open
-- dispute (as before), Chile's five-year limit passed. CobranzaCore.PostingRules.barriers is the
-- Swift copy; posting_transition still checks them again at publication.

SET LOCAL ROLE cobranza_owner;

CREATE OR REPLACE FUNCTION cobranza.posting_notified() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_case       cobranza.collection_case;
    v_country    char(2);
    v_client     text;
    v_oldest_due date;
BEGIN
    v_case := cobranza.lock_open_case(NEW.tenant_id, NEW.case_id, 'a posting');
    IF v_case.disputed THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
            MESSAGE = format('case %s is disputed: a disputed case cannot be posted', v_case.number);
    END IF;
    IF NEW.published_on IS NOT NULL OR NEW.withdrawn_on IS NOT NULL OR NEW.withdrawal_due IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_published_check',
            MESSAGE = 'a posting starts with the notice to the debtor (posting notify); it is published later';
    END IF;
    -- The notice is given today: a backdated notice would shorten the period the law requires.
    NEW.notice_on := cobranza.today();
    SELECT d.country, t.code INTO v_country, v_client
      FROM cobranza.debtor d JOIN cobranza.tenant t ON t.id = d.tenant_id
     WHERE d.tenant_id = v_case.tenant_id AND d.id = v_case.debtor_id;
    IF NOT coalesce((cobranza.contract_on(NEW.tenant_id, NEW.notice_on)).posting_consent, false) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_consent_check',
            MESSAGE = format('case %s could never be posted, so no notice is sent: client %s has not consented to public posting',
                             v_case.number, v_client);
    END IF;
    SELECT min(i.due) INTO v_oldest_due FROM cobranza.invoice i WHERE i.tenant_id = NEW.tenant_id AND i.case_id = NEW.case_id;
    IF v_country = 'CL' AND v_oldest_due < (NEW.notice_on - interval '5 years')::date THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_prescription_check',
            MESSAGE = format('case %s could never be posted, so no notice is sent: its oldest invoice fell due on %s, more than 5 years ago: Chilean law forbids posting it',
                             v_case.number, v_oldest_due);
    END IF;
    IF EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = NEW.tenant_id AND p.case_id = NEW.case_id AND p.withdrawn_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'posting_one_active_key',
            MESSAGE = format('case %s already has a posting under way', v_case.number);
    END IF;
    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    VALUES (NEW.tenant_id, NEW.case_id, 'posting', 'notice', 'prior notice of public posting sent to the debtor', true, NEW.notice_on);
    RETURN NEW;
END
$$;

RESET ROLE;
