-- 0007_clock: only members of cobranza_clock may pin "today".
--
-- cobranza.today() honoured the session setting cobranza.as_of for every caller, and any role
-- may set a custom setting (SET, PGOPTIONS). Every date guard reads today(): a due date must not
-- be in the future, a payment or a step not after today, a promise's grace, a posting's notice
-- period, a fee invoice's issue date. So an SME user could submit invoices not yet due, and a
-- collector could date a payment or a letter at will. Now the setting counts only for members of
-- cobranza_clock, which no one is by default: a test or training cluster grants it (the test
-- suite grants it to the four kinds of person); everyone else gets the server's date.
-- A role membership rather than a table flag keeps today() a single inlinable expression:
-- pg_has_role is a cached catalog lookup, not a query.

DO $clock$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cobranza_clock') THEN
        BEGIN
            CREATE ROLE cobranza_clock NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by the same migration in another database
        END;
    END IF;
END
$clock$;

SET LOCAL ROLE cobranza_owner;

-- The one source of "today": the server's date, or the session setting cobranza.as_of for a
-- member of cobranza_clock (tests, training).
CREATE OR REPLACE FUNCTION cobranza.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.pg_has_role(session_user, 'cobranza_clock', 'MEMBER')
                THEN coalesce(nullif(pg_catalog.current_setting('cobranza.as_of', true), '')::date, current_date)
                ELSE current_date END
$$;

RESET ROLE;
