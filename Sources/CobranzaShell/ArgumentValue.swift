import CobranzaCore
import Foundation

/// An argument or option value converted at the edge, the way argument-parser's
/// `ExpressibleByArgument` does: handlers and the store get dates, months, numbers and
/// percentages, never the text they came from.
public enum ArgumentValue: Equatable, Sendable {
    case date(CalendarDate)
    case month(CalendarMonth)
    case count(Int)
    case percent(BasisPoints)
    case id(Int64)
    case reference(ClientReference)
    case paymentReference(PaymentReference)
    case amount(WrittenAmount)
}

extension ValueKind {
    /// The typed value of `text`, nil for kinds that stay text, or the rule it breaks.
    func convert(_ text: String) -> Result<ArgumentValue?, UsageError> {
        switch self {
        case .text, .clientCode, .userName, .userNames, .caseNumber, .file, .choice:
            return .success(nil)
        case .date:
            guard let date = CalendarDate(parsing: text) else { return .failure(UsageError("\(UsageError.quoted(text)) is not a date (2026-03-31 or 31/03/2026)")) }
            return .success(.date(date))
        case .month:
            guard let month = CalendarMonth(parsing: text) else { return .failure(UsageError("\(UsageError.quoted(text)) is not a month (write YYYY-MM)")) }
            return .success(.month(month))
        case .count(let range, let unit):
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
                return .failure(UsageError("must be a number\(unit.map { " of \($0)" } ?? "") from \(range.lowerBound) to \(range.upperBound)"))
            }
            return .success(.count(value))
        case .percent:
            guard let value = BasisPoints(percent: text) else { return .failure(UsageError("\(UsageError.quoted(text)) is not a percentage (write 15 or 12,5)")) }
            return .success(.percent(value))
        case .id:
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                return .failure(UsageError("\(UsageError.quoted(text)) is not a number"))
            }
            return .success(.id(value))
        case .reference:
            guard let reference = ClientReference(parsing: text) else {
                return .failure(UsageError("\(UsageError.quoted(text)) is not a reference: write its number (12), or CODE-12 for a client's (ACME-12)"))
            }
            return .success(.reference(reference))
        case .paymentReference:
            guard let reference = PaymentReference(parsing: text) else {
                return .failure(UsageError("\(UsageError.quoted(text)) is not a payment: write its case and its number in the case (C-2026-000123/2)"))
            }
            return .success(.paymentReference(reference))
        case .amount:
            guard let amount = WrittenAmount(text) else { return .failure(UsageError("\(UsageError.quoted(text)) is not an amount")) }
            return .success(.amount(amount))
        }
    }
}

extension Invocation {
    public func date(_ name: String) -> CalendarDate? {
        if case .date(let value) = typed[name] { value } else { nil }
    }

    public func month(_ name: String) -> CalendarMonth? {
        if case .month(let value) = typed[name] { value } else { nil }
    }

    public func count(_ name: String) -> Int? {
        if case .count(let value) = typed[name] { value } else { nil }
    }

    public func percent(_ name: String) -> BasisPoints? {
        if case .percent(let value) = typed[name] { value } else { nil }
    }

    public func id(_ name: String) -> Int64? {
        if case .id(let value) = typed[name] { value } else { nil }
    }

    public func reference(_ name: String) -> ClientReference? {
        if case .reference(let value) = typed[name] { value } else { nil }
    }

    public func paymentReference(_ name: String) -> PaymentReference? {
        if case .paymentReference(let value) = typed[name] { value } else { nil }
    }

    public func amount(_ name: String) -> WrittenAmount? {
        if case .amount(let value) = typed[name] { value } else { nil }
    }

    /// A `.choice` value as its enum; the parser has already refused anything else. The parser
    /// matches choices whatever their case, so the raw value is tried as typed, then in lower and
    /// upper case: most choices are lower-case words, country codes are upper case.
    public func choice<Value: RawRepresentable>(_ name: String, as type: Value.Type = Value.self) -> Value? where Value.RawValue == String {
        (options[name] ?? arguments[name]).flatMap { typed in
            Value(rawValue: typed) ?? Value(rawValue: typed.lowercased()) ?? Value(rawValue: typed.uppercased())
        }
    }
}
