import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 14's session and lock findings, each attacked as the role with plain SQL: no person can
/// hold billing or the migrator, take more than its share of connections, or keep a session
/// after being disabled (`0015_sessions_and_locks.sql`). Every wait is bounded by a lock_timeout
/// of the waiting session, so a regression fails in seconds instead of hanging the suite.
@Suite("Sessions and locks")
struct SessionsAndLocksTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    var db: TestDatabase { fixture.db }

    /// The key 0004's lock_billing() took with pg_advisory_xact_lock, which every role may take.
    static let oldBillingKey = "SELECT pg_advisory_lock(20260404, 1)"

    @Test func anSMEHoldingTheOldBillingKeyDoesNotStopBilling() throws {
        let maria = try fixture.connect(fixture.maria)
        try maria.query(Self.oldBillingKey)
        let admin = try fixture.connect(fixture.admin)
        try admin.query("SET lock_timeout = '2s'")
        try admin.query("SELECT * FROM cobranza.issue_fee_invoices(NULL, '2026-03')")
    }

    @Test func noPersonCanTakeTheBillingLock() throws {
        let maria = try fixture.connect(fixture.maria)
        for sql in ["SELECT cobranza.lock_billing()", "SELECT * FROM cobranza.billing_lock FOR UPDATE",
                    "LOCK TABLE cobranza.billing_lock"] {
            #expect(throws: PostgresError.self, "\(sql)") { try maria.query(sql) }
        }
        // A collector of another database on the cluster is in the same cluster-wide group, which
        // holds EXECUTE and CONNECT here: still no lock.
        let elsewhere = try TestCluster.makeDatabase()
        let stranger = try elsewhere.addPerson("ext", kind: "collector")
        let intruder = try db.connect(as: stranger)
        #expect(throws: PostgresError.self) {
            try intruder.withTransaction { try intruder.query("SELECT cobranza.lock_billing()") }
        }
    }

    @Test func aWaitForTheBillingLockSaysWhatItWaitsFor() throws {
        let holder = try fixture.connect(fixture.admin)
        try holder.query("BEGIN")
        try holder.query("SELECT cobranza.lock_billing()")
        let waiter = try fixture.connect(fixture.admin)
        try waiter.query("SET lock_timeout = '1s'")
        do {
            try waiter.query("SELECT * FROM cobranza.issue_fee_invoices(NULL, '2026-03')")
            Issue.record("issued while another session held billing")
        } catch {
            #expect(error.sqlState == SQLState(rawValue: "55P03"))
            #expect(error.message.hasPrefix("billing is busy: another session is issuing or voiding"), "\(error.message)")
        }
        try holder.query("ROLLBACK")
    }

    @Test func anSMEHoldingTheMigratorKeyDoesNotStopMigrations() throws {
        let maria = try fixture.connect(fixture.maria)
        try maria.query("SELECT pg_advisory_lock(x'636f6272616e7a61'::bigint)")
        let superuser = try db.superuser()
        try superuser.query("SET lock_timeout = '2s'")
        let migrator = try Migrator(directory: try #require(MigrationSource.locate()))
        #expect(try migrator.migrate(superuser).isEmpty)
    }

    @Test func disablingAPersonEndsItsSessions() throws {
        let maria = try fixture.connect(fixture.maria)
        let admin = try fixture.connect(fixture.admin)
        try admin.query("SELECT cobranza.disable_person($1)", [fixture.maria])
        do {
            try maria.query("SELECT 1")
            Issue.record("the disabled person's session still answers")
        } catch {
            #expect(error.kind == .connectionLost, "\(error)")
        }
    }

    @Test func anSMEUserHasAHandfulOfConnectionsAndBoundedStatements() throws {
        var sessions = try (0..<4).map { _ in try db.connect(as: fixture.maria) }
        do {
            sessions.append(try db.connect(as: fixture.maria))
            Issue.record("a fifth session of one SME user was accepted")
        } catch {
            #expect("\(error)".contains("too many connections for role"), "\(error)")
        }
        #expect(try sessions[0].query("SHOW statement_timeout").first?.decode("statement_timeout", as: String.self) == "2min")
        #expect(try sessions[0].query("SHOW idle_in_transaction_session_timeout").first?
            .decode("idle_in_transaction_session_timeout", as: String.self) == "1min")
    }

    @Test func staffHaveMoreConnectionsAndAdminsSetThem() throws {
        func limit(_ role: String) throws -> Int {
            try db.asSuperuser { try $0.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", [role]).first!.decode("rolconnlimit") }
        }
        #expect(try limit(fixture.maria) == 4)
        #expect(try limit(fixture.collector) == 10)
        #expect(try limit(fixture.admin) == 20)

        let admin = try fixture.session(fixture.admin)
        try admin.users.setConnectionLimit(name: fixture.collector, connections: 3)
        #expect(try limit(fixture.collector) == 3)
        #expect(throws: StoreError.self) { try admin.users.setConnectionLimit(name: fixture.collector, connections: 0) }
        let maria = try fixture.connect(fixture.maria)
        #expect(throws: PostgresError.self) {
            try maria.query("SELECT cobranza.set_connection_limit($1, 50)", [fixture.maria])
        }
    }

    /// The server log of the suite's cluster (`scripts/pg-cluster` starts it with `-l`).
    static var serverLog: URL? {
        TestCluster.environment["COBRANZA_TEST_PGHOST"].map { URL(fileURLWithPath: $0).appendingPathComponent("server.log") }
    }

    /// An admin whose statements, bound parameters included, the server logs (a setting of this
    /// test's role only, so no other test is affected).
    func loggedAdmin() throws -> Session {
        try db.asSuperuser { try $0.query("ALTER ROLE \(fixture.admin) SET log_statement = 'all'") }
        return try fixture.session(fixture.admin)
    }

    @Test func addingAPersonSendsAVerifierNotThePassword() throws {
        let log = try #require(Self.serverLog)
        let admin = try loggedAdmin()
        let clear = "clear-\(TestCluster.uniqueSuffix())"
        let name = "luis_" + TestCluster.uniqueSuffix()
        try admin.users.add(name: name, kind: .collector, clientCode: nil, password: clear)
        _ = try db.connect(as: name, password: clear)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains(name), "the statement was not logged, so the check proves nothing")
        #expect(!text.contains(clear))
    }

    @Test func aPasswordChangeSendsAVerifierAndRefusesAnythingElse() throws {
        let log = try #require(Self.serverLog)
        let admin = try loggedAdmin()
        let clear = "new-\(TestCluster.uniqueSuffix())"
        try admin.users.setPassword(name: fixture.maria, password: clear)
        _ = try db.connect(as: fixture.maria, password: clear)
        #expect(!(try String(contentsOf: log, encoding: .utf8)).contains(clear))

        let own = "own-\(TestCluster.uniqueSuffix())"
        let maria = try Session(connection: try db.connect(as: fixture.maria, password: clear))
        try maria.users.setPassword(name: nil, password: own)
        _ = try db.connect(as: fixture.maria, password: own)
        let stored: Bool = try db.asSuperuser {
            try $0.query("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = $1", [fixture.maria]).first!.decode("scram")
        }
        #expect(stored)

        // With plain SQL: a clear password or an MD5 hash is refused, and an SME user may not
        // set anyone else's.
        let raw = maria.connection
        for secret in ["a-clear-password", "md5" + String(repeating: "0", count: 32)] {
            #expect(throws: PostgresError.self) { try raw.query("SELECT cobranza.set_password(NULL, $1)", [secret]) }
        }
        let verifier = try raw.scramVerifier(password: "whatever-it-is", user: fixture.collector)
        #expect(throws: PostgresError.self) { try raw.query("SELECT cobranza.set_password($1, $2)", [fixture.collector, verifier]) }
    }
}
