import CobranzaCore
import Postgres

/// The client a command acts for: an SME user always acts for its own; staff name one with
/// `--client`. Resolving it once gives the id, country and currency every intake rule needs.
public struct TenantScope: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var country: Country
    public var currency: CurrencyCode

    /// SME users get their own client (a `--client` naming another is refused, not ignored);
    /// staff must name one.
    static func resolve(_ session: Session, client: String?) throws -> TenantScope {
        let code: String
        if let own = session.identity.clientCode {
            if let client, client.uppercased() != own {
                throw StoreError(field: "client", "you can only act for your own client \(own)")
            }
            code = own
        } else {
            guard let client else { throw StoreError(field: "client", "required for agency staff (which client is this for?)") }
            code = client.uppercased()
        }
        guard let row = try session.connection.query(
            "SELECT id, code, country, currency FROM cobranza.tenant WHERE code = $1", [code]).first
        else { throw StoreError("client \"\(code)\" does not exist") }
        return TenantScope(
            id: try row.decode("id"), code: try row.decode("code"),
            country: Country(code: try row.decode("country")) ?? .chile,
            currency: CurrencyCode(rawValue: try row.decode("currency")) ?? "CLP")
    }
}

extension Session {
    /// "Today" as the database sees it (`cobranza.today()`, which tests pin).
    public func today() throws -> CalendarDate {
        let text: String = try connection.query("SELECT cobranza.today()::text AS d").first!.decode("d")
        guard let date = CalendarDate(parsing: text) else { throw StoreError("the database returned an unreadable date \(text)") }
        return date
    }

    /// The currency table, read once per command.
    public func currencies() throws -> [CurrencyCode: Currency] {
        var result: [CurrencyCode: Currency] = [:]
        for row in try connection.query("SELECT code, exponent FROM cobranza.currency").rows {
            if let code = CurrencyCode(rawValue: try row.decode("code")) {
                result[code] = Currency(code: code, exponent: Int(try row.decode("exponent", as: Int.self)))
            }
        }
        return result
    }
}
