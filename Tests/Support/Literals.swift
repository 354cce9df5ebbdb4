import CobranzaCore

// Tests write dates, months, amounts and choices as the literals people type ("2026-03-02",
// "300.000", "direct"). The library takes only typed values; these conformances exist in the
// tests alone, where a literal that does not parse is a bug in the test and may stop it.

extension CalendarDate: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = CalendarDate(parsing: value)! }
}

extension CalendarMonth: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = CalendarMonth(parsing: value)! }
}

extension WrittenAmount: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = WrittenAmount(value)! }
}

extension BasisPoints: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = BasisPoints(percent: value)! }
}

extension PaymentChannel: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = PaymentChannel(rawValue: value)! }
}

extension PaymentMethod: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = PaymentMethod(rawValue: value)! }
}

extension StepKind: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = StepKind(rawValue: value)! }
}

extension ReferralStage: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = ReferralStage(rawValue: value)! }
}
