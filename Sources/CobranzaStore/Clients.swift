import Foundation
import CobranzaCore
import Postgres

/// An SME client of the agency (a tenant).
public struct ClientRecord: Sendable, Equatable {
    public var code: String
    public var legalName: String
    public var taxID: String
    public var country: String
    public var currency: String
    public var userCount: Int
    /// Who to talk to at the client (name, email, phone), as the agency wrote it.
    public var contact: String?

    public init(code: String, legalName: String, taxID: String, country: String, currency: String, userCount: Int, contact: String? = nil) {
        self.contact = contact
        self.code = code
        self.legalName = legalName
        self.taxID = taxID
        self.country = country
        self.currency = currency
        self.userCount = userCount
    }
}

/// Clients: admins add them; every row read is filtered by row-level security, so an SME user
/// listing clients gets its own and nothing else.
public struct Clients {
    let connection: Connection

    public struct NewClient: Sendable {
        public var code: String
        public var legalName: String
        public var taxID: String
        public var country: String
        public var currency: String?

        public init(code: String, legalName: String, taxID: String, country: String, currency: String? = nil) {
            self.code = code
            self.legalName = legalName
            self.taxID = taxID
            self.country = country
            self.currency = currency
        }
    }

    /// Validates in Swift first for errors that name the field, then inserts; the table's own
    /// constraints and policies still have the last word.
    @discardableResult
    public func add(_ new: NewClient) throws -> ClientRecord {
        if let problem = Identifier.validateClientCode(new.code) { throw StoreError(field: "code", "\(problem)") }
        let name = new.legalName.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError(field: "name", "must be 1-200 characters") }
        guard let country = Country(code: new.country) else {
            throw StoreError(field: "country", "must be one of CL, CO, MX (got \"\(new.country)\")")
        }
        let taxID: TaxID
        switch TaxID.parse(new.taxID, country: country) {
        case .success(let id): taxID = id
        case .failure(let problem): throw StoreError(field: "tax_id", "\(problem)")
        }
        let currency: CurrencyCode
        if let given = new.currency {
            guard let code = CurrencyCode(rawValue: given) else {
                throw StoreError(field: "currency", "must be a 3-letter ISO 4217 code (got \"\(given)\")")
            }
            currency = code
        } else {
            currency = country.defaultCurrency
        }
        do {
            try connection.withTransaction {
                let known = try connection.query("SELECT 1 FROM cobranza.currency WHERE code = $1", [currency.rawValue])
                guard known.first != nil else { throw StoreError(field: "currency", "\(currency) is not a known currency") }
                try connection.query(
                    "INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency) VALUES ($1, $2, $3, $4, $5)",
                    [new.code, name, taxID.normalized, country.code, currency.rawValue])
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            if error.constraint?.contains("tax_id") == true {
                throw StoreError(field: "tax_id", "another client already has tax id \(taxID.formatted) in \(country.code)")
            }
            throw StoreError(field: "code", "client \"\(new.code)\" already exists")
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw StoreError("only agency admins can add clients")
        }
        return try show(new.code)
    }

    /// What `client edit` changes; nil leaves a field as it is.
    public struct Changes: Sendable {
        public var legalName: String?
        public var contact: String?
        /// Only while the client has no cases (tenant_identity_fixed, 0029).
        public var taxID: String?
        public init(legalName: String? = nil, contact: String? = nil, taxID: String? = nil) {
            self.legalName = legalName
            self.contact = contact
            self.taxID = taxID
        }
    }

    /// Changes a client's legal name, contact or (before its first case) tax id; admins only.
    @discardableResult
    public func edit(_ code: String, changes: Changes) throws -> ClientRecord {
        let current = try show(code)
        guard changes.legalName != nil || changes.contact != nil || changes.taxID != nil else {
            throw StoreError("nothing to change: give a new name, contact or tax id")
        }
        var name: String?
        if let given = changes.legalName {
            let trimmed = given.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200 else { throw StoreError(field: "name", "must be 1-200 characters") }
            name = trimmed
        }
        if let contact = changes.contact, contact.count > 200 { throw StoreError(field: "contact", "longer than 200 characters") }
        var taxID: TaxID?
        if let given = changes.taxID {
            switch TaxID.parse(given, country: Country(code: current.country) ?? .chile) {
            case .success(let id): taxID = id
            case .failure(let problem): throw StoreError(field: "tax_id", "\(problem)")
            }
        }
        do {
            let updated = try connection.withTransaction {
                try connection.query("""
                    UPDATE cobranza.tenant SET legal_name = coalesce($2, legal_name), contact = coalesce($3, contact),
                           tax_id = coalesce($4, tax_id)
                     WHERE code = $1
                    """, [current.code, name, changes.contact, taxID?.normalized]).affectedRows
            }
            guard updated == 1 else { throw StoreError("only agency admins can edit clients") }
        } catch {
            guard let postgres = error as? PostgresError else { throw error }
            if postgres.sqlState == .insufficientPrivilege { throw StoreError("only agency admins can edit clients") }
            if postgres.sqlState == .uniqueViolation, let taxID {
                throw StoreError(field: "tax_id", "another client already has tax id \(taxID.formatted) in \(current.country)")
            }
            guard postgres.isRuleViolation else { throw error }
            throw StoreError(refusing: postgres)
        }
        return try show(current.code)
    }

    private static let select = """
        SELECT t.code, t.legal_name, t.tax_id, t.country, t.currency, t.contact,
               (SELECT count(*) FROM cobranza.person p WHERE p.tenant_id = t.id) AS users
        FROM cobranza.tenant t
        """

    public func list() throws -> [ClientRecord] {
        try connection.query(Self.select + " ORDER BY t.code").rows.map(Self.record)
    }

    public func show(_ code: String) throws -> ClientRecord {
        guard let row = try connection.query(Self.select + " WHERE t.code = $1", [code.uppercased()]).first else {
            throw StoreError("client \"\(code)\" does not exist")
        }
        return try Self.record(row)
    }

    /// Client codes this session can see, for tab completion.
    public func codes() throws -> [String] {
        try connection.query("SELECT code FROM cobranza.tenant ORDER BY code").rows.map { try $0.decode("code") }
    }

    static func record(_ row: Row) throws -> ClientRecord {
        let country = Country(code: try row.decode("country")) ?? .chile
        let stored: String = try row.decode("tax_id")
        let shown = (try? TaxID.parse(stored, country: country).get())?.formatted ?? stored
        return ClientRecord(
            code: try row.decode("code"), legalName: try row.decode("legal_name"), taxID: shown,
            country: country.code, currency: try row.decode("currency"), userCount: try row.decode("users"),
            contact: try row.decodeIfPresent("contact"))
    }
}
