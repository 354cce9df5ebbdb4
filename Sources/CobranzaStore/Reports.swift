import CobranzaCore
import Postgres

/// Money outstanding on open invoices by how long past due they are, as it stood on a day.
///
/// Every figure comes from `cobranza.invoice_balance_as_of`, which runs with the caller's rights:
/// staff see every client's invoices, an SME its own and nothing else, whatever the filters
/// say. Amounts are summed per currency, never across; the database adds them up (a sum too
/// large for bigint is an error there, never a wrong number here).
public struct AgingReport: Sendable, Equatable {
    /// The age buckets in days past due, in order (`cobranza.age_bucket`); "not due" holds the
    /// invoices placed before their due date (pre-collection, 0102).
    public static let buckets = ["not due", "0-30", "31-60", "61-90", "91-180", "181-365", ">365"]

    public enum Grouping: String, CaseIterable, Sendable { case client, collector }

    /// One client's (or collector's) invoices in one currency, or (group nil) all of them.
    public struct Line: Sendable, Equatable {
        public var group: String?
        public var currency: String
        /// Invoices and amounts per bucket, in `buckets` order.
        public var counts: [Int]
        public var amounts: [Int64]
        public var invoices: Int
        public var outstanding: Int64
    }

    public var asOf: CalendarDate
    public var grouping: Grouping
    /// Per group and currency, groups in name order.
    public var lines: [Line]
    /// Per currency, every group together.
    public var totals: [Line]
}

/// What an SME reads about its own placement: the month and the year to a day.
public struct ClientSummary: Sendable, Equatable {
    public struct Figures: Sendable, Equatable {
        public var currency: String
        /// Invoice amounts placed in the period.
        public var placed: (month: Int64, year: Int64)
        /// Payments (less reversals), to the agency or directly, paid in the period.
        public var recovered: (month: Int64, year: Int64)
        /// The agency's fees on them, before VAT.
        public var fees: (month: Int64, year: Int64)
        /// Money the agency paid over (less reversed remittances) in the period.
        public var remitted: (month: Int64, year: Int64)
        /// Still owed on open cases at the end of the day.
        public var outstanding: Int64

        public static func == (a: Figures, b: Figures) -> Bool {
            a.currency == b.currency && a.placed == b.placed && a.recovered == b.recovered && a.fees == b.fees
                && a.remitted == b.remitted && a.outstanding == b.outstanding
        }
    }

    public var client: String
    public var asOf: CalendarDate
    public var figures: [Figures]
    public var aging: AgingReport
}

public struct Reports {
    let session: Session
    var connection: Connection { session.connection }

    /// The date a report is as of: the one asked for, today otherwise (`cobranza.today()`).
    /// Reports say how things stood; a day still to come has not stood yet.
    func day(_ asOf: CalendarDate?) throws -> CalendarDate {
        let today = try session.today()
        guard let asOf else { return today }
        guard asOf <= today else { throw StoreError(field: "as_of", "\(asOf) is after today (\(today)): a report shows how things stood") }
        return asOf
    }

    /// `report aging`. `client` and `collector` narrow it (an SME naming another client is
    /// refused; its own rows are all row security lets it read anyway); `grouping` says whose
    /// lines it has. Collectors are staff's business: an SME cannot read who works its cases.
    public func aging(client: String? = nil, collector: String? = nil, currency: String? = nil,
                      grouping: AgingReport.Grouping = .client, asOf: CalendarDate? = nil) throws -> AgingReport {
        let on = try day(asOf)
        if !session.identity.kind.isStaff && (collector != nil || grouping == .collector) {
            throw StoreError(field: collector != nil ? "collector" : "by", "collectors are for agency staff: an aging by collector is theirs")
        }
        var parameters = SQLParameters()
        let date = parameters.bind(on.description)
        var conditions = ["b.case_open", "b.outstanding > 0"]
        if let client {
            conditions.append("b.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        if let collector { conditions.append("c.assigned_to = " + parameters.bind(collector)) }
        if let currency {
            guard let code = CurrencyCode(rawValue: currency.uppercased()), try session.currencies()[code] != nil else {
                throw StoreError(field: "currency", "\(currency) is not a known currency")
            }
            conditions.append("b.currency = " + parameters.bind(code.rawValue))
        }
        let needsCase = collector != nil || grouping == .collector
        // Invoices are counted per client (or collector), currency and bucket first, and the
        // client codes and the grouping sets are worked on those few hundred lines, never on every
        // invoice (scripts/bench reports); the day is read once (OFFSET 0 keeps it a one-row
        // subquery rather than a text-to-date cast per invoice).
        let source = grouping == .client ? "b.tenant_id" : "coalesce(c.assigned_to::text, '(unassigned)')"
        let group = grouping == .client ? "t.code::text" : "b.src"
        let rows = try connection.query("""
            WITH d AS (SELECT \(date)::date AS day OFFSET 0),
            b AS (
                SELECT \(source) AS src, b.currency::text AS currency,
                       cobranza.age_bucket((d.day - b.due)::integer) AS bucket, count(*) AS n, sum(b.outstanding) AS amount
                  FROM cobranza.invoice_balance_as_of(\(date)::date) b
                 CROSS JOIN d
                  \(needsCase ? "JOIN cobranza.collection_case c ON c.tenant_id = b.tenant_id AND c.id = b.case_id" : "")
                 WHERE \(conditions.joined(separator: " AND "))
                 GROUP BY 1, 2, 3
            ),
            g AS (
                SELECT \(group) AS grp, b.currency, b.bucket, b.n, b.amount
                  FROM b \(grouping == .client ? "JOIN cobranza.tenant t ON t.id = b.src" : "")
            )
            SELECT grp, currency, bucket, GROUPING(grp) = 1 AS every_group, GROUPING(bucket) = 1 AS every_bucket,
                   sum(n)::bigint AS invoices, sum(amount)::bigint AS amount
              FROM g
             GROUP BY GROUPING SETS ((grp, currency, bucket), (currency, bucket), (grp, currency), (currency))
             ORDER BY currency, every_group, grp
            """, parameters.values).rows
        var lines: [String: AgingReport.Line] = [:]
        var order: [String] = []
        for row in rows {
            let group: String? = try row.decodeIfPresent("grp")
            let everyGroup: Bool = try row.decode("every_group")
            let currency: String = try row.decode("currency")
            let key = (everyGroup ? "\u{0}" : "\u{1}" + (group ?? "")) + "\u{2}" + currency
            if lines[key] == nil {
                order.append(key)
                lines[key] = AgingReport.Line(group: everyGroup ? nil : group, currency: currency,
                                              counts: Array(repeating: 0, count: AgingReport.buckets.count),
                                              amounts: Array(repeating: 0, count: AgingReport.buckets.count),
                                              invoices: 0, outstanding: 0)
            }
            let invoices = Int(try row.decode("invoices", as: Int64.self))
            let amount: Int64 = try row.decode("amount")
            if try row.decode("every_bucket", as: Bool.self) {
                lines[key]!.invoices = invoices
                lines[key]!.outstanding = amount
            } else if let index = AgingReport.buckets.firstIndex(of: try row.decode("bucket", as: String.self)) {
                lines[key]!.counts[index] = invoices
                lines[key]!.amounts[index] = amount
            }
        }
        let all = order.map { lines[$0]! }
        return AgingReport(asOf: on, grouping: grouping, lines: all.filter { $0.group != nil }, totals: all.filter { $0.group == nil })
    }

    /// `report summary`: an SME's own figures (row security gives it nothing else), or for
    /// staff one client's, this month and this year up to `asOf`, with its aging.
    public func summary(client: String?, asOf: CalendarDate? = nil) throws -> ClientSummary {
        let on = try day(asOf)
        let scope = try TenantScope.resolve(session, client: client)
        var parameters = SQLParameters()
        let date = parameters.bind(on.description)
        let month = parameters.bind(CalendarDate(year: on.year, month: on.month, day: 1)!.description)
        let year = parameters.bind(CalendarDate(year: on.year, month: 1, day: 1)!.description)
        // Staff name the client; an SME's rows are its own by row security alone.
        let mine = { (alias: String) in session.identity.kind.isStaff ? " AND \(alias).tenant_id = " + parameters.bind(scope.id) : "" }
        let rows = try connection.query("""
            WITH facts AS (
                SELECT b.currency::text AS currency, 'placed' AS measure, b.placed_on AS day, b.amount
                  FROM cobranza.invoice_balance_as_of(\(date)::date) b WHERE true\(mine("b"))
                UNION ALL
                SELECT p.currency::text, 'recovered', p.paid_on, p.amount FROM cobranza.payment p WHERE p.paid_on <= \(date)::date\(mine("p"))
                UNION ALL
                SELECT p.currency::text, 'fees', p.paid_on, p.fee FROM cobranza.payment p WHERE p.paid_on <= \(date)::date\(mine("p"))
                UNION ALL
                SELECT r.currency::text, 'remitted', r.paid_on, r.amount FROM cobranza.remittance r WHERE r.paid_on <= \(date)::date\(mine("r"))
                UNION ALL
                SELECT b.currency::text, 'outstanding', \(date)::date, b.outstanding
                  FROM cobranza.invoice_balance_as_of(\(date)::date) b WHERE b.case_open\(mine("b"))
            )
            SELECT currency, measure,
                   coalesce(sum(amount) FILTER (WHERE day >= \(month)::date), 0)::bigint AS month,
                   coalesce(sum(amount) FILTER (WHERE day >= \(year)::date), 0)::bigint AS year,
                   coalesce(sum(amount), 0)::bigint AS ever
              FROM facts GROUP BY currency, measure ORDER BY currency
            """, parameters.values).rows
        var figures: [String: ClientSummary.Figures] = [:]
        var currencies: [String] = []
        for row in rows {
            let currency: String = try row.decode("currency")
            if figures[currency] == nil {
                currencies.append(currency)
                figures[currency] = ClientSummary.Figures(currency: currency, placed: (0, 0), recovered: (0, 0), fees: (0, 0),
                                                          remitted: (0, 0), outstanding: 0)
            }
            let pair = (month: try row.decode("month", as: Int64.self), year: try row.decode("year", as: Int64.self))
            switch try row.decode("measure", as: String.self) {
            case "placed": figures[currency]!.placed = pair
            case "recovered": figures[currency]!.recovered = pair
            case "fees": figures[currency]!.fees = pair
            case "remitted": figures[currency]!.remitted = pair
            default: figures[currency]!.outstanding = try row.decode("ever")
            }
        }
        let aging = try self.aging(client: session.identity.kind.isStaff ? scope.code : nil, asOf: on)
        return ClientSummary(client: scope.code, asOf: on, figures: currencies.map { figures[$0]! }, aging: aging)
    }
}

extension Session {
    public var reports: Reports { Reports(session: self) }
}
