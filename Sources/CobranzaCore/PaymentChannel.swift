/// Whom the debtor paid.
public enum PaymentChannel: String, Sendable, CaseIterable {
    /// To the agency's account: the agency holds the money until it remits.
    case agency
    /// Straight to the client: the agency invoices its fee for it.
    case direct
}

/// How the debtor paid; recorded for reconciliation, it does not change the fee.
public enum PaymentMethod: String, Sendable, CaseIterable {
    case transfer, cash, check, card, other
}
