/// An instalment agreement's payment plan. Integer minor units throughout: the instalments
/// sum exactly to the agreed total, the rounding remainder on the last one.
public struct InstalmentSchedule: Equatable, Sendable {
    public enum Frequency: String, CaseIterable, Sendable {
        case month
        case twoWeeks = "2weeks"
    }

    public struct Instalment: Equatable, Sendable {
        /// 0 is the down payment, due the day the agreement is made; 1...N the instalments.
        public var sequence: Int
        public var due: CalendarDate
        public var amount: Int64
    }

    public var owed: Int64
    public var discount: BasisPoints
    /// `owed` less the discount, rounded half up once.
    public var total: Int64
    public var instalments: [Instalment]

    public static let maximumInstalments = 120

    /// The plan for `owed` with an optional discount and down payment; nil with the reason when
    /// the terms cannot make one.
    public static func make(owed: Int64, discount: BasisPoints = .zero, downPayment: Int64 = 0, count: Int,
                            agreedOn: CalendarDate, firstDue: CalendarDate, every: Frequency) -> Result<InstalmentSchedule, WorkflowRefusal> {
        guard owed > 0 else { return .failure(WorkflowRefusal("nothing is owed on the case")) }
        guard (1...maximumInstalments).contains(count) else {
            return .failure(WorkflowRefusal(field: "instalments", "must be between 1 and \(maximumInstalments)"))
        }
        guard (0...10_000).contains(discount.value) else { return .failure(WorkflowRefusal(field: "discount", "must be between 0 and 100 %")) }
        guard firstDue >= agreedOn else { return .failure(WorkflowRefusal(field: "first_due", "\(firstDue) is before the agreement (\(agreedOn))")) }
        let total = owed - Rounding.apply(discount, to: owed)
        guard downPayment >= 0, downPayment < total else {
            return .failure(WorkflowRefusal(field: "down_payment", "must be less than the agreed total"))
        }
        let financed = total - downPayment
        guard financed >= Int64(count) else {
            return .failure(WorkflowRefusal(field: "instalments", "\(count) instalments would be worth less than one unit each"))
        }
        let each = financed / Int64(count)
        var plan: [Instalment] = downPayment > 0 ? [Instalment(sequence: 0, due: agreedOn, amount: downPayment)] : []
        for n in 1...count {
            let due = every == .month ? firstDue.adding(months: n - 1) : firstDue.adding(days: 14 * (n - 1))
            plan.append(Instalment(sequence: n, due: due, amount: n == count ? financed - each * Int64(count - 1) : each))
        }
        return .success(InstalmentSchedule(owed: owed, discount: discount, total: total, instalments: plan))
    }
}
