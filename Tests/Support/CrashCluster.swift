import CobranzaStore
import Foundation
import Postgres

/// A PostgreSQL cluster of one test's own, which the test kills with SIGKILL and starts again.
///
/// The shared test cluster runs with `fsync`, `synchronous_commit` and `full_page_writes` off for
/// speed: a commit it acknowledged may be lost by a crash, so a crash test there would prove
/// nothing. This one is started by the same `scripts/pg-cluster` with `COBRANZA_PG_DURABLE=1`,
/// which leaves PostgreSQL's durable defaults alone. As root it runs as the `postgres` system
/// user, as that script does, because initdb refuses root.
public final class CrashCluster: Sendable {
    public let directory: String
    public let password: String
    let bindir: String
    static let superuser = "postgres"

    /// Where `scripts/` and `sql/` are: the parent of the `sql/` folder the Migrator finds.
    public static func repository() throws -> URL {
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        return sql.deletingLastPathComponent()
    }

    /// Runs `body` with a fresh durable cluster, and stops and removes it however `body` ends.
    public static func with<T>(_ body: (CrashCluster) throws -> T) throws -> T {
        let cluster = try CrashCluster()
        defer { cluster.stop() }
        return try body(cluster)
    }

    private init() throws {
        // A short path: the socket lives in it, and a unix socket path has ~100 bytes.
        directory = "/tmp/cobranza-crash-" + TestCluster.uniqueSuffix()
        var environment = ProcessInfo.processInfo.environment
        environment["COBRANZA_PG_DURABLE"] = "1"
        let script = try Self.repository().appendingPathComponent("scripts/pg-cluster").path
        let started = try ChildProcess.run(["/bin/bash", script, "start", directory], environment: environment)
        func exported(_ name: String) -> String? {
            guard let range = started.output.range(of: "\(name)='") else { return nil }
            let rest = started.output[range.upperBound...]
            return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
        }
        guard started.status == 0, let password = exported("COBRANZA_TEST_PASSWORD"), let bindir = exported("COBRANZA_PG_BINDIR") else {
            _ = try? ChildProcess.run(["/bin/bash", script, "stop", directory])
            throw StoreError("could not start a crash-test cluster: \(started.output)")
        }
        self.password = password
        self.bindir = bindir
    }

    public func parameters(database: String, user: String? = nil, password: String? = nil) -> [(keyword: String, value: String)] {
        [("host", directory), ("port", "5432"), ("dbname", database),
         ("user", user ?? Self.superuser), ("password", password ?? self.password)]
    }

    public func superuser(database: String = "postgres") throws -> Connection {
        try Connection(parameters: parameters(database: database))
    }

    /// A database with every migration applied, run by the Migrator as the shell's `db migrate` does.
    public func makeDatabase(_ name: String) throws {
        try superuser().query("CREATE DATABASE \(name)")
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        try Migrator(directory: sql).migrate(try superuser(database: name))
    }

    /// What the `cobranza` binary needs to reach this cluster as `user`: libpq's variables only.
    public func shellEnvironment(user: String, password: String) throws -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": directory, "COBRANZA_HISTORY": "/dev/null",
         "PGHOST": directory, "PGPORT": "5432", "PGUSER": user, "PGPASSWORD": password,
         "COBRANZA_SQL_DIR": try Self.repository().appendingPathComponent("sql").path]
    }

    /// The postmaster's process id, the first line of `postmaster.pid`.
    func postmasterPID() throws -> pid_t {
        let text = try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
        guard let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }) else {
            throw StoreError("no process id in \(directory)/data/postmaster.pid")
        }
        return pid
    }

    /// SIGKILL to the postmaster and every backend it forked, at once, as a power cut would stop
    /// them: no shutdown checkpoint, no backend finishing its statement. The backends are found
    /// first (once the postmaster is gone they belong to init), and the call returns when all are
    /// gone (bounded), since a new postmaster refuses to start while old backends hold memory.
    /// Then it removes the lock files (`postmaster.pid`, and the socket's, which a reboot clears
    /// with /tmp): here the killed postmaster may linger as a zombie (nothing may reap it in a
    /// container), and a new postmaster takes a lock file naming any existing process for a live
    /// server.
    public func kill() throws {
        let postmaster = try postmasterPID()
        let victims = [postmaster] + Self.children(of: postmaster)
        for pid in victims { _ = Foundation.kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(15)
        while victims.contains(where: Self.isAlive) {
            guard Date() < deadline else { throw StoreError("processes of the killed cluster still alive after 15 s") }
            usleep(10_000)
        }
        for lock in ["/data/postmaster.pid", "/.s.PGSQL.5432.lock"] { try? FileManager.default.removeItem(atPath: directory + lock) }
    }

    /// Starts the killed cluster again: PostgreSQL replays its WAL (crash recovery) before
    /// `pg_ctl -w` returns.
    public func restart() throws {
        let arguments = [bindir + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "start"]
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        let result = try ChildProcess.run(argv)
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw StoreError("the crash-test cluster did not restart: \(result.output)\n\(log.suffix(2000))")
        }
    }

    /// Whether the server log says it recovered from a crash (and so the kill was one).
    public func recoveredFromCrash() -> Bool {
        let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
        return log.contains("database system was interrupted") || log.contains("was not properly shut down")
    }

    /// Stops the cluster if it runs and removes its directory.
    public func stop() {
        guard let script = try? Self.repository().appendingPathComponent("scripts/pg-cluster").path else { return }
        _ = try? ChildProcess.run(["/bin/bash", script, "stop", directory], environment: ProcessInfo.processInfo.environment)
    }

    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm)": state, then the parent's id.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// Alive and not a zombie waiting for its parent.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
