-- 0002_intake: debtors, import batches, submissions, invoices, collection cases, the case
-- timeline, the case number counter, the case summary views.
--
-- Run by the migration runner as ONE simple-query string inside its transaction, as a superuser,
-- in the target database (no BEGIN/COMMIT here). No roles are created: 0001 made them.
--
-- Conventions for every tenant table (DESIGN.md sections 3 and 4):
--   * tenant_id bigint NOT NULL REFERENCES tenant, primary key (tenant_id, id), and every unique
--     constraint and foreign key between tenant tables includes tenant_id. A client (SME) user
--     can then never reference, or learn through a unique violation about, another tenant's
--     row, and Citus can later distribute every table by tenant_id. The one exception is
--     collection_case.number, unique across the agency (see there). invoice reaches tenant,
--     debtor and currency through its submission's keys only (see there: bulk import cost).
--   * tenant_id defaults to cobranza.current_tenant(): an SME never types it; staff (for whom it
--     is NULL) must give it, and get a not-null violation when they forget.
--   * ENABLE + FORCE ROW LEVEL SECURITY; every staff policy checks the group AND
--     (SELECT cobranza.current_kind()), as in 0001, so a role of another database of the cluster
--     sees nothing here. Client policies match tenant_id = (SELECT cobranza.current_tenant()).
--   * The who/when columns (created_by/at, submitted_by/at, imported_by/at, opened_by/at) are
--     filled by defaults from session_user and now() and are in no INSERT or UPDATE column
--     grant, so nobody can forge them. tenant_id is in no UPDATE grant: rows never change tenant.
--   * Nobody has DELETE or TRUNCATE: corrections are updates (audited) or new rows.
--   * Audit: UPDATE and DELETE go through 0001's row-level cobranza.audit(); INSERT goes through
--     the statement-level cobranza.audit_insert_statement() defined here (see there for why).
--   * Referential checks run as the table owner without RLS (PostgreSQL's RI triggers), so
--     foreign keys work for every caller without owner policies on these tables.

SET LOCAL ROLE cobranza_owner;

------------------------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------------------------

-- Debtor: who owes the tenant. tax_id arrives normalized by the application (validated per
-- country there: RUT, NIT, RFC); the database only guards its alphabet and length.
CREATE TABLE cobranza.debtor (
    tenant_id  bigint      NOT NULL DEFAULT cobranza.current_tenant()
                           CONSTRAINT debtor_tenant_fkey REFERENCES cobranza.tenant (id),
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    country    char(2)     NOT NULL CONSTRAINT debtor_country_check CHECK (country IN ('CL', 'CO', 'MX')),
    tax_id     text        NOT NULL CONSTRAINT debtor_tax_id_check CHECK (tax_id ~ '^[A-Z0-9&Ñ-]{5,20}$'),
    name       text        NOT NULL CONSTRAINT debtor_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind       text        NOT NULL DEFAULT 'company'
                           CONSTRAINT debtor_kind_check CHECK (kind IN ('company', 'person')),
    email      text        CONSTRAINT debtor_email_check CHECK (length(email) <= 254 AND strpos(email, '@') > 0),
    phone      text        CONSTRAINT debtor_phone_check   CHECK (length(phone) <= 200),
    address    text        CONSTRAINT debtor_address_check CHECK (length(address) <= 200),
    city       text        CONSTRAINT debtor_city_check    CHECK (length(city) <= 200),
    region     text        CONSTRAINT debtor_region_check  CHECK (length(region) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name        NOT NULL DEFAULT session_user,
    CONSTRAINT debtor_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT debtor_tenant_id_country_tax_id_key UNIQUE (tenant_id, country, tax_id)
);

-- Import batch: one file of placements. The checksum of the file's bytes (computed by the
-- application; only its length is checked here) is unique per tenant: importing the same file
-- twice is caught here.
CREATE TABLE cobranza.import_batch (
    tenant_id   bigint      NOT NULL DEFAULT cobranza.current_tenant()
                            CONSTRAINT import_batch_tenant_fkey REFERENCES cobranza.tenant (id),
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    file_name   text        NOT NULL
                            CONSTRAINT import_batch_file_name_check CHECK (length(btrim(file_name)) BETWEEN 1 AND 255),
    checksum    text        NOT NULL CONSTRAINT import_batch_checksum_check CHECK (length(checksum) BETWEEN 1 AND 128),
    row_count   integer     NOT NULL CONSTRAINT import_batch_row_count_check CHECK (row_count >= 0),
    imported_by name        NOT NULL DEFAULT session_user,
    imported_at timestamptz NOT NULL DEFAULT now(),
    -- The business date (cobranza.today(), which tests and --as-of pin), for messages and reports.
    imported_on date NOT NULL DEFAULT cobranza.today(),
    CONSTRAINT import_batch_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT import_batch_tenant_id_checksum_key UNIQUE (tenant_id, checksum)
);

-- Collection case: one debtor, one currency; invoices are attached to it. Created before
-- submission and invoice, which reference it.
CREATE TABLE cobranza.collection_case (
    tenant_id        bigint      NOT NULL DEFAULT cobranza.current_tenant()
                                 CONSTRAINT collection_case_tenant_fkey REFERENCES cobranza.tenant (id),
    id               bigint      GENERATED ALWAYS AS IDENTITY,
    -- Unique across the agency, not per tenant: the number is what staff, debtors and courts
    -- quote, and it comes from one agency-wide counter (next_case_number). Clients cannot
    -- insert cases, so this unique constraint is no cross-tenant oracle. Under Citus it would
    -- have to become (tenant_id, number); the counter keeps numbers unique regardless.
    -- The default (defined below, once next_case_number exists) lets a plain INSERT work; the
    -- application may also call next_case_number itself in the same transaction.
    number           text        NOT NULL
                                 CONSTRAINT collection_case_number_check CHECK (number ~ '^C-[0-9]{4}-[0-9]{6}$'),
    debtor_id        bigint      NOT NULL,
    currency         char(3)     NOT NULL
                                 CONSTRAINT collection_case_currency_fkey REFERENCES cobranza.currency (code),
    stage            text        NOT NULL DEFAULT 'extrajudicial'
                                 CONSTRAINT collection_case_stage_check
                                 CHECK (stage IN ('extrajudicial', 'judicial', 'closed')),
    disputed         boolean     NOT NULL DEFAULT false,
    posted           boolean     NOT NULL DEFAULT false,
    on_agreement     boolean     NOT NULL DEFAULT false,
    on_promise       boolean     NOT NULL DEFAULT false,
    assigned_to      name,       -- a collector or lawyer: enforced by trigger check_case_assignee
    close_code       text        CONSTRAINT collection_case_close_code_check
                                 CHECK (close_code IN ('paid', 'settled', 'uncollectible', 'withdrawn',
                                                       'prescribed', 'disputed')),
    closed_at        timestamptz,
    next_action_date date,
    opened_on        date        NOT NULL DEFAULT cobranza.today(),
    opened_at        timestamptz NOT NULL DEFAULT now(),
    opened_by        name        NOT NULL DEFAULT session_user,
    CONSTRAINT collection_case_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT collection_case_number_key UNIQUE (number),
    -- Target of the (tenant, case, debtor, currency) foreign keys of submission and invoice: a
    -- case can only gather invoices of its own debtor in its own currency.
    CONSTRAINT collection_case_tenant_id_id_debtor_id_currency_key UNIQUE (tenant_id, id, debtor_id, currency),
    CONSTRAINT collection_case_debtor_fkey FOREIGN KEY (tenant_id, debtor_id)
        REFERENCES cobranza.debtor (tenant_id, id),
    CONSTRAINT collection_case_closed_check CHECK ((stage = 'closed') = (close_code IS NOT NULL))
);
-- One open case per debtor and currency: new invoices join the open case instead.
CREATE UNIQUE INDEX collection_case_one_open_key ON cobranza.collection_case (tenant_id, debtor_id, currency)
    WHERE stage <> 'closed';
CREATE INDEX collection_case_tenant_id_stage_idx ON cobranza.collection_case (tenant_id, stage);
CREATE INDEX collection_case_tenant_id_debtor_id_idx ON cobranza.collection_case (tenant_id, debtor_id);
CREATE INDEX collection_case_assigned_to_idx ON cobranza.collection_case (assigned_to)
    WHERE assigned_to IS NOT NULL;

-- Submission: invoices of ONE debtor in ONE currency handed over together. Staff accept it into
-- a case or reject it with a reason.
CREATE TABLE cobranza.submission (
    tenant_id     bigint      NOT NULL DEFAULT cobranza.current_tenant()
                              CONSTRAINT submission_tenant_fkey REFERENCES cobranza.tenant (id),
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    debtor_id     bigint      NOT NULL,
    currency      char(3)     NOT NULL
                              CONSTRAINT submission_currency_fkey REFERENCES cobranza.currency (code),
    status        text        NOT NULL DEFAULT 'pending'
                              CONSTRAINT submission_status_check CHECK (status IN ('pending', 'accepted', 'rejected')),
    note          text,
    reject_reason text        CONSTRAINT submission_reject_reason_blank_check
                              CHECK (length(btrim(reject_reason)) > 0),
    batch_id      bigint,
    case_id       bigint,
    submitted_by  name        NOT NULL DEFAULT session_user,
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    submitted_on  date        NOT NULL DEFAULT cobranza.today(),
    reviewed_by   name,
    reviewed_at   timestamptz,
    CONSTRAINT submission_pkey PRIMARY KEY (tenant_id, id),
    -- Target of invoice's (tenant, submission, debtor, currency) foreign key: every invoice of a
    -- submission has the submission's debtor and currency.
    CONSTRAINT submission_tenant_id_id_debtor_id_currency_key UNIQUE (tenant_id, id, debtor_id, currency),
    CONSTRAINT submission_debtor_fkey FOREIGN KEY (tenant_id, debtor_id)
        REFERENCES cobranza.debtor (tenant_id, id),
    CONSTRAINT submission_batch_fkey FOREIGN KEY (tenant_id, batch_id)
        REFERENCES cobranza.import_batch (tenant_id, id),
    -- MATCH SIMPLE: nothing is checked while case_id is NULL; once set, the case must be of the
    -- same tenant, debtor and currency.
    CONSTRAINT submission_case_fkey FOREIGN KEY (tenant_id, case_id, debtor_id, currency)
        REFERENCES cobranza.collection_case (tenant_id, id, debtor_id, currency),
    CONSTRAINT submission_reject_reason_check CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
    CONSTRAINT submission_accepted_case_check CHECK (status <> 'accepted' OR case_id IS NOT NULL)
);
CREATE INDEX submission_tenant_id_status_idx ON cobranza.submission (tenant_id, status);
CREATE INDEX submission_tenant_id_debtor_id_idx ON cobranza.submission (tenant_id, debtor_id);
CREATE INDEX submission_tenant_id_case_id_idx ON cobranza.submission (tenant_id, case_id);
CREATE INDEX submission_tenant_id_batch_id_idx ON cobranza.submission (tenant_id, batch_id);

-- Invoice: amount in integer minor units of its currency (DESIGN.md: no floating point).
-- Only two foreign keys, on purpose: invoice_submission_fkey covers (tenant_id, submission_id,
-- debtor_id, currency), and the submission row it points at is itself bound by foreign keys to
-- tenant, debtor (with tenant) and currency, so separate invoice -> tenant, invoice -> debtor and
-- invoice -> currency keys could never fail. Each would still cost a lookup per row, and a bulk
-- placement inserts up to a million invoices in one statement (measured on 200,000 rows: each
-- such key adds about half the cost of the insert itself).
CREATE TABLE cobranza.invoice (
    tenant_id     bigint      NOT NULL DEFAULT cobranza.current_tenant(),
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    submission_id bigint      NOT NULL,
    debtor_id     bigint      NOT NULL,
    number        text        NOT NULL CONSTRAINT invoice_number_check CHECK (length(btrim(number)) BETWEEN 1 AND 40),
    issued        date        NOT NULL,
    due           date        NOT NULL,
    amount        bigint      NOT NULL CONSTRAINT invoice_amount_check CHECK (amount > 0),
    currency      char(3)     NOT NULL,
    case_id       bigint,
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoice_pkey PRIMARY KEY (tenant_id, id),
    -- The document number is unique per tenant (never across tenants: that would be an oracle).
    CONSTRAINT invoice_tenant_id_number_key UNIQUE (tenant_id, number),
    CONSTRAINT invoice_dates_check CHECK (issued <= due),
    CONSTRAINT invoice_submission_fkey FOREIGN KEY (tenant_id, submission_id, debtor_id, currency)
        REFERENCES cobranza.submission (tenant_id, id, debtor_id, currency),
    CONSTRAINT invoice_case_fkey FOREIGN KEY (tenant_id, case_id, debtor_id, currency)
        REFERENCES cobranza.collection_case (tenant_id, id, debtor_id, currency)
);
CREATE INDEX invoice_tenant_id_case_id_idx ON cobranza.invoice (tenant_id, case_id);
CREATE INDEX invoice_tenant_id_debtor_id_idx ON cobranza.invoice (tenant_id, debtor_id);
CREATE INDEX invoice_tenant_id_submission_id_idx ON cobranza.invoice (tenant_id, submission_id);

-- Case event: the append-only timeline. Mistakes are corrected by a later event, never by
-- editing history: no UPDATE/DELETE grants, and a trigger refuses them for the owner too.
CREATE TABLE cobranza.case_event (
    tenant_id      bigint      NOT NULL DEFAULT cobranza.current_tenant()
                               CONSTRAINT case_event_tenant_fkey REFERENCES cobranza.tenant (id),
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    case_id        bigint      NOT NULL,
    kind           text        NOT NULL CONSTRAINT case_event_kind_check
                               CHECK (kind IN ('opened', 'assigned', 'note', 'reminder', 'call', 'letter',
                                               'visit', 'email', 'sms', 'whatsapp', 'promise', 'dispute',
                                               'stage_change', 'closed', 'reopened', 'payment')),
    outcome        text,
    note           text,
    -- Internal by default: the client sees an event only when staff say so.
    client_visible boolean     NOT NULL DEFAULT false,
    occurred_on    date        NOT NULL DEFAULT cobranza.today(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     name        NOT NULL DEFAULT session_user,
    CONSTRAINT case_event_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT case_event_case_fkey FOREIGN KEY (tenant_id, case_id)
        REFERENCES cobranza.collection_case (tenant_id, id)
);
CREATE INDEX case_event_tenant_id_case_id_idx ON cobranza.case_event (tenant_id, case_id, occurred_on);

-- Case number counter: one row per year. Not tenant data; only next_case_number touches it.
CREATE TABLE cobranza.case_counter (
    year       integer PRIMARY KEY CONSTRAINT case_counter_year_check CHECK (year BETWEEN 1000 AND 9999),
    last_value integer NOT NULL CONSTRAINT case_counter_last_value_check CHECK (last_value BETWEEN 1 AND 999999)
);

------------------------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------------------------

-- The next case number of p_on's year: 'C-2026-000001'. A counter row, never a sequence:
-- sequences skip numbers on rollback, while this update rolls back with the transaction that
-- opened the case, so numbers are gapless and never reused. The row lock serializes case
-- openings (agency-wide, per year) until commit; openings are rare enough for that.
-- SECURITY DEFINER because nobody else may touch case_counter. EXECUTE goes to admins and
-- collectors because a column default runs with the inserter's privileges; a number drawn and
-- then not used by a committed case is a gap, so call it only to open a case.
CREATE FUNCTION cobranza.next_case_number(p_on date) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_year  integer := extract(year FROM p_on)::integer;
    v_value integer;
BEGIN
    IF p_on IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'a case number needs a date';
    END IF;
    INSERT INTO cobranza.case_counter AS c (year, last_value) VALUES (v_year, 1)
        ON CONFLICT (year) DO UPDATE SET last_value = c.last_value + 1
        RETURNING c.last_value INTO v_value;
    -- (the counter's CHECK already stops at 999999; lpad would silently truncate a 7th digit)
    RETURN format('C-%s-%s', lpad(v_year::text, 4, '0'), lpad(v_value::text, 6, '0'));
END
$$;

ALTER TABLE cobranza.collection_case
    ALTER COLUMN number SET DEFAULT cobranza.next_case_number(cobranza.today());

-- A case is assigned only to an enabled collector or lawyer of this database. SECURITY DEFINER
-- (owner) so it reads person whatever the caller's RLS lets it see (person_owner_all).
-- On UPDATE it checks only a changed assignee: a case keeps a person who was disabled later.
CREATE FUNCTION cobranza.check_case_assignee() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    IF NEW.assigned_to IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.assigned_to IS DISTINCT FROM OLD.assigned_to)
       AND NOT EXISTS (SELECT 1 FROM cobranza.person p
                        WHERE p.role_name = NEW.assigned_to
                          AND p.kind IN ('collector', 'lawyer')
                          AND NOT p.disabled)
    THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            CONSTRAINT = 'collection_case_assigned_to_check',
            MESSAGE = format('case can only be assigned to a collector or lawyer ("%s" is not one)',
                             cobranza.quote_for_message(NEW.assigned_to));
    END IF;
    RETURN NEW;
END
$$;

-- Statement-level INSERT audit: AFTER INSERT ... REFERENCING NEW TABLE AS new_rows FOR EACH
-- STATEMENT. One audit_log row per (statement, tenant): {count, ids} plus the rows themselves
-- when the tenant's share of the statement is at most 100 rows.
-- Why not 0001's row-level audit(): bulk placements insert up to a million invoices in one
-- statement, and a PL/pgSQL call plus an audit_log insert per row would dominate the import
-- (and bloat audit_log with a million copies of what the invoice table already holds).
-- The rows aggregate uses FILTER, so to_jsonb runs only for small groups.
-- SECURITY DEFINER (owner): only the owner may insert into audit_log (audit_log_owner_insert).
CREATE FUNCTION cobranza.audit_insert_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    INSERT INTO cobranza.audit_log (who, table_name, operation, tenant_id, before, after)
    SELECT session_user, TG_TABLE_NAME, 'INSERT', g.tenant_id, NULL,
           CASE WHEN g.n <= 100
                THEN jsonb_build_object('count', g.n, 'ids', g.ids, 'rows', g.rows)
                ELSE jsonb_build_object('count', g.n, 'ids', g.ids) END
      FROM (SELECT r.tenant_id,
                   max(r.n) AS n,
                   jsonb_agg(r.id ORDER BY r.id) AS ids,
                   jsonb_agg(to_jsonb(r.rec) ORDER BY r.id) FILTER (WHERE r.n <= 100) AS rows
              FROM (SELECT nr.tenant_id, nr.id, nr AS rec,
                           count(*) OVER (PARTITION BY nr.tenant_id) AS n
                      FROM new_rows nr) r
             GROUP BY r.tenant_id) g;
    RETURN NULL;
END
$$;

-- A client adds invoices only to submissions still pending: once staff accepted or rejected
-- one, the SME cannot slip more invoices into it. Statement level, AFTER INSERT with the
-- transition table: it runs once per statement on a snapshot that shows the submissions the
-- same statement inserted (see invoice_client_insert), and costs one hash join however many
-- invoices arrive. Staff are not restricted. SECURITY INVOKER: the client's own RLS suffices.
CREATE FUNCTION cobranza.invoice_client_pending_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
DECLARE
    v_id     bigint;
    v_status text;
BEGIN
    IF (SELECT cobranza.current_kind()) IS DISTINCT FROM 'client' THEN
        RETURN NULL;
    END IF;
    SELECT s.id, s.status INTO v_id, v_status
      FROM (SELECT DISTINCT nr.tenant_id, nr.submission_id FROM new_rows nr) n
      JOIN cobranza.submission s ON s.tenant_id = n.tenant_id AND s.id = n.submission_id
     WHERE s.status <> 'pending'
     ORDER BY s.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('invoices can only be added to a pending submission (submission %s is %s)',
                             v_id, v_status);
    END IF;
    RETURN NULL;
END
$$;

-- Refuses every UPDATE, DELETE and TRUNCATE of case_event (statement level, owner included),
-- like audit_log_append_only.
CREATE FUNCTION cobranza.case_event_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, cobranza, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                          MESSAGE = 'case_event is append-only';
END
$$;

------------------------------------------------------------------------------------------------
-- Triggers
------------------------------------------------------------------------------------------------
CREATE TRIGGER collection_case_check_assignee BEFORE INSERT OR UPDATE OF assigned_to
    ON cobranza.collection_case
    FOR EACH ROW EXECUTE FUNCTION cobranza.check_case_assignee();

CREATE TRIGGER invoice_client_pending_check AFTER INSERT ON cobranza.invoice
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.invoice_client_pending_check();

CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON cobranza.case_event
    FOR EACH STATEMENT EXECUTE FUNCTION cobranza.case_event_append_only();

-- Audit. (case_event's UPDATE/DELETE audit can never fire while the append-only trigger stands;
-- it is attached anyway so every tenant table is audited the same way.)
DO $audit$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['debtor', 'import_batch', 'collection_case', 'submission', 'invoice',
                             'case_event']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON cobranza.%I '
                       'REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cobranza.audit_insert_statement()',
                       t || '_audit_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON cobranza.%I '
                       'FOR EACH ROW EXECUTE FUNCTION cobranza.audit()',
                       t || '_audit', t);
    END LOOP;
END
$audit$;

------------------------------------------------------------------------------------------------
-- Row level security
------------------------------------------------------------------------------------------------
ALTER TABLE cobranza.debtor          ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.debtor          FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.import_batch    ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.import_batch    FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.collection_case ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.collection_case FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.submission      ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.submission      FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.invoice         ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.invoice         FORCE ROW LEVEL SECURITY;
ALTER TABLE cobranza.case_event      ENABLE ROW LEVEL SECURITY;
ALTER TABLE cobranza.case_event      FORCE ROW LEVEL SECURITY;
-- case_counter: no RLS; no grants at all, only next_case_number (owner) reads and writes it.

-- Staff: admins and collectors work on every tenant's intake (their grants decide what: no
-- DELETE for anyone). Lawyers read everything and add timeline events.
-- TODO(workflow): narrow lawyers to the cases referred to them (judicial_referral).

-- debtor
CREATE POLICY debtor_staff_all ON cobranza.debtor FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY debtor_lawyer_read ON cobranza.debtor FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY debtor_client_read ON cobranza.debtor FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY debtor_client_insert ON cobranza.debtor FOR INSERT TO cobranza_client
    WITH CHECK (tenant_id = (SELECT cobranza.current_tenant()));

-- import_batch
CREATE POLICY import_batch_staff_all ON cobranza.import_batch FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY import_batch_lawyer_read ON cobranza.import_batch FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY import_batch_client_read ON cobranza.import_batch FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY import_batch_client_insert ON cobranza.import_batch FOR INSERT TO cobranza_client
    WITH CHECK (tenant_id = (SELECT cobranza.current_tenant()));

-- collection_case (clients read it only through their column grants / client_case_summary)
CREATE POLICY collection_case_staff_all ON cobranza.collection_case FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY collection_case_lawyer_read ON cobranza.collection_case FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY collection_case_client_read ON cobranza.collection_case FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));

-- submission: a client only hands over pending submissions; review is staff's.
CREATE POLICY submission_staff_all ON cobranza.submission FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY submission_lawyer_read ON cobranza.submission FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY submission_client_read ON cobranza.submission FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY submission_client_insert ON cobranza.submission FOR INSERT TO cobranza_client
    WITH CHECK (tenant_id = (SELECT cobranza.current_tenant())
                AND status = 'pending' AND case_id IS NULL AND reviewed_by IS NULL);

-- invoice: the foreign key, which includes tenant_id, keeps a client's invoice in a submission
-- of its own tenant. That the submission is still pending is checked by the statement trigger
-- invoice_client_pending_check, not here: the importer inserts submissions and their invoices
-- in one statement (data-modifying WITH), and a policy subquery runs on the statement's
-- snapshot, which does not show the submissions that statement is inserting.
CREATE POLICY invoice_staff_all ON cobranza.invoice FOR ALL TO cobranza_admin, cobranza_collector
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector'))
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector'));
CREATE POLICY invoice_lawyer_read ON cobranza.invoice FOR SELECT TO cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) = 'lawyer');
CREATE POLICY invoice_client_read ON cobranza.invoice FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()));
CREATE POLICY invoice_client_insert ON cobranza.invoice FOR INSERT TO cobranza_client
    WITH CHECK (tenant_id = (SELECT cobranza.current_tenant()) AND case_id IS NULL);

-- case_event: staff read all and append; a client reads only the events marked client_visible
-- of its own tenant.
CREATE POLICY case_event_staff_read ON cobranza.case_event FOR SELECT
    TO cobranza_admin, cobranza_collector, cobranza_lawyer
    USING ((SELECT cobranza.current_kind()) IN ('admin', 'collector', 'lawyer'));
CREATE POLICY case_event_staff_insert ON cobranza.case_event FOR INSERT
    TO cobranza_admin, cobranza_collector, cobranza_lawyer
    WITH CHECK ((SELECT cobranza.current_kind()) IN ('admin', 'collector', 'lawyer'));
CREATE POLICY case_event_client_read ON cobranza.case_event FOR SELECT TO cobranza_client
    USING (tenant_id = (SELECT cobranza.current_tenant()) AND client_visible);

------------------------------------------------------------------------------------------------
-- Views (security_invoker: the caller's grants and RLS apply to every table underneath)
------------------------------------------------------------------------------------------------
-- Two views because an invoker view fails as a whole when the invoker lacks a privilege on any
-- column it uses: client_case_summary uses only columns clients may read; case_summary adds the
-- internal ones and is for staff. Amounts are summed per case in the case's currency.
-- days_overdue is negative while the oldest invoice is not yet due, NULL without invoices.
CREATE VIEW cobranza.client_case_summary WITH (security_invoker = true) AS
    SELECT c.tenant_id, c.id, c.number, t.code AS client_code,
           c.debtor_id, d.name AS debtor_name, d.country AS debtor_country, d.tax_id AS debtor_tax_id,
           c.currency, c.stage, c.disputed, c.posted, c.on_agreement, c.on_promise,
           c.close_code, c.closed_at, c.opened_on,
           i.invoice_count, i.total_amount, i.oldest_due,
           cobranza.today() - i.oldest_due AS days_overdue
      FROM cobranza.collection_case c
      JOIN cobranza.tenant t ON t.id = c.tenant_id
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
      CROSS JOIN LATERAL (
            SELECT count(*) AS invoice_count,
                   coalesce(sum(v.amount), 0)::bigint AS total_amount,
                   min(v.due) AS oldest_due
              FROM cobranza.invoice v
             WHERE v.tenant_id = c.tenant_id AND v.case_id = c.id) i;

CREATE VIEW cobranza.case_summary WITH (security_invoker = true) AS
    SELECT c.tenant_id, c.id, c.number, t.code AS client_code,
           c.debtor_id, d.name AS debtor_name, d.country AS debtor_country, d.tax_id AS debtor_tax_id,
           c.currency, c.stage, c.disputed, c.posted, c.on_agreement, c.on_promise,
           c.close_code, c.closed_at, c.opened_on,
           i.invoice_count, i.total_amount, i.oldest_due,
           cobranza.today() - i.oldest_due AS days_overdue,
           c.assigned_to, c.next_action_date
      FROM cobranza.collection_case c
      JOIN cobranza.tenant t ON t.id = c.tenant_id
      JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
      CROSS JOIN LATERAL (
            SELECT count(*) AS invoice_count,
                   coalesce(sum(v.amount), 0)::bigint AS total_amount,
                   min(v.due) AS oldest_due
              FROM cobranza.invoice v
             WHERE v.tenant_id = c.tenant_id AND v.case_id = c.id) i;

------------------------------------------------------------------------------------------------
-- Privileges (nothing to PUBLIC). Column lists leave out the who/when columns (defaults only),
-- tenant_id from UPDATE, and for clients every internal or review column.
------------------------------------------------------------------------------------------------
REVOKE ALL ON cobranza.debtor, cobranza.import_batch, cobranza.collection_case, cobranza.submission,
              cobranza.invoice, cobranza.case_event, cobranza.case_counter,
              cobranza.client_case_summary, cobranza.case_summary
    FROM PUBLIC;

-- Reading: staff everything; clients all columns of their intake tables (RLS: own tenant).
GRANT SELECT ON cobranza.debtor, cobranza.import_batch, cobranza.submission, cobranza.invoice,
                cobranza.collection_case, cobranza.case_event
    TO cobranza_admin, cobranza_collector, cobranza_lawyer;
GRANT SELECT ON cobranza.debtor, cobranza.import_batch, cobranza.submission, cobranza.invoice
    TO cobranza_client;
-- Clients see a case without its internal fields (assigned_to, next_action_date, opened_by,
-- opened_at) and an event without who wrote it.
GRANT SELECT (tenant_id, id, number, debtor_id, currency, stage, disputed, posted, on_agreement,
              on_promise, close_code, closed_at, opened_on)
    ON cobranza.collection_case TO cobranza_client;
GRANT SELECT (tenant_id, id, case_id, kind, outcome, note, client_visible, occurred_on, created_at)
    ON cobranza.case_event TO cobranza_client;
GRANT SELECT ON cobranza.client_case_summary
    TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client;
GRANT SELECT ON cobranza.case_summary
    TO cobranza_admin, cobranza_collector, cobranza_lawyer;

-- debtor
GRANT INSERT (tenant_id, country, tax_id, name, kind, email, phone, address, city, region)
    ON cobranza.debtor TO cobranza_admin, cobranza_collector, cobranza_client;
GRANT UPDATE (country, tax_id, name, kind, email, phone, address, city, region)
    ON cobranza.debtor TO cobranza_admin, cobranza_collector;

-- import_batch (row_count may be filled in after the file is parsed)
GRANT INSERT (tenant_id, file_name, checksum, row_count)
    ON cobranza.import_batch TO cobranza_admin, cobranza_collector, cobranza_client;
GRANT UPDATE (file_name, row_count)
    ON cobranza.import_batch TO cobranza_admin, cobranza_collector;

-- submission: clients cannot even name status, case or review columns (the policy says the same).
GRANT INSERT (tenant_id, debtor_id, currency, note, batch_id)
    ON cobranza.submission TO cobranza_client;
GRANT INSERT (tenant_id, debtor_id, currency, status, note, reject_reason, batch_id, case_id,
              reviewed_by, reviewed_at)
    ON cobranza.submission TO cobranza_admin, cobranza_collector;
GRANT UPDATE (status, note, reject_reason, batch_id, case_id, reviewed_by, reviewed_at)
    ON cobranza.submission TO cobranza_admin, cobranza_collector;

-- invoice: debtor, currency and submission are fixed (the composite foreign keys hang on them).
GRANT INSERT (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, note)
    ON cobranza.invoice TO cobranza_client;
GRANT INSERT (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id, note)
    ON cobranza.invoice TO cobranza_admin, cobranza_collector;
GRANT UPDATE (number, issued, due, amount, case_id, note)
    ON cobranza.invoice TO cobranza_admin, cobranza_collector;

-- collection_case: number is insertable for an application that calls next_case_number itself;
-- it, debtor_id, currency and opened_on never change.
GRANT INSERT (tenant_id, number, debtor_id, currency, stage, disputed, posted, on_agreement, on_promise,
              assigned_to, close_code, closed_at, next_action_date, opened_on)
    ON cobranza.collection_case TO cobranza_admin, cobranza_collector;
GRANT UPDATE (stage, disputed, posted, on_agreement, on_promise, assigned_to, close_code, closed_at,
              next_action_date)
    ON cobranza.collection_case TO cobranza_admin, cobranza_collector;

-- case_event: append only.
GRANT INSERT (tenant_id, case_id, kind, outcome, note, client_visible, occurred_on)
    ON cobranza.case_event TO cobranza_admin, cobranza_collector, cobranza_lawyer;

REVOKE EXECUTE ON FUNCTION cobranza.next_case_number(date),
                           cobranza.check_case_assignee(),
                           cobranza.audit_insert_statement(),
                           cobranza.invoice_client_pending_check(),
                           cobranza.case_event_append_only()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cobranza.next_case_number(date) TO cobranza_admin, cobranza_collector;

RESET ROLE;
