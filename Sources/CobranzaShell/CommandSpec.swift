/// What kind of value a positional argument or option takes: parsing converts it to its type
/// (or names the flag and the rule), and completion offers live values.
public enum ValueKind: Equatable, Sendable {
    case text
    case clientCode
    case userName
    /// People by name, comma-separated (`ana,sofia`): the collectors a batch is shared among.
    case userNames
    case caseNumber
    case file
    case choice([String])
    /// `2026-03-31` or `31/03/2026`.
    case date
    /// `YYYY-MM`.
    case month
    /// A whole number in range; `unit` words the refusal ("a number of days from 0 to 365").
    case count(ClosedRange<Int>, unit: String?)
    /// `15`, `12,5` or `12.5%`, kept in basis points.
    case percent
    /// A record's number (payment, agreement): a non-negative integer.
    case id
    /// A record numbered per client (submission): `12` for the client's own users, `ACME-12`
    /// for staff.
    case reference
    /// A payment: its case's number and its number within the case, `C-2026-000001/3`.
    case paymentReference
    /// Money as written locally (`1.190.000`); its currency is the case's or client's, known
    /// only to the store, which turns it into minor units.
    case amount
}

public struct ArgumentSpec: Equatable, Sendable {
    public var name: String
    public var kind: ValueKind
    public var help: String
}

public struct OptionSpec: Equatable, Sendable {
    public var name: String
    /// nil for a switch that takes no value.
    public var valueName: String?
    public var kind: ValueKind
    public var isRequired: Bool
    public var help: String

    public var isSwitch: Bool { valueName == nil }

    /// How it reads in usage lines: `--name TEXT`, `[--currency CODE]`, `[--client-visible]`.
    public var usage: String {
        let core = "--\(name)" + (valueName.map { " \($0)" } ?? "")
        return isRequired ? core : "[\(core)]"
    }
}

/// One domain command (`client add`): its words, arguments, options and help. The table of
/// these is the single source for parsing, help and completion.
public struct CommandSpec: Equatable, Sendable {
    public var words: [String]
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var summary: String
    public var examples: [String]
    /// What this command calls a field the store or the database refuses, where its options
    /// and arguments do not already say (`paid_on` is `--date` for `payment record`).
    public var fieldLabels: [String: String] = [:]

    public var name: String { words.joined(separator: " ") }

    public var usage: String {
        ([name] + arguments.map(\.name) + options.map(\.usage)).joined(separator: " ")
    }

    public func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }

    /// The flag or argument that gives `field` (`tax_id` is `--tax-id` or `TAX_ID`), so a
    /// refusal points at what the person typed; an unknown field keeps its own name.
    public func label(for field: String) -> String {
        if let label = fieldLabels[field] { return label }
        let argument = field.uppercased()
        if arguments.contains(where: { $0.name.trimmingCharacters(in: ["[", "]"]) == argument }) { return argument }
        let flag = field.replacingOccurrences(of: "_", with: "-")
        if option(named: flag) != nil { return "--" + flag }
        return field
    }
}
