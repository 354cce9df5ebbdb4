import CobranzaCore
import Postgres

/// What each person working cases did in a window of days and what came of it
/// (`report collectors`), read from `cobranza.collector_report` (0070), which says the rules:
/// contacts, promises and agreements are whoever made them; payments, fees, closes and first
/// payments belong to the case's assignee on their day (the timeline's 'assigned' events).
///
/// Staff's alone, admins and collectors: a collector sees every colleague's row, as the cases,
/// events and payments underneath are all theirs to read already. The database grants the
/// function to nobody else, so an SME (or a lawyer) is refused there too, whatever it runs.
public struct CollectorReport: Sendable, Equatable {
    /// One person's counts in the window.
    public struct Line: Sendable, Equatable {
        public var collector: String
        /// Cases assigned to them by an assignment dated in the window.
        public var assigned = 0
        public var reminders = 0, calls = 0, letters = 0, visits = 0, emails = 0, sms = 0, whatsapp = 0
        /// Promises made in the window, and how they stood at the end of the report's day.
        public var promises: Int { promisesKept + promisesBroken + promisesPending }
        public var promisesKept = 0, promisesBroken = 0, promisesPending = 0
        public var agreements = 0, agreementsInDefault = 0
        public var closedPaid = 0, closedSettled = 0
        /// Assignments whose first payment (while assigned) came in the window, and the days
        /// from each assignment to that payment, summed.
        public var firstPayments = 0
        public var daysToFirstPayment: Int64 = 0

        public init(collector: String) { self.collector = collector }

        /// Email, SMS and WhatsApp together.
        public var messages: Int { emails + sms + whatsapp }

        /// The share of promises made that were kept (or broken), rounded down; nil without promises.
        public var keptRate: BasisPoints? { RecoveryReport.rate(Int64(promisesKept), of: Int64(promises)) }
        public var brokenRate: BasisPoints? { RecoveryReport.rate(Int64(promisesBroken), of: Int64(promises)) }

        /// The average days to a first payment in tenths of a day, rounded down; nil without one.
        public var averageDaysToFirstPaymentTenths: Int64? {
            firstPayments > 0 ? daysToFirstPayment * 10 / Int64(firstPayments) : nil
        }
    }

    /// Payments on a person's cases paid in the window, in one currency.
    public struct Recovered: Sendable, Equatable {
        public var collector: String
        public var currency: String
        /// Payments standing (a reversal takes one away).
        public var payments: Int
        /// Net of reversals and of court costs repaid, as `report recovery` counts.
        public var recovered: Int64
        /// The agency's fees on them, before VAT.
        public var fees: Int64

        public init(collector: String, currency: String, payments: Int, recovered: Int64, fees: Int64) {
            (self.collector, self.currency, self.payments, self.recovered, self.fees) = (collector, currency, payments, recovered, fees)
        }
    }

    public var from: CalendarDate
    public var to: CalendarDate
    public var asOf: CalendarDate
    /// Every enabled collector and everyone else with something in the window, by name;
    /// `(unassigned)` collects what came in on cases nobody held.
    public var lines: [Line]
    /// By person, then currency.
    public var recovered: [Recovered]
}

extension Reports {
    /// `report collectors --from --to`: the window's days from `from` to `to` (or the report's
    /// day, if earlier), as of `asOf` (default today).
    public func collectors(from: CalendarDate, to: CalendarDate, asOf: CalendarDate? = nil) throws -> CollectorReport {
        guard session.identity.kind == .admin || session.identity.kind == .collector else {
            throw StoreError("only agency admins and collectors can read the collectors' report")
        }
        let on = try day(asOf)
        guard from <= to else { throw StoreError(field: "to", "\(to) is before --from \(from): the window runs forward") }
        guard from <= on else { throw StoreError(field: "from", "\(from) is after \(on): nothing happened yet") }
        let rows = try connection.query("SELECT * FROM cobranza.collector_report($1::date, $2::date, $3::date)",
                                        [from.description, to.description, on.description]).rows
        var lines: [String: CollectorReport.Line] = [:]
        var recovered: [CollectorReport.Recovered] = []
        for row in rows {
            let who: String = try row.decode("collector")
            let n = Int(try row.decode("n", as: Int64.self))
            var line = lines[who] ?? CollectorReport.Line(collector: who)
            switch try row.decode("measure", as: String.self) {
            case "assigned": line.assigned = n
            case "reminder": line.reminders = n
            case "call": line.calls = n
            case "letter": line.letters = n
            case "visit": line.visits = n
            case "email": line.emails = n
            case "sms": line.sms = n
            case "whatsapp": line.whatsapp = n
            case "promise_kept": line.promisesKept = n
            case "promise_broken": line.promisesBroken = n
            case "promise_pending": line.promisesPending = n
            case "agreements": line.agreements = n
            case "agreements_in_default": line.agreementsInDefault = n
            case "closed_paid": line.closedPaid = n
            case "closed_settled": line.closedSettled = n
            case "first_payment":
                line.firstPayments = n
                line.daysToFirstPayment = try row.decode("amount")
            case "recovered":
                recovered.append(.init(collector: who, currency: try row.decode("currency"), payments: n,
                                       recovered: try row.decode("amount"), fees: try row.decode("fees")))
            default: break  // 'collector': the row exists
            }
            lines[who] = line
        }
        return CollectorReport(from: from, to: to, asOf: on, lines: lines.keys.sorted().map { lines[$0]! }, recovered: recovered)
    }
}
