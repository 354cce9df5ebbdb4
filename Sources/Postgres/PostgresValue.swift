import Foundation

/// One bound parameter as libpq receives it: a type OID and bytes in text or binary format.
public struct PostgresBinding: Sendable, Equatable {
    public enum Format: Int32, Sendable { case text = 0, binary = 1 }
    public var typeOID: UInt32
    public var bytes: [UInt8]
    public var format: Format

    public init(typeOID: UInt32, bytes: [UInt8], format: Format) {
        self.typeOID = typeOID
        self.bytes = bytes
        self.format = format
    }

    public init(typeOID: UInt32, text: String) {
        self.init(typeOID: typeOID, bytes: Array(text.utf8), format: .text)
    }
}

/// A Swift value that can travel as a query parameter. Values are always bound, never spliced
/// into SQL text, so quoting bugs and injection cannot happen by construction.
public protocol PostgresEncodable: Sendable {
    var postgresBinding: PostgresBinding { get }
}

/// A Swift value that can be read from a result column in text format.
public protocol PostgresDecodable {
    init(postgresText text: String) throws(PostgresDecodingError)
}

public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public var type: String
    public var text: String
    /// Public so that other modules can decode their own types (a date, a month).
    public init(type: String, text: String) {
        self.type = type
        self.text = text
    }
    public var description: String { "cannot read \(type) from \"\(text.prefix(40))\"" }
}

/// Type OIDs from pg_type.h that the bindings name.
public enum PostgresType {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let textArray: UInt32 = 1009
    public static let date: UInt32 = 1082
    public static let timestamptz: UInt32 = 1184
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.text, text: self) }
    public init(postgresText text: String) { self = text }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.int8, text: String(self)) }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = Int(text) else { throw PostgresDecodingError(type: "integer", text: text) }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.int8, text: String(self)) }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = Int64(text) else { throw PostgresDecodingError(type: "bigint", text: text) }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.int4, text: String(self)) }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let value = Int32(text) else { throw PostgresDecodingError(type: "integer", text: text) }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.bool, text: self ? "t" : "f") }
    public init(postgresText text: String) throws(PostgresDecodingError) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresDecodingError(type: "boolean", text: text)
        }
    }
}

/// bytea travels in binary format so no escaping is involved on the way in; results arrive in
/// the server's hex text form (`\x…`).
public struct PostgresBytes: PostgresEncodable, PostgresDecodable, Equatable, Sendable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var postgresBinding: PostgresBinding {
        PostgresBinding(typeOID: PostgresType.bytea, bytes: bytes, format: .binary)
    }

    public init(postgresText text: String) throws(PostgresDecodingError) {
        let failure = PostgresDecodingError(type: "bytea", text: text)
        guard text.hasPrefix("\\x") else { throw failure }
        let digits = Array(text.utf8.dropFirst(2))
        guard digits.count % 2 == 0 else { throw failure }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { throw failure }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }
}

/// A calendar date with no time zone: business dates (due dates, payment dates) are these.
public struct PostgresDate: PostgresEncodable, PostgresDecodable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public var postgresBinding: PostgresBinding { PostgresBinding(typeOID: PostgresType.date, text: description) }

    public init(postgresText text: String) throws(PostgresDecodingError) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            throw PostgresDecodingError(type: "date", text: text)
        }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// An instant. Connections run with DateStyle ISO, so the text form is
/// `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`; parameters are sent in UTC.
extension Date: PostgresEncodable, PostgresDecodable {
    public var postgresBinding: PostgresBinding {
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
            Int(parts.tm_sec), Int(fraction))
        return PostgresBinding(typeOID: PostgresType.timestamptz, text: text)
    }

    public init(postgresText text: String) throws(PostgresDecodingError) {
        let failure = PostgresDecodingError(type: "timestamptz", text: text)
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for c in bytes[range] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { throw failure }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48); digits += 1 }
                index += 1
            }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number((index + 1)..<(index + 3)) else { throw failure }
            var minutes = 0
            if index + 3 < bytes.count, bytes[index + 3] == UInt8(ascii: ":") {
                minutes = number((index + 4)..<(index + 6)) ?? 0
            }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = Int(timegm(&parts)) - offsetSeconds
        self = Date(timeIntervalSince1970: TimeInterval(epoch) + TimeInterval(micros) / 1_000_000)
    }
}

/// text[]: encoded and decoded with the array literal's quoting rules.
extension Array: PostgresEncodable where Element == String {
    public var postgresBinding: PostgresBinding {
        let items = map { item in
            "\"" + item.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return PostgresBinding(typeOID: PostgresType.textArray, text: "{" + items.joined(separator: ",") + "}")
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Reads a one-dimensional array literal; a NULL element is refused (there is no String for it).
    public init(postgresText text: String) throws(PostgresDecodingError) {
        let failure = PostgresDecodingError(type: "text[]", text: text)
        var chars = Substring(text)
        guard chars.first == "{", chars.last == "}" else { throw failure }
        chars = chars.dropFirst().dropLast()
        var items: [String] = []
        var index = chars.startIndex
        while index < chars.endIndex {
            var item = ""
            if chars[index] == "\"" {
                index = chars.index(after: index)
                while index < chars.endIndex, chars[index] != "\"" {
                    if chars[index] == "\\" { index = chars.index(after: index); guard index < chars.endIndex else { throw failure } }
                    item.append(chars[index])
                    index = chars.index(after: index)
                }
                guard index < chars.endIndex else { throw failure }
                index = chars.index(after: index)
            } else {
                while index < chars.endIndex, chars[index] != "," {
                    item.append(chars[index])
                    index = chars.index(after: index)
                }
                if item == "NULL" { throw failure }
            }
            items.append(item)
            if index < chars.endIndex {
                guard chars[index] == "," else { throw failure }
                index = chars.index(after: index)
            }
        }
        self = items
    }
}
