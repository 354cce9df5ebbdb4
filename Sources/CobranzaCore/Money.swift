/// An amount in integer minor units of one currency. There is no floating point anywhere on the
/// path from input to database to invoice: parsing, arithmetic and formatting are all integer.
public struct Money: Hashable, Sendable {
    public var minorUnits: Int64
    public var currency: Currency

    /// The largest amount one invoice, court cost or remittance may be, and the most one
    /// submission's or case's invoices may add up to: 10^15 minor units, as the database's
    /// checks say (0016). It leaves three orders of magnitude of `Int64` for sums over cases and
    /// room for a rate of up to 100 % (10,000 basis points) to multiply it.
    public static let largestAmount: Int64 = 1_000_000_000_000_000

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Formats as people in the currency's country write it: CLP `$1.000.001`, COP
    /// `$1.234.567,89`, MXN and USD `$1,234.56`, CLF `UF 12,3456`.
    public var formatted: String {
        let (group, decimal): (Character, Character) =
            switch currency.code.rawValue {
            case "MXN", "USD": (",", ".")
            default: (".", ",")
            }
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        var scale: UInt64 = 1
        for _ in 0..<currency.exponent { scale *= 10 }
        let whole = String(magnitude / scale)
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped.append(group) }
            grouped.append(digit)
        }
        if currency.exponent > 0 {
            var fraction = String(magnitude % scale)
            while fraction.count < currency.exponent { fraction = "0" + fraction }
            grouped += String(decimal) + fraction
        }
        let symbol = currency.code.rawValue == "CLF" ? "UF " : "$"
        return (negative ? "-" : "") + symbol + grouped
    }
}
