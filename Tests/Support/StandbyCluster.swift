import CobranzaStore
import Foundation
import Postgres

/// A streaming standby of a `CrashCluster`, made the way docs/operations.md tells an operator
/// to: `pg_basebackup -R` (a copy of the primary plus `standby.signal` and `primary_conninfo`),
/// its own unix socket directory, then the primary told to wait for it on every commit
/// (`synchronous_standby_names`), so a commit the primary acknowledged is on the standby's disk
/// too and survives the primary's death. Durable like its primary. As root it runs as the
/// `postgres` system user, as `scripts/pg-cluster` does.
public final class StandbyCluster: Sendable {
    /// Its data lives in `directory/data`; its socket is `directory/.s.PGSQL.5432`.
    public let directory: String
    let bindir: String

    /// Copies `primary` and starts the copy as its synchronous standby; returns once the primary
    /// reports it as `sync` in pg_stat_replication (from then on every commit waits for it).
    public static func start(of primary: CrashCluster) throws -> StandbyCluster {
        let standby = StandbyCluster(directory: primary.directory + "-standby", bindir: primary.bindir)
        do {
            try standby.copyAndStart(primary)
            try standby.becomeSynchronous(of: primary)
        } catch {
            standby.stop()
            throw error
        }
        return standby
    }

    private init(directory: String, bindir: String) {
        self.directory = directory
        self.bindir = bindir
    }

    private func copyAndStart(_ primary: CrashCluster) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        if getuid() == 0 { _ = try run(["/bin/chown", "postgres:postgres", directory], asOwner: false) }
        // -R writes standby.signal and primary_conninfo (this conninfo, password included: a
        // real standby would take it from ~postgres/.pgpass instead); -X stream copies the WAL
        // written during the copy; -c fast does not wait for the next scheduled checkpoint.
        let source = "host=\(primary.directory) port=5432 user=\(CrashCluster.superuser) password=\(primary.password)"
        try run([bindir + "/pg_basebackup", "-D", directory + "/data", "-R", "-X", "stream", "-c", "fast", "-d", source])
        // The copy has the primary's postgresql.conf: the last setting of a name wins, so the
        // standby listens on its own socket directory.
        let conf = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/data/postgresql.conf"))
        try conf.seekToEnd()
        try conf.write(contentsOf: Data("unix_socket_directories = '\(directory)'\n".utf8))
        try conf.close()
        try run([bindir + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "start"])
    }

    /// `synchronous_standby_names = '*'` on the primary (set after the copy, so the standby does
    /// not inherit it and, once promoted alone, does not wait for a standby it does not have).
    private func becomeSynchronous(of primary: CrashCluster) throws {
        let db = try primary.superuser()
        try db.query("ALTER SYSTEM SET synchronous_standby_names = '*'")
        try db.query("SELECT pg_reload_conf()")
        let deadline = Date().addingTimeInterval(30)
        while try db.query("SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'").first == nil {
            guard Date() < deadline else { throw StoreError("the standby did not become synchronous within 30 s") }
            usleep(50_000)
        }
    }

    /// `pg_ctl promote`: the standby ends recovery and accepts writes; returns once it does.
    public func promote() throws {
        try run([bindir + "/pg_ctl", "-D", directory + "/data", "-w", "-t", "60", "promote"])
    }

    /// Stops the standby if it runs and removes its directory.
    public func stop() {
        guard let script = try? CrashCluster.repository().appendingPathComponent("scripts/pg-cluster").path else { return }
        _ = try? ChildProcess.run(["/bin/bash", script, "stop", directory], environment: ProcessInfo.processInfo.environment)
    }

    @discardableResult
    private func run(_ arguments: [String], asOwner: Bool = true) throws -> String {
        let argv = asOwner && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        let result = try ChildProcess.run(argv)
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw StoreError("\(arguments.first ?? "") failed: \(result.output)\n\(log.suffix(2000))")
        }
        return result.output
    }
}
