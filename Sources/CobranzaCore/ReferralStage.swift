/// Where a court proceeding stands; it only moves forward (the database refuses going back).
public enum ReferralStage: String, CaseIterable, Sendable, Comparable {
    case referred, filed, served, judgment, enforcement, closed

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
