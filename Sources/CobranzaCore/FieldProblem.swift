/// A rule broken by one field of some input, named as the data names it (`judicial_rate`), so
/// each front end can point at the field in its own words: the shell by its flag, a file
/// import by its column.
public struct FieldProblem: Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
