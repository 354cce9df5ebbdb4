import CobranzaCore
import Testing

/// The fee reference model (`FeeCalculator`) pinned to the contract's rules and the issue's
/// example, so that holding the database to it means something. Pure: no database.
@Suite("Fee reference model")
struct FeeCalculatorTests {
    let start = CalendarDate(year: 2026, month: 1, day: 1)!

    var chile: FeeContract {
        FeeContract(effective: start, extrajudicialRate: BasisPoints(1_500), judicialRate: BasisPoints(2_500),
                    vatRate: FeeContract.defaultVAT(for: .chile))
    }

    /// Issue 4's example: a CLP case of $1.000.001 paid in three payments, one direct to the SME,
    /// at 15 % and 19 % VAT, checked to the peso.
    @Test func threePaymentsOfAMillionAndOnePesoToThePeso() {
        let payments: [(Int64, PaymentChannel)] = [(400_000, .agency), (300_001, .direct), (300_000, .agency)]
        #expect(payments.map(\.0).reduce(0, +) == 1_000_001)
        let lines = payments.map {
            FeeCalculator.fee(payment: $0.0, stage: .extrajudicial, channel: $0.1, overdueMonthsAtPlacement: 3, contract: chile)
        }
        #expect(lines.map(\.fee) == [60_000, 45_000, 45_000]) // 300.001 × 15 % = 45.000,15 → 45.000
        let totals = FeeCalculator.totals(of: lines.map(\.fee), vat: chile.vatRate)
        #expect(totals == FeeTotals(subtotal: 150_000, vat: 28_500, total: 178_500))
        // Net remittance of what the agency itself collected (the direct payment never passed through it).
        let agencyFees = lines[0].fee + lines[2].fee
        let agencyVAT = Rounding.apply(chile.vatRate, to: agencyFees)
        #expect(FeeCalculator.remittance(collected: 700_000, fee: agencyFees, vat: agencyVAT, mode: .net) == 700_000 - 105_000 - 19_950)
        #expect(FeeCalculator.remittance(collected: 700_000, fee: agencyFees, vat: agencyVAT, mode: .gross) == 700_000)
    }

    @Test func judicialRateAndAgeSurcharges() {
        var contract = chile
        contract.surchargeOver12Months = BasisPoints(200)
        contract.surchargeOver24Months = BasisPoints(500)
        func rate(_ stage: FeeStage, _ months: Int) -> BasisPoints {
            FeeCalculator.fee(payment: 100_000, stage: stage, channel: .agency, overdueMonthsAtPlacement: months, contract: contract).rate
        }
        #expect(rate(.extrajudicial, 12) == BasisPoints(1_500))
        #expect(rate(.extrajudicial, 13) == BasisPoints(1_700))
        #expect(rate(.extrajudicial, 25) == BasisPoints(2_000))
        #expect(rate(.judicial, 3) == BasisPoints(2_500))
        #expect(rate(.judicial, 30) == BasisPoints(3_000))
    }

    @Test func minimumFeeAndDirectPayments() {
        var contract = chile
        contract.minimumFee = 5_000
        let small = FeeCalculator.fee(payment: 10_000, stage: .extrajudicial, channel: .agency, overdueMonthsAtPlacement: 0, contract: contract)
        #expect(small.fee == 5_000)
        #expect(small.note == "minimum fee per payment")
        let tiny = FeeCalculator.fee(payment: 3_000, stage: .extrajudicial, channel: .agency, overdueMonthsAtPlacement: 0, contract: contract)
        #expect(tiny.fee == 1_500) // never more than half of the payment
        #expect(tiny.note == "minimum fee per payment, capped at 50% of the payment")
        // Issue 16: a minimum of 150 on a payment of 150 takes 75, on 151 still 75 (rounded down).
        contract.minimumFee = 150
        for (payment, fee) in [(Int64(150), Int64(75)), (151, 75), (1, 0)] {
            #expect(FeeCalculator.fee(payment: payment, stage: .extrajudicial, channel: .agency, overdueMonthsAtPlacement: 0, contract: contract).fee == fee)
        }
        contract.directPaymentsEarnFee = false
        let direct = FeeCalculator.fee(payment: 100_000, stage: .extrajudicial, channel: .direct, overdueMonthsAtPlacement: 0, contract: contract)
        #expect(direct.fee == 0)
        #expect(direct.rate == .zero)
    }

    @Test func overdueMonthsAtPlacement() {
        let due = CalendarDate(year: 2025, month: 1, day: 31)!
        #expect(FeeCalculator.overdueMonths(due: due, placed: CalendarDate(year: 2025, month: 3, day: 1)!) == 1)
        #expect(FeeCalculator.overdueMonths(due: due, placed: CalendarDate(year: 2026, month: 1, day: 31)!) == 12)
        #expect(FeeCalculator.overdueMonths(due: due, placed: CalendarDate(year: 2026, month: 2, day: 28)!) == 12)
        #expect(FeeCalculator.overdueMonths(due: due, placed: CalendarDate(year: 2024, month: 1, day: 1)!) == 0)
    }
}
