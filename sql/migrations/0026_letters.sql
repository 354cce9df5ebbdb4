-- Letters fit the case and can be read back (issue 16, items 8 and 9).
--   * A person is addressed as "Señor" or "Señora" when the agency knows which (debtor edit
--     --salutation); unknown, the letter writes "Señor(a)"; a company is "Señores" (debtor.kind,
--     company or person since 0002).
--   * A letter's exact text is on its case_event row since 0005. Staff read it; now an SME reads
--     the text of the letters marked client-visible on its own cases (letter show): the row policy
--     case_event_client_read already limits a client to its own tenant's client-visible events,
--     and only letters have a body (case_event_letter_check).

SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.debtor
    ADD COLUMN salutation text CONSTRAINT debtor_salutation_check CHECK (salutation IN ('señor', 'señora')),
    -- Like every text column since 0016: one line, no control characters.
    ADD CONSTRAINT debtor_salutation_text CHECK (cobranza.single_line(salutation, 'salutation'));

GRANT INSERT (salutation), UPDATE (salutation) ON cobranza.debtor TO cobranza_admin, cobranza_collector;
GRANT INSERT (salutation) ON cobranza.debtor TO cobranza_client;

GRANT SELECT (body) ON cobranza.case_event TO cobranza_client;

RESET ROLE;
