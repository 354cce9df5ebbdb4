/// Decides where to connect from the flags and the environment, the way psql would, except
/// that naming no server at all means the embedded default cluster. Pure: tested without I/O.
public struct ConnectionPlan: Equatable, Sendable {
    public enum Target: Equatable, Sendable {
        /// The private cluster under the data directory; `user` nil means the first admin.
        case embedded(user: String?)
        /// A server named by flags or environment; libpq resolves the rest (PG*, .pgpass, services).
        case server(parameters: [String: String])
    }

    public var target: Target

    public struct Flags: Equatable, Sendable {
        public var database: String?
        public var host: String?
        public var port: String?
        public var user: String?
        public init(database: String? = nil, host: String? = nil, port: String? = nil, user: String? = nil) {
            self.database = database
            self.host = host
            self.port = port
            self.user = user
        }
    }

    public static func resolve(_ flags: Flags, environment: [String: String]) -> ConnectionPlan {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let namesServer = flags.database != nil || flags.host != nil
            || env("DATABASE_URL") != nil || env("PGHOST") != nil || env("PGSERVICE") != nil
            || env("PGHOSTADDR") != nil
        guard namesServer else {
            return ConnectionPlan(target: .embedded(user: flags.user ?? env("PGUSER")))
        }
        var parameters: [String: String] = [:]
        if let database = flags.database ?? env("DATABASE_URL") {
            parameters["dbname"] = database
        } else if env("PGDATABASE") == nil, env("PGSERVICE") == nil {
            parameters["dbname"] = "cobranza"
        }
        if let host = flags.host { parameters["host"] = host }
        if let port = flags.port { parameters["port"] = port }
        if let user = flags.user { parameters["user"] = user }
        return ConnectionPlan(target: .server(parameters: parameters))
    }
}
