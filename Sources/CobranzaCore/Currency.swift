/// An ISO 4217 code. The exponent table lives in the database (`cobranza.currency`); this type
/// only guarantees the shape so a typo is caught before a round trip.
public struct CurrencyCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        let upper = rawValue.uppercased()
        guard upper.count == 3, upper.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        self.rawValue = upper
    }

    public init(stringLiteral value: String) {
        guard let code = CurrencyCode(rawValue: value) else {
            preconditionFailure("invalid currency literal \(value)")
        }
        self = code
    }

    public var description: String { rawValue }
}

/// A currency with its minor-unit exponent: CLP has none, COP and MXN two, the UF four.
public struct Currency: Hashable, Sendable {
    public var code: CurrencyCode
    public var exponent: Int

    public init(code: CurrencyCode, exponent: Int) {
        self.code = code
        self.exponent = exponent
    }

    public static let clp = Currency(code: "CLP", exponent: 0)
    public static let clf = Currency(code: "CLF", exponent: 4)
    public static let cop = Currency(code: "COP", exponent: 2)
    public static let mxn = Currency(code: "MXN", exponent: 2)
    public static let usd = Currency(code: "USD", exponent: 2)

    /// The currencies the migrations seed, for parsing and formatting without a round trip.
    public static let known: [CurrencyCode: Currency] = Dictionary(
        uniqueKeysWithValues: [clp, clf, cop, mxn, usd].map { ($0.code, $0) })
}
