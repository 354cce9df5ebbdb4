/// The fee terms agreed with one client, as one version effective from a date. A new version
/// never rewrites fees already computed: each payment freezes the version it was charged under.
public struct FeeContract: Equatable, Sendable {
    public enum Remittance: String, Sendable, CaseIterable {
        /// The agency keeps its fee from what it collected and remits the rest.
        case net
        /// The agency remits everything it collected and invoices the fee.
        case gross
    }

    public var version: Int
    public var effective: CalendarDate
    public var extrajudicialRate: BasisPoints
    public var judicialRate: BasisPoints
    /// Added to the rate when the debt was more than 12 (or 24) months overdue at placement.
    public var surchargeOver12Months: BasisPoints
    public var surchargeOver24Months: BasisPoints
    /// The least fee charged on a payment (minor units); like any fee, never more than half of
    /// the payment (`maximumFee(onPayment:)`).
    public var minimumFee: Int64
    public var vatRate: BasisPoints
    /// Whether payments the debtor makes straight to the client still earn the fee.
    public var directPaymentsEarnFee: Bool
    public var remittance: Remittance

    /// The highest rate a contract may set: the law and the agency's policy cap contingency at 50 %.
    public static let maximumRate = BasisPoints(5_000)

    /// The most any payment's fee may be, minimum and surcharges included: half of the payment,
    /// rounded toward zero to the minor unit. An agency's fee never exceeds 50 % of what it
    /// recovers (the ceiling `maximumRate` sets for rates, held for the minimum fee and for
    /// half-up rounding too), so a net-mode statement never withholds fee + VAT above the payment.
    public static func maximumFee(onPayment amount: Int64) -> Int64 { amount / 2 }

    public init(
        version: Int = 1, effective: CalendarDate, extrajudicialRate: BasisPoints, judicialRate: BasisPoints,
        surchargeOver12Months: BasisPoints = .zero, surchargeOver24Months: BasisPoints = .zero,
        minimumFee: Int64 = 0, vatRate: BasisPoints, directPaymentsEarnFee: Bool = true, remittance: Remittance = .net
    ) {
        self.version = version
        self.effective = effective
        self.extrajudicialRate = extrajudicialRate
        self.judicialRate = judicialRate
        self.surchargeOver12Months = surchargeOver12Months
        self.surchargeOver24Months = surchargeOver24Months
        self.minimumFee = minimumFee
        self.vatRate = vatRate
        self.directPaymentsEarnFee = directPaymentsEarnFee
        self.remittance = remittance
    }

    /// The VAT each country charges on the agency's fee unless a contract says otherwise.
    public static func defaultVAT(for country: Country) -> BasisPoints {
        switch country {
        case .chile, .colombia: BasisPoints(1_900)
        case .mexico: BasisPoints(1_600)
        }
    }

    /// Every broken term, each naming its term and the rule.
    public func problems() -> [FieldProblem] {
        var problems: [FieldProblem] = []
        for (field, rate) in [("extrajudicial_rate", extrajudicialRate), ("judicial_rate", judicialRate)] {
            if rate < .zero { problems.append(FieldProblem(field, "must not be negative")) }
            if rate > Self.maximumRate { problems.append(FieldProblem(field, "\(rate) is above the \(Self.maximumRate) maximum")) }
        }
        let highest = max(extrajudicialRate, judicialRate)
        for (field, surcharge) in [("surcharge_12m", surchargeOver12Months), ("surcharge_24m", surchargeOver24Months)] {
            if surcharge < .zero { problems.append(FieldProblem(field, "must not be negative")) }
            if surcharge > .zero, highest <= Self.maximumRate, highest + surcharge > Self.maximumRate {
                problems.append(FieldProblem(field, "\(highest + surcharge) with the surcharge is above the \(Self.maximumRate) maximum"))
            }
        }
        if minimumFee < 0 { problems.append(FieldProblem("minimum_fee", "must not be negative")) }
        if vatRate < .zero || vatRate > BasisPoints(10_000) { problems.append(FieldProblem("vat", "must be between 0% and 100%")) }
        return problems
    }
}
