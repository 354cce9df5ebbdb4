import Foundation
import Postgres

/// A refusal a person can act on: the rule broken, and the field it is about named as the data
/// names it (`date`, `tax_id`, `amount`), never as a command line spells it. The shell maps the
/// field to its own flag or argument (`--date`, `TAX_ID`); a psql user of the same rules reads
/// column names. `description` is the plain form, for places with no command to name it.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The fields the refusal is about: usually one; two for a rule that ties two together.
    public var fields: [String]
    /// The value refused, when the rule is about one value of the field (`code paid: …`).
    public var value: String?
    public var message: String
    /// Further refusals found in the same input, so a person fixes them all at once.
    public var others: [StoreError] = []
    /// Fields the message names as the way out, written `{reason}` in it: each front end
    /// puts its own word there (`--reason`).
    public var mentions: [String] = []

    public init(_ message: String) {
        self.init(fields: [], message)
    }

    public init(field: String, value: String? = nil, _ message: String) {
        self.init(fields: [field], value: value, message)
    }

    public init(fields: [String], value: String? = nil, _ message: String) {
        self.fields = fields
        self.value = value
        self.message = message
    }

    /// The refusal with its fields named by `label`, as `--date: 2026-03-06 is in the future`.
    public func labelled(_ label: (String) -> String) -> String {
        var text = message
        for field in mentions { text = text.replacingOccurrences(of: "{\(field)}", with: label(field)) }
        let own = fields.isEmpty ? text : fields.map(label).joined(separator: " and ") + (value.map { " \($0)" } ?? "") + ": " + text
        return ([own] + others.map { $0.labelled(label) }).joined(separator: "; ")
    }

    /// Every problem of one input as one refusal: the first, with the rest after it.
    public init?(all problems: [StoreError]) {
        guard var first = problems.first else { return nil }
        first.others += problems.dropFirst()
        self = first
    }

    public var description: String { labelled { $0 } }

    /// Any failure as a refusal: a database rule that names its column (`RAISE … COLUMN =`,
    /// message `paid_on: …`) keeps it as the field, so the shell can name its flag instead.
    public init(refusing error: any Error) {
        switch error {
        case let store as StoreError:
            self = store
        case let postgres as PostgresError:
            let stripped = postgres.message.hasPrefix("ERROR:") ? String(postgres.message.dropFirst(6)) : postgres.message
            let text = stripped.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").first.map(String.init) ?? stripped
            if let column = postgres.column, text.hasPrefix(column + ": ") {
                self.init(field: column, String(text.dropFirst(column.count + 2)))
            } else {
                self.init(text)
            }
        default:
            self.init(String(describing: error))
        }
    }
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
