-- 0055_contact_rules: each country's contact law as data, the public holidays it and the legal
-- deadlines count, and the debtor's own clock (issue 17, items 3 and 4).
--
-- Holidays. `holiday` holds the public holidays of CL, CO and MX, one row per country and day,
-- with its name and legal source; seeded for 2026 and 2027 from CobranzaCore.NationalHolidays
-- plus Chile's Día Nacional de los Pueblos Indígenas (Ley 21.357, the winter solstice: 2026-06-21
-- and 2027-06-21), which that computation leaves out. Every role reads it; only admins insert and
-- delete (`holiday add|remove`), and each change is audited. add_business_days(date, int,
-- country) skips that country's holidays as well as weekends: the posting withdrawal deadline
-- (case_closed_withdrawal, posting_transition) and letters' reply deadlines use it, so a deadline
-- never lands on a day the debtor's offices are shut.
--
-- Time zones. debtor.time_zone is one of its country's zones (NULL = the country's main zone,
-- cobranza.debtor_time_zone); hour windows are read on the debtor's own clock.
--
-- Rule packs. contact_rule (+ contact_rule_hours) is each country's pack, effective-dated as a
-- whole: the pack in force on a day is the country's rows with the latest effective_from on or
-- before it. Rules change by migration only (the law changes with review), staff read them
-- (`rules show`). Each row says which contact kinds it limits and how:
--   hours       allowed inside the day's window (contact_rule_hours), and never on a holiday when
--               closed_on_holidays;
--   rolling     at most max_count contacts of its kinds in any period_days (rolling, exact to the
--               second);
--   gap         at least period_days (×24 h) after the last contact of its kinds;
--   daily       at most max_count contacts of its kinds on one local calendar day;
--   one_channel contacts of its kinds within period_days use one channel (kind) only;
--   forbidden   never;
--   authorised  only through a channel the debtor authorised (contact_authorisation) on or
--               before the day; a reminder needs any written channel (email, sms, whatsapp,
--               letter).
-- A reminder is a written contact whose channel is not said: it counts with letters, emails,
-- SMS and WhatsApp messages.
--
-- contact_check(tenant, case, kind, at) — the gate of 0046, same signature — evaluates every rule
-- of the debtor's pack for the kind at `at` and answers the first refusing rule (its code and
-- text) with the earliest moment every rule allows the contact: each refusal moves the moment to
-- where that rule would allow it and every rule is asked again, until all agree (a fixpoint:
-- moments only move forward) or one says never (allowed_at NULL). Counters are per debtor tax id
-- (country + tax id) across every client and case: SECURITY DEFINER.
--
-- Enforcement. case_event.occurred_at is the moment of a step (today's steps: cobranza.now(); a
-- step dated another day: noon of that day in Santiago, as a pinned date is). The BEFORE INSERT
-- trigger case_event_contact_rules asks contact_check for every contact kind and refuses what it
-- refuses (contact_rule_check, naming the rule and the next moment in the debtor's zone). An admin
-- may let one contact through with a reason in case_event.rule_override, a column only admins may
-- write; the row (and so the reason and who) is in the audit log like every event.

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Holidays
------------------------------------------------------------------------------------------------

CREATE TABLE cobranza.holiday (
    country  char(2) NOT NULL CONSTRAINT holiday_country_check CHECK (country IN ('CL', 'CO', 'MX')),
    day      date NOT NULL CONSTRAINT holiday_day_check CHECK (day BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'),
    name     text NOT NULL CONSTRAINT holiday_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200)
                           CONSTRAINT holiday_name_text CHECK (cobranza.single_line(name, 'name')),
    source   text CONSTRAINT holiday_source_check CHECK (length(source) <= 500)
                  CONSTRAINT holiday_source_text CHECK (cobranza.single_line(source, 'source')),
    added_by name NOT NULL DEFAULT session_user,
    added_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT holiday_pkey PRIMARY KEY (country, day)
);
-- No control characters in any text column (0016's rule).
ALTER TABLE cobranza.holiday ADD CONSTRAINT holiday_country_text CHECK (cobranza.single_line(country::text, 'country'));
ALTER TABLE cobranza.holiday ADD CONSTRAINT holiday_added_by_text CHECK (cobranza.single_line(added_by::text, 'added_by'));
COMMENT ON TABLE cobranza.holiday IS 'public holidays by country: contact windows, legal deadlines, letters'' reply dates';

-- The seed is the migration's, whoever runs it.
ALTER TABLE cobranza.holiday ALTER COLUMN added_by SET DEFAULT 'migration 0055';
INSERT INTO cobranza.holiday (country, day, name, source) VALUES
    ('CL', '2026-01-01', 'Año Nuevo', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-04-03', 'Viernes Santo', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-04-04', 'Sábado Santo', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-05-01', 'Día Nacional del Trabajo', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-05-21', 'Día de las Glorias Navales', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-06-21', 'Día Nacional de los Pueblos Indígenas', 'Ley 21.357 (día del solsticio de invierno)'),
    ('CL', '2026-06-29', 'San Pedro y San Pablo', 'Ley 2.977 y modificaciones; Ley 19.668'),
    ('CL', '2026-07-16', 'Virgen del Carmen', 'Ley 20.148'),
    ('CL', '2026-08-15', 'Asunción de la Virgen', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-09-18', 'Independencia Nacional', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-09-19', 'Día de las Glorias del Ejército', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-10-12', 'Encuentro de Dos Mundos', 'Ley 3.810; Ley 19.668'),
    ('CL', '2026-10-31', 'Día de las Iglesias Evangélicas y Protestantes', 'Ley 20.299'),
    ('CL', '2026-11-01', 'Día de Todos los Santos', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-12-08', 'Inmaculada Concepción', 'Ley 2.977 y modificaciones'),
    ('CL', '2026-12-25', 'Navidad', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-01-01', 'Año Nuevo', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-03-26', 'Viernes Santo', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-03-27', 'Sábado Santo', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-05-01', 'Día Nacional del Trabajo', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-05-21', 'Día de las Glorias Navales', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-06-21', 'Día Nacional de los Pueblos Indígenas', 'Ley 21.357 (día del solsticio de invierno)'),
    ('CL', '2027-06-28', 'San Pedro y San Pablo', 'Ley 2.977 y modificaciones; Ley 19.668'),
    ('CL', '2027-07-16', 'Virgen del Carmen', 'Ley 20.148'),
    ('CL', '2027-08-15', 'Asunción de la Virgen', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-09-18', 'Independencia Nacional', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-09-19', 'Día de las Glorias del Ejército', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-10-11', 'Encuentro de Dos Mundos', 'Ley 3.810; Ley 19.668'),
    ('CL', '2027-10-31', 'Día de las Iglesias Evangélicas y Protestantes', 'Ley 20.299'),
    ('CL', '2027-11-01', 'Día de Todos los Santos', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-12-08', 'Inmaculada Concepción', 'Ley 2.977 y modificaciones'),
    ('CL', '2027-12-25', 'Navidad', 'Ley 2.977 y modificaciones'),
    ('CO', '2026-01-01', 'Año Nuevo', 'Ley 51 de 1983'),
    ('CO', '2026-01-12', 'Día de los Reyes Magos', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-03-23', 'Día de San José', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-04-02', 'Jueves Santo', 'Ley 51 de 1983'),
    ('CO', '2026-04-03', 'Viernes Santo', 'Ley 51 de 1983'),
    ('CO', '2026-05-01', 'Día del Trabajo', 'Ley 51 de 1983'),
    ('CO', '2026-05-18', 'Ascensión del Señor', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-06-08', 'Corpus Christi', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-06-15', 'Sagrado Corazón', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-06-29', 'San Pedro y San Pablo', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-07-20', 'Día de la Independencia', 'Ley 51 de 1983'),
    ('CO', '2026-08-07', 'Batalla de Boyacá', 'Ley 51 de 1983'),
    ('CO', '2026-08-17', 'La Asunción de la Virgen', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-10-12', 'Día de la Raza', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-11-02', 'Todos los Santos', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-11-16', 'Independencia de Cartagena', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2026-12-08', 'Inmaculada Concepción', 'Ley 51 de 1983'),
    ('CO', '2026-12-25', 'Navidad', 'Ley 51 de 1983'),
    ('CO', '2027-01-01', 'Año Nuevo', 'Ley 51 de 1983'),
    ('CO', '2027-01-11', 'Día de los Reyes Magos', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-03-22', 'Día de San José', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-03-25', 'Jueves Santo', 'Ley 51 de 1983'),
    ('CO', '2027-03-26', 'Viernes Santo', 'Ley 51 de 1983'),
    ('CO', '2027-05-01', 'Día del Trabajo', 'Ley 51 de 1983'),
    ('CO', '2027-05-10', 'Ascensión del Señor', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-05-31', 'Corpus Christi', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-06-07', 'Sagrado Corazón', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-07-05', 'San Pedro y San Pablo', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-07-20', 'Día de la Independencia', 'Ley 51 de 1983'),
    ('CO', '2027-08-07', 'Batalla de Boyacá', 'Ley 51 de 1983'),
    ('CO', '2027-08-16', 'La Asunción de la Virgen', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-10-18', 'Día de la Raza', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-11-01', 'Todos los Santos', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-11-15', 'Independencia de Cartagena', 'Ley 51 de 1983 (Ley Emiliani)'),
    ('CO', '2027-12-08', 'Inmaculada Concepción', 'Ley 51 de 1983'),
    ('CO', '2027-12-25', 'Navidad', 'Ley 51 de 1983'),
    ('MX', '2026-01-01', 'Año Nuevo', 'Ley Federal del Trabajo art. 74 I'),
    ('MX', '2026-02-02', 'Día de la Constitución', 'Ley Federal del Trabajo art. 74 II'),
    ('MX', '2026-03-16', 'Natalicio de Benito Juárez', 'Ley Federal del Trabajo art. 74 III'),
    ('MX', '2026-04-02', 'Jueves Santo', 'CNBV: días inhábiles bancarios'),
    ('MX', '2026-04-03', 'Viernes Santo', 'CNBV: días inhábiles bancarios'),
    ('MX', '2026-05-01', 'Día del Trabajo', 'Ley Federal del Trabajo art. 74 IV'),
    ('MX', '2026-09-16', 'Día de la Independencia', 'Ley Federal del Trabajo art. 74 V'),
    ('MX', '2026-11-16', 'Día de la Revolución', 'Ley Federal del Trabajo art. 74 VI'),
    ('MX', '2026-12-25', 'Navidad', 'Ley Federal del Trabajo art. 74 VIII'),
    ('MX', '2027-01-01', 'Año Nuevo', 'Ley Federal del Trabajo art. 74 I'),
    ('MX', '2027-02-01', 'Día de la Constitución', 'Ley Federal del Trabajo art. 74 II'),
    ('MX', '2027-03-15', 'Natalicio de Benito Juárez', 'Ley Federal del Trabajo art. 74 III'),
    ('MX', '2027-03-25', 'Jueves Santo', 'CNBV: días inhábiles bancarios'),
    ('MX', '2027-03-26', 'Viernes Santo', 'CNBV: días inhábiles bancarios'),
    ('MX', '2027-05-01', 'Día del Trabajo', 'Ley Federal del Trabajo art. 74 IV'),
    ('MX', '2027-09-16', 'Día de la Independencia', 'Ley Federal del Trabajo art. 74 V'),
    ('MX', '2027-11-15', 'Día de la Revolución', 'Ley Federal del Trabajo art. 74 VI'),
    ('MX', '2027-12-25', 'Navidad', 'Ley Federal del Trabajo art. 74 VIII');

ALTER TABLE cobranza.holiday ALTER COLUMN added_by SET DEFAULT session_user;

-- People read the calendar; admins add and remove days (no updates: remove and add again). Who
-- added a day and when are the defaults, which no one may name.
GRANT SELECT ON cobranza.holiday TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT INSERT (country, day, name, source), DELETE ON cobranza.holiday TO cobranza_admin;

CREATE TRIGGER holiday_audit AFTER INSERT OR DELETE ON cobranza.holiday
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

-- The p_days-th business day after p_from in p_country: weekends and that country's holidays
-- skipped. CobranzaCore's CalendarDate.adding(businessDays:skipping:).
CREATE FUNCTION cobranza.add_business_days(p_from date, p_days integer, p_country text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT CASE WHEN p_days <= 0 THEN p_from ELSE (
        SELECT d::date FROM pg_catalog.generate_series(p_from + 1, p_from + p_days * 2 + 40, interval '1 day') d
         WHERE extract(isodow FROM d) < 6
           AND NOT EXISTS (SELECT 1 FROM cobranza.holiday h WHERE h.country = p_country AND h.day = d::date)
         ORDER BY d OFFSET p_days - 1 LIMIT 1) END
$$;
REVOKE ALL ON FUNCTION cobranza.add_business_days(date, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.add_business_days(date, integer, text)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- Redefined from 0005 (its current definition): the withdrawal deadline counts the debtor's
-- country's holidays.
CREATE OR REPLACE FUNCTION cobranza.case_closed_withdrawal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF NEW.close_code <> 'uncollectible' THEN
        UPDATE cobranza.posting SET withdrawal_due = cobranza.add_business_days(cobranza.today(), 7,
                   (SELECT d.country FROM cobranza.debtor d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.debtor_id))
         WHERE tenant_id = NEW.tenant_id AND case_id = NEW.id AND published_on IS NOT NULL AND withdrawn_on IS NULL
           AND withdrawal_due IS NULL;
    END IF;
    RETURN NULL;
END
$$;

-- Redefined from 0012 (its current definition): the withdrawal deadline it accepts is the one
-- case_closed_withdrawal sets, holidays of the debtor's country counted.
CREATE OR REPLACE FUNCTION cobranza.posting_transition()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'cobranza', 'pg_temp'
AS $function$
DECLARE
    v_case     record;
    v_days     integer;
BEGIN
    IF (NEW.tenant_id, NEW.case_id, NEW.notice_on) IS DISTINCT FROM (OLD.tenant_id, OLD.case_id, OLD.notice_on)
       OR OLD.withdrawn_on IS NOT NULL
       OR (OLD.published_on IS NOT NULL AND (NEW.published_on, NEW.registry, NEW.reference)
                                            IS DISTINCT FROM (OLD.published_on, OLD.registry, OLD.reference))
       OR (NEW.withdrawal_due IS DISTINCT FROM OLD.withdrawal_due
           AND (OLD.withdrawal_due IS NOT NULL OR NEW.withdrawal_due IS DISTINCT FROM cobranza.add_business_days(cobranza.today(), 7,
                   (SELECT d.country FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id))
                OR NOT EXISTS (SELECT 1 FROM cobranza.collection_case c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id
                                  AND c.stage = 'closed'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_transition_check',
            MESSAGE = format('posting %s: a posting is notified, published and withdrawn once each; nothing else changes', OLD.id);
    END IF;
    SELECT c.number, c.stage, c.disputed, d.country, t.code AS client,
           (SELECT min(i.due) FROM cobranza.invoice i WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS oldest_due
      INTO v_case
      FROM cobranza.collection_case c
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
      JOIN cobranza.tenant t ON t.id = c.tenant_id
     WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id FOR UPDATE OF c;
    -- Published and withdrawn today, never backdated.
    IF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL THEN
        NEW.withdrawn_on := cobranza.today();
    END IF;
    IF OLD.published_on IS NULL AND NEW.published_on IS NOT NULL THEN
        NEW.published_on := cobranza.today();
        IF v_case.stage = 'closed' THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_open_check',
                MESSAGE = format('case %s is closed: it cannot be posted', v_case.number);
        END IF;
        IF NEW.published_on > cobranza.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_published_check',
                COLUMN = 'published_on', MESSAGE = format('published_on: %s is in the future', NEW.published_on);
        END IF;
        IF NOT coalesce((cobranza.contract_on(NEW.tenant_id, NEW.published_on)).posting_consent, false) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_consent_check',
                MESSAGE = format('client %s has not consented to public posting (client contract set %s --posting-consent yes)',
                                 v_case.client, v_case.client);
        END IF;
        IF v_case.disputed THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'collection_case_disputed_check',
                MESSAGE = format('case %s is disputed: a disputed case cannot be posted', v_case.number);
        END IF;
        v_days := CASE WHEN v_case.country = 'CO' THEN 20
                       ELSE coalesce((cobranza.contract_on(NEW.tenant_id, NEW.published_on)).posting_notice_days, 15) END;
        IF NEW.published_on < OLD.notice_on + v_days THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_notice_period_check',
                MESSAGE = format('case %s: the debtor was notified on %s and %s requires %s days'' notice: posting is allowed from %s',
                                 v_case.number, OLD.notice_on,
                                 CASE v_case.country WHEN 'CO' THEN 'Colombian law' ELSE 'the contract' END,
                                 v_days, OLD.notice_on + v_days);
        END IF;
        IF v_case.country = 'CL' AND v_case.oldest_due < (NEW.published_on - interval '5 years')::date THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_prescription_check',
                MESSAGE = format('case %s: its oldest invoice fell due on %s, more than 5 years ago: Chilean law forbids posting it',
                                 v_case.number, v_case.oldest_due);
        END IF;
    END IF;
    IF OLD.withdrawn_on IS NULL AND NEW.withdrawn_on IS NOT NULL AND NEW.withdrawn_on > cobranza.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'posting_withdrawn_check',
            COLUMN = 'withdrawn_on', MESSAGE = format('withdrawn_on: %s is in the future', NEW.withdrawn_on);
    END IF;
    RETURN NEW;
END
$function$;

------------------------------------------------------------------------------------------------
-- The debtor's time zone
------------------------------------------------------------------------------------------------

ALTER TABLE cobranza.debtor ADD COLUMN time_zone text
    CONSTRAINT debtor_time_zone_check CHECK (
        country = 'CL' AND time_zone IN ('America/Santiago', 'America/Punta_Arenas')
        OR country = 'CO' AND time_zone = 'America/Bogota'
        OR country = 'MX' AND time_zone IN ('America/Mexico_City', 'America/Cancun', 'America/Monterrey', 'America/Chihuahua',
                                            'America/Hermosillo', 'America/Mazatlan', 'America/Tijuana'));
ALTER TABLE cobranza.debtor ADD CONSTRAINT debtor_time_zone_text CHECK (cobranza.single_line(time_zone::text, 'time_zone'));
COMMENT ON COLUMN cobranza.debtor.time_zone IS 'the debtor''s zone for contact hours; NULL: its country''s main zone (debtor_time_zone)';
GRANT INSERT (time_zone), UPDATE (time_zone) ON cobranza.debtor TO cobranza_admin, cobranza_collector;
GRANT INSERT (time_zone) ON cobranza.debtor TO cobranza_client;

-- The zone a debtor's hours are read in: its own, else its country's main one.
CREATE FUNCTION cobranza.debtor_time_zone(p_country text, p_time_zone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT coalesce(p_time_zone, CASE p_country WHEN 'CL' THEN 'America/Santiago' WHEN 'CO' THEN 'America/Bogota'
                                                WHEN 'MX' THEN 'America/Mexico_City' END)
$$;
REVOKE ALL ON FUNCTION cobranza.debtor_time_zone(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.debtor_time_zone(text, text)
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;

-- Counters look a debtor up by tax id across clients.
CREATE INDEX debtor_country_tax_id_idx ON cobranza.debtor (country, tax_id);

------------------------------------------------------------------------------------------------
-- Rule packs
------------------------------------------------------------------------------------------------

CREATE TABLE cobranza.contact_rule (
    country            char(2) NOT NULL CONSTRAINT contact_rule_country_check CHECK (country IN ('CL', 'CO', 'MX')),
    effective_from     date NOT NULL,
    code               text NOT NULL CONSTRAINT contact_rule_code_check CHECK (code ~ '^[A-Z]{2}(-[A-Z0-9]+)+$' AND left(code, 2) = country),
    position           smallint NOT NULL,
    kinds              text[] NOT NULL CONSTRAINT contact_rule_kinds_check
                           CHECK (cardinality(kinds) > 0 AND kinds <@ ARRAY['reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp']),
    limit_kind         text NOT NULL CONSTRAINT contact_rule_limit_kind_check
                           CHECK (limit_kind IN ('hours', 'rolling', 'gap', 'daily', 'one_channel', 'forbidden', 'authorised')),
    max_count          integer CONSTRAINT contact_rule_max_count_check CHECK (max_count > 0),
    period_days        integer CONSTRAINT contact_rule_period_days_check CHECK (period_days > 0),
    closed_on_holidays boolean NOT NULL DEFAULT false,
    summary            text NOT NULL,
    source             text NOT NULL,
    notes              text,
    CONSTRAINT contact_rule_pkey PRIMARY KEY (country, effective_from, code),
    CONSTRAINT contact_rule_position_key UNIQUE (country, effective_from, position),
    CONSTRAINT contact_rule_numbers_check CHECK (
        (max_count IS NOT NULL) = (limit_kind IN ('rolling', 'daily'))
        AND (period_days IS NOT NULL) = (limit_kind IN ('rolling', 'gap', 'one_channel')))
);
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_country_text CHECK (cobranza.single_line(country::text, 'country'));
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_code_text CHECK (cobranza.single_line(code::text, 'code'));
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_limit_kind_text CHECK (cobranza.single_line(limit_kind::text, 'limit_kind'));
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_summary_text CHECK (cobranza.single_line(summary::text, 'summary'));
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_source_text CHECK (cobranza.single_line(source::text, 'source'));
ALTER TABLE cobranza.contact_rule ADD CONSTRAINT contact_rule_notes_text CHECK (cobranza.single_line(notes::text, 'notes'));
COMMENT ON TABLE cobranza.contact_rule IS 'each country''s contact law, a pack per effective_from; changed by migration only';

CREATE TABLE cobranza.contact_rule_hours (
    country        char(2) NOT NULL,
    effective_from date NOT NULL,
    code           text NOT NULL,
    isodow         smallint NOT NULL CONSTRAINT contact_rule_hours_isodow_check CHECK (isodow BETWEEN 1 AND 7),
    opens          time NOT NULL,
    closes         time NOT NULL,
    CONSTRAINT contact_rule_hours_check CHECK (opens < closes),
    CONSTRAINT contact_rule_hours_pkey PRIMARY KEY (country, effective_from, code, isodow),
    CONSTRAINT contact_rule_hours_rule_fkey FOREIGN KEY (country, effective_from, code)
        REFERENCES cobranza.contact_rule (country, effective_from, code)
);
ALTER TABLE cobranza.contact_rule_hours ADD CONSTRAINT contact_rule_hours_country_text CHECK (cobranza.single_line(country::text, 'country'));
ALTER TABLE cobranza.contact_rule_hours ADD CONSTRAINT contact_rule_hours_code_text CHECK (cobranza.single_line(code::text, 'code'));
COMMENT ON TABLE cobranza.contact_rule_hours IS 'the window of an hours rule on each weekday (1 Monday … 7 Sunday), local to the debtor';

GRANT SELECT ON cobranza.contact_rule, cobranza.contact_rule_hours TO cobranza_admin, cobranza_collector, cobranza_lawyer;

INSERT INTO cobranza.contact_rule (country, effective_from, code, position, kinds, limit_kind, max_count, period_days,
                                   closed_on_holidays, summary, source, notes) VALUES
    ('CL', '2021-04-20', 'CL-CALL-HOURS', 1, '{call,visit}', 'hours', NULL, NULL, true,
     'calls and visits Monday–Saturday 08:00–20:00, never on a public holiday',
     'Ley 19.496 art. 37 (as amended by Ley 21.320, 2021)', 'local time of the debtor'),
    ('CL', '2021-04-20', 'CL-CALL-WEEKLY', 2, '{call,visit}', 'rolling', 1, 7, false,
     'calls and visits together at most once in any 7 days',
     'Ley 19.496 art. 37 (as amended by Ley 21.320, 2021)', 'per debtor tax id, across every client of the agency'),
    ('CL', '2021-04-20', 'CL-WRITTEN-WEEKLY', 3, '{reminder,letter,email,sms,whatsapp}', 'rolling', 2, 7, false,
     'written contacts (letter, email, SMS, WhatsApp, reminder) at most twice in any 7 days',
     'Ley 19.496 art. 37 (as amended by Ley 21.320, 2021)',
     'per debtor tax id, across every client; a reminder is a written message whose channel is not recorded, so it counts here'),
    ('CL', '2021-04-20', 'CL-WRITTEN-GAP', 4, '{reminder,letter,email,sms,whatsapp}', 'gap', NULL, 2, false,
     'written contacts at least 2 days (48 hours) apart',
     'Ley 19.496 art. 37 (as amended by Ley 21.320, 2021)', 'per debtor tax id, across every client'),
    ('CO', '2024-01-10', 'CO-NO-VISITS', 1, '{visit}', 'forbidden', NULL, NULL, false,
     'no visits to the debtor',
     'Ley 2300 de 2023 (contact only through the channels the consumer authorised)',
     'conservative interpretation: a visit is not a channel a debtor authorises'),
    ('CO', '2024-01-10', 'CO-AUTHORISED-CHANNELS', 2, '{reminder,call,letter,email,sms,whatsapp}', 'authorised', NULL, NULL, false,
     'only channels the debtor authorised (debtor authorize)',
     'Ley 2300 de 2023 art. 3 (canales autorizados por el consumidor)',
     'a reminder needs any written channel authorised (email, sms, whatsapp or letter)'),
    ('CO', '2024-01-10', 'CO-HOURS', 3, '{reminder,call,letter,visit,email,sms,whatsapp}', 'hours', NULL, NULL, true,
     'Monday–Friday 07:00–19:00 and Saturday 08:00–15:00, never on Sundays or public holidays',
     'Ley 2300 de 2023 art. 3 (horarios de contacto)', 'local time of the debtor'),
    ('CO', '2024-01-10', 'CO-DAILY', 4, '{reminder,call,letter,visit,email,sms,whatsapp}', 'daily', 1, NULL, false,
     'at most one contact a day',
     'Ley 2300 de 2023 art. 3 (frecuencia de contacto)',
     'conservative interpretation of the law''s frequency limit: one contact a day by any channel, per debtor tax id across every client'),
    ('CO', '2024-01-10', 'CO-ONE-CHANNEL', 5, '{reminder,call,letter,visit,email,sms,whatsapp}', 'one_channel', NULL, 7, false,
     'one channel in any 7 days',
     'Ley 2300 de 2023 art. 3 (frecuencia de contacto)',
     'conservative interpretation: once a channel is used, others wait until 7 days after its last use, per debtor tax id across every client'),
    ('MX', '2020-01-01', 'MX-HOURS', 1, '{reminder,call,letter,visit,email,sms,whatsapp}', 'hours', NULL, NULL, true,
     'Monday–Friday 07:00–22:00, never on a federal holiday',
     'CONDUSEF, Disposiciones de carácter general aplicables a las entidades financieras en materia de despachos de cobranza (gestiones de 7:00 a 22:00 horas); Profeco; Ley Federal del Trabajo art. 74',
     'local time of the debtor; weekdays only is the agency''s stricter reading; effective_from is the pack''s adoption, not the regulation''s date');

INSERT INTO cobranza.contact_rule_hours (country, effective_from, code, isodow, opens, closes)
SELECT 'CL', DATE '2021-04-20', 'CL-CALL-HOURS', d, TIME '08:00', TIME '20:00' FROM generate_series(1, 6) d
UNION ALL
SELECT 'CO', DATE '2024-01-10', 'CO-HOURS', d, TIME '07:00', TIME '19:00' FROM generate_series(1, 5) d
UNION ALL
SELECT 'CO', DATE '2024-01-10', 'CO-HOURS', 6, TIME '08:00', TIME '15:00'
UNION ALL
SELECT 'MX', DATE '2020-01-01', 'MX-HOURS', d, TIME '07:00', TIME '22:00' FROM generate_series(1, 5) d;

------------------------------------------------------------------------------------------------
-- Channels a debtor authorised (Colombia)
------------------------------------------------------------------------------------------------

CREATE TABLE cobranza.contact_authorisation (
    tenant_id     bigint NOT NULL DEFAULT cobranza.current_tenant(),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    debtor_id     bigint NOT NULL,
    channel       text NOT NULL CONSTRAINT contact_authorisation_channel_check
                      CHECK (channel IN ('call', 'email', 'sms', 'whatsapp', 'letter')),
    authorised_on date NOT NULL,
    source        text NOT NULL CONSTRAINT contact_authorisation_source_check CHECK (length(btrim(source)) BETWEEN 1 AND 500)
                       CONSTRAINT contact_authorisation_source_text CHECK (cobranza.single_line(source, 'source')),
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by    name NOT NULL DEFAULT session_user,
    CONSTRAINT contact_authorisation_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT contact_authorisation_channel_key UNIQUE (tenant_id, debtor_id, channel),
    CONSTRAINT contact_authorisation_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor (tenant_id, id)
);
ALTER TABLE cobranza.contact_authorisation ADD CONSTRAINT contact_authorisation_channel_text CHECK (cobranza.single_line(channel::text, 'channel'));
ALTER TABLE cobranza.contact_authorisation ADD CONSTRAINT contact_authorisation_created_by_text CHECK (cobranza.single_line(created_by::text, 'created_by'));
COMMENT ON TABLE cobranza.contact_authorisation IS 'the channels a debtor authorised its creditor to use, with the date and where it is recorded';

ALTER TABLE cobranza.contact_authorisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.contact_authorisation FORCE ROW LEVEL SECURITY;
CREATE POLICY contact_authorisation_staff_all ON cobranza.contact_authorisation TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY contact_authorisation_client_read ON cobranza.contact_authorisation FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY contact_authorisation_owner_read ON cobranza.contact_authorisation FOR SELECT TO cobranza_owner USING (true);
GRANT SELECT ON cobranza.contact_authorisation TO cobranza_admin, cobranza_collector, cobranza_client;
GRANT INSERT (tenant_id, debtor_id, channel, authorised_on, source) ON cobranza.contact_authorisation TO cobranza_admin, cobranza_collector;

CREATE TRIGGER contact_authorisation_audit_insert AFTER INSERT ON cobranza.contact_authorisation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement();
CREATE TRIGGER contact_authorisation_audit AFTER UPDATE OR DELETE ON cobranza.contact_authorisation
    FOR EACH ROW EXECUTE FUNCTION cobranza.audit();

------------------------------------------------------------------------------------------------
-- The moment of a step, and the admin's override
------------------------------------------------------------------------------------------------

ALTER TABLE cobranza.case_event ADD COLUMN occurred_at timestamptz;
ALTER TABLE cobranza.case_event ADD COLUMN rule_override text
    CONSTRAINT case_event_rule_override_check CHECK (length(btrim(rule_override)) BETWEEN 1 AND 500)
    CONSTRAINT case_event_rule_override_text CHECK (cobranza.single_line(rule_override, 'rule_override'));
COMMENT ON COLUMN cobranza.case_event.occurred_at IS 'the moment of the step; a step dated another day than today: noon of that day in Santiago';
COMMENT ON COLUMN cobranza.case_event.rule_override IS 'an admin''s reason for letting one contact through the country''s contact rules';

-- As the migrating superuser: FORCE ROW LEVEL SECURITY and the append-only trigger. Existing
-- steps happened when they were recorded when that was on their day, else at noon of their day.
RESET ROLE;
ALTER TABLE cobranza.case_event DISABLE TRIGGER case_event_append_only;
ALTER TABLE cobranza.case_event DISABLE TRIGGER case_event_audit;
UPDATE cobranza.case_event
   SET occurred_at = CASE WHEN (created_at AT TIME ZONE 'America/Santiago')::date = occurred_on THEN created_at
                          ELSE (occurred_on + TIME '12:00') AT TIME ZONE 'America/Santiago' END;
ALTER TABLE cobranza.case_event ENABLE TRIGGER case_event_audit;
ALTER TABLE cobranza.case_event ENABLE TRIGGER case_event_append_only;
SET LOCAL ROLE cobranza_owner;

ALTER TABLE cobranza.case_event ALTER COLUMN occurred_at SET DEFAULT cobranza.now();
ALTER TABLE cobranza.case_event ALTER COLUMN occurred_at SET NOT NULL;
GRANT SELECT (occurred_at) ON cobranza.case_event TO cobranza_client;
GRANT INSERT (rule_override) ON cobranza.case_event TO cobranza_admin;

-- The counters read a debtor's contacts by moment.
CREATE INDEX case_event_contact_idx ON cobranza.case_event (tenant_id, case_id, occurred_at)
    WHERE kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp');

------------------------------------------------------------------------------------------------
-- The rules, asked
------------------------------------------------------------------------------------------------

-- The contacts of one debtor (country + tax id, every client and case) of the given kinds with a
-- moment in (p_after, p_until], newest first. plpgsql, not sql: its plan is kept for the session
-- (a non-inlined sql function is planned on every call). Like contact_rule_allows it is called
-- only by contact_check, which pins search_path; it names everything by schema and has no SET
-- of its own, whose save and restore on every call cost a third of a check.
CREATE FUNCTION cobranza.debtor_contacts(p_country text, p_tax_id text, p_kinds text[], p_after timestamptz, p_until timestamptz)
    RETURNS TABLE (occurred_at timestamptz, kind text)
    LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN QUERY
    SELECT e.occurred_at, e.kind
      FROM cobranza.debtor d
      JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
      JOIN cobranza.case_event e ON e.tenant_id = c.tenant_id AND e.case_id = c.id
     WHERE d.country = p_country::char(2) AND d.tax_id = p_tax_id
       AND e.kind IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') AND e.kind = ANY (p_kinds)
       AND e.occurred_at > p_after AND e.occurred_at <= p_until
     ORDER BY e.occurred_at DESC;
END
$$;
REVOKE ALL ON FUNCTION cobranza.debtor_contacts(text, text, text[], timestamptz, timestamptz) FROM PUBLIC;

-- One rule asked about a contact of p_kind at p_at: p_at when it allows it, the first moment
-- after p_at it would, or 'infinity' when no moment will.
CREATE FUNCTION cobranza.contact_rule_allows(p_rule cobranza.contact_rule, p_kind text, p_at timestamptz, p_zone text,
                                             p_tenant bigint, p_debtor bigint, p_tax_id text)
    RETURNS timestamptz
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_local timestamp := p_at AT TIME ZONE p_zone;
    v_day   date := (p_at AT TIME ZONE p_zone)::date;
    v_next  timestamptz;
    v_opens time;
    v_closes time;
    v_on    date;
BEGIN
    CASE p_rule.limit_kind
    WHEN 'forbidden' THEN
        RETURN 'infinity';
    WHEN 'authorised' THEN
        SELECT min(a.authorised_on) INTO v_on FROM cobranza.contact_authorisation a
         WHERE a.tenant_id = p_tenant AND a.debtor_id = p_debtor
           AND (a.channel = p_kind OR p_kind = 'reminder' AND a.channel IN ('email', 'sms', 'whatsapp', 'letter'));
        RETURN CASE WHEN v_on IS NULL THEN 'infinity'
                    WHEN v_on <= v_day THEN p_at
                    ELSE v_on::timestamp AT TIME ZONE p_zone END;
    WHEN 'hours' THEN
        FOR i IN 0..21 LOOP
            v_on := v_day + i;
            CONTINUE WHEN p_rule.closed_on_holidays
                      AND EXISTS (SELECT 1 FROM cobranza.holiday h WHERE h.country = p_rule.country AND h.day = v_on);
            SELECT w.opens, w.closes INTO v_opens, v_closes FROM cobranza.contact_rule_hours w
             WHERE (w.country, w.effective_from, w.code) = (p_rule.country, p_rule.effective_from, p_rule.code)
               AND w.isodow = extract(isodow FROM v_on);
            CONTINUE WHEN NOT FOUND;
            IF i = 0 THEN
                IF v_local::time >= v_opens AND v_local::time < v_closes THEN
                    RETURN p_at;
                ELSIF v_local::time < v_opens THEN
                    RETURN (v_on + v_opens) AT TIME ZONE p_zone;
                END IF;
            ELSE
                RETURN (v_on + v_opens) AT TIME ZONE p_zone;
            END IF;
        END LOOP;
        RETURN 'infinity';
    WHEN 'rolling' THEN
        SELECT k.occurred_at + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k
         ORDER BY k.occurred_at DESC OFFSET p_rule.max_count - 1 LIMIT 1;
        RETURN coalesce(v_next, p_at);
    WHEN 'gap' THEN
        SELECT max(k.occurred_at) + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k;
        RETURN coalesce(v_next, p_at);
    WHEN 'daily' THEN
        IF (SELECT count(*) FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                                          v_day::timestamp AT TIME ZONE p_zone,
                                                          ((v_day + 1)::timestamp AT TIME ZONE p_zone) - interval '1 microsecond'))
           >= p_rule.max_count THEN
            RETURN (v_day + 1)::timestamp AT TIME ZONE p_zone;
        END IF;
        RETURN p_at;
    WHEN 'one_channel' THEN
        SELECT max(k.occurred_at) + make_interval(days => p_rule.period_days) INTO v_next
          FROM cobranza.debtor_contacts(p_rule.country, p_tax_id, p_rule.kinds,
                                        p_at - make_interval(days => p_rule.period_days), p_at) k
         WHERE k.kind <> p_kind;
        RETURN coalesce(v_next, p_at);
    END CASE;
END
$$;
REVOKE ALL ON FUNCTION cobranza.contact_rule_allows(cobranza.contact_rule, text, timestamptz, text, bigint, bigint, text) FROM PUBLIC;

-- "CODE (summary)": how a refusal names its rule.
CREATE FUNCTION cobranza.contact_rule_label(p_rule cobranza.contact_rule) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT p_rule.code || ' (' || p_rule.summary || ')'
$$;
REVOKE ALL ON FUNCTION cobranza.contact_rule_label(cobranza.contact_rule) FROM PUBLIC;

-- The gate of 0046, now with the country packs (same signature; see the header).
CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                  OUT rule text, OUT allowed_at timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_debtor record;
    v_at     timestamptz := p_at;
    v_rule   cobranza.contact_rule;
    v_next   timestamptz;
    v_moved  boolean;
BEGIN
    SELECT d.id, d.country, d.tax_id, cobranza.debtor_time_zone(d.country, d.time_zone) AS zone INTO v_debtor
      FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
     WHERE c.tenant_id = p_tenant AND c.id = p_case;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'case_event_case_fkey', MESSAGE = 'no such case';
    END IF;
    allowed_at := p_at;
    IF p_kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') OR p_at IS NULL THEN
        RETURN;
    END IF;
    -- Each refusal moves the moment forward to where that rule allows it; ask every rule again
    -- until none moves it. 60 rounds cover any pack: each round passes at least one limit.
    FOR v_round IN 1..60 LOOP
        v_moved := false;
        FOR v_rule IN
            SELECT r.* FROM cobranza.contact_rule r
             WHERE r.country = v_debtor.country AND p_kind = ANY (r.kinds)
               AND r.effective_from = (SELECT max(x.effective_from) FROM cobranza.contact_rule x
                                        WHERE x.country = v_debtor.country AND x.effective_from <= (v_at AT TIME ZONE v_debtor.zone)::date)
             ORDER BY r.position
        LOOP
            v_next := cobranza.contact_rule_allows(v_rule, p_kind, v_at, v_debtor.zone, p_tenant, v_debtor.id, v_debtor.tax_id);
            IF v_next > v_at THEN
                rule := coalesce(rule, cobranza.contact_rule_label(v_rule));
                IF v_next = 'infinity' THEN
                    allowed_at := NULL;
                    RETURN;
                END IF;
                v_at := v_next;
                v_moved := true;
                EXIT;
            END IF;
        END LOOP;
        IF NOT v_moved THEN
            allowed_at := v_at;
            RETURN;
        END IF;
    END LOOP;
    allowed_at := NULL;
END
$$;

-- Every contact written, by whoever and however, passes the rules or carries an admin's reason.
CREATE FUNCTION cobranza.case_event_contact_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_check record;
    v_zone  text;
BEGIN
    -- A step dated another day than today happened at noon of its day (as a pinned date does).
    IF NEW.occurred_on IS DISTINCT FROM cobranza.today() THEN
        NEW.occurred_at := (NEW.occurred_on + TIME '12:00') AT TIME ZONE 'America/Santiago';
    END IF;
    IF NEW.kind NOT IN ('reminder', 'call', 'letter', 'visit', 'email', 'sms', 'whatsapp') THEN
        IF NEW.rule_override IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'case_event_rule_override_check',
                COLUMN = 'rule_override', MESSAGE = 'rule_override: only a contact is let through the contact rules';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.rule_override IS NOT NULL THEN
        IF cobranza.current_kind() IS DISTINCT FROM 'admin' AND current_user <> 'cobranza_owner' THEN
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', COLUMN = 'rule_override',
                MESSAGE = 'rule_override: only an admin may let a contact through the contact rules';
        END IF;
        RETURN NEW;
    END IF;
    SELECT * INTO v_check FROM cobranza.contact_check(NEW.tenant_id, NEW.case_id, NEW.kind, NEW.occurred_at);
    IF v_check.rule IS NOT NULL THEN
        SELECT cobranza.debtor_time_zone(d.country, d.time_zone) INTO v_zone
          FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
         WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.case_id;
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'contact_rule_check',
            MESSAGE = format('%s refused by %s: %s', NEW.kind, v_check.rule,
                             CASE WHEN v_check.allowed_at IS NULL THEN 'no moment allows it'
                                  ELSE 'next allowed ' || cobranza.local_moment(v_check.allowed_at, coalesce(v_zone, 'America/Santiago')) END),
            HINT = 'an admin may let one contact through with a reason (step log … --override REASON)';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION cobranza.case_event_contact_rules() FROM PUBLIC;

-- "Monday 2026-12-07 08:00 America/Santiago": a moment as a debtor's clock shows it.
CREATE FUNCTION cobranza.local_moment(p_at timestamptz, p_zone text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
    SELECT to_char(p_at AT TIME ZONE p_zone, 'FMDay YYYY-MM-DD HH24:MI') || ' ' || p_zone
$$;
REVOKE ALL ON FUNCTION cobranza.local_moment(timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.local_moment(timestamptz, text) TO cobranza_admin, cobranza_collector, cobranza_lawyer;

-- After case_event_check (names fire in order): a closed case is refused as closed first.
CREATE TRIGGER case_event_contact_rules BEFORE INSERT ON cobranza.case_event
    FOR EACH ROW EXECUTE FUNCTION cobranza.case_event_contact_rules();

RESET ROLE;
