/// Weekdays, business days and months: the arithmetic behind deadlines ("withdraw within 7
/// business days") and instalment schedules. Holidays are the caller's to give (the `holiday`
/// table of the debtor's country): without them only weekends are skipped.
extension CalendarDate {
    /// ISO weekday: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int {
        let offset = (daysSinceEpoch + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    public var isBusinessDay: Bool { isoWeekday <= 5 }

    /// The `count`th business day after this date (Saturday, Sunday and `holidays` skipped). The
    /// SQL copies are `cobranza.add_business_days(date, int)` (weekends only) and
    /// `cobranza.add_business_days(date, int, country)` (that country's holidays too).
    public func adding(businessDays count: Int, skipping holidays: Set<CalendarDate> = []) -> CalendarDate {
        precondition(count >= 0, "business days are counted forward")
        var date = self
        var left = count
        while left > 0 {
            date = date.adding(days: 1)
            if date.isBusinessDay(skipping: holidays) { left -= 1 }
        }
        return date
    }

    /// The same day `months` later; the 31st becomes the month's last day when it is shorter.
    public func adding(months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        let targetYear = index / 12
        let targetMonth = index % 12 + 1
        return CalendarDate(year: targetYear, month: targetMonth,
                            day: min(day, Self.daysIn(month: targetMonth, year: targetYear))) ?? self
    }
}
