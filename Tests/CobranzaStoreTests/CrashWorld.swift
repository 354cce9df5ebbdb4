import CobranzaStore
import Foundation
import Postgres
import TestSupport

/// One crash test's database on its own durable cluster: the agency the benchmarks build
/// (`scripts/bench`'s fixture, written set-wise in SQL so 100,000 rows take a second), the
/// people who drive the real binary, and the checks every crash must leave true.
struct CrashWorld {
    static let database = "crash"
    static let password = "crash-password"
    static let admin = "crash_admin"
    static let collector = "crash_collector"

    let cluster: CrashCluster
    /// The socket directory the checks read from: the cluster's, or after a failover the
    /// promoted standby's (`StandbyCluster`), which has the same superuser and password.
    var host: String

    /// `clients` CLP clients on a 15 % contract, each with `casesPerClient` cases owing one large
    /// invoice (opened 2026-01-15), an admin and a collector.
    init(cluster: CrashCluster, clients: Int, casesPerClient: Int) throws {
        self.cluster = cluster
        host = cluster.directory
        try cluster.makeDatabase(Self.database)
        let db = try superuser()
        for statement in [
            "SELECT cobranza.create_person('\(Self.admin)', 'admin', NULL, '\(Self.password)')",
            "SELECT cobranza.create_person('\(Self.collector)', 'collector', NULL, '\(Self.password)')",
            """
            INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
            SELECT 'C' || lpad(g::text, 3, '0'), 'Cliente ' || g, (20000000 + g)::text || '-' || cobranza.rut_check_digit((20000000 + g)::text), 'CL', 'CLP'
              FROM generate_series(1, \(clients)) g
            """,
            "INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp) SELECT id, 1, '2026-01-01', 1500, 2500, 1900 FROM cobranza.tenant",
            """
            INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
            SELECT t.id, 'CL', (10000000 + k)::text || '-' || cobranza.rut_check_digit((10000000 + k)::text), 'Deudor ' || k
              FROM cobranza.tenant t, generate_series(1, \(casesPerClient)) k
            """,
            "INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on) SELECT tenant_id, id, 'CLP', '2026-01-15' FROM cobranza.debtor ORDER BY id",
            "INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id) SELECT tenant_id, debtor_id, 'CLP', 'accepted', id FROM cobranza.collection_case",
            """
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
            SELECT tenant_id, id, debtor_id, 'F-' || id, '2025-11-01', '2025-12-01', 1000000000000, 'CLP', case_id FROM cobranza.submission
            """,
            "ANALYZE",
        ] { try db.query(statement) }
    }

    func superuser() throws -> Connection {
        try Connection(parameters: cluster.parameters(database: Self.database).map { $0.keyword == "host" ? ("host", host) : $0 })
    }

    func count(_ sql: String) throws -> Int64 {
        try superuser().query(sql).first?.decode("count", as: Int64.self) ?? -1
    }

    /// The shell as `user`, on this database, running one command.
    func shell(_ command: String, as user: String = admin) throws -> (argv: [String], environment: [String: String]) {
        ([Subprocess.cobranzaBinary, "-d", "dbname=\(Self.database)", "-c", command],
         try cluster.shellEnvironment(user: user, password: Self.password))
    }

    func run(_ command: String, as user: String = admin) throws -> Subprocess.Result {
        let (argv, environment) = try shell(command, as: user)
        return try Subprocess.run(argv, environment: environment)
    }

    /// Waits (at most 30 s) until a session of `user` matches `condition` on pg_stat_activity:
    /// the sign that the work to be interrupted has started. False if it never did.
    func waitForSession(of user: String, where condition: String, while client: BackgroundProcess) throws -> Bool {
        let watcher = try cluster.superuser(database: Self.database)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && client.isRunning {
            let found = try watcher.query(
                "SELECT count(*) AS count FROM pg_stat_activity WHERE usename = $1 AND \(condition)", [user]
            ).first?.decode("count", as: Int64.self) ?? 0
            if found > 0 { return true }
            usleep(5_000)
        }
        return false
    }

    /// Kills the postmaster in the middle of `command`: starts it, waits for its session to match
    /// `condition`, lets it run a random while more (up to `jitter` ms) so the kill lands at a
    /// different point each run, then SIGKILLs the server and restarts it. Returns whether the
    /// client was still running at the kill (the work was in flight) and its exit status.
    func crashServer(during command: String, as user: String = admin, when condition: String, jitter: UInt32) throws
        -> (inFlight: Bool, status: Int32) {
        let (argv, environment) = try shell(command, as: user)
        let client = try BackgroundProcess(argv, environment: environment)
        defer { if client.isRunning { client.kill() } }
        let started = try waitForSession(of: user, where: condition, while: client)
        if jitter > 0 { usleep(UInt32.random(in: 0...jitter) * 1_000) }
        let inFlight = started && client.isRunning
        try cluster.kill()
        let status = try client.wait(seconds: 30)
        try cluster.restart()
        return (inFlight, status)
    }

    /// Counters with holes: for each series and year of case numbers (`C-2026-000001`) and fee
    /// documents (`F-…`, `NC-…`), the numbers present must be exactly 1…N.
    func counterHoles() throws -> [String] {
        try superuser().query("""
            WITH numbers AS (
                SELECT split_part(number, '-', 1) AS series, split_part(number, '-', 2) AS year,
                       split_part(number, '-', 3)::int AS n FROM cobranza.collection_case
                UNION ALL
                SELECT split_part(number, '-', 1), split_part(number, '-', 2), split_part(number, '-', 3)::int FROM cobranza.fee_document)
            SELECT series || '-' || year || ': ' || count(*) || ' numbers, ' || count(DISTINCT n) || ' distinct, highest ' || max(n) AS hole
              FROM numbers GROUP BY series, year
            HAVING count(*) <> max(n) OR count(DISTINCT n) <> count(*) OR min(n) <> 1
            """).rows.map { try $0.decode("hole", as: String.self) }
    }

    /// Fee billing gone wrong: payments with a fee billed on no invoice or on more than one,
    /// documents naming a payment that does not exist, and documents whose subtotal is not the
    /// sum of their payments' fees (a document written without its payments).
    func billingFaults() throws -> (unbilledOrTwice: Int64, missingPayments: Int64, wrongTotals: Int64) {
        let row = try superuser().query("""
            WITH billed AS (
                SELECT d.tenant_id, u.payment_id, count(*) AS times
                  FROM cobranza.fee_document d CROSS JOIN LATERAL unnest(d.payment_ids) u(payment_id)
                 WHERE d.kind = 'invoice' GROUP BY 1, 2)
            SELECT (SELECT count(*) FROM cobranza.payment p LEFT JOIN billed b ON b.tenant_id = p.tenant_id AND b.payment_id = p.id
                     WHERE p.fee <> 0 AND coalesce(b.times, 0) <> 1) AS unbilled,
                   (SELECT count(*) FROM billed b LEFT JOIN cobranza.payment p ON p.tenant_id = b.tenant_id AND p.id = b.payment_id
                     WHERE p.id IS NULL) AS missing,
                   (SELECT count(*) FROM cobranza.fee_document d
                     WHERE d.kind = 'invoice' AND d.subtotal IS DISTINCT FROM (
                           SELECT sum(p.fee) FROM cobranza.payment p WHERE p.tenant_id = d.tenant_id AND p.id = ANY (d.payment_ids))) AS wrong
            """).first!
        return (try row.decode("unbilled"), try row.decode("missing"), try row.decode("wrong"))
    }
}
