/// Adding and subtracting minor units without wrapping and without trapping. Swift's `+` on
/// `Int64` stops the process on overflow (exit 132, "arithmetic overflow"): a shell must answer
/// a sum too large to hold with an error line, not die. The database bounds every amount and
/// every case's total (0016), so with stored data this never fires; it is the last guard, not
/// the rule.
public enum MoneyArithmetic {
    public struct Overflow: Error, Equatable, Sendable, CustomStringConvertible {
        public init() {}
        public var description: String { "amount: the sum is too large to compute (more than \(Int64.max) minor units)" }
    }

    public static func add(_ a: Int64, _ b: Int64) throws(Overflow) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw Overflow() }
        return sum
    }

    public static func subtract(_ a: Int64, _ b: Int64) throws(Overflow) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow else { throw Overflow() }
        return difference
    }

    public static func sum(_ amounts: some Sequence<Int64>) throws(Overflow) -> Int64 {
        var total: Int64 = 0
        for amount in amounts { total = try add(total, amount) }
        return total
    }
}
