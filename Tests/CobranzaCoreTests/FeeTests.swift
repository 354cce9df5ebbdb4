import CobranzaCore
import Testing

@Suite("Fee math")
struct FeeTests {
    let start = CalendarDate(year: 2026, month: 1, day: 1)!

    var chile: FeeContract {
        FeeContract(effective: start, extrajudicialRate: BasisPoints(1_500), judicialRate: BasisPoints(2_500),
                    vatRate: FeeContract.defaultVAT(for: .chile))
    }

    @Test func roundingIsHalfUpAtTheMinorUnit() {
        #expect(Rounding.apply(BasisPoints(1_500), to: 3) == 0)        // 0,45 → 0
        #expect(Rounding.apply(BasisPoints(5_000), to: 1) == 1)        // 0,5  → 1
        #expect(Rounding.apply(BasisPoints(1_500), to: 10) == 2)       // 1,5  → 2
        #expect(Rounding.apply(BasisPoints(1_500), to: 9) == 1)        // 1,35 → 1
        #expect(Rounding.apply(BasisPoints(1_500), to: -10) == -2)     // reversals mirror
        #expect(Rounding.apply(BasisPoints(1_900), to: 150_000) == 28_500)
        // COP in cents: $1.234,57 at 15 % = 185,1855 → 185,19
        #expect(Rounding.apply(BasisPoints(1_500), to: 123_457) == 18_519)
        // The largest amounts at the largest rates: past Int64 in between, never a trap.
        #expect(Rounding.apply(BasisPoints(10_000), to: Money.largestAmount) == Money.largestAmount)
        #expect(Rounding.apply(BasisPoints(5_000), to: 999_999_999_999_999) == 500_000_000_000_000)
        #expect(Rounding.apply(BasisPoints(9_999), to: -Money.largestAmount) == -999_900_000_000_000)
        #expect(Rounding.apply(BasisPoints(10_000), to: Int64.max) == Int64.max)
    }

    @Test func contractRulesNameTheFlag() {
        var contract = chile
        #expect(contract.problems().isEmpty)
        contract.judicialRate = BasisPoints(5_001)
        #expect(contract.problems() == [FieldProblem("judicial_rate", "50.01% is above the 50% maximum")])
        contract.judicialRate = BasisPoints(4_000)
        contract.surchargeOver24Months = BasisPoints(1_500)
        #expect(contract.problems() == [FieldProblem("surcharge_24m", "55% with the surcharge is above the 50% maximum")])
        #expect(FeeContract.defaultVAT(for: .mexico) == BasisPoints(1_600))
    }

    @Test func percentagesAsPeopleWriteThem() {
        #expect(BasisPoints(percent: "15") == BasisPoints(1_500))
        #expect(BasisPoints(percent: "12,5 %") == BasisPoints(1_250))
        #expect(BasisPoints(percent: "0.25") == BasisPoints(25))
        #expect(BasisPoints(percent: "1.234") == nil)
        #expect(BasisPoints(percent: "abc") == nil)
        #expect(BasisPoints(1_250).description == "12.5%")
        #expect(BasisPoints(25).description == "0.25%")
    }
}
