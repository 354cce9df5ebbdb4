import Postgres

/// A refusal a person can act on: one line that names the field and the rule broken.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension PostgresError {
    /// True for the refusals that come from the rules (constraints, privileges, our RAISEs),
    /// as opposed to the connection or the client library.
    var isRuleViolation: Bool {
        guard let sqlState else { return false }
        return sqlState.isIntegrityViolation || sqlState == .insufficientPrivilege
            || sqlState == .invalidParameterValue || sqlState == .raiseException
    }
}
