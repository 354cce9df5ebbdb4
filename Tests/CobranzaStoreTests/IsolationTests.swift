import Postgres
import Testing
import TestSupport

/// The database is the gate: connected as an SME's login role with plain SQL (no shell in the
/// way), nothing of another tenant can be read or written, and no privilege can be gained.
@Suite("Isolation: an SME role with plain SQL")
struct IsolationTests {
    let db: TestDatabase
    let maria: Connection

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        try db.addPerson("pedro", kind: "client", client: "OTHER")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
    }

    func count(_ sql: String) throws -> Int {
        try maria.query(sql).first!.decode("c")
    }

    func refused(_ sql: String, _ state: SQLState = .insufficientPrivilege) -> Bool {
        do {
            try maria.query(sql)
            return false
        } catch {
            return error.sqlState == state
        }
    }

    @Test func seesOnlyItsOwnTenant() throws {
        #expect(try maria.query("SELECT code FROM cobranza.tenant").rows.map { try $0.decode("code", as: String.self) } == ["ACME"])
        #expect(try count("SELECT count(*) AS c FROM cobranza.tenant WHERE code = 'OTHER'") == 0)
    }

    @Test func seesOnlyItsOwnTenantsPeople() throws {
        let kinds = try maria.query("SELECT DISTINCT t.code FROM cobranza.person p JOIN cobranza.tenant t ON t.id = p.tenant_id")
        #expect(try kinds.rows.map { try $0.decode("code", as: String.self) } == ["ACME"])
        #expect(try count("SELECT count(*) AS c FROM cobranza.person WHERE tenant_id IS NULL OR role_name LIKE 'pedro%'") == 0)
        #expect(try count("SELECT count(*) AS c FROM cobranza.whoami") == 1)
    }

    @Test func cannotWriteTenants() throws {
        #expect(refused("INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency) VALUES ('EVIL', 'x', '11111111-1', 'CL', 'CLP')"))
        #expect(refused("UPDATE cobranza.tenant SET legal_name = 'pwned'"))
        #expect(refused("DELETE FROM cobranza.tenant"))
        let other = try db.superuser().query("SELECT legal_name FROM cobranza.tenant WHERE code = 'OTHER'")
        #expect(try other.first?.decode("legal_name", as: String.self) == "OTHER Ltda")
    }

    @Test func cannotWritePeopleOrCreateUsers() throws {
        #expect(refused("UPDATE cobranza.person SET kind = 'admin'"))
        #expect(refused("INSERT INTO cobranza.person (role_name, kind) VALUES ('x', 'admin')"))
        #expect(refused("SELECT cobranza.create_person('evil', 'admin', NULL, 'password123')"))
        #expect(refused("SELECT cobranza.disable_person('admin')"))
    }

    @Test func cannotGainPrivileges() throws {
        #expect(refused("SET ROLE cobranza_admin"))
        #expect(refused("SET ROLE cobranza_owner"))
        #expect(refused("CREATE ROLE evil LOGIN"))
        #expect(refused("CREATE TABLE cobranza.evil (x int)"))
        #expect(refused("CREATE TABLE public.evil (x int)"))
        #expect(refused("ALTER TABLE cobranza.tenant DISABLE ROW LEVEL SECURITY", SQLState(rawValue: "42501")))
    }

    /// Only members of cobranza_clock may pin "today" (0007_clock.sql); for anyone else the
    /// setting is ignored, so no user can move the date guards (the suite's own cluster grants
    /// the clock to every kind of person, as a training cluster would).
    @Test func onlyClockMembersCanPinToday() throws {
        let su = try db.superuser()
        let outsider = "outsider_" + TestCluster.uniqueSuffix() // [a-z0-9_]: safe as an identifier
        try su.query("CREATE ROLE " + outsider + " NOLOGIN")
        defer {
            _ = try? su.query("RESET SESSION AUTHORIZATION")
            _ = try? su.query("DROP OWNED BY " + outsider)
            _ = try? su.query("DROP ROLE " + outsider)
        }
        try su.query("GRANT USAGE ON SCHEMA cobranza TO " + outsider)
        try su.query("GRANT EXECUTE ON FUNCTION cobranza.today() TO " + outsider)
        try su.query("SET cobranza.as_of = '2001-02-03'")
        func today(as role: String) throws -> String {
            try su.query("SET SESSION AUTHORIZATION " + role)
            defer { _ = try? su.query("RESET SESSION AUTHORIZATION") }
            return try su.query("SELECT cobranza.today()::text AS d").first!.decode("d")
        }
        #expect(try today(as: maria.user) == "2001-02-03")
        #expect(try today(as: outsider) == su.query("SELECT current_date::text AS d").first!.decode("d", as: String.self))
    }

    /// The moment of a contact (0046): a pinned date alone is noon in Santiago, a pinned time
    /// without an offset is read there, one with an offset is taken as written.
    @Test func onlyClockMembersCanPinTheMoment() throws {
        let su = try db.superuser()
        try su.query("GRANT EXECUTE ON FUNCTION cobranza.now() TO PUBLIC")
        func now(_ pinned: String) throws -> String {
            try su.query("SELECT set_config('cobranza.as_of', $1, false)", [pinned])
            try su.query("SET SESSION AUTHORIZATION " + maria.user)
            defer { _ = try? su.query("RESET SESSION AUTHORIZATION") }
            return try su.query("SELECT (cobranza.now() AT TIME ZONE 'UTC')::text AS t").first!.decode("t")
        }
        #expect(try now("2026-12-06") == "2026-12-06 15:00:00")
        #expect(try now("2026-12-06T07:30") == "2026-12-06 10:30:00")
        #expect(try now("2026-12-06T07:30-05") == "2026-12-06 12:30:00")
    }

    @Test func cannotTouchTheAuditLog() throws {
        #expect(refused("SELECT * FROM cobranza.audit_log"))
        #expect(refused("INSERT INTO cobranza.audit_log (table_name, operation) VALUES ('x', 'INSERT')"))
        #expect(refused("UPDATE cobranza.audit_log SET who = 'nobody'"))
        #expect(refused("DELETE FROM cobranza.audit_log"))
        #expect(refused("TRUNCATE cobranza.audit_log"))
    }

    @Test func cannotReachAnotherDatabaseOfTheCluster() throws {
        let otherDatabase = try TestCluster.makeDatabase()
        // Group membership gives CONNECT there, but no person row: every policy shows nothing.
        let elsewhere = try TestCluster.parameters(database: otherDatabase.name, user: maria.user, password: TestDatabase.password)
        let connection = try Connection(parameters: elsewhere)
        #expect(try connection.query("SELECT count(*) AS c FROM cobranza.tenant").first?.decode("c", as: Int.self) == 0)
        #expect(try connection.query("SELECT count(*) AS c FROM cobranza.whoami").first?.decode("c", as: Int.self) == 0)
    }
}

@Suite("Audit log")
struct AuditTests {
    @Test func everyMutationIsRecordedAndNobodyCanRewriteIt() throws {
        let db = try TestCluster.makeDatabase()
        let adminName = try db.addPerson("boss", kind: "admin")
        let admin = try db.connect(as: adminName)
        try admin.query("INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency) VALUES ('ACME', 'Acme', '76123456-0', 'CL', 'CLP')")
        try admin.query("UPDATE cobranza.tenant SET legal_name = 'Acme SpA' WHERE code = 'ACME'")
        let rows = try admin.query("SELECT who, operation, before->>'legal_name' AS b, after->>'legal_name' AS a FROM cobranza.audit_log WHERE table_name = 'tenant' ORDER BY id")
        #expect(rows.rows.count == 2)
        #expect(try rows.rows[1].decode("who", as: String.self) == adminName)
        #expect(try rows.rows[1].decode("operation", as: String.self) == "UPDATE")
        #expect(try rows.rows[1].decode("b", as: String.self) == "Acme")
        #expect(try rows.rows[1].decode("a", as: String.self) == "Acme SpA")
        for sql in ["UPDATE cobranza.audit_log SET who = 'x'", "DELETE FROM cobranza.audit_log", "TRUNCATE cobranza.audit_log"] {
            #expect(throws: PostgresError.self, "admin must not be able to run \(sql)") { try admin.query(sql) }
        }
    }

    /// A statement's inserts are named by runs of ids, not one id each (a million-row placement
    /// wrote 8 MB of ids); a tenant's rows themselves are copied while it has at most 100.
    @Test func bulkInsertsAreRecordedAsRunsOfIds() throws {
        let db = try TestCluster.makeDatabase()
        try db.addClient("BIG")
        try db.addClient("SMALL", taxID: "96543210-8")
        let su = try db.superuser()
        try su.query("""
            INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
            SELECT t.id, 'CL', ($1::text[])[g], 'Deudor ' || g
              FROM cobranza.tenant t, generate_series(1, 150) g WHERE t.code = 'BIG' OR (t.code = 'SMALL' AND g <= 2)
             ORDER BY t.code, g
            """, ["{" + (1...150).map { TestCluster.rut(10_000_000 + $0) }.joined(separator: ",") + "}"])
        let audit = try su.query("""
            SELECT t.code, a.after->>'count' AS n, a.after->>'id_ranges' AS ranges, jsonb_array_length(a.after->'rows') AS copied,
                   (SELECT '[[' || min(d.id) || ', ' || max(d.id) || ']]' FROM cobranza.debtor d WHERE d.tenant_id = a.tenant_id) AS span
              FROM cobranza.audit_log a JOIN cobranza.tenant t ON t.id = a.tenant_id
             WHERE a.table_name = 'debtor' ORDER BY t.code
            """).rows
        #expect(audit.count == 2)
        #expect(try audit.map { try $0.decode("code", as: String.self) } == ["BIG", "SMALL"])
        #expect(try audit.map { try $0.decode("n", as: String.self) } == ["150", "2"])
        for row in audit {
            #expect(try row.decode("ranges", as: String.self) == row.decode("span", as: String.self))
        }
        #expect(try audit[0].decodeIfPresent("copied", as: Int64.self) == nil)
        #expect(try audit[1].decode("copied", as: Int64.self) == 2)
    }
}
