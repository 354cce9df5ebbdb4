import CobranzaCore
import Testing

/// Issue 16, item 2: "over 12 months overdue at placement" by the calendar, to the day.
@Suite("Overdue age at placement")
struct OverdueAgeTests {
    func date(_ text: String) -> CalendarDate { CalendarDate(parsing: text)! }

    @Test func twelveMonthsAndSixDaysIsOverTwelveMonths() {
        // The case: counting whole months said 12, so no surcharge.
        #expect(OverdueAge(due: date("2025-10-27"), placed: date("2026-11-02")) == .overTwelveMonths)
        #expect(OverdueAge(due: date("2025-10-27"), placed: date("2026-10-27")) == .withinTwelveMonths)
        #expect(OverdueAge(due: date("2025-10-27"), placed: date("2026-10-28")) == .overTwelveMonths)
        #expect(OverdueAge(due: date("2024-10-27"), placed: date("2026-10-27")) == .overTwelveMonths)
        #expect(OverdueAge(due: date("2024-10-27"), placed: date("2026-10-28")) == .overTwentyFourMonths)
        #expect(OverdueAge(due: date("2026-10-01"), placed: date("2026-11-02")) == .withinTwelveMonths)
    }

    @Test func monthEndsClamp() {
        #expect(date("2024-02-29").adding(months: 12) == date("2025-02-28"))
        #expect(date("2024-02-29").adding(months: 48) == date("2028-02-29"))
        #expect(date("2025-01-31").adding(months: 1) == date("2025-02-28"))
        #expect(date("2024-01-31").adding(months: 1) == date("2024-02-29"))
        #expect(date("2025-12-15").adding(months: 1) == date("2026-01-15"))
        #expect(date("2026-03-31").adding(months: -1) == date("2026-02-28"))
        // Due on a month end: over 12 months from the day after the clamped anniversary.
        #expect(!OverdueAge.isOverdue(due: date("2024-02-29"), byMoreThan: 12, on: date("2025-02-28")))
        #expect(OverdueAge.isOverdue(due: date("2024-02-29"), byMoreThan: 12, on: date("2025-03-01")))
        #expect(!OverdueAge.isOverdue(due: date("2025-02-28"), byMoreThan: 12, on: date("2026-02-28")))
        #expect(OverdueAge.isOverdue(due: date("2025-02-28"), byMoreThan: 12, on: date("2026-03-01")))
    }

    @Test func theSurchargeFollowsTheAge() {
        let contract = FeeContract(effective: date("2026-01-01"), extrajudicialRate: BasisPoints(1_500), judicialRate: BasisPoints(2_500),
                                   surchargeOver12Months: BasisPoints(200), surchargeOver24Months: BasisPoints(500), vatRate: BasisPoints(1_900))
        #expect(contract.surcharge(for: .withinTwelveMonths) == .zero)
        #expect(contract.surcharge(for: .overTwelveMonths) == BasisPoints(200))
        #expect(contract.surcharge(for: .overTwentyFourMonths) == BasisPoints(500))
    }
}
