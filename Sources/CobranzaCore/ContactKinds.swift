/// The steps that reach the debtor, which each country's contact rules limit (contact_check,
/// 0046/0055): everything else on a timeline (a note, a promise) is the agency's own record.
public enum ContactKinds {
    public static let all: [String] = ["reminder", "call", "letter", "visit", "email", "sms", "whatsapp"]
    /// The channels a Colombian debtor authorises (`debtor authorize --channel`).
    public static let channels: [String] = ["call", "email", "sms", "whatsapp", "letter"]
}
