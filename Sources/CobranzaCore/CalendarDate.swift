/// A business date (due dates, issue dates, "today"): no time, no zone. Integer day arithmetic
/// through days-since-epoch, so "days overdue" never depends on the machine's clock or zone.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// nil unless it is a real date (30 February is refused, 29 February only in leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Accepts ISO `2026-03-15` and the Latin American `15/03/2026` or `15-03-2026`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces()
        let parts = trimmed.split(separator: trimmed.contains("/") ? "/" : "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        if parts[0].count == 4 {
            self.init(year: numbers[0], month: numbers[1], day: numbers[2])
        } else if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            self.init(year: numbers[2], month: numbers[1], day: numbers[0])
        } else {
            return nil
        }
    }

    /// `YYYY-MM-DD`, built from digits directly (it is written once per row of a placement).
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        for digit in [year / 1000 % 10, year / 100 % 10, year / 10 % 10, year % 10] { bytes.append(UInt8(48 + digit)) }
        bytes.append(45)
        bytes.append(UInt8(48 + month / 10)); bytes.append(UInt8(48 + month % 10))
        bytes.append(45)
        bytes.append(UInt8(48 + day / 10)); bytes.append(UInt8(48 + day % 10))
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (a: Self, b: Self) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func days(since other: CalendarDate) -> Int { daysSinceEpoch - other.daysSinceEpoch }

    public func adding(days: Int) -> CalendarDate {
        var z = daysSinceEpoch + days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        z = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return CalendarDate(year: m <= 2 ? z + 1 : z, month: m, day: d)!
    }

    /// The same day `years` later (29 February becomes 28 February), clamped to year 1...9999.
    public func adding(years: Int) -> CalendarDate {
        let target = min(9999, max(1, year + years))
        return CalendarDate(year: target, month: month, day: min(day, Self.daysIn(month: month, year: target))) ?? self
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars.removeLast() }
        return String(scalars)
    }
}
