/// How a dispute ends: upheld (the debtor was right) cancels what is unpaid on the disputed
/// invoices and closes the case if nothing else is owed; rejected lets it go on.
public enum DisputeOutcome: String, CaseIterable, Sendable {
    case upheld
    case rejected
}
