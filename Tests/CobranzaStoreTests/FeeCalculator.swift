import CobranzaCore

// The reference model of the fee rules. The database computes every fee (payment_prepare and
// payment_fee, now in 0023_age_surcharge_by_invoice.sql), so nothing in the program calls this; it lives beside the
// test that holds the SQL to it (PaymentTests.databaseAndSwiftAgreeOnEveryFee), written the
// plain way so the two can be compared, and FeeCalculatorTests pins it to the examples.

/// The stage a case was in when a payment arrived: the judicial rate applies once it is referred.
enum FeeStage: String, Sendable, CaseIterable {
    case extrajudicial, judicial
}

/// The fee on one payment, computed once when the payment is recorded and frozen with it.
struct FeeLine: Equatable, Sendable {
    var base: Int64
    var rate: BasisPoints
    var fee: Int64
    var stage: FeeStage
    var contractVersion: Int
    /// Why the fee is what it is, when it is not simply base × rate.
    var note: String?
}

/// Totals of a fee invoice: VAT is charged once on the subtotal, with the same rounding rule.
struct FeeTotals: Equatable, Sendable {
    var subtotal: Int64
    var vat: Int64
    var total: Int64

    init(subtotal: Int64, vat: Int64, total: Int64) {
        self.subtotal = subtotal
        self.vat = vat
        self.total = total
    }
}

/// Contingency-fee arithmetic: pure, integer, one rounding rule.
enum FeeCalculator {
    /// The part of a payment allocated to one invoice (oldest due first, as the database does).
    struct Part: Equatable, Sendable {
        var invoice: String
        var due: CalendarDate
        var amount: Int64
    }

    /// The fee a payment earns under `contract`: each part at the stage's rate plus its own
    /// invoice's age surcharge (parts of one rate summed, then rounded), the minimum fee, and at
    /// most half of the payment.
    /// - Parameter placed: when the client placed the case, which with each invoice's due date
    ///   decides its surcharge. No parts: the whole payment, no surcharge.
    static func fee(
        payment: Int64, currency: Currency = .clp, stage: FeeStage, channel: PaymentChannel, placed: CalendarDate,
        parts: [Part], contract: FeeContract
    ) -> FeeLine {
        let base = stage == .judicial ? contract.judicialRate : contract.extrajudicialRate
        if channel == .direct && !contract.directPaymentsEarnFee {
            return FeeLine(base: payment, rate: .zero, fee: 0, stage: stage, contractVersion: contract.version,
                           note: "paid directly to the client; the contract charges no fee on direct payments")
        }
        let rated = parts.map { part in
            let age = OverdueAge(due: part.due, placed: placed)
            return (part: part, age: age, rate: base + contract.surcharge(for: age))
        }
        // Parts of one rate, in order of their first part.
        var groups: [(rate: BasisPoints, amount: Int64)] = []
        for item in rated {
            if let index = groups.firstIndex(where: { $0.rate == item.rate }) {
                groups[index].amount += item.part.amount
            } else {
                groups.append((item.rate, item.part.amount))
            }
        }
        var fee = groups.reduce(Int64(0)) { $0 + Rounding.apply($1.rate, to: $1.amount) }
        var rate = base
        if let largest = groups.enumerated().max(by: { a, b in
            a.element.amount != b.element.amount ? a.element.amount < b.element.amount : a.offset > b.offset
        }) {
            rate = largest.element.rate
        }
        var notes: [String] = []
        if rated.contains(where: { $0.rate != base }) {
            notes.append(rated.map { item in
                "\(item.rate) on \(Money(minorUnits: item.part.amount, currency: currency).formatted) of invoice \(item.part.invoice)"
                    + (item.rate != base ? item.age.phrase.map { " (\($0))" } ?? "" : "")
            }.joined(separator: "; "))
        }
        var adjustments: [String] = []
        if payment > 0 && fee < contract.minimumFee {
            fee = contract.minimumFee
            adjustments.append("minimum fee per payment")
        }
        if fee > FeeContract.maximumFee(onPayment: payment) {
            fee = FeeContract.maximumFee(onPayment: payment)
            adjustments.append("capped at 50% of the payment")
        }
        if !adjustments.isEmpty { notes.append(adjustments.joined(separator: ", ")) }
        return FeeLine(base: payment, rate: rate, fee: fee, stage: stage, contractVersion: contract.version,
                       note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// One part of the whole payment on an invoice `age` old at placement: the simple case.
    static func fee(
        payment: Int64, stage: FeeStage, channel: PaymentChannel, age: OverdueAge = .withinTwelveMonths, contract: FeeContract
    ) -> FeeLine {
        let placed = CalendarDate(year: 2026, month: 6, day: 15)!
        let due = switch age {
        case .withinTwelveMonths: placed.adding(months: -3)
        case .overTwelveMonths: placed.adding(months: -13)
        case .overTwentyFourMonths: placed.adding(months: -25)
        }
        return fee(payment: payment, stage: stage, channel: channel, placed: placed,
                   parts: [Part(invoice: "1", due: due, amount: payment)], contract: contract)
    }

    /// Subtotal of the lines, VAT on it, and the total.
    static func totals(of fees: [Int64], vat rate: BasisPoints) -> FeeTotals {
        let subtotal = fees.reduce(0, +)
        let vat = Rounding.apply(rate, to: subtotal)
        return FeeTotals(subtotal: subtotal, vat: vat, total: subtotal + vat)
    }

    /// What the agency remits to the client for money it collected: in net mode it keeps its fee
    /// (and the VAT on it); in gross mode it remits everything and invoices the fee.
    static func remittance(collected: Int64, fee: Int64, vat: Int64, mode: FeeContract.Remittance) -> Int64 {
        mode == .net ? collected - fee - vat : collected
    }
}
