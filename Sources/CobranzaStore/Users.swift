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
/// so no login role ever holds CREATEROLE itself. Passwords leave this process only as SCRAM
/// verifiers computed here, so the server (its log, `pg_stat_activity`) never sees one in clear.
public struct Users {
    let connection: Connection

    /// `connections`: how many sessions the person may hold at once; nil keeps its kind's
    /// default (`cobranza.default_connection_limit`). In the same transaction as the creation.
    public func add(name: String, kind: PersonKind, clientCode: String?, password: String, connections: Int? = nil) throws {
        if let problem = Identifier.validateUserName(name) { throw StoreError(field: "name", "\(problem)") }
        if kind == .client, clientCode == nil { throw StoreError(field: "client", "required for role client") }
        if kind != .client, clientCode != nil { throw StoreError(field: "client", "only for role client") }
        guard password.count >= 8 else { throw StoreError("password: must be at least 8 characters") }
        let verifier = try connection.scramVerifier(password: password, user: name)
        try callDefiner { () throws(PostgresError) in
            _ = try connection.query("SELECT cobranza.create_person($1, $2, $3, $4)", [name, kind.rawValue, clientCode?.uppercased(), verifier])
            if let connections { _ = try connection.query("SELECT cobranza.set_connection_limit($1, $2::integer)", [name, connections]) }
        }
    }

    /// Sets the password of `name`, or the caller's own when nil (an admin may set anyone's).
    public func setPassword(name: String?, password: String) throws {
        guard password.count >= 8 else { throw StoreError(field: "password", "must be at least 8 characters") }
        let verifier = try connection.scramVerifier(password: password, user: name ?? connection.user)
        try callDefiner("SELECT cobranza.set_password($1, $2)", [name, verifier])
    }

    /// How many sessions `name` may hold at once (admins only).
    public func setConnectionLimit(name: String, connections: Int) throws {
        try callDefiner("SELECT cobranza.set_connection_limit($1, $2::integer)", [name, connections])
    }

    /// Stops `name` from logging in and ends their sessions. A person who holds open cases is
    /// refused, naming them, unless `reassignTo` (an enabled collector or lawyer) takes them
    /// over in the same transaction; returns the case numbers moved.
    @discardableResult
    public func disable(name: String, reassignTo: String? = nil) throws -> [String] {
        do {
            return try connection.withTransaction { () throws -> [String] in
                let open = reassignTo == nil ? [] : try connection.query("""
                    SELECT number FROM cobranza.collection_case WHERE assigned_to = $1 AND stage <> 'closed' ORDER BY number
                    """, [name]).rows.map { try $0.decode("number", as: String.self) }
                try connection.query("SELECT cobranza.disable_person($1, $2)", [name, reassignTo])
                return open
            }
        } catch {
            guard let postgres = error as? PostgresError else { throw error }
            if postgres.sqlState == .insufficientPrivilege {
                throw StoreError(postgres.message.contains("permission denied for function") ? "only agency admins can manage users" : postgres.message)
            }
            if postgres.constraint == "collection_case_assigned_to_check", !postgres.message.hasPrefix("reassign_to: ") {
                throw StoreError(field: "reassign_to", postgres.message)
            }
            guard postgres.isRuleViolation else { throw error }
            throw StoreError(refusing: postgres)
        }
    }

    /// Lets a disabled person log in again (admins only).
    public func enable(name: String) throws {
        try callDefiner("SELECT cobranza.enable_person($1)", [name])
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
        try callDefiner { () throws(PostgresError) in _ = try connection.query(sql, parameters) }
    }

    /// Runs `body` in one transaction, turning refusals into one-line store errors.
    private func callDefiner(_ body: () throws(PostgresError) -> Void) throws {
        do {
            try connection.withTransaction { try body() }
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw StoreError(error.message.contains("permission denied for function") ? "only agency admins can manage users" : error.message)
        } catch let error as PostgresError where error.isRuleViolation {
            throw StoreError(refusing: error)
        }
    }
}
