import Foundation
import Postgres
import Testing
import TestSupport

/// The shell with nothing configured: it creates a private cluster under $COBRANZA_DATA on
/// first use, logs in as the first admin with the stored password, and reuses it afterwards.
@Suite("Embedded default database", .serialized)
struct EmbeddedDefaultTests {
    @Test func firstUseCreatesItThenScriptsBehaveLikePsql() throws {
        let data = Self.newDataDirectory()
        let environment = Self.environment(data)
        let cobranza = Subprocess.cobranzaBinary
        defer {
            _ = try? Subprocess.run([cobranza, "db", "stop"], environment: environment)
            try? FileManager.default.removeItem(at: data)
        }

        let first = try Subprocess.run([cobranza, "-c", "whoami"], environment: environment)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("created the embedded database"))
        #expect(first.output.contains(" admin | admin | agency |"))
        let secret = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("admin.password").path)
        #expect((secret[.posixPermissions] as? Int) == 0o600)

        let again = try Subprocess.run([cobranza, "-c", "whoami"], environment: environment)
        #expect(again.status == 0)
        #expect(!again.output.contains("created"))

        let missing = try Subprocess.run([cobranza], input: "client add\n", environment: environment)
        #expect(missing.status == 1)
        #expect(missing.output == "error: client add: missing argument CODE\n")

        let stopped = try Subprocess.run([cobranza, "--on-error-stop"], input: "nonsense\nwhoami\n", environment: environment)
        #expect(stopped.status == 3)
        #expect(!stopped.output.contains("admin"))

        // Another person logs in to the same cluster with a password (PGPASSWORD), as with psql.
        let password = data.appendingPathComponent("ana.secret")
        try "ana-password\n".write(to: password, atomically: true, encoding: .utf8)
        let added = try Subprocess.run([cobranza, "-c", "user add ana --role collector --password-file \(password.path)"], environment: environment)
        #expect(added.status == 0, "\(added.output)")
        var asAna = environment
        asAna["PGPASSWORD"] = "ana-password"
        let ana = try Subprocess.run([cobranza, "-U", "ana", "-c", "whoami"], environment: asAna)
        #expect(ana.output.contains(" ana  | collector | agency |"), "\(ana.output)")
        // Only cobranza's database takes people: postgres and template1 refuse them (issue 14).
        for database in ["postgres", "template1"] {
            #expect(throws: PostgresError.self, "\(database)") {
                _ = try Connection(parameters: [
                    ("host", data.appendingPathComponent("run").path), ("port", "5432"), ("dbname", database),
                    ("user", "ana"), ("password", "ana-password"),
                ])
            }
        }
        asAna["PGPASSWORD"] = "wrong"
        let refused = try Subprocess.run([cobranza, "-U", "ana", "-c", "whoami"], environment: asAna)
        #expect(refused.status == 2)
        #expect(refused.output.contains("password authentication failed"))

        let status = try Subprocess.run([cobranza, "db", "status"], environment: environment)
        #expect(status.output.contains("running:        yes"))
        let stop = try Subprocess.run([cobranza, "db", "stop"], environment: environment)
        #expect(stop.output == "embedded database stopped\n")
    }

    /// Right after its postmaster is killed (`kill -9`, a crash), the dead process still looks
    /// alive for a moment: the shell and `db start` wait for it instead of failing.
    @Test func startingRightAfterACrashWorks() throws {
        let data = Self.newDataDirectory()
        let environment = Self.environment(data)
        let cobranza = Subprocess.cobranzaBinary
        defer {
            _ = try? Subprocess.run([cobranza, "db", "stop"], environment: environment)
            try? FileManager.default.removeItem(at: data)
        }
        let first = try Subprocess.run([cobranza, "-c", "whoami"], environment: environment)
        try #require(first.status == 0, "\(first.output)")

        /// Kills the postmaster the data directory names, as a crash would.
        func crash() throws {
            let pidFile = data.appendingPathComponent("pgdata/postmaster.pid")
            let text = try String(contentsOf: pidFile, encoding: .utf8)
            let pid = try #require(pid_t(text.split(separator: "\n").first.map(String.init) ?? ""))
            #expect(kill(pid, SIGKILL) == 0)
        }

        try crash()
        let shell = try Subprocess.run([cobranza, "-c", "whoami"], environment: environment)
        #expect(shell.status == 0, "\(shell.output)")
        #expect(shell.output.contains(" admin | admin | agency |"), "\(shell.output)")

        try crash()
        let start = try Subprocess.run([cobranza, "db", "start"], environment: environment)
        #expect(start.status == 0, "\(start.output)")
        #expect(start.output.contains("embedded database running"), "\(start.output)")
    }

    /// A cluster's files belong to one PostgreSQL major: the shell pointed at another major's
    /// programs (`scripts/run --pg 18` beside a 15 cluster) says so instead of failing in the log.
    @Test func aDataDirectoryOfAnotherMajorIsRefusedNamingBoth() throws {
        let data = Self.newDataDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let pgdata = data.appendingPathComponent("pgdata")
        try FileManager.default.createDirectory(at: pgdata, withIntermediateDirectories: true)
        try "9\n".write(to: pgdata.appendingPathComponent("PG_VERSION"), atomically: true, encoding: .utf8)
        let environment = Self.environment(data)

        let result = try Subprocess.run([Subprocess.cobranzaBinary, "-c", "whoami"], environment: environment)
        #expect(result.status != 0)
        #expect(result.output.contains("was made by PostgreSQL 9, and the server programs in"), "\(result.output)")
        #expect(result.output.contains("point COBRANZA_PG_BINDIR at PostgreSQL 9's, or COBRANZA_DATA at another directory"))
    }

    /// The cluster users keep their data in must be durable: fsync, synchronous_commit and
    /// full_page_writes on (the test cluster turns them off for speed; nothing may do so here),
    /// or a payment the shell reported recorded could vanish in a crash. Read from the server
    /// itself, as the first admin, so a setting from any file counts.
    @Test func itKeepsEveryCommitDurable() throws {
        let data = Self.newDataDirectory()
        let environment = Self.environment(data)
        let cobranza = Subprocess.cobranzaBinary
        defer {
            _ = try? Subprocess.run([cobranza, "db", "stop"], environment: environment)
            try? FileManager.default.removeItem(at: data)
        }
        let first = try Subprocess.run([cobranza, "-c", "whoami"], environment: environment)
        try #require(first.status == 0, "\(first.output)")

        let password = try String(contentsOf: data.appendingPathComponent("admin.password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let connection = try Connection(parameters: [
            ("host", data.appendingPathComponent("run").path), ("port", "5432"), ("dbname", "cobranza"),
            ("user", "admin"), ("password", password),
        ])
        for setting in ["fsync", "synchronous_commit", "full_page_writes"] {
            #expect(try connection.query("SHOW \(setting)").first?.decode(setting, as: String.self) == "on", "\(setting)")
        }
    }

    /// A data directory of the test's own, never the user's.
    static func newDataDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-embedded-\(TestCluster.uniqueSuffix())")
    }

    /// What the shell sees as its whole environment: the embedded default in `data`, the test
    /// cluster's server programs, no history file.
    static func environment(_ data: URL) -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": data.path, "COBRANZA_DATA": data.path, "COBRANZA_HISTORY": "/dev/null"]
        if let bindir = TestCluster.environment["COBRANZA_PG_BINDIR"] { environment["COBRANZA_PG_BINDIR"] = bindir }
        return environment
    }
}
