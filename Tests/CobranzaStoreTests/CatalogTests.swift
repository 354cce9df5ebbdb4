import Postgres
import Testing
import TestSupport

/// The security model read from the catalog of a freshly migrated database (`CatalogChecks`).
/// The lists here are the deliberate exceptions, each with its reason: anything new that breaks
/// a rule fails until someone either fixes it or writes down here why it may.
@Suite("Catalog")
struct CatalogTests {
    /// Tables without row-level security: they hold no tenant's data.
    static let referenceTables: [String: String] = [
        "currency": "ISO 4217 codes and exponents, the same for every client; read-only to people",
        "case_counter": "one row per year of the agency-wide case numbers; no grants, only next_case_number (owner) touches it",
        "fee_counter": "one row per series and year of the fee document numbers; no grants, only reserve_fee_numbers (owner) touches it",
        "billing_lock": "one row, no data: no grants, only lock_billing (owner) locks it, so no person can hold billing",
        "holiday": "public holidays by country, the same for every client (0055); everyone reads them, only admins insert and delete (grants), audited",
        "contact_rule": "each country's contact law (0055), the same for every client; staff read it, migrations alone change it",
        "contact_lock": "one row per debtor tax id, no data: no grants, only lock_debtor_contacts (owner) writes it, so contacts of one debtor are judged one at a time (0056)",
        "contact_rule_hours": "the windows of contact_rule's hours rules (0055); staff read them, migrations alone change them",
    ]

    /// Every function that runs with its owner's rights, and why it must.
    static let definerFunctions: [String: String] = [
        "current_tenant()": "policies call it; owned by cobranza_lookup (BYPASSRLS) so reading person inside person's own policies does not recurse",
        "current_kind()": "as current_tenant()",
        "person_kind(name)": "names the kind of any person; person is not readable by every caller",
        "contact_check(bigint, bigint, text, timestamp with time zone)": "counts a debtor's contacts across every client and case, which the caller may not read",
        "contact_checks(bigint[], bigint[], bigint[], text[], timestamp with time zone[])": "contact_check for many contacts at once (0090): finds the debtors contacted near the moments across every client and case, which the caller may not read",
        "audit()": "only the owner may insert into audit_log",
        "lock_debtor_contacts(bigint, bigint)": "locks the debtor's row of contact_lock, which has no grants, so two contacts of one debtor (any clients) are judged one after the other (0056)",
        "outbound_message_opt_out_check()": "reads the debtor's opt-outs whoever queues the message (a collector may read them too; a client-owned writer could not), so no channel the debtor refused is queued (0077)",
        "audit_insert_statement()": "only the owner may insert into audit_log",
        "create_worker(text, text)": "creates a delivery worker's login role in cobranza_worker (the owner's CREATEROLE and ADMIN OPTION); checks the caller is an admin (0080)",
        "outbox_claim(text[], integer, interval)": "the delivery worker has no table privileges: claims due messages of every client (and takes back expired claims) through the owner's trusted policy on outbound_message; checks the caller is in cobranza_worker (0080)",
        "outbox_gate(bigint, bigint, timestamp with time zone)": "reads the message, the debtor's opt-outs and takes the debtor's contact lock for a worker that may read none of them; checks the caller is in cobranza_worker (0080)",
        "outbox_settle(bigint, bigint, timestamp with time zone, text, timestamp with time zone, text, text)": "writes a message's delivery columns and, once sent, the contact's case event (through the contact-rule trigger) for a worker with no table privileges; checks the caller is in cobranza_worker and still holds the claim (0080)",
        "outbox_wait(text[])": "the moment the next queued message falls due, for a worker that may not read outbound_message; empty for anyone outside cobranza_worker (0080)",
        "create_person(text, text, text, text)": "creates a login role and puts it in its group (the owner's CREATEROLE and ADMIN OPTION); checks the caller is an admin",
        "disable_person(text, text)": "alters a login role and ends its sessions, moving its open cases to the given person (case rows through the owner's trusted policies; check_case_assignee still judges the target); checks the caller is an admin",
        "enable_person(text)": "alters a login role back to LOGIN; checks the caller is an admin",
        "end_sessions(text)": "terminates a person's backends, which takes pg_signal_backend: owned by cobranza_signal, executable by the owner only (disable_person); refuses a role that is not a cobranza person",
        "set_connection_limit(text, integer)": "alters a login role's connection limit (the owner's CREATEROLE); checks the caller is an admin",
        "person_session_limits()": "gives a new person's role its kind's connection limit and timeouts (the owner's CREATEROLE); a trigger on person, which only create_person writes",
        "set_password(text, text)": "alters a login role's password (the owner's CREATEROLE), taking only a SCRAM verifier; someone else's needs an admin",
        "lock_billing()": "locks billing_lock's row, which has no grants, so no person can hold billing by other means; checks the caller is staff who bill",
        "check_case_assignee()": "reads person whatever the caller's policies let it see",
        "next_case_number(date)": "the case counter has no grants",
        "collection_case_number()": "draws the case number for the row being inserted; its inserter may not call next_case_number",
        "reserve_fee_numbers(text, date, integer)": "the fee counter has no grants",
        "fee_document_number()": "draws the fee document number for the row being inserted; its inserter may not call reserve_fee_numbers",
        "client_number()": "draws a submission's or import batch's per-client number (0019) from client_number_counter, which has no grants, for the row being inserted",
        "client_numbers_drawn()": "checks a statement's submission or import batch numbers against client_number_counter, which has no grants, and writes its last value once per statement (0065)",
        "case_numbers_drawn()": "checks a statement's case numbers against case_counter, which has no grants, and writes its last value once per statement (0065)",
        "invoice_submission_check()": "the invoice -> submission key checked per statement (0066): sees and locks every submission, as a foreign key's check does, whatever the inserter's row security",
        "invoice_submission_row_check()": "the same key for an update of an invoice's key columns (0066), which only the owner may make",
        "keys_present()": "the strategy run's step and message keys checked per statement (0106): sees every case, debtor, step and event, as a foreign key's check does, whatever the inserter's row security",
        "submission_keys_check()": "a submission's keys to its debtor, currency and batch checked per statement (0110): sees and locks every debtor and batch, as a foreign key's check does, whatever the inserter's row security",
        "submission_keys_row_check()": "the same keys for an update of a submission's key columns (0110): staff may move a submission to another batch",
        "submission_parent_referenced_check()": "refuses removing or re-keying a debtor, currency or batch a submission points at (0110), reading every submission as a foreign key's check does",
        "invoice_case_keys_check()": "an invoice's keys to its case and cancelling dispute checked per statement where set (0112): sees and locks every case and dispute, as a foreign key's check does, whatever the writer's row security",
        "invoice_case_referenced_check()": "refuses removing or re-keying a case or dispute an invoice points at (0112), reading every invoice as a foreign key's check does",
        "debtor_tenant_check()": "a debtor's key to its tenant and country checked per statement (0113): sees and locks every tenant, as a foreign key's check does",
        "tenant_debtor_referenced_check()": "refuses removing or re-keying a tenant that has debtors (0113), reading every debtor as a foreign key's check does",
        "payment_prepare()": "writes the frozen fee and closes or reopens a paid case, moves only the owner may make; claims an agency-channel bank reference in received_transfer, which no person may write; asks caller_is_admin (owner only) whether a billed payment may be reversed",
        "invoice_cancelling()": "locks the case row before weighing what is unpaid on the invoice, as a payment does, which the client who cancels its own invoice may not; the row has passed the caller's policies (0031)",
        "invoice_cancelled()": "writes the timeline and closes the case as withdrawn when a client's cancellation leaves nothing owed, which the client may not (0031)",
        "invoice_cancelled_under_agreement()": "takes a cancelled invoice off the agreement in force (agreement_cancellation), writes the timeline and settles a discounted agreement it completes, none of which the client who cancels may write (0122)",
        "issue_fee_invoices(text, text)": "month-end invoicing as one set-wise statement, trusted by fee_document_check_lines; checks the caller is an admin",
    ]

    /// The functions that hand out numbers of a gapless series: found from the counter tables
    /// their bodies name, and listed here so a new one is looked at.
    static let numberDispensers: Set<String> = ["next_case_number(date)", "reserve_fee_numbers(text, date, integer)"]

    /// Keys of tenant tables without tenant_id, on purpose.
    static let agencyWideKeys: [String: String] = [
        "collection_case.collection_case_number_key": "the case number is agency-wide (staff, debtors and courts quote it) from one counter; clients cannot insert cases, so it is no oracle",
        "fee_document.fee_document_number_key": "fee invoice and credit note numbers are one gapless series per year for the agency, as the tax authority reads them; only admins insert documents",
        "person.person_pkey": "a person is a login role, whose name is unique in the whole cluster; staff have no tenant",
        "audit_log.audit_log_pkey": "one agency-wide trail, with rows of no tenant (staff changes); only the owner's triggers insert",
        "received_transfer.received_transfer_pkey": "a bank reference names one transfer into the agency's one account, whatever client it pays (0014); only payment_prepare (owner) inserts, clients have no grant, and staff who read it read every payment anyway",
    ]

    let db: TestDatabase
    let superuser: Connection

    init() throws {
        db = try TestCluster.makeDatabase()
        superuser = try db.superuser()
    }

    @Test func everyTableWithTenantDataForcesRowLevelSecurity() throws {
        let offenders = try CatalogChecks.tablesWithoutForcedRowSecurity(superuser)
        #expect(offenders.filter { Self.referenceTables[$0] == nil } == [],
                "ENABLE and FORCE ROW LEVEL SECURITY on these, or add them to referenceTables with the reason")
        #expect(Set(Self.referenceTables.keys).subtracting(offenders).isEmpty,
                "reference tables that now have RLS or are gone: take them off the list")
    }

    @Test func everyViewRunsWithTheCallersRights() throws {
        #expect(try CatalogChecks.viewsNotSecurityInvoker(superuser) == [])
    }

    @Test func definerFunctionsAreExactlyTheIntendedOnesWithAPinnedSearchPath() throws {
        #expect(try CatalogChecks.definerFunctionsWithoutPinnedSearchPath(superuser) == [])
        let actual = Set(try CatalogChecks.definerFunctions(superuser))
        let intended = Set(Self.definerFunctions.keys)
        #expect(actual.subtracting(intended).sorted() == [],
                "new SECURITY DEFINER functions: make them SECURITY INVOKER or add them to definerFunctions with the reason")
        #expect(intended.subtracting(actual).sorted() == [], "no longer SECURITY DEFINER: take them off the list")
    }

    @Test func peopleCannotDrawNumbers() throws {
        #expect(Set(try CatalogChecks.numberDispensers(superuser)) == Self.numberDispensers)
        #expect(try CatalogChecks.numberDispensersExecutableByPeople(superuser) == [],
                "a person drawing a number outside the row that keeps it leaves a gap in the series")
    }

    @Test func peopleStillGetNumbersThroughTheRowsThatKeepThem() throws {
        // The dispensers went out of reach in 0010; opening a case and crediting a fee number
        // their rows through triggers instead.
        try db.addClient("ACME")
        let admin = try db.connect(as: try db.addPerson("ana", kind: "admin"))
        let opened = try admin.query("""
            WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                       SELECT id, 'CL', '11111111-1', 'Deudor' FROM cobranza.tenant WHERE code = 'ACME' RETURNING tenant_id, id)
            INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency)
            SELECT tenant_id, id, 'CLP' FROM d RETURNING number
            """)
        #expect(try opened.first?.decode("number", as: String.self).wholeMatch(of: /C-[0-9]{4}-000001/) != nil)
        #expect(throws: PostgresError.self) { try admin.query("SELECT cobranza.next_case_number(current_date)") }
        #expect(throws: PostgresError.self) { try admin.query("SELECT cobranza.reserve_fee_numbers('F', current_date, 1)") }
    }

    @Test func everyKeyOfATenantTableIncludesTenantID() throws {
        let offenders = try CatalogChecks.tenantKeysWithoutTenantID(superuser)
        #expect(offenders.filter { Self.agencyWideKeys[$0] == nil } == [],
                "add tenant_id to these keys, or to agencyWideKeys with the reason")
        #expect(Set(Self.agencyWideKeys.keys).subtracting(offenders).isEmpty,
                "exceptions that now include tenant_id or are gone: take them off the list")
    }

    /// Each check, shown able to fail: bad objects in this test's own database.
    @Test func eachCheckReportsABadObject() throws {
        try superuser.executeScript("""
            CREATE TABLE cobranza.scratch_unforced (tenant_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id));
            ALTER TABLE cobranza.scratch_unforced ENABLE ROW LEVEL SECURITY;
            CREATE VIEW cobranza.scratch_definer_view AS SELECT 1 AS one;
            CREATE FUNCTION cobranza.scratch_unpinned() RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
            CREATE FUNCTION cobranza.scratch_temp_first() RETURNS integer LANGUAGE sql SECURITY DEFINER
                SET search_path = cobranza AS 'SELECT 1';
            CREATE TABLE cobranza.ticket_counter (last_value integer NOT NULL);
            CREATE FUNCTION cobranza.next_ticket() RETURNS integer LANGUAGE sql
                AS 'UPDATE cobranza.ticket_counter SET last_value = last_value + 1 RETURNING last_value';
            CREATE TABLE cobranza.scratch_child (
                tenant_id bigint NOT NULL, id bigint PRIMARY KEY, code text, case_number text, debtor_id bigint,
                CONSTRAINT scratch_child_case_fkey FOREIGN KEY (case_number) REFERENCES cobranza.collection_case (number),
                CONSTRAINT scratch_child_debtor_fkey FOREIGN KEY (tenant_id, debtor_id) REFERENCES cobranza.debtor (id, tenant_id));
            CREATE UNIQUE INDEX scratch_child_code_idx ON cobranza.scratch_child (code);
            """)

        let unforced = try CatalogChecks.tablesWithoutForcedRowSecurity(superuser)
        #expect(unforced.contains("scratch_unforced") && unforced.contains("ticket_counter"))
        #expect(try CatalogChecks.viewsNotSecurityInvoker(superuser) == ["scratch_definer_view"])
        #expect(try CatalogChecks.definerFunctionsWithoutPinnedSearchPath(superuser) == ["scratch_temp_first()", "scratch_unpinned()"])
        #expect(Set(try CatalogChecks.definerFunctions(superuser)).subtracting(Self.definerFunctions.keys)
                == ["scratch_temp_first()", "scratch_unpinned()"])
        #expect(try CatalogChecks.numberDispensers(superuser).contains("next_ticket()"))
        #expect(try CatalogChecks.numberDispensersExecutableByPeople(superuser) == CatalogChecks.personRoles.map { "next_ticket(): \($0)" }.sorted())
        #expect(Set(try CatalogChecks.tenantKeysWithoutTenantID(superuser)).subtracting(Self.agencyWideKeys.keys) == [
            "scratch_child.scratch_child_pkey", "scratch_child.scratch_child_code_idx",
            "scratch_child.scratch_child_case_fkey", "scratch_child.scratch_child_debtor_fkey",
        ])

        // And a grant is what the dispenser check reads: taken from everyone, nothing is reported.
        try superuser.query("REVOKE EXECUTE ON FUNCTION cobranza.next_ticket() FROM PUBLIC")
        #expect(try CatalogChecks.numberDispensersExecutableByPeople(superuser) == [])
    }
}
