/// Reads an amount as people in the currency's country write it, into integer minor units.
/// Chile and Colombia write `1.234.567,89` (dot thousands, comma decimals); Mexico and the US
/// `1,234,567.89`. A separator followed by exactly three digits is a thousands separator unless
/// it is the currency's decimal mark and the currency has that many decimals, so spreadsheet
/// exports like `1234567.5` still read right. No floating point at any step.
public enum AmountParser {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case notANumber(String)
        case notPositive
        case tooManyDecimals(currency: String, allowed: Int)
        case badGrouping(String)
        /// More than `Money.largestAmount`, written as the currency writes it.
        case tooLarge(String)

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .notANumber(let text): "\"\(text)\" is not an amount"
            case .notPositive: "must be greater than zero"
            case .tooManyDecimals(let currency, 0): "\(currency) has no decimals"
            case .tooManyDecimals(let currency, let allowed): "\(currency) has at most \(allowed) decimals"
            case .badGrouping(let text): "\"\(text)\": thousands must be grouped by three"
            case .tooLarge(let largest): "is more than \(largest), the largest amount accepted"
            }
        }
    }

    public static func decimalMark(for currency: CurrencyCode) -> Character {
        switch currency.rawValue {
        case "MXN", "USD": "."
        default: ","
        }
    }

    public static func parse(_ text: String, currency: Currency) -> Result<Int64, Problem> {
        if let value = groupedDigits(text, currency: currency) { return .success(value) }
        return parseGeneral(text, currency: currency)
    }

    /// The shape nearly every amount in a placement file has: digits, perhaps grouped by three
    /// with the currency's thousands mark (`2.317.113` in pesos, `2,317,113` in MXN), no
    /// decimals. Read from UTF-8 bytes, because it runs once per row of a million-row file; nil
    /// for anything else (or anything zero or too large), which `parseGeneral` then reads or
    /// refuses. The two agree on every input this accepts (a property test holds them to it).
    static func groupedDigits(_ text: String, currency: Currency) -> Int64? {
        let thousands: UInt8 = decimalMark(for: currency.code) == "," ? 46 : 44 // . or ,
        var value: Int64 = 0
        var digits = 0
        var groupLength = 0
        var marks = 0
        for byte in text.utf8 {
            if byte == thousands {
                guard marks == 0 ? (1...3).contains(groupLength) : groupLength == 3 else { return nil }
                marks += 1
                groupLength = 0
            } else if (48...57).contains(byte) {
                digits += 1
                groupLength += 1
                guard digits + currency.exponent <= 18 else { return nil }
                value = value * 10 + Int64(byte - 48)
            } else {
                return nil
            }
        }
        guard marks == 0 ? groupLength >= 1 : groupLength == 3, value > 0 else { return nil }
        for _ in 0..<currency.exponent { value *= 10 }
        return value <= Money.largestAmount ? value : nil
    }

    static func parseGeneral(_ text: String, currency: Currency) -> Result<Int64, Problem> {
        var cleaned = text
        // Only text that starts with a letter or symbol can carry a "$", "CLP" or "UF" prefix.
        if let first = cleaned.first, !first.isASCIIDigit {
            cleaned = cleaned.trimmingSpaces()
            for prefix in ["$", currency.code.rawValue, "UF"] where cleaned.uppercased().hasPrefix(prefix) {
                cleaned = String(cleaned.dropFirst(prefix.count)).trimmingSpaces()
            }
        }
        if cleaned.contains(where: { $0 == " " || $0 == "\u{00A0}" || $0 == "\t" }) {
            cleaned = cleaned.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\t" }
        }
        guard !cleaned.isEmpty else { return .failure(.empty) }
        if cleaned.hasPrefix("-") { return .failure(.notPositive) }
        guard cleaned.allSatisfy({ $0.isASCIIDigit || $0 == "." || $0 == "," }), cleaned.first!.isASCIIDigit else {
            return .failure(.notANumber(text))
        }
        let marks = cleaned.filter { $0 == "." || $0 == "," }
        var decimal: Character?
        if Set(marks).count == 2 {
            decimal = marks.last
        } else if marks.count == 1, let mark = marks.first {
            let after = cleaned.split(separator: mark, omittingEmptySubsequences: false)[1].count
            let conventional = decimalMark(for: currency.code)
            if mark == conventional && after <= currency.exponent && after > 0 {
                decimal = mark
            } else if after == 3 {
                decimal = nil
            } else if after > 0 && after <= max(currency.exponent, 2) {
                decimal = mark
            } else {
                return .failure(.badGrouping(text))
            }
        }
        var whole = cleaned
        var fraction = ""
        if let decimal, let index = cleaned.lastIndex(of: decimal) {
            whole = String(cleaned[..<index])
            fraction = String(cleaned[cleaned.index(after: index)...])
            guard !fraction.contains(".") && !fraction.contains(",") else { return .failure(.badGrouping(text)) }
        }
        let groups = whole.split(omittingEmptySubsequences: false) { $0 == "." || $0 == "," }
        if groups.count > 1 {
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return .failure(.badGrouping(text))
            }
        }
        guard fraction.count <= currency.exponent else {
            return .failure(.tooManyDecimals(currency: currency.code.rawValue, allowed: currency.exponent))
        }
        let digits = groups.joined() + fraction + String(repeating: "0", count: currency.exponent - fraction.count)
        let largest = Money(minorUnits: Money.largestAmount, currency: currency).formatted
        guard digits.count <= 18, let value = Int64(digits) else { return .failure(.tooLarge(largest)) }
        guard value > 0 else { return .failure(.notPositive) }
        guard value <= Money.largestAmount else { return .failure(.tooLarge(largest)) }
        return .success(value)
    }
}
