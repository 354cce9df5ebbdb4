/// How old a debt was when the client placed it, as the contract's age surcharges count it.
///
/// "Over 12 months overdue at placement" is a calendar rule, day-precise: an invoice due D is
/// over N months overdue on date P when P falls after D + N calendar months (month ends clamp:
/// due 2024-02-29 + 12 months is 2025-02-28). Counting whole months instead missed an invoice due
/// 2025-10-27 placed 2026-11-02, twelve months and six days late. The database's copy is
/// `cobranza.overdue_more_than` (0023), held to this one by a test over many dates.
public enum OverdueAge: Int, Sendable, CaseIterable, Comparable {
    case withinTwelveMonths
    case overTwelveMonths
    case overTwentyFourMonths

    public init(due: CalendarDate, placed: CalendarDate) {
        if Self.isOverdue(due: due, byMoreThan: 24, on: placed) {
            self = .overTwentyFourMonths
        } else if Self.isOverdue(due: due, byMoreThan: 12, on: placed) {
            self = .overTwelveMonths
        } else {
            self = .withinTwelveMonths
        }
    }

    /// Whether an invoice due `due` is more than `months` calendar months overdue on `date`.
    public static func isOverdue(due: CalendarDate, byMoreThan months: Int, on date: CalendarDate) -> Bool {
        date > due.adding(months: months)
    }

    /// How an invoice's line on a fee says it, when it carries a surcharge.
    public var phrase: String? {
        switch self {
        case .withinTwelveMonths: nil
        case .overTwelveMonths: "over 12 months overdue at placement"
        case .overTwentyFourMonths: "over 24 months overdue at placement"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

extension FeeContract {
    /// The surcharge an invoice of this age adds to the stage's rate.
    public func surcharge(for age: OverdueAge) -> BasisPoints {
        switch age {
        case .withinTwelveMonths: .zero
        case .overTwelveMonths: surchargeOver12Months
        case .overTwentyFourMonths: surchargeOver24Months
        }
    }
}
