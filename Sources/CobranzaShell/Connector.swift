import CobranzaStore
import Foundation
import Postgres

/// Opens sessions for the shell: on the embedded default (created and started as needed) or on
/// the server the plan names, prompting for a password when libpq needs one and a terminal
/// is there to ask on.
public final class Connector {
    public let plan: ConnectionPlan
    let environment: [String: String]
    let console: Console
    private var embeddedReady = false
    /// The parameters of the last session opened, password included when one was typed: kept in
    /// memory only, so a lost connection can be reopened as the same person without asking again.
    private var lastParameters: [(keyword: String, value: String)]?

    public init(plan: ConnectionPlan, environment: [String: String], console: Console) {
        self.plan = plan
        self.environment = environment
        self.console = console
    }

    public var cluster: EmbeddedCluster { EmbeddedCluster(root: EmbeddedCluster.defaultRoot(environment: environment)) }

    /// Connects as the planned user, or as `user` when given (`\c USER`).
    public func open(user: String? = nil) throws -> Session {
        var parameters: [(keyword: String, value: String)]
        switch plan.target {
        case .embedded(let plannedUser):
            try prepareEmbedded()
            parameters = try cluster.connectionParameters(user: user ?? plannedUser)
        case .server(let planned):
            parameters = planned.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if let user {
                parameters.removeAll { $0.keyword == "user" }
                parameters.append(("user", user))
            }
        }
        parameters.append(("application_name", "cobranza"))
        let connection: Connection
        do {
            connection = try Connection(parameters: parameters)
        } catch {
            // (a plain catch: `catch … where` on a typed throw crashes Swift 6.3.1's SILGen)
            guard error.needsPassword && PasswordPrompt.isAvailable else { throw error }
            let name = user ?? parameters.last { $0.keyword == "user" }?.value ?? environment["PGUSER"] ?? NSUserName()
            let password = try PasswordPrompt.read("Password for user \(name): ")
            parameters.removeAll { $0.keyword == "password" }
            parameters.append(("password", password))
            connection = try Connection(parameters: parameters)
        }
        lastParameters = parameters
        return try Self.session(on: connection)
    }

    /// Opens a new session exactly as the last one was opened (same server, same person, the
    /// password typed then), for the shell after a lost connection. It never prompts: a person
    /// who is asked for a password in the middle of a session cannot tell why.
    public func reopen() throws -> Session {
        guard let parameters = lastParameters else { return try open() }
        if case .embedded = plan.target {
            // The embedded cluster may have been stopped, or crashed: start it again first.
            embeddedReady = false
            try prepareEmbedded()
        }
        return try Self.session(on: Connection(parameters: parameters))
    }

    /// Creates, starts and migrates the embedded cluster once per connector.
    private func prepareEmbedded() throws {
        guard !embeddedReady else { return }
        guard let sql = MigrationSource.locate(environment: environment) else {
            throw StoreError("cannot find the sql/ directory with the migrations (set COBRANZA_SQL_DIR)")
        }
        let notes = try cluster.prepare(migrations: try Migrator(directory: sql), environment: environment)
        notes.forEach { console.error("cobranza: \($0)") }
        embeddedReady = true
    }

    private static func session(on connection: Connection) throws -> Session {
        try boundLockWaits(connection)
        return try Session(connection: connection)
    }

    /// How long a command waits for a lock another session holds before it gives up and says
    /// what it waited for, instead of hanging the shell.
    public static let lockTimeout = "10s"

    /// Sets `lock_timeout` for the shell's statements unless the session already has one (from
    /// PGOPTIONS, the role's or the database's settings), which is left as it is.
    static func boundLockWaits(_ connection: Connection) throws {
        try connection.query(
            "SELECT pg_catalog.set_config('lock_timeout', $1, false) WHERE pg_catalog.current_setting('lock_timeout') = '0'",
            [lockTimeout])
    }
}
