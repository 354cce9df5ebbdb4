import Postgres
import Testing
import TestSupport

/// Every intake table and view, tried with plain SQL as an SME's login role: its own rows only,
/// nothing of another tenant, no internal fields, no writes beyond its own submissions.
@Suite("Isolation: intake tables")
struct IntakeIsolationTests {
    let db: TestDatabase
    let maria: Connection
    let acme: Int64
    let other: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        let su = try db.superuser()
        acme = try su.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id")
        other = try su.query("SELECT id FROM cobranza.tenant WHERE code = 'OTHER'").first!.decode("id")
        // One debtor, submission, invoice, case and two events (one internal) per tenant.
        for tenant in [acme, other] {
            try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', '12345678-5', 'Deudor') RETURNING id),
                c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency) SELECT $1, id, 'CLP' FROM d RETURNING id, debtor_id),
                s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id) SELECT $1, debtor_id, 'CLP', 'accepted', id FROM c RETURNING id, debtor_id, case_id),
                i AS (INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                      SELECT $1, id, debtor_id, 'F-1', '2026-01-01', '2026-01-31', 1000, 'CLP', case_id FROM s RETURNING 1),
                b AS (INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count) VALUES ($1, 'f.csv', 'x' || $1::text, 1) RETURNING 1)
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible)
                SELECT $1, id, k, n, v FROM c, (VALUES ('opened', 'opened', true), ('note', 'internal: debtor is evasive', false)) AS e(k, n, v)
                """, [tenant])
        }
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
    }

    func tenants(_ sql: String) throws -> Set<Int64> {
        Set(try maria.query(sql).rows.map { try $0.decode("tenant_id", as: Int64.self) })
    }

    func refused(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) -> Bool {
        do {
            try maria.query(sql, parameters)
            return false
        } catch {
            return error.sqlState == .insufficientPrivilege || error.sqlState?.rawValue == "42501"
        }
    }

    @Test(arguments: ["debtor", "submission", "invoice", "import_batch"])
    func readsOnlyItsOwnRows(_ table: String) throws {
        #expect(try tenants("SELECT tenant_id FROM cobranza.\(table)") == [acme])
    }

    @Test func casesOnlyOwnAndOnlyPublicColumns() throws {
        #expect(try tenants("SELECT tenant_id FROM cobranza.collection_case") == [acme])
        #expect(refused("SELECT assigned_to FROM cobranza.collection_case"))
        #expect(refused("SELECT next_action_date FROM cobranza.collection_case"))
        #expect(refused("SELECT * FROM cobranza.case_summary"))
        let summary = try maria.query("SELECT client_code FROM cobranza.client_case_summary")
        #expect(try summary.rows.map { try $0.decode("client_code", as: String.self) } == ["ACME"])
    }

    @Test func eventsOnlyOwnAndClientVisible() throws {
        let notes = try maria.query("SELECT note FROM cobranza.case_event").rows.map { try $0.decode("note", as: String.self) }
        #expect(notes == ["opened"])
        #expect(refused("SELECT created_by FROM cobranza.case_event"))
    }

    @Test func cannotWriteIntoAnotherTenant() throws {
        #expect(refused("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', '11111111-1', 'x')", [other]))
        #expect(refused("INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count) VALUES ($1, 'f', 'y', 1)", [other]))
        let foreignDebtor: Int64 = try db.superuser().query("SELECT id FROM cobranza.debtor WHERE tenant_id = $1", [other]).first!.decode("id")
        #expect(refused("INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) VALUES ($1, $2, 'CLP')", [other, foreignDebtor]))
        // Its own tenant id with another tenant's debtor: the tenant-scoped foreign key refuses it.
        #expect(throws: PostgresError.self) {
            try maria.query("INSERT INTO cobranza.submission (debtor_id, currency) VALUES ($1, 'CLP')", [foreignDebtor])
        }
    }

    @Test func cannotChangeOrDeleteAnything() throws {
        for sql in [
            "UPDATE cobranza.debtor SET name = 'x'", "DELETE FROM cobranza.debtor",
            "UPDATE cobranza.submission SET status = 'accepted'", "DELETE FROM cobranza.submission",
            "UPDATE cobranza.invoice SET amount = 1", "DELETE FROM cobranza.invoice",
            "UPDATE cobranza.collection_case SET stage = 'closed'", "DELETE FROM cobranza.collection_case",
            "INSERT INTO cobranza.case_event (case_id, kind) SELECT id, 'note' FROM cobranza.collection_case",
            "DELETE FROM cobranza.case_event", "SELECT cobranza.next_case_number(current_date)",
            "INSERT INTO cobranza.submission (debtor_id, currency, status) SELECT id, 'CLP', 'accepted' FROM cobranza.debtor",
        ] {
            #expect(refused(sql), "\(sql) must be refused")
        }
        let untouched = try db.superuser().query("SELECT count(*) AS n FROM cobranza.invoice WHERE amount = 1000")
        #expect(try untouched.first?.decode("n", as: Int.self) == 2)
    }

    @Test func uniqueInvoiceNumbersLeakNothingAcrossTenants() throws {
        // F-1 exists in OTHER too; ACME's uniqueness is per tenant, so no oracle: ACME's own F-1 clashes,
        // a number only OTHER holds does not.
        try db.superuser().query("""
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT tenant_id, id, debtor_id, 'ONLY-OTHER', '2026-01-01', '2026-01-31', 5, 'CLP' FROM cobranza.submission WHERE tenant_id = $1
            """, [other])
        let placed = try maria.query("""
            WITH s AS (INSERT INTO cobranza.submission (debtor_id, currency) SELECT id, 'CLP' FROM cobranza.debtor RETURNING id, debtor_id)
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT id, debtor_id, 'ONLY-OTHER', '2026-01-01', '2026-01-31', 5, 'CLP' FROM s
            """)
        #expect(placed.affectedRows == 1)
    }
}

@Suite("Isolation: contracts")
struct ContractIsolationTests {
    @Test func anSMEReadsOnlyItsOwnContractAndNobodyRewritesOne() throws {
        let db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        let su = try db.superuser()
        try su.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp)
            SELECT id, 1, '2026-01-01', 1500, 2500, 1900 FROM cobranza.tenant
            """)
        let maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        let visible = try maria.query("SELECT t.code FROM cobranza.contract c JOIN cobranza.tenant t ON t.id = c.tenant_id")
        #expect(try visible.rows.map { try $0.decode("code", as: String.self) } == ["ACME"])
        for sql in ["INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp) SELECT id, 2, '2026-02-01', 0, 0, 0 FROM cobranza.tenant",
                    "UPDATE cobranza.contract SET extrajudicial_bp = 0", "DELETE FROM cobranza.contract"] {
            #expect(throws: PostgresError.self, "\(sql) must be refused") { try maria.query(sql) }
        }
        let admin = try db.connect(as: try db.addPerson("boss", kind: "admin"))
        #expect(throws: PostgresError.self) { try admin.query("UPDATE cobranza.contract SET vat_bp = 0") }
        #expect(throws: PostgresError.self) {
            try admin.query("INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp) SELECT id, 2, '2025-12-31', 1500, 2500, 1900 FROM cobranza.tenant WHERE code = 'ACME'")
        }
        #expect(throws: PostgresError.self) {
            try admin.query("INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp) SELECT id, 2, '2026-02-01', 5001, 2500, 1900 FROM cobranza.tenant WHERE code = 'ACME'")
        }
    }
}
