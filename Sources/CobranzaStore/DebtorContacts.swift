import CobranzaCore
import Postgres

/// A channel a debtor refused, with the day and where it was said (`debtor_opt_out`, 0077).
public struct DebtorOptOut: Sendable, Equatable {
    public var channel: String
    public var on: CalendarDate
    public var source: String
}

/// How notices reach a debtor (`debtor contact`): its email and phone in the form the channels
/// take, and the channels it refused. Nothing is queued to a refused channel (0077's trigger,
/// whoever writes), and taking a refusal back deletes its row, which the audit log keeps.
extension Debtors {
    public struct ContactChange: Sendable {
        public var email: String?
        public var phone: String?
        public var optOut: [String]
        public var optIn: [String]
        /// Where the debtor said so ("respondió BAJA al SMS", "llamada 2026-12-03").
        public var source: String?
        public init(email: String? = nil, phone: String? = nil, optOut: [String] = [], optIn: [String] = [], source: String? = nil) {
            self.email = email
            self.phone = phone
            self.optOut = optOut
            self.optIn = optIn
            self.source = source
        }
    }

    /// Records the change in one transaction and returns the debtor as it now is, with its
    /// refused channels.
    public func contact(taxID: String, client: String?, change: ContactChange) throws -> (debtor: DebtorRecord, optOuts: [DebtorOptOut]) {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors change how a debtor is contacted")
        }
        guard change.email != nil || change.phone != nil || !change.optOut.isEmpty || !change.optIn.isEmpty else {
            throw StoreError("nothing to change: give --email, --phone, --opt-out or --opt-in")
        }
        let email = try change.email.map { typed -> String in
            guard let address = ContactAddress.email(typed) else {
                throw StoreError(field: "email", value: "\"\(typed.prefix(80))\"", "is not an email address (name@domain.tld)")
            }
            return address
        }
        let phone = try change.phone.map { typed -> String in
            guard let number = ContactAddress.phone(typed) else {
                throw StoreError(field: "phone", value: "\"\(typed.prefix(80))\"",
                                 "is not a phone number in international form: +, the country code and the number, 8 to 15 digits (+56 9 1234 5678)")
            }
            return number
        }
        let optOut = try Self.channels(change.optOut, field: "opt_out")
        let optIn = try Self.channels(change.optIn, field: "opt_in")
        if let both = optOut.first(where: optIn.contains) {
            throw StoreError(fields: ["opt_out", "opt_in"], "\(both) is named in both")
        }
        let source = change.source?.trimmingSpacesAndNewlines() ?? "not stated"
        guard (1...500).contains(source.count) else { throw StoreError(field: "source", "1 to 500 characters") }

        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        return try connection.withTransaction {
            guard let debtor: Int64 = try connection.query("SELECT id FROM cobranza.debtor WHERE tenant_id = $1 AND tax_id = $2",
                                                           [scope.id, id.normalized]).first?.decode("id") else {
                throw StoreError("client \(scope.code) has no debtor with tax id \(id.formatted)")
            }
            if email != nil || phone != nil {
                try connection.query("""
                    UPDATE cobranza.debtor SET email = coalesce($3, email), phone = coalesce($4, phone) WHERE tenant_id = $1 AND id = $2
                    """, [scope.id, debtor, email, phone])
            }
            for channel in optOut {
                try connection.query("""
                    INSERT INTO cobranza.debtor_opt_out (tenant_id, debtor_id, channel, source) VALUES ($1, $2, $3, $4)
                    ON CONFLICT ON CONSTRAINT debtor_opt_out_pkey DO NOTHING
                    """, [scope.id, debtor, channel.rawValue, source])
            }
            if !optIn.isEmpty {
                try connection.query("DELETE FROM cobranza.debtor_opt_out WHERE tenant_id = $1 AND debtor_id = $2 AND channel = ANY($3::text[])",
                                     [scope.id, debtor, optIn.map(\.rawValue)])
            }
            return (try show(taxID: taxID, client: client), try optOuts(tenant: scope.id, debtor: debtor))
        }
    }

    /// The channels the debtor refused, for `debtor show` (staff and the debtor's own client).
    public func optOuts(taxID: String, client: String?) throws -> [DebtorOptOut] {
        let scope = try TenantScope.resolve(session, client: client)
        let id = try Self.parseTaxID(taxID, country: scope.country)
        guard let debtor: Int64 = try connection.query("SELECT id FROM cobranza.debtor WHERE tenant_id = $1 AND tax_id = $2",
                                                       [scope.id, id.normalized]).first?.decode("id") else { return [] }
        return try optOuts(tenant: scope.id, debtor: debtor)
    }

    func optOuts(tenant: Int64, debtor: Int64) throws -> [DebtorOptOut] {
        try connection.query("""
            SELECT channel, opted_out_on, source FROM cobranza.debtor_opt_out WHERE tenant_id = $1 AND debtor_id = $2 ORDER BY channel
            """, [tenant, debtor]).rows.map {
            DebtorOptOut(channel: try $0.decode("channel"), on: try $0.decode("opted_out_on"), source: try $0.decode("source"))
        }
    }

    /// `sms,whatsapp` as channels, each once.
    static func channels(_ typed: [String], field: String) throws -> [NoticeChannel] {
        var channels: [NoticeChannel] = []
        let words: [String] = typed.flatMap { $0.split(separator: ",").map { String($0).trimmingSpacesAndNewlines().lowercased() } }
        for word in words where !word.isEmpty {
            guard let channel = NoticeChannel(rawValue: word) else {
                throw StoreError(field: field, value: "\"\(word.prefix(80))\"", "is not a channel: email, sms or whatsapp")
            }
            if !channels.contains(channel) { channels.append(channel) }
        }
        return channels
    }
}
