import CobranzaCore
import Postgres

/// What placements brought in: cases grouped by the month they were placed (cohorts), what each
/// cohort placed, what was recovered on it in each month since, the rate, the agency's fees and
/// how its cases closed; and the window's recoveries by stage and by channel.
///
/// A case's cohort is the month its first invoice was placed (`invoice_balance_as_of`: the day
/// its submission was handed over, or its case opened if later); invoices that join the case
/// later add to its placed amount, in its cohort. Recovered is net of reversals (a reversal is
/// a negative payment on its own date) and of court costs the debtor repaid (0036): those are
/// the agency's or the client's outlay coming back, not the debt. Fees are before VAT. Every
/// figure is as of a day: invoices placed, payments paid and cases closed on or before it.
///
/// Rows come with the caller's rights (row security): staff read every client, an SME its own
/// cases only, whatever filters say. Money is per currency, never summed across; the database
/// adds it up (an overflow is an error there). Rates are basis points by exact integer division.
public struct RecoveryReport: Sendable, Equatable {
    public struct Cohort: Sendable, Equatable {
        public var month: CalendarMonth
        public var currency: String
        public var cases: Int
        public var placed: Int64
        /// Net recovered in each month from the cohort's own to the report's day, in order.
        public var byMonth: [Int64]
        /// The running total of `byMonth`: recovered by the end of each of those months.
        public var cumulative: [Int64]
        public var recovered: Int64
        public var fees: Int64
        /// `recovered / placed`, rounded down; nil when nothing was placed.
        public var rate: BasisPoints?
        /// Cases closed by the report's day, per close code, in code order.
        public var closed: [ClosedCases]
    }

    public struct ClosedCases: Sendable, Equatable {
        public var code: String
        public var cases: Int

        public init(code: String, cases: Int) {
            self.code = code
            self.cases = cases
        }
    }

    /// Recoveries paid in the window in one stage (`extrajudicial`, `judicial`) or one channel
    /// (`agency`, `direct`), per currency.
    public struct Split: Sendable, Equatable {
        public enum Dimension: String, Sendable { case stage, channel }
        public var dimension: Dimension
        public var value: String
        public var currency: String
        public var payments: Int
        public var recovered: Int64
        public var fees: Int64
    }

    public var from: CalendarMonth
    public var to: CalendarMonth
    public var asOf: CalendarDate
    /// By cohort month, then currency.
    public var cohorts: [Cohort]
    /// Stages first, then channels, each by value and currency.
    public var splits: [Split]

    /// The rate of `part` in `whole` in basis points, rounded down, by integer division on the
    /// full 128-bit product (no amount overflows); nil for nothing placed.
    public static func rate(_ part: Int64, of whole: Int64) -> BasisPoints? {
        guard whole > 0 else { return nil }
        let negative = part < 0
        let product = part.magnitude.multipliedFullWidth(by: 10_000)
        let (quotient, _) = whole.magnitude.dividingFullWidth(product)
        guard quotient <= UInt64(Int.max) else { return nil }
        return BasisPoints(negative ? -Int(quotient) : Int(quotient))
    }
}

extension Reports {
    /// `report recovery`: cohorts placed from `from` to `to` (months), as of `asOf` (default
    /// today). `client` narrows staff's report to one client; an SME naming another is refused.
    public func recovery(client: String? = nil, from: CalendarMonth, to: CalendarMonth, asOf: CalendarDate? = nil) throws -> RecoveryReport {
        let on = try day(asOf)
        guard from <= to else { throw StoreError(field: "to", "\(to) is before --from \(from): the window runs forward") }
        guard from.firstDay <= on else { throw StoreError(field: "from", "\(from) starts after \(on): nothing was placed yet") }
        var parameters = SQLParameters()
        let date = parameters.bind(on.description)
        let first = parameters.bind(from.firstDay.description)
        let last = parameters.bind(to.lastDay.description)
        var tenant = "NULL"
        if let client { tenant = parameters.bind(try TenantScope.resolve(session, client: client).id) }
        // One row per cohort, currency and month paid ('paid'), the cohort's cases and amount
        // placed ('placed'), and one per close code ('closed'): cobranza.recovery_cohorts (0071).
        let rows = try connection.query("""
            SELECT * FROM cobranza.recovery_cohorts(\(first)::date, \(last)::date, \(date)::date, \(tenant)::bigint)
             ORDER BY cohort, currency, measure DESC, month, code
            """, parameters.values).rows
        let onMonth = CalendarMonth(year: on.year, month: on.month)!
        var cohorts: [RecoveryReport.Cohort] = []
        for row in rows {
            let cohortDay: CalendarDate = try row.decode("cohort")
            let month = CalendarMonth(year: cohortDay.year, month: cohortDay.month)!
            let currency: String = try row.decode("currency")
            switch try row.decode("measure", as: String.self) {
            case "placed":
                let months = (onMonth.year - month.year) * 12 + onMonth.month - month.month + 1
                cohorts.append(RecoveryReport.Cohort(
                    month: month, currency: currency, cases: Int(try row.decode("n", as: Int64.self)),
                    placed: try row.decode("amount"), byMonth: Array(repeating: 0, count: max(1, months)),
                    cumulative: [], recovered: 0, fees: 0, rate: nil, closed: []))
            case "paid":
                guard let index = cohorts.lastIndex(where: { $0.month == month && $0.currency == currency }) else { continue }
                let paidDay: CalendarDate = try row.decode("month")
                let offset = (paidDay.year - month.year) * 12 + paidDay.month - month.month
                let amount: Int64 = try row.decode("amount")
                // A payment before the case's placement (recorded against a case then joined)
                // counts in the cohort's first month.
                let slot = min(max(0, offset), cohorts[index].byMonth.count - 1)
                cohorts[index].byMonth[slot] = try Self.add(cohorts[index].byMonth[slot], amount)
                cohorts[index].recovered = try Self.add(cohorts[index].recovered, amount)
                cohorts[index].fees = try Self.add(cohorts[index].fees, try row.decode("fees", as: Int64.self))
            default:
                guard let index = cohorts.lastIndex(where: { $0.month == month && $0.currency == currency }) else { continue }
                cohorts[index].closed.append(.init(code: try row.decodeIfPresent("code") ?? "closed",
                                                   cases: Int(try row.decode("n", as: Int64.self))))
            }
        }
        for index in cohorts.indices {
            var running: Int64 = 0
            cohorts[index].cumulative = try cohorts[index].byMonth.map { amount in
                running = try Self.add(running, amount)
                return running
            }
            cohorts[index].rate = RecoveryReport.rate(cohorts[index].recovered, of: cohorts[index].placed)
        }
        // The window's payments, whatever their cohort: the window's first day to its last or the report's day.
        var window = SQLParameters()
        let start = window.bind(from.firstDay.description)
        let end = window.bind(min(to.lastDay, on).description)
        var tenantWindow = "true"
        if let client { tenantWindow = "p.tenant_id = " + window.bind(try TenantScope.resolve(session, client: client).id) }
        let splitRows = try connection.query("""
            SELECT dimension, value, p.currency::text AS currency,
                   (count(*) FILTER (WHERE p.amount > 0) - count(*) FILTER (WHERE p.amount < 0))::bigint AS payments,
                   sum(p.amount - p.court_costs)::bigint AS recovered, sum(p.fee)::bigint AS fees
              FROM cobranza.payment p
             CROSS JOIN LATERAL (VALUES ('stage', p.stage), ('channel', p.channel)) AS d(dimension, value)
             WHERE p.paid_on BETWEEN \(start)::date AND \(end)::date AND \(tenantWindow)
             GROUP BY dimension, value, p.currency
             ORDER BY dimension DESC, value, currency
            """, window.values).rows
        let splits = try splitRows.map { row in
            RecoveryReport.Split(dimension: RecoveryReport.Split.Dimension(rawValue: try row.decode("dimension"))!,
                                 value: try row.decode("value"), currency: try row.decode("currency"),
                                 payments: Int(try row.decode("payments", as: Int64.self)),
                                 recovered: try row.decode("recovered"), fees: try row.decode("fees"))
        }
        return RecoveryReport(from: from, to: to, asOf: on, cohorts: cohorts, splits: splits)
    }

    /// Checked addition of two sums: too much money for a report is an error, never a trap.
    static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw StoreError(field: "amount", "the recovered amounts add up to more than a report can hold") }
        return sum
    }
}
