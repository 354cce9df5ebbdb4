/// What a person is to the system. Each kind is a PostgreSQL group role; membership, not the
/// shell, decides what the person may read and write.
public enum PersonKind: String, CaseIterable, Sendable, Codable {
    case admin
    case collector
    case lawyer
    case client

    public var isStaff: Bool { self != .client }

    /// The PostgreSQL group role that carries this kind's privileges.
    public var groupRole: String { "cobranza_\(rawValue)" }
}
