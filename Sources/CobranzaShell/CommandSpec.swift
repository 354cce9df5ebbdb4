/// What kind of value a positional argument or option takes, so parsing can refuse a bad enum
/// value up front and completion can offer live values.
public enum ValueKind: Equatable, Sendable {
    case text
    case clientCode
    case userName
    case caseNumber
    case file
    case choice([String])
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
