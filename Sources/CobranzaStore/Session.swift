import CobranzaCore
import Postgres

/// Who is logged in, as the database sees it (`cobranza.whoami`, keyed on `session_user`).
public struct Identity: Sendable, Equatable {
    public var user: String
    public var kind: PersonKind
    public var clientCode: String?
    public var clientName: String?

    public init(user: String, kind: PersonKind, clientCode: String? = nil, clientName: String? = nil) {
        self.user = user
        self.kind = kind
        self.clientCode = clientCode
        self.clientName = clientName
    }
}

/// A person's connection plus who they are. Every aggregate (clients, users, …) works through
/// it; the database's roles and policies decide what it may see.
public final class Session {
    public let connection: Connection
    public let identity: Identity

    public init(connection: Connection) throws {
        self.connection = connection
        self.identity = try Self.identify(connection)
    }

    private static func identify(_ connection: Connection) throws -> Identity {
        let result: QueryResult
        do {
            result = try connection.query("SELECT role_name, kind, client_code, client_name FROM cobranza.whoami")
        } catch {
            guard error.sqlState == .undefinedTable || error.sqlState == .insufficientPrivilege else { throw error }
            throw StoreError("database \"\(connection.database)\" has no cobranza schema this role can use (run the migrations, or connect as a cobranza user)")
        }
        guard let row = result.first else {
            throw StoreError("role \"\(connection.user)\" is not a cobranza user (ask an admin to run user add)")
        }
        let kindName: String = try row.decode("kind")
        guard let kind = PersonKind(rawValue: kindName) else {
            throw StoreError("role \"\(connection.user)\" has an unknown kind")
        }
        return Identity(
            user: try row.decode("role_name"), kind: kind,
            clientCode: try row.decodeIfPresent("client_code"),
            clientName: try row.decodeIfPresent("client_name"))
    }

    public var clients: Clients { Clients(connection: connection) }
    public var users: Users { Users(connection: connection) }
}
