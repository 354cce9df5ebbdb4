/// Values that only the database knows, fetched when completion needs them.
public protocol LiveValues {
    func clientCodes() -> [String]
    func userNames() -> [String]
    func caseNumbers() -> [String]
}

/// Tab completion: commands, subcommands, options and live values. Pure given `LiveValues`,
/// so it is tested with a fixed list instead of a terminal.
public struct Completer {
    public var commands: [CommandSpec]

    public init(commands: [CommandSpec] = CommandTable.all) { self.commands = commands }

    /// Candidates for the word being typed, given everything before it on the line.
    public func complete(before: String, word: String, live: any LiveValues) -> [String] {
        let previous = (try? Tokenizer.tokenize(before)) ?? before.split(separator: " ").map(String.init)
        let candidates = candidates(previous: previous, live: live)
        return candidates.filter { $0.hasPrefix(word) }.sorted()
    }

    func candidates(previous: [String], live: any LiveValues) -> [String] {
        if let first = previous.first, first.hasPrefix("\\") {
            guard previous.count == 1, let definition = MetaCommand.definition(named: first) else { return [] }
            switch definition.completions {
            case .none: return []
            case .values(let values): return values
            case .userNames: return live.userNames()
            }
        }
        if previous.isEmpty { return CommandTable.topics + MetaCommand.names }
        if previous[0] == "help" {
            switch previous.count {
            case 1: return CommandTable.topics
            case 2: return subcommands(of: previous[1])
            default: return []
            }
        }

        let lowered = previous.map { $0.lowercased() }
        guard let spec = commands.filter({ Array(lowered.prefix($0.words.count)) == $0.words })
            .max(by: { $0.words.count < $1.words.count })
        else {
            return nextWords(after: lowered)
        }
        let rest = Array(previous.dropFirst(spec.words.count))
        if let last = rest.last, last.hasPrefix("--"), let option = spec.option(named: String(last.dropFirst(2))), !option.isSwitch {
            return values(option.kind, live: live)
        }
        let used = Set(rest.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) })
        let unusedOptions = spec.options.filter { !used.contains($0.name) }.map { "--" + $0.name }
        let positionalCount = countPositionals(rest, spec: spec)
        if positionalCount < spec.arguments.count {
            return values(spec.arguments[positionalCount].kind, live: live) + unusedOptions
        }
        return unusedOptions
    }

    private func subcommands(of first: String) -> [String] { nextWords(after: [first]) }

    /// The distinct words that may follow `prefix` ("client" → add, list, show, contract).
    private func nextWords(after prefix: [String]) -> [String] {
        var words: [String] = []
        for spec in commands where spec.words.count > prefix.count && Array(spec.words.prefix(prefix.count)) == prefix {
            if !words.contains(spec.words[prefix.count]) { words.append(spec.words[prefix.count]) }
        }
        return words
    }

    private func countPositionals(_ words: [String], spec: CommandSpec) -> Int {
        var count = 0
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("--") {
                if let option = spec.option(named: String(word.dropFirst(2))), !option.isSwitch, !word.contains("=") { index += 1 }
            } else {
                count += 1
            }
            index += 1
        }
        return count
    }

    private func values(_ kind: ValueKind, live: any LiveValues) -> [String] {
        switch kind {
        case .clientCode: live.clientCodes()
        case .userName, .userNames: live.userNames()
        case .caseNumber: live.caseNumbers()
        case .choice(let options): options
        case .text, .file, .date, .month, .count, .percent, .id, .reference, .paymentReference, .amount: []
        }
    }
}
