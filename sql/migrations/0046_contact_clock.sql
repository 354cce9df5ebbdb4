-- 0046_contact_clock: the moment of a contact, and the one question every contact asks.
--
-- Strategies (issue 17) and the contact rules of each country need the time of day, not only the
-- date: a call in Chile is allowed Monday to Saturday from 08:00 to 20:00 in the debtor's own
-- time zone. cobranza.now() is that moment. Like today() it honours the session setting
-- cobranza.as_of for members of cobranza_clock only (tests, training): a pinned value with a time
-- ('2026-12-06T07:30', optionally with an offset) is that moment, read in the agency's time zone
-- (America/Santiago) when it has no offset; a pinned date alone stands for noon there, a moment
-- inside every country's contact window on a working day, so tests that pin only a date keep
-- their meaning. today() keeps reading the date part of the same setting.
--
-- contact_check(tenant, case, kind, at) is the single gate both the shell's `step log` and the
-- strategy run ask before a contact of `kind` (reminder, call, letter, visit, email, sms,
-- whatsapp) on a case at moment `at`:
--   rule NULL                      the contact is allowed at `at`;
--   rule and allowed_at not NULL   refused by `rule` (its name and text) until allowed_at;
--   rule not NULL, allowed_at NULL refused with no moment that would allow it (a channel the
--                                  debtor never authorised, a visit where visits are forbidden).
-- This migration gives the question its shape and answers "allowed" to everything; the country
-- rule packs (a later migration) replace the body, never the signature.

SET LOCAL ROLE cobranza_owner;

CREATE FUNCTION cobranza.now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN pg_catalog.pg_has_role(session_user, 'cobranza_clock', 'MEMBER')
                     AND coalesce(pg_catalog.current_setting('cobranza.as_of', true), '') <> ''
                THEN CASE WHEN pg_catalog.current_setting('cobranza.as_of', true) ~ '^\s*\d{4}-\d{2}-\d{2}\s*$'
                          THEN (pg_catalog.current_setting('cobranza.as_of', true)::date + time '12:00')
                               AT TIME ZONE 'America/Santiago'
                          WHEN pg_catalog.current_setting('cobranza.as_of', true) ~ '([+-]\d{2}(:?\d{2})?|Z)\s*$'
                          THEN pg_catalog.current_setting('cobranza.as_of', true)::timestamptz
                          ELSE pg_catalog.current_setting('cobranza.as_of', true)::timestamp AT TIME ZONE 'America/Santiago' END
                ELSE pg_catalog.now() END
$$;

CREATE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                       OUT rule text, OUT allowed_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT NULL::text, p_at
$$;

REVOKE ALL ON FUNCTION cobranza.contact_check(bigint, bigint, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.contact_check(bigint, bigint, text, timestamptz)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer;

RESET ROLE;
