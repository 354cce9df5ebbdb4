import Foundation

/// A command line matched against the table: which command, and its values by name, as typed
/// and, for the kinds that have one, as their type (`date("due")`, `percent("vat")`).
public struct Invocation: Equatable, Sendable {
    public var spec: CommandSpec
    public var arguments: [String: String]
    public var options: [String: String]
    public var switches: Set<String>
    public var typed: [String: ArgumentValue] = [:]

    public func argument(_ name: String) -> String? { arguments[name] }
    public func option(_ name: String) -> String? { options[name] }
}

/// A line the shell refused to run; its text is the one line shown to the person.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// What was typed, quoted for a refusal: at most 80 characters of it (a pasted page is not
    /// echoed back whole), `…` marking the cut. Control characters are escaped later, with the
    /// whole line, by `ErrorMessage`.
    public static func quoted(_ typed: some StringProtocol) -> String { "\"" + cut(typed) + "\"" }

    /// At most 80 characters of what was typed, `…` marking the cut.
    public static func cut(_ typed: some StringProtocol) -> String { String(typed.prefix(80)) + (typed.count > 80 ? "…" : "") }
}

/// Turns words into an `Invocation` or a one-line `UsageError` naming what is wrong. Pure: no
/// terminal, no database.
public struct CommandParser: Sendable {
    public var commands: [CommandSpec]

    public init(commands: [CommandSpec] = CommandTable.all) { self.commands = commands }

    public func parse(_ line: String) throws(UsageError) -> Invocation? {
        let words: [String]
        do { words = try Tokenizer.tokenize(line) } catch { throw UsageError(error.description) }
        guard !words.isEmpty else { return nil }
        return try parse(words: words)
    }

    public func parse(words: [String]) throws(UsageError) -> Invocation {
        let spec = try match(words)
        var rest = Array(words.dropFirst(spec.words.count))
        var arguments: [String: String] = [:]
        var options: [String: String] = [:]
        var switches: Set<String> = []
        var typed: [String: ArgumentValue] = [:]
        var positionals: [String] = []
        let prefix = spec.name

        while !rest.isEmpty {
            let word = rest.removeFirst()
            guard word.hasPrefix("--"), word.count > 2 else {
                positionals.append(word)
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = spec.option(named: name) else {
                let hint = Suggestion.nearest(to: name, in: spec.options.map(\.name)).map { " (did you mean --\($0)?)" } ?? ""
                throw UsageError("\(prefix): unknown option --\(UsageError.cut(name))\(hint)")
            }
            if option.isSwitch {
                guard inlineValue == nil else { throw UsageError("\(prefix): --\(name) takes no value") }
                switches.insert(name)
                continue
            }
            guard options[name] == nil else { throw UsageError("\(prefix): --\(name) given twice") }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if let next = rest.first, !next.hasPrefix("--") {
                value = rest.removeFirst()
            } else {
                throw UsageError("\(prefix): --\(name) needs a value \(option.valueName ?? "")")
            }
            typed[name] = try check(value, against: option.kind, field: "--\(name)", prefix: prefix)
            options[name] = value
        }

        for argument in spec.arguments {
            let optional = argument.name.hasPrefix("[")
            let key = argument.name.trimmingCharacters(in: ["[", "]"])
            if positionals.isEmpty {
                if optional { continue }
                throw UsageError("\(prefix): missing argument \(argument.name)")
            }
            // help's optional argument takes every remaining word ("help client add").
            let value = optional ? positionals.joined(separator: " ") : positionals.removeFirst()
            if optional { positionals.removeAll() }
            typed[key] = try check(value, against: argument.kind, field: key, prefix: prefix)
            arguments[key] = value
        }
        if let extra = positionals.first {
            throw UsageError("\(prefix): unexpected argument \(UsageError.quoted(extra))")
        }
        for option in spec.options where option.isRequired && options[option.name] == nil {
            throw UsageError("\(prefix): missing \(option.usage)")
        }
        return Invocation(spec: spec, arguments: arguments, options: options, switches: switches, typed: typed)
    }

    /// Finds the longest command whose words start the line, or explains the near miss at the
    /// first word that matches no command ("client contrat" → did you mean "client contract"?).
    func match(_ words: [String]) throws(UsageError) -> CommandSpec {
        let lowered = words.map { $0.lowercased() }
        let candidates = commands.filter { Array(lowered.prefix($0.words.count)) == $0.words }
        if let best = candidates.max(by: { $0.words.count < $1.words.count }) { return best }

        var depth = 0
        while depth < lowered.count,
              commands.contains(where: { $0.words.count > depth && Array($0.words.prefix(depth + 1)) == Array(lowered.prefix(depth + 1)) }) {
            depth += 1
        }
        guard depth > 0 else {
            let hint = Suggestion.nearest(to: lowered[0], in: CommandTable.topics).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw UsageError("unknown command \(UsageError.quoted(words[0]))\(hint); type help for the list")
        }
        let typed = lowered.prefix(depth).joined(separator: " ")
        var next: [String] = []
        for spec in commands where spec.words.count > depth && Array(spec.words.prefix(depth)) == Array(lowered.prefix(depth)) {
            if !next.contains(spec.words[depth]) { next.append(spec.words[depth]) }
        }
        guard depth < words.count else {
            throw UsageError("\(typed): missing subcommand (\(next.joined(separator: ", ")))")
        }
        let hint = Suggestion.nearest(to: lowered[depth], in: next).map { " (did you mean \"\(typed) \($0)\"?)" } ?? ""
        throw UsageError("unknown command \(UsageError.quoted(typed + " " + words[depth]))\(hint)")
    }

    /// Refuses a value its kind does not allow, naming the flag, and returns it typed.
    private func check(_ value: String, against kind: ValueKind, field: String, prefix: String) throws(UsageError) -> ArgumentValue? {
        if case .choice(let allowed) = kind, !allowed.contains(value.lowercased()), !allowed.contains(value.uppercased()) {
            throw UsageError("\(prefix): \(field) must be one of \(allowed.joined(separator: ", ")) (got \(UsageError.quoted(value)))")
        }
        switch kind.convert(value) {
        case .success(let typed): return typed
        case .failure(let problem): throw UsageError("\(field): \(problem.message)")
        }
    }
}
