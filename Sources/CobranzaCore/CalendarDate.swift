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
    /// Spaces, tabs and no-break spaces around the date are ignored. Read as UTF-8 bytes, not
    /// Characters: it runs twice per row of a million-row placement file.
    public init?(parsing text: String) {
        var text = text
        guard let parts = text.withUTF8(Self.dateParts) else { return nil }
        if parts.lengths.0 == 4 {
            self.init(year: parts.values.0, month: parts.values.1, day: parts.values.2)
        } else if parts.lengths.2 == 4, parts.lengths.0 <= 2, parts.lengths.1 <= 2 {
            self.init(year: parts.values.2, month: parts.values.1, day: parts.values.0)
        } else {
            return nil
        }
    }

    /// Three groups of 1-4 ASCII digits split by `/` (when there is one) or else `-`.
    private static func dateParts(_ bytes: UnsafeBufferPointer<UInt8>) -> (values: (Int, Int, Int), lengths: (Int, Int, Int))? {
        var start = 0
        var end = bytes.count
        while start < end {
            if bytes[start] == 32 || bytes[start] == 9 { start += 1 }
            else if start + 1 < end, bytes[start] == 0xC2, bytes[start + 1] == 0xA0 { start += 2 }
            else { break }
        }
        while end > start {
            if bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
            else if end - 2 >= start, bytes[end - 2] == 0xC2, bytes[end - 1] == 0xA0 { end -= 2 }
            else { break }
        }
        let separator: UInt8 = bytes[start..<end].contains(47) ? 47 : 45
        var values = (0, 0, 0)
        var lengths = (0, 0, 0)
        var part = 0
        for byte in bytes[start..<end] {
            if byte == separator {
                part += 1
                guard part < 3 else { return nil }
                continue
            }
            guard (48...57).contains(byte) else { return nil }
            let digit = Int(byte - 48)
            switch part {
            case 0: values.0 = values.0 * 10 + digit; lengths.0 += 1
            case 1: values.1 = values.1 * 10 + digit; lengths.1 += 1
            default: values.2 = values.2 * 10 + digit; lengths.2 += 1
            }
            guard lengths.0 <= 4, lengths.1 <= 4, lengths.2 <= 4 else { return nil }
        }
        guard part == 2, lengths.0 >= 1, lengths.1 >= 1, lengths.2 >= 1 else { return nil }
        return (values, lengths)
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
        // Nearly every field of a placement file has nothing to trim: said from its first and
        // last bytes (a space, a tab, or the bytes a no-break space starts and ends with), it
        // costs no walk over its characters. Anything else goes the careful way below.
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last,
              first == 32 || first == 9 || first == 0xC2 || last == 32 || last == 9 || last == 0xA0 else { return self }
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars.removeLast() }
        return String(scalars)
    }
}
