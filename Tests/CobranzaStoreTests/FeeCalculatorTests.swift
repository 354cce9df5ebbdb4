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
            FeeCalculator.fee(payment: $0.0, stage: .extrajudicial, channel: $0.1, contract: chile)
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
        func rate(_ stage: FeeStage, _ age: OverdueAge) -> BasisPoints {
            FeeCalculator.fee(payment: 100_000, stage: stage, channel: .agency, age: age, contract: contract).rate
        }
        #expect(rate(.extrajudicial, .withinTwelveMonths) == BasisPoints(1_500))
        #expect(rate(.extrajudicial, .overTwelveMonths) == BasisPoints(1_700))
        #expect(rate(.extrajudicial, .overTwentyFourMonths) == BasisPoints(2_000))
        #expect(rate(.judicial, .withinTwelveMonths) == BasisPoints(2_500))
        #expect(rate(.judicial, .overTwentyFourMonths) == BasisPoints(3_000))
    }

    @Test func minimumFeeAndDirectPayments() {
        var contract = chile
        contract.minimumFee = 5_000
        let small = FeeCalculator.fee(payment: 10_000, stage: .extrajudicial, channel: .agency, contract: contract)
        #expect(small.fee == 5_000)
        #expect(small.note == "minimum fee per payment")
        let tiny = FeeCalculator.fee(payment: 3_000, stage: .extrajudicial, channel: .agency, contract: contract)
        #expect(tiny.fee == 1_500) // never more than half of the payment
        #expect(tiny.note == "minimum fee per payment, capped at 50% of the payment")
        // Issue 16: a minimum of 150 on a payment of 150 takes 75, on 151 still 75 (rounded down).
        contract.minimumFee = 150
        for (payment, fee) in [(Int64(150), Int64(75)), (151, 75), (1, 0)] {
            #expect(FeeCalculator.fee(payment: payment, stage: .extrajudicial, channel: .agency, contract: contract).fee == fee)
        }
        contract.directPaymentsEarnFee = false
        let direct = FeeCalculator.fee(payment: 100_000, stage: .extrajudicial, channel: .direct, contract: contract)
        #expect(direct.fee == 0)
        #expect(direct.rate == .zero)
    }

    /// Issue 16, item 2: a payment split across an old and a young invoice pays the surcharge on
    /// the old one's part only; parts at one rate are rounded together.
    @Test func aSurchargeAppliesToThePartOfItsInvoice() {
        var contract = chile
        contract.surchargeOver12Months = BasisPoints(200)
        let placed = CalendarDate(year: 2026, month: 11, day: 2)!
        let parts = [FeeCalculator.Part(invoice: "OLD", due: CalendarDate(year: 2025, month: 10, day: 27)!, amount: 100_000),
                     FeeCalculator.Part(invoice: "NEW", due: CalendarDate(year: 2026, month: 10, day: 1)!, amount: 20_000)]
        let line = FeeCalculator.fee(payment: 120_000, stage: .extrajudicial, channel: .agency, placed: placed, parts: parts, contract: contract)
        #expect(line.fee == 20_000)
        #expect(line.rate == BasisPoints(1_700))
        #expect(line.note == "17% on $100.000 of invoice OLD (over 12 months overdue at placement); 15% on $20.000 of invoice NEW")
        // Two young parts of 1 peso each at 15 %: 0,3 rounded once is 0, not 0 + 0.
        let young = [FeeCalculator.Part(invoice: "A", due: CalendarDate(year: 2026, month: 9, day: 1)!, amount: 3),
                     FeeCalculator.Part(invoice: "B", due: CalendarDate(year: 2026, month: 10, day: 1)!, amount: 7)]
        #expect(FeeCalculator.fee(payment: 10, stage: .extrajudicial, channel: .agency, placed: placed, parts: young, contract: contract).fee == 2)
    }
}
