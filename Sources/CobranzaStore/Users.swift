import CobranzaCore
import Postgres

/// A person who logs in: a PostgreSQL login role plus its row in `cobranza.person`.
public struct PersonRecord: Sendable, Equatable {
    public var name: String
    public var kind: PersonKind
    public var clientCode: String?
    public var disabled: Bool
    public var createdBy: String
}

/// People. Creating and disabling run SECURITY DEFINER functions that only admins may call,
/// so no login role ever holds CREATEROLE itself.
public struct Users {
    let connection: Connection

    public func add(name: String, kind: PersonKind, clientCode: String?, password: String) throws {
        if let problem = Identifier.validateUserName(name) { throw StoreError(field: "name", "\(problem)") }
        if kind == .client, clientCode == nil { throw StoreError(field: "client", "required for role client") }
        if kind != .client, clientCode != nil { throw StoreError(field: "client", "only for role client") }
        guard password.count >= 8 else { throw StoreError("password: must be at least 8 characters") }
        try callDefiner("SELECT cobranza.create_person($1, $2, $3, $4)", [name, kind.rawValue, clientCode?.uppercased(), password])
    }

    public func disable(name: String) throws {
        try callDefiner("SELECT cobranza.disable_person($1)", [name])
    }

    public func list() throws -> [PersonRecord] {
        try connection.query("""
            SELECT p.role_name, p.kind, t.code, p.disabled, p.created_by
            FROM cobranza.person p LEFT JOIN cobranza.tenant t ON t.id = p.tenant_id
            ORDER BY p.kind, p.role_name
            """).rows.map { row in
            PersonRecord(
                name: try row.decode("role_name"),
                kind: PersonKind(rawValue: try row.decode("kind")) ?? .client,
                clientCode: try row.decodeIfPresent("code"),
                disabled: try row.decode("disabled"),
                createdBy: try row.decode("created_by"))
        }
    }

    /// User names this session can see, for tab completion.
    public func names() throws -> [String] {
        try connection.query("SELECT role_name::text AS name FROM cobranza.person ORDER BY 1").rows.map { try $0.decode("name") }
    }

    private func callDefiner(_ sql: String, _ parameters: [(any PostgresEncodable)?]) throws {
        do {
            try connection.withTransaction { _ = try connection.query(sql, parameters) }
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw StoreError(error.message.contains("permission denied for function") ? "only agency admins can manage users" : error.message)
        } catch let error as PostgresError where error.isRuleViolation {
            throw StoreError(refusing: error)
        }
    }
}
