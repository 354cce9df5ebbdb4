import Foundation
import Postgres

/// The private PostgreSQL cluster used when no server is named: created on first use under the
/// data directory, listening only on a unix socket inside it, every role (the first admin too)
/// authenticating by SCRAM password. As root it is owned and run by the `postgres` system user.
public struct EmbeddedCluster: Sendable {
    public let root: URL

    public static let databaseName = "cobranza"
    public static let firstAdmin = "admin"
    /// The delivery worker's login (`cobranza worker`), made with the cluster.
    public static let worker = "worker"
    static let superuser = "postgres"
    static let port = "5432"

    public init(root: URL) { self.root = root }

    /// `$COBRANZA_DATA`, else `$XDG_DATA_HOME/cobranza`, else `~/.local/share/cobranza`.
    public static func defaultRoot(environment: [String: String]) -> URL {
        if let explicit = environment["COBRANZA_DATA"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("cobranza")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/cobranza")
    }

    var dataDirectory: URL { root.appendingPathComponent("pgdata") }
    public var socketDirectory: URL { root.appendingPathComponent("run") }
    var logFile: URL { root.appendingPathComponent("postgres.log") }
    var superuserPasswordFile: URL { root.appendingPathComponent("superuser.password") }
    public var adminPasswordFile: URL { root.appendingPathComponent("admin.password") }
    public var workerPasswordFile: URL { root.appendingPathComponent("worker.password") }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Creates, starts and migrates as needed; returns what it did, for a one-line note.
    /// Serialised by a lock file so two shells starting at once do not both run initdb.
    @discardableResult
    public func prepare(migrations: Migrator, environment: [String: String]) throws -> [String] {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lock = open(root.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o600)
        guard lock >= 0 else { throw StoreError("cannot open lock file in \(root.path)") }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }

        let bin = try PostgresPrograms.directory(environment: environment)
        var notes: [String] = []
        try checkMajorVersion(bin: bin)
        if !isInitialized {
            try initialize(bin: bin)
            notes.append("created the embedded database in \(root.path)")
        }
        // Right after a crash the dead postmaster still looks alive (`StalePostmaster`): wait for it.
        _ = StalePostmaster.wait { StalePostmaster.isZombie(dataDirectory: dataDirectory) }
        if try !isRunning(bin: bin) { try start(bin: bin) }
        let applied = try withSuperuser { connection in
            let applied = try migrations.migrate(connection)
            try Self.closeOtherDatabases(connection)
            return applied
        }
        if !applied.isEmpty { notes.append("applied \(applied.count) migration(s)") }
        if try ensureFirstAdmin() { notes.append("created the first admin \"\(Self.firstAdmin)\" (password in \(adminPasswordFile.path))") }
        if try ensureWorker() { notes.append("created the delivery worker \"\(Self.worker)\" (password in \(workerPasswordFile.path))") }
        return notes
    }

    /// libpq parameters for a person; with no user named, the first admin and its stored password.
    public func connectionParameters(user: String?) throws -> [(keyword: String, value: String)] {
        var parameters: [(keyword: String, value: String)] = [
            ("host", socketDirectory.path), ("port", Self.port), ("dbname", Self.databaseName),
            ("user", user ?? Self.firstAdmin),
        ]
        if user == nil { parameters.append(("password", try readSecret(adminPasswordFile))) }
        return parameters
    }

    /// libpq parameters for the delivery worker's login, with its stored password.
    public func workerConnectionParameters() throws -> [(keyword: String, value: String)] {
        [("host", socketDirectory.path), ("port", Self.port), ("dbname", Self.databaseName), ("user", Self.worker),
         ("password", try readSecret(workerPasswordFile))]
    }

    public func stop(environment: [String: String]) throws -> Bool {
        let bin = try PostgresPrograms.directory(environment: environment)
        guard isInitialized, try isRunning(bin: bin) else { return false }
        try SystemCommand.run(bin + "/pg_ctl", ["-D", dataDirectory.path, "-m", "fast", "-w", "stop"])
        return true
    }

    public func status(environment: [String: String]) throws -> (initialized: Bool, running: Bool) {
        guard isInitialized else { return (false, false) }
        return (true, try isRunning(bin: PostgresPrograms.directory(environment: environment)))
    }

    // MARK: - Steps

    /// The major version that created the data directory (its `PG_VERSION`: "15", "18").
    var dataMajorVersion: Int? {
        guard let data = fm.contents(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else { return nil }
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A cluster's files belong to one major version: a server of another major refuses them
    /// with a line in its log only. Say so before trying, naming both and the ways out.
    func checkMajorVersion(bin: String) throws {
        guard let data = dataMajorVersion else { return }
        let programs = try PostgresPrograms.majorVersion(bin: bin)
        guard data != programs else { return }
        throw StoreError("the embedded database in \(root.path) was made by PostgreSQL \(data), and the server programs in \(bin) "
            + "are PostgreSQL \(programs): point COBRANZA_PG_BINDIR at PostgreSQL \(data)'s, or COBRANZA_DATA at another directory")
    }

    private func isRunning(bin: String) throws -> Bool {
        do {
            try SystemCommand.run(bin + "/pg_ctl", ["-D", dataDirectory.path, "status"])
            return true
        } catch let failure as SystemCommand.Failure where failure.status == 3 {
            return false
        }
    }

    /// Starts the server; a start that fails is tried once more after a pause, because the
    /// backends of a postmaster killed a moment ago may still hold its shared memory.
    private func start(bin: String) throws {
        let arguments = ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"]
        do {
            try SystemCommand.run(bin + "/pg_ctl", arguments)
        } catch is SystemCommand.Failure {
            sleep(1)
            _ = StalePostmaster.wait { StalePostmaster.isZombie(dataDirectory: dataDirectory) }
            do {
                try SystemCommand.run(bin + "/pg_ctl", arguments)
            } catch let failure as SystemCommand.Failure {
                throw StoreError("could not start the embedded database: \(failure) (see \(logFile.path))")
            }
        }
    }

    private func initialize(bin: String) throws {
        let fm = FileManager.default
        if SystemCommand.isRoot { try makeReachableByClusterOwner() }
        try writeSecret(Self.generatePassword(), to: superuserPasswordFile)
        try fm.createDirectory(at: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if SystemCommand.isRoot {
            for path in [root, socketDirectory, superuserPasswordFile] {
                try SystemCommand.run("/bin/chown", ["postgres:postgres", path.path], asClusterOwner: false)
            }
        }
        do {
            try SystemCommand.run(bin + "/initdb", [
                "-D", dataDirectory.path, "-U", Self.superuser, "--pwfile", superuserPasswordFile.path,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale",
            ])
        } catch let failure as SystemCommand.Failure {
            throw StoreError("could not create the embedded database: \(failure)")
        }
        let settings = """

            # cobranza: private cluster, reachable only through the socket directory below.
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(socketDirectory.path.replacingOccurrences(of: "'", with: "''"))'
            password_encryption = 'scram-sha-256'
            # PostgreSQL's defaults, said here so no copied tuning turns them off: a payment the
            # shell reported recorded must survive a crash or a power cut.
            fsync = on
            synchronous_commit = on
            full_page_writes = on

            """
        let conf = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
        try conf.seekToEnd()
        try conf.write(contentsOf: Data(settings.utf8))
        try conf.close()
    }

    /// The postgres system user must be able to walk down to the data directory (root's home is
    /// usually 0700). Grants search (x) only, and only on the ancestors that lack it.
    private func makeReachableByClusterOwner() throws {
        var directory = root.deletingLastPathComponent()
        while directory.path != "/" {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
            let mode = (attributes[.posixPermissions] as? Int) ?? 0
            if mode & 0o001 == 0 {
                try FileManager.default.setAttributes([.posixPermissions: mode | 0o001], ofItemAtPath: directory.path)
            }
            directory.deleteLastPathComponent()
        }
    }

    private func withSuperuser<T>(_ body: (Connection) throws -> T) throws -> T {
        let password = try readSecret(superuserPasswordFile)
        let base: [(keyword: String, value: String)] = [
            ("host", socketDirectory.path), ("port", Self.port), ("user", Self.superuser), ("password", password),
        ]
        let maintenance = try Connection(parameters: base + [("dbname", "postgres")])
        let exists = try maintenance.query("SELECT 1 FROM pg_database WHERE datname = $1", [Self.databaseName]).first != nil
        if !exists { try maintenance.query("CREATE DATABASE \(Self.databaseName)") }
        let connection = try Connection(parameters: base + [("dbname", Self.databaseName)])
        return try body(connection)
    }

    /// Takes CONNECT (and TEMP) from PUBLIC on every database of the cluster but cobranza's:
    /// `postgres` and `template1` grant it by default, so any person could log in there (and,
    /// sitting in template1, stop CREATE DATABASE). The superuser needs no grant. Runs at every
    /// start, so clusters made before this rule get it too; it does nothing once done.
    static func closeOtherDatabases(_ connection: Connection) throws {
        let statements = try connection.query("""
            SELECT pg_catalog.format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', d.datname) AS sql
              FROM pg_catalog.pg_database d
             WHERE d.datname <> $1
               AND (pg_catalog.has_database_privilege('public', d.oid, 'CONNECT')
                    OR pg_catalog.has_database_privilege('public', d.oid, 'TEMPORARY'))
            """, [databaseName]).rows.map { try $0.decode("sql", as: String.self) }
        for statement in statements { try connection.query(statement) }
    }

    private func ensureFirstAdmin() throws -> Bool {
        try withSuperuser { connection in
            let hasAdmin = try connection.query("SELECT 1 FROM cobranza.person WHERE kind = 'admin' LIMIT 1").first != nil
            guard !hasAdmin else { return false }
            let password = Self.generatePassword()
            // Only the SCRAM verifier goes to the server, as for user add.
            let verifier = try connection.scramVerifier(password: password, user: Self.firstAdmin)
            try connection.withTransaction {
                try connection.query("SELECT cobranza.create_person($1, 'admin', NULL, $2)", [Self.firstAdmin, verifier])
                try writeSecret(password, to: adminPasswordFile)
            }
            return true
        }
    }

    /// The worker's login, made once (0080_delivery_worker.sql: a member of cobranza_worker only),
    /// through create_worker as the first admin would, so `cobranza worker` works out of the box.
    private func ensureWorker() throws -> Bool {
        try withSuperuser { connection in
            let exists = try connection.query("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", [Self.worker]).first != nil
            guard !exists else { return false }
            let password = Self.generatePassword()
            let verifier = try connection.scramVerifier(password: password, user: Self.worker)
            try connection.withTransaction {
                try connection.query("SELECT cobranza.create_worker($1, $2)", [Self.worker, verifier])
                try writeSecret(password, to: workerPasswordFile)
            }
            return true
        }
    }

    // MARK: - Secrets

    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private func writeSecret(_ secret: String, to url: URL) throws {
        let fm = FileManager.default
        try? fm.removeItem(at: url)
        guard fm.createFile(atPath: url.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError("cannot write \(url.path)")
        }
    }

    private func readSecret(_ url: URL) throws -> String {
        guard let data = fm.contents(atPath: url.path) else {
            throw StoreError("cannot read \(url.path) (the embedded database keeps its passwords there)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private var fm: FileManager { .default }
}
