import CobranzaCore
import Foundation
import Postgres

/// A person or company that owes one of the agency's clients money.
public struct DebtorRecord: Sendable, Equatable {
    public var client: String
    public var taxID: String
    public var name: String
    public var kind: String
    /// "señor" or "señora" for a person, when known: how a letter addresses it.
    public var salutation: String?
    public var email: String?
    public var phone: String?
    public var address: String?
    public var city: String?
    public var region: String?
    public var country: String
    /// The zone its contact hours are read in: its own, else its country's main one.
    public var timeZone: String
    public var openCases: Int
}

/// Debtors belong to one client; the same tax id under two clients is two debtors.
public struct Debtors {
    let session: Session
    var connection: Connection { session.connection }

    public struct Details: Sendable {
        public var name: String?
        public var kind: String?
        /// "señor" or "señora" (unaccented and "sr"/"sra" accepted).
        public var salutation: String?
        public var email: String?
        public var phone: String?
        public var address: String?
        public var city: String?
        public var region: String?
        /// One of its country's zones (`ContactTimeZones`); nil keeps the stored one (the
        /// country's main zone for a new debtor).
        public var timeZone: String?
        public init(name: String? = nil, kind: String? = nil, email: String? = nil, phone: String? = nil,
                    address: String? = nil, city: String? = nil, region: String? = nil, salutation: String? = nil,
                    timeZone: String? = nil) {
            self.timeZone = timeZone
            self.name = name
            self.salutation = salutation
            self.kind = kind
            self.email = email
            self.phone = phone
            self.address = address
            self.city = city
            self.region = region
        }
    }

    @discardableResult
    public func add(taxID: String, details: Details, client: String?) throws -> DebtorRecord {
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        guard let name = details.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw StoreError(field: "name", "required")
        }
        try Self.check(details)
        try Self.checkTimeZone(details.timeZone, country: scope.country)
        do {
            try connection.withTransaction {
                try connection.query("""
                    INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name, kind, email, phone, address, city, region, salutation, time_zone)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    """, [scope.id, scope.country.code, id.normalized, name, details.kind ?? "company", details.email,
                          details.phone, details.address, details.city, details.region, try Self.salutation(details), details.timeZone])
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw StoreError(field: "tax_id", "client \(scope.code) already has a debtor with tax id \(id.formatted)")
        }
        return try show(taxID: taxID, client: client)
    }

    public func edit(taxID: String, details: Details, client: String?) throws -> DebtorRecord {
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        try Self.check(details)
        try Self.checkTimeZone(details.timeZone, country: scope.country)
        if let name = details.name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw StoreError(field: "name", "must not be empty") }
        let updated = try connection.withTransaction {
            try connection.query("""
                UPDATE cobranza.debtor SET name = coalesce($3, name), kind = coalesce($4, kind), salutation = coalesce($10, salutation),
                    email = coalesce($5, email), phone = coalesce($6, phone), address = coalesce($7, address),
                    city = coalesce($8, city), region = coalesce($9, region), time_zone = coalesce($11, time_zone)
                WHERE tenant_id = $1 AND tax_id = $2
                """, [scope.id, id.normalized, details.name?.trimmingCharacters(in: .whitespaces), details.kind,
                      details.email, details.phone, details.address, details.city, details.region,
                      try Self.salutation(details), details.timeZone]).affectedRows
        }
        guard updated == 1 else { throw StoreError("client \(scope.code) has no debtor with tax id \(id.formatted)") }
        return try show(taxID: taxID, client: client)
    }

    public func show(taxID: String, client: String?) throws -> DebtorRecord {
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        guard let row = try connection.query(Self.select + " WHERE d.tenant_id = $1 AND d.tax_id = $2", [scope.id, id.normalized]).first else {
            throw StoreError("client \(scope.code) has no debtor with tax id \(id.formatted)")
        }
        return try Self.record(row)
    }

    public func list(client: String?, search: String?, limit: Int) throws -> [DebtorRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            let scope = try TenantScope.resolve(session, client: client)
            conditions.append("d.tenant_id = " + parameters.bind(scope.id))
        }
        if let search {
            conditions.append(DebtorSearch.condition(search, debtor: "d", parameters: &parameters))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try connection.query(Self.select + filter + " ORDER BY t.code, d.name LIMIT " + parameters.bind(limit), parameters.values)
            .rows.map(Self.record)
    }

    private static let select = """
        SELECT t.code, d.tax_id, d.name, d.kind, d.salutation, d.email, d.phone, d.address, d.city, d.region, d.country,
               cobranza.debtor_time_zone(d.country, d.time_zone) AS time_zone,
               (SELECT count(*) FROM cobranza.collection_case c
                 WHERE c.tenant_id = d.tenant_id AND c.debtor_id = d.id AND c.stage <> 'closed') AS open_cases
        FROM cobranza.debtor d JOIN cobranza.tenant t ON t.id = d.tenant_id
        """

    static func record(_ row: Row) throws -> DebtorRecord {
        let country = Country(code: try row.decode("country")) ?? .chile
        let stored: String = try row.decode("tax_id")
        return DebtorRecord(
            client: try row.decode("code"), taxID: (try? TaxID.parse(stored, country: country).get())?.formatted ?? stored,
            name: try row.decode("name"), kind: try row.decode("kind"), salutation: try row.decodeIfPresent("salutation"), email: try row.decodeIfPresent("email"),
            phone: try row.decodeIfPresent("phone"), address: try row.decodeIfPresent("address"),
            city: try row.decodeIfPresent("city"), region: try row.decodeIfPresent("region"),
            country: country.code, timeZone: try row.decode("time_zone"), openCases: try row.decode("open_cases"))
    }

    /// A zone the debtor's country has, as debtor_time_zone_check allows.
    static func checkTimeZone(_ zone: String?, country: Country) throws {
        guard let zone else { return }
        let zones = ContactTimeZones.zones(of: country)
        guard zones.contains(zone) else {
            throw StoreError(field: "time_zone", "\(zone) is not a zone of \(country.code): one of \(zones.joined(separator: ", "))")
        }
    }

    /// Records that the debtor authorised its creditor to contact it through `channel` on `on`
    /// (Colombia's Ley 2300: only authorised channels may be used), with where that is recorded.
    public func authorize(taxID: String, client: String?, channel: String, on: CalendarDate, source: String) throws {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors record a debtor's authorisations")
        }
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        let source = source.trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty, source.count <= 500 else { throw StoreError(field: "source", "1 to 500 characters") }
        guard on <= (try session.today()) else { throw StoreError(field: "authorised_on", "\(on) is in the future") }
        do {
            let inserted = try connection.withTransaction {
                try connection.query("""
                    INSERT INTO cobranza.contact_authorisation (tenant_id, debtor_id, channel, authorised_on, source)
                    SELECT d.tenant_id, d.id, $3, $4::date, $5 FROM cobranza.debtor d WHERE d.tenant_id = $1 AND d.tax_id = $2
                    """, [scope.id, id.normalized, channel, on.description, source]).affectedRows
            }
            guard inserted == 1 else { throw StoreError("client \(scope.code) has no debtor with tax id \(id.formatted)") }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw StoreError(field: "channel", "the debtor already authorised \(channel) for client \(scope.code)")
        }
    }

    /// The channels the debtor authorised, with date and source, for `debtor show`.
    public func authorisations(taxID: String, client: String?) throws -> [(channel: String, on: String, source: String)] {
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        return try connection.query("""
            SELECT a.channel, a.authorised_on::text AS authorised_on, a.source FROM cobranza.contact_authorisation a
              JOIN cobranza.debtor d ON d.tenant_id = a.tenant_id AND d.id = a.debtor_id
             WHERE d.tenant_id = $1 AND d.tax_id = $2 ORDER BY a.channel
            """, [scope.id, id.normalized]).rows.map { row in
            (try row.decode("channel"), try row.decode("authorised_on"), try row.decode("source"))
        }
    }

    static func parseTaxID(_ text: String, country: Country) throws -> TaxID {
        switch TaxID.parse(text, country: country) {
        case .success(let id): return id
        case .failure(let problem): throw StoreError(field: "tax_id", "\(problem)")
        }
    }

    /// The stored spelling of a typed salutation.
    static func salutation(_ details: Details) throws -> String? {
        guard let typed = details.salutation else { return nil }
        guard let salutation = Salutation(typed: typed) else { throw StoreError(field: "salutation", "must be señor or señora") }
        return salutation.rawValue
    }

    static func check(_ details: Details) throws {
        _ = try salutation(details)
        if let kind = details.kind, kind != "company", kind != "person" { throw StoreError(field: "kind", "must be company or person") }
        if let email = details.email, !email.contains("@") || email.count > 254 { throw StoreError(field: "email", "\"\(email)\" is not an email address") }
        for (field, value) in [("name", details.name), ("phone", details.phone), ("address", details.address),
                               ("city", details.city), ("region", details.region)] {
            if let value, value.count > 200 { throw StoreError(field: field, "longer than 200 characters") }
        }
    }
}
