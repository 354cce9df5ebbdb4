/// A rate in hundredths of a percent: 1500 is 15 %. Rates never touch floating point; applying
/// one to an amount is integer arithmetic with the single rounding rule in `Rounding`.
public struct BasisPoints: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: Int

    public init(_ value: Int) { self.value = value }

    public static let zero = BasisPoints(0)

    /// Reads a percentage as people write it: `15`, `15%`, `12,5` or `12.5`, at most two decimals.
    public init?(percent text: String) {
        var cleaned = text.trimmingSpaces()
        if cleaned.hasSuffix("%") { cleaned = String(cleaned.dropLast()).trimmingSpaces() }
        let parts = cleaned.split(separator: cleaned.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              parts.count == 1 || (1...2).contains(parts[1].count), parts[0].count <= 5,
              let whole = Int(parts[0])
        else { return nil }
        let fraction = parts.count == 2 ? Int(parts[1].count == 1 ? parts[1] + "0" : String(parts[1]))! : 0
        self.init(whole * 100 + fraction)
    }

    /// `15%`, `12.5%`, `0.25%`.
    public var description: String {
        let whole = value / 100, fraction = value % 100
        if fraction == 0 { return "\(whole)%" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)%" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public static func + (a: Self, b: Self) -> Self { BasisPoints(a.value + b.value) }
}

/// The one rounding rule: half up (away from zero) to the currency's minor unit.
public enum Rounding {
    /// `amount × rate`, rounded half up; amounts are minor units, so CLP rounds to the peso and
    /// COP or MXN to the cent without knowing which.
    public static func apply(_ rate: BasisPoints, to amount: Int64) -> Int64 {
        // In 128 bits: amounts go up to Money.largestAmount (10^15) and rates to 10,000 basis
        // points, whose product (10^19) is past Int64. The result is at most the amount itself
        // for a rate up to 100 %, so it fits; a larger rate on a huge amount saturates rather
        // than trapping (no caller applies more than 100 %).
        let product = amount.magnitude.multipliedFullWidth(by: UInt64(rate.value.magnitude))
        let low = product.low.addingReportingOverflow(5_000)
        let high = product.high + (low.overflow ? 1 : 0)  // below 2^62: both factors are below 2^63
        var magnitude = UInt64(Int64.max)
        if high < 10_000 {  // else the quotient would not fit in 64 bits
            magnitude = min(magnitude, UInt64(10_000).dividingFullWidth((high, low.partialValue)).quotient)
        }
        let negative = (amount < 0) != (rate.value < 0)
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }
}
