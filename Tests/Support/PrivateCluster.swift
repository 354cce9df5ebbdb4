import CobranzaStore
import Foundation
import Postgres

/// A PostgreSQL cluster of one test's own, made by `scripts/pg-cluster` in a directory of its
/// own, for tests that restart or stop the server: the suite's shared cluster must not notice.
/// Migrated, with the cobranza database ready for people.
public final class PrivateCluster: @unchecked Sendable {
    public let directory: URL
    public let password: String
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/pg-cluster").standardizedFileURL.path

    public init() throws {
        directory = URL(fileURLWithPath: "/tmp/cobranza-private-\(TestCluster.uniqueSuffix())")
        let started = try ChildProcess.run(["/bin/bash", Self.script, "start", directory.path])
        guard started.status == 0, let range = started.output.range(of: "COBRANZA_TEST_PASSWORD='") else {
            throw StoreError("pg-cluster start failed: \(started.output)")
        }
        password = String(started.output[range.upperBound...].prefix { $0 != "'" })
        let admin = try superuser(database: "postgres")
        try admin.query("CREATE DATABASE cobranza")
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        try Migrator(directory: sql).migrate(try superuser())
    }

    public func superuser(database: String = "cobranza") throws -> Connection {
        try Connection(parameters: [("host", directory.path), ("port", "5432"), ("dbname", database),
                                    ("user", "postgres"), ("password", password)])
    }

    /// Restarts the server (fast shutdown: sessions are ended), waiting until it is back.
    public func restart() throws {
        var argv = [Self.bindir + "/pg_ctl", "-D", directory.appendingPathComponent("data").path,
                    "-l", directory.appendingPathComponent("server.log").path, "-m", "fast", "-w", "-t", "30", "restart"]
        if geteuid() == 0 { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
        let result = try ChildProcess.run(argv)
        guard result.status == 0 else { throw StoreError("pg_ctl restart failed: \(result.output)") }
    }

    static var bindir: String { TestCluster.environment["COBRANZA_PG_BINDIR"] ?? "/usr/lib/postgresql/15/bin" }

    /// Stops the server and removes its directory.
    public func remove() {
        _ = try? ChildProcess.run(["/bin/bash", Self.script, "stop", directory.path])
    }
}
