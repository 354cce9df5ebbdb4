import CobranzaCore
import Postgres

/// One case of a debtor, as the agency's credit check reads it (`cobranza.debtor_history`).
public struct DebtorHistoryCase: Sendable, Equatable {
    public var client: String
    public var caseNumber: String
    public var debtorName: String
    public var currency: String
    public var openedOn: CalendarDate
    public var stage: String
    public var closeCode: String?
    public var closedOn: CalendarDate?
    public var placed: Int64
    public var paid: Int64
    public var outstanding: Int64
    /// Payments standing (reversed ones not counted).
    public var payments: Int
    public var firstPaidOn: CalendarDate?
    public var lastPaidOn: CalendarDate?
    /// Placement to the close as paid or settled; to today while open; nil otherwise.
    public var daysToPay: Int?
    public var promises: Int
    public var brokenPromises: Int
    public var disputes: Int
    public var postedOn: CalendarDate?
    public var withdrawnOn: CalendarDate?
}

/// Every case of one tax id across every client, and the grade they add up to.
public struct DebtorHistory: Sendable, Equatable {
    public var taxID: String
    public var country: String
    /// A (best) to D; nil without cases. The rule: `DebtorHistory.gradeRule`, written once in
    /// the database (`cobranza.debtor_grade`, 0041) and quoted in the help.
    public var grade: String?
    public var cases: [DebtorHistoryCase]

    public static let gradeRule = "D: a case closed uncollectible or prescribed, 3+ broken promises, or over 180 days to pay on average; "
        + "C: 2 broken promises or over 90 days; B: 1 broken promise or over 30 days; A: otherwise "
        + "(days to pay: placement to the close as paid or settled, or to today while open)"
}

/// A debtor owing to several clients at once (`report debtors`), in one currency.
public struct SharedDebtor: Sendable, Equatable {
    public var taxID: String
    public var country: String
    public var name: String
    public var currency: String
    public var clients: [String]
    public var openCases: Int
    public var outstanding: Int64
}

/// The agency's own credit check on a debtor: staff's (admins and collectors) alone. The
/// database grants its functions to nobody else, so an SME is refused there too, whatever it runs.
extension Debtors {
    /// `debtor history TAX_ID`: the tax id read in `country`, or in the first of Chile, Colombia
    /// and Mexico whose rules it meets.
    public func history(taxID text: String, country code: String? = nil) throws -> DebtorHistory {
        try session.requireStaff("read a debtor's history")
        let id = try Self.anyCountryTaxID(text, country: code)
        let cases = try connection.query("SELECT * FROM cobranza.debtor_history($1, $2)", [id.country.code, id.normalized]).rows.map { row in
            DebtorHistoryCase(
                client: try row.decode("client"), caseNumber: try row.decode("case_number"), debtorName: try row.decode("debtor_name"),
                currency: try row.decode("currency"), openedOn: try row.decode("opened_on"), stage: try row.decode("stage"),
                closeCode: try row.decodeIfPresent("close_code"), closedOn: try row.decodeIfPresent("closed_on"),
                placed: try row.decode("placed"), paid: try row.decode("paid"), outstanding: try row.decode("outstanding"),
                payments: Int(try row.decode("payments", as: Int64.self)),
                firstPaidOn: try row.decodeIfPresent("first_paid_on"), lastPaidOn: try row.decodeIfPresent("last_paid_on"),
                daysToPay: try row.decodeIfPresent("days_to_pay", as: Int32.self).map(Int.init),
                promises: Int(try row.decode("promises", as: Int64.self)), brokenPromises: Int(try row.decode("broken_promises", as: Int64.self)),
                disputes: Int(try row.decode("disputes", as: Int64.self)),
                postedOn: try row.decodeIfPresent("posted_on"), withdrawnOn: try row.decodeIfPresent("withdrawn_on"))
        }
        return DebtorHistory(taxID: id.formatted, country: id.country.code, grade: try grade(id), cases: cases)
    }

    /// The payment behaviour grade of a debtor, for staff (`debtor show`); nil without cases.
    public func grade(_ id: TaxID) throws -> String? {
        try session.requireStaff("read a debtor's grade")
        return try connection.query("SELECT cobranza.debtor_grade($1, $2) AS grade", [id.country.code, id.normalized]).first?.decodeIfPresent("grade")
    }

    /// `report debtors`: debtors with money outstanding on open cases of at least `minClients`
    /// clients on `asOf` (default today), most owed first. Staff's (admins and collectors): who
    /// else a debtor owes is the agency's knowledge, not a client's; for an SME, row security
    /// would show its own client only anyway.
    public func shared(minClients: Int, asOf: CalendarDate? = nil, limit: Int) throws -> [SharedDebtor] {
        try session.requireStaff("list debtors owing to several clients")
        let on = try session.reports.day(asOf)
        return try connection.query("""
            SELECT d.country::text AS country, d.tax_id, min(d.name) AS name, b.currency::text AS currency,
                   array_agg(DISTINCT t.code::text ORDER BY t.code::text) AS clients,
                   count(DISTINCT b.case_id)::bigint AS cases, sum(b.outstanding)::bigint AS outstanding
              FROM cobranza.invoice_balance_as_of($1::date) b
              JOIN cobranza.collection_case c ON c.tenant_id = b.tenant_id AND c.id = b.case_id
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
              JOIN cobranza.tenant t ON t.id = b.tenant_id
             WHERE b.case_open AND b.outstanding > 0
             GROUP BY d.country, d.tax_id, b.currency
            HAVING count(DISTINCT b.tenant_id) >= $2
             ORDER BY outstanding DESC, d.tax_id, currency
             LIMIT $3
            """, [on.description, minClients, limit]).rows.map { row in
            let stored: String = try row.decode("tax_id")
            let country = Country(code: try row.decode("country")) ?? .chile
            return SharedDebtor(
                taxID: (try? TaxID.parse(stored, country: country).get())?.formatted ?? stored, country: country.code,
                name: try row.decode("name"), currency: try row.decode("currency"), clients: try row.decode("clients"),
                openCases: Int(try row.decode("cases", as: Int64.self)), outstanding: try row.decode("outstanding"))
        }
    }

    static func anyCountryTaxID(_ text: String, country code: String?) throws -> TaxID {
        if let code {
            guard let country = Country(code: code.uppercased()) else { throw StoreError(field: "country", "must be CL, CO or MX") }
            return try parseTaxID(text, country: country)
        }
        for country in [Country.chile, .colombia, .mexico] {
            if case .success(let id) = TaxID.parse(text, country: country) { return id }
        }
        throw StoreError(field: "tax_id", "\"\(text)\" is not a valid RUT, NIT or RFC")
    }
}
