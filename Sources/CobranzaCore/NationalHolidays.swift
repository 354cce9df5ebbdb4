/// The national public holidays of each country the agency works in, as the rules of each law
/// compute them: the reference the `holiday` table's seed (0055) was written from and is held to
/// by `ContactRulesTests.theHolidaySeedIsTheNationalRulesPlusChilesIndigenousPeoplesDay`. Deadlines and contact windows read the table, not this: it also
/// holds what a rule cannot compute (Chile's day of the indigenous peoples on the solstice, a
/// holiday decreed during the year, a regional one an admin adds with `holiday add`).
///
/// Counted here: the holidays on a fixed date, those fixed by a rule on Easter, and those a law
/// moves by weekday (Chile's Ley 19.668 and Iglesias Evangélicas, Colombia's Ley Emiliani,
/// Mexico's Monday holidays).
public enum NationalHolidays {
    public static func contains(_ date: CalendarDate, in country: Country) -> Bool {
        holidays(year: date.year, in: country).contains(date)
    }

    public static func holidays(year: Int, in country: Country) -> Set<CalendarDate> {
        func on(_ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day)! }
        let easter = easterSunday(year: year)
        switch country {
        case .chile:
            return [on(1, 1), easter.adding(days: -2), easter.adding(days: -1), on(5, 1), on(5, 21), chileanMonday(on(6, 29)),
                    on(7, 16), on(8, 15), on(9, 18), on(9, 19), chileanMonday(on(10, 12)), reformationDay(year: year), on(11, 1),
                    on(12, 8), on(12, 25)]
        case .colombia:
            let emiliani = [on(1, 6), on(3, 19), on(6, 29), on(8, 15), on(10, 12), on(11, 1), on(11, 11)].map(mondayOnOrAfter)
            return Set([on(1, 1), on(5, 1), on(7, 20), on(8, 7), on(12, 8), on(12, 25),
                        easter.adding(days: -3), easter.adding(days: -2),
                        easter.adding(days: 43), easter.adding(days: 64), easter.adding(days: 71)] + emiliani)
        case .mexico:
            var days: Set<CalendarDate> = [on(1, 1), nthMonday(1, of: 2, year: year), nthMonday(3, of: 3, year: year), on(5, 1),
                                           on(9, 16), nthMonday(3, of: 11, year: year), on(12, 25),
                                           // Banks close on Holy Thursday and Good Friday.
                                           easter.adding(days: -3), easter.adding(days: -2)]
            // The presidential inauguration, every six years since 2024.
            if year >= 2024, (year - 2024) % 6 == 0 { days.insert(on(10, 1)) }
            return days
        }
    }

    /// Easter Sunday of the Gregorian calendar (the anonymous algorithm, as in Meeus).
    public static func easterSunday(year: Int) -> CalendarDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year: year, month: month, day: day)!
    }

    /// Ley 19.668: San Pedro y San Pablo and Encuentro de Dos Mundos move to the Monday of their
    /// week when they fall on a Tuesday, Wednesday or Thursday, to the next Monday on a Friday.
    static func chileanMonday(_ date: CalendarDate) -> CalendarDate {
        switch date.isoWeekday {
        case 2, 3, 4: date.adding(days: 1 - date.isoWeekday)
        case 5: date.adding(days: 3)
        default: date
        }
    }

    /// Chile's Día de las Iglesias Evangélicas: 31 October, or the Friday before when that is a
    /// Tuesday, the Friday after when a Wednesday.
    static func reformationDay(year: Int) -> CalendarDate {
        let day = CalendarDate(year: year, month: 10, day: 31)!
        switch day.isoWeekday {
        case 2: return day.adding(days: -4)
        case 3: return day.adding(days: 2)
        default: return day
        }
    }

    static func mondayOnOrAfter(_ date: CalendarDate) -> CalendarDate {
        date.adding(days: (8 - date.isoWeekday) % 7)
    }

    static func nthMonday(_ n: Int, of month: Int, year: Int) -> CalendarDate {
        mondayOnOrAfter(CalendarDate(year: year, month: month, day: 1)!).adding(days: 7 * (n - 1))
    }
}

extension CalendarDate {
    /// A weekday that is not one of `holidays` (the debtor's country's, read from the database).
    public func isBusinessDay(skipping holidays: Set<CalendarDate>) -> Bool {
        isBusinessDay && !holidays.contains(self)
    }

    /// This date when it is a business day, else the next one; `holidays` must reach far enough.
    public func nextBusinessDay(skipping holidays: Set<CalendarDate>) -> CalendarDate {
        var date = self
        while !date.isBusinessDay(skipping: holidays) { date = date.adding(days: 1) }
        return date
    }
}
