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
            if !embeddedReady {
                guard let sql = MigrationSource.locate(environment: environment) else {
                    throw StoreError("cannot find the sql/ directory with the migrations (set COBRANZA_SQL_DIR)")
                }
                let notes = try cluster.prepare(migrations: try Migrator(directory: sql), environment: environment)
                notes.forEach { console.error("cobranza: \($0)") }
                embeddedReady = true
            }
            parameters = try cluster.connectionParameters(user: user ?? plannedUser)
        case .server(let planned):
            parameters = planned.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if let user {
                parameters.removeAll { $0.keyword == "user" }
                parameters.append(("user", user))
            }
        }
        parameters.append(("application_name", "cobranza"))
        do {
            return try Session(connection: Connection(parameters: parameters))
        } catch let error as PostgresError where error.needsPassword && PasswordPrompt.isAvailable {
            let name = user ?? parameters.last { $0.keyword == "user" }?.value ?? environment["PGUSER"] ?? NSUserName()
            let password = try PasswordPrompt.read("Password for user \(name): ")
            parameters.removeAll { $0.keyword == "password" }
            parameters.append(("password", password))
            return try Session(connection: Connection(parameters: parameters))
        }
    }
}
