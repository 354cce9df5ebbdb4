import CobranzaCore

// The reference model of the fee rules. The database computes every fee (payment_prepare and
// payment_fee in 0004_payments.sql), so nothing in the program calls this; it lives beside the
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
    /// The fee a payment earns under `contract`.
    /// - Parameter overdueMonthsAtPlacement: how old the debt was when the client placed it,
    ///   which decides the age surcharge.
    static func fee(
        payment: Int64, stage: FeeStage, channel: PaymentChannel, overdueMonthsAtPlacement: Int, contract: FeeContract
    ) -> FeeLine {
        var rate = stage == .judicial ? contract.judicialRate : contract.extrajudicialRate
        if overdueMonthsAtPlacement > 24 {
            rate = rate + contract.surchargeOver24Months
        } else if overdueMonthsAtPlacement > 12 {
            rate = rate + contract.surchargeOver12Months
        }
        if channel == .direct && !contract.directPaymentsEarnFee {
            return FeeLine(base: payment, rate: .zero, fee: 0, stage: stage, contractVersion: contract.version,
                           note: "paid directly to the client; the contract charges no fee on direct payments")
        }
        var fee = Rounding.apply(rate, to: payment)
        var note: String?
        if payment > 0 && fee < contract.minimumFee {
            fee = contract.minimumFee
            note = "minimum fee per payment"
        }
        if fee > FeeContract.maximumFee(onPayment: payment) {
            fee = FeeContract.maximumFee(onPayment: payment)
            note = [note, "capped at 50% of the payment"].compactMap { $0 }.joined(separator: ", ")
        }
        return FeeLine(base: payment, rate: rate, fee: fee, stage: stage, contractVersion: contract.version, note: note)
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

    /// Whole months between the due date and the placement date (a debt due 31 Jan placed on
    /// 1 Mar is one month overdue).
    static func overdueMonths(due: CalendarDate, placed: CalendarDate) -> Int {
        guard placed > due else { return 0 }
        var months = (placed.year - due.year) * 12 + (placed.month - due.month)
        if placed.day < due.day { months -= 1 }
        return max(0, months)
    }
}
