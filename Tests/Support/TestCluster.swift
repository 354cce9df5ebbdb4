import CobranzaCore
import CobranzaStore
import Foundation
import Postgres

/// The throwaway cluster `scripts/test` starts, described by COBRANZA_TEST_* variables. Each
/// test gets its own database copied from one migrated template, so tests run in parallel
/// without seeing each other's rows. Roles are cluster-wide, so people get unique names.
public enum TestCluster {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "COBRANZA_TEST_PGHOST is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL"
        }
    }

    public static let environment = ProcessInfo.processInfo.environment

    public static func settings() throws -> (host: String, port: String, user: String, password: String) {
        guard let host = environment["COBRANZA_TEST_PGHOST"] else { throw Missing() }
        return (host, environment["COBRANZA_TEST_PGPORT"] ?? "5432",
                environment["COBRANZA_TEST_SUPERUSER"] ?? "postgres", environment["COBRANZA_TEST_PASSWORD"] ?? "")
    }

    /// libpq parameters for `user` on `database`.
    public static func parameters(database: String, user: String? = nil, password: String? = nil) throws -> [(keyword: String, value: String)] {
        let s = try settings()
        return [("host", s.host), ("port", s.port), ("dbname", database),
                ("user", user ?? s.user), ("password", password ?? s.password)]
    }

    public static func superuser(database: String = "postgres") throws -> Connection {
        try Connection(parameters: parameters(database: database))
    }

    /// Superuser sessions on `postgres` kept for creating databases: a new connection costs the
    /// server a fork and a SCRAM exchange (~10–20 ms of CPU here), and every test makes a database.
    static let maintenance = ConnectionPool { try superuser() }

    /// Created once per test process: a database with every migration applied.
    static let template: Result<String, any Error> = Result {
        let name = "cobranza_template_\(getpid())"
        let admin = try superuser()
        try admin.query("DROP DATABASE IF EXISTS \(name)")
        try admin.query("CREATE DATABASE \(name)")
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        let connection = try superuser(database: name)
        try Migrator(directory: sql).migrate(connection)
        // Tests pin "today" with cobranza.as_of, which only members of cobranza_clock may do
        // (0007_clock.sql). Roles are cluster-wide, and this cluster is the suite's own.
        try admin.query("GRANT cobranza_clock TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client, cobranza_worker")
        return name
    }

    public static func templateName() throws -> String { try template.get() }

    /// A fresh migrated database. CREATE DATABASE … TEMPLATE does not copy the database's
    /// access list, so CONNECT is taken from PUBLIC again here, as the migration does.
    public static func makeDatabase() throws -> TestDatabase {
        let template = try templateName()
        let name = "t_" + uniqueSuffix()
        try maintenance.use { try $0.query("CREATE DATABASE \(name) TEMPLATE \(template)") }
        return try grantPeopleConnect(name)
    }

    /// A fresh database with the migrations up to and including `version` only: for tests of
    /// what a later migration does to data written under the earlier schema.
    public static func makeDatabase(through version: String) throws -> TestDatabase {
        _ = try templateName()  // the cluster-wide roles and grants the template sets up
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        let name = "t_" + uniqueSuffix()
        try maintenance.use { try $0.query("CREATE DATABASE \(name)") }
        let migrator = try Migrator(directory: sql)
        try Migrator(migrations: migrator.migrations.filter { $0.version <= version }).migrate(try superuser(database: name))
        return try grantPeopleConnect(name)
    }

    private static func grantPeopleConnect(_ name: String) throws -> TestDatabase {
        try maintenance.use { admin in
            try admin.query("REVOKE CONNECT, TEMPORARY ON DATABASE \(name) FROM PUBLIC")
            try admin.query("GRANT CONNECT, TEMPORARY ON DATABASE \(name) TO cobranza_admin, cobranza_collector, cobranza_lawyer, cobranza_client, cobranza_worker")
        }
        return TestDatabase(name: name)
    }

    /// Lower-case, so it is valid inside a role name.
    public static func uniqueSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// One test's database and the people in it.
public final class TestDatabase: @unchecked Sendable {
    public let name: String
    public static let password = "correct-horse-battery"

    /// Superuser sessions for the fixtures' plain statements (people, clients, rows), reused for
    /// the same reason as `TestCluster.maintenance`. Tests that want a session of their own, to
    /// change its settings or watch it, call `superuser()`.
    let setup: ConnectionPool

    init(name: String) {
        self.name = name
        setup = ConnectionPool { try TestCluster.superuser(database: name) }
    }

    /// A new superuser session on this database.
    public func superuser() throws -> Connection { try TestCluster.superuser(database: name) }

    /// Runs `body` on a reused superuser session of this database: for statements that leave no
    /// session state behind (no SET, no open transaction).
    @discardableResult
    public func asSuperuser<T>(_ body: (Connection) throws -> T) throws -> T { try setup.use(body) }

    /// Creates a person through the same SECURITY DEFINER function `user add` uses and returns
    /// the unique login name.
    @discardableResult
    public func addPerson(_ base: String, kind: String, client: String? = nil) throws -> String {
        let login = "\(base)_\(TestCluster.uniqueSuffix())"
        try asSuperuser { try $0.query("SELECT cobranza.create_person($1, $2, $3, $4)", [login, kind, client, Self.password]) }
        return login
    }

    /// Adds a client (tenant) directly, as the superuser.
    public func addClient(_ code: String, taxID: String = "76123456-0", country: String = "CL") throws {
        try asSuperuser {
            try $0.query(
                "INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency) VALUES ($1, $2, $3, $4, 'CLP')",
                [code, "\(code) Ltda", taxID, country])
        }
    }

    public func connect(as user: String, password: String = TestDatabase.password) throws -> Connection {
        try Connection(parameters: TestCluster.parameters(database: name, user: user, password: password))
    }
}

/// Idle connections handed to one caller at a time. A connection whose work threw is closed, not
/// kept: it may be mid-transaction or lost.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Connection] = []
    private let open: () throws -> Connection

    init(open: @escaping () throws -> Connection) { self.open = open }

    @discardableResult
    func use<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? open()
        let result = try body(connection)
        lock.withLock { idle.append(connection) }
        return result
    }
}

extension TestCluster {
    /// A canonical Chilean RUT with its check digit, as the database requires of every debtor
    /// and client (0017_placement_rules.sql): fixtures that write debtors directly use these.
    public static func rut(_ body: Int) -> String { "\(body)-\(TaxID.rutCheckDigit(String(body)))" }

    /// A RUT unlikely to repeat within a test's database.
    public static func randomRUT() -> String { rut(Int.random(in: 10_000_000...99_999_999)) }
}
