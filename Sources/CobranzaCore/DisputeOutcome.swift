/// How a dispute ends: upheld closes the case (the debtor was right), rejected lets it go on.
public enum DisputeOutcome: String, CaseIterable, Sendable {
    case upheld
    case rejected
}
