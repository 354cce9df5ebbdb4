/// The countries the agency works in. Each decides the tax-id scheme, the default currency and
/// (later) the compliance rules for reminders, postings and prescription.
public enum Country: String, CaseIterable, Sendable, Codable {
    case chile = "CL"
    case colombia = "CO"
    case mexico = "MX"

    public var code: String { rawValue }

    /// The currency a client of this country is invoiced in unless its contract says otherwise.
    public var defaultCurrency: CurrencyCode {
        switch self {
        case .chile: "CLP"
        case .colombia: "COP"
        case .mexico: "MXN"
        }
    }

    public init?(code: String) {
        self.init(rawValue: code.uppercased())
    }
}
