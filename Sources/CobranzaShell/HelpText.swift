/// `help` and `help COMMAND`, generated from the command table so they cannot drift from it.
public enum HelpText {
    public static func overview(_ commands: [CommandSpec] = CommandTable.all) -> String {
        let width = commands.map { $0.name.count }.max() ?? 0
        var lines = ["Commands (help COMMAND for details, \\? for shell settings):"]
        for spec in commands {
            lines.append("  " + spec.name + String(repeating: " ", count: width - spec.name.count) + "  " + spec.summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Help for a command or a family of commands ("help client"); nil when nothing matches.
    public static func detail(_ topic: String, _ commands: [CommandSpec] = CommandTable.all) -> String? {
        let words = topic.lowercased().split(separator: " ").map(String.init)
        let matches = commands.filter { Array($0.words.prefix(words.count)) == words || $0.words == words }
        guard !matches.isEmpty else { return nil }
        return matches.map(describe).joined(separator: "\n")
    }

    static func describe(_ spec: CommandSpec) -> String {
        var lines = ["\(spec.name) — \(spec.summary)", "  usage: \(spec.usage)"]
        let entries = spec.arguments.map { ($0.name, $0.help) }
            + spec.options.map { option in
                ("--\(option.name)" + (option.valueName.map { " \($0)" } ?? ""),
                 option.help + (option.isRequired ? " (required)" : ""))
            }
        let width = entries.map(\.0.count).max() ?? 0
        for (label, help) in entries {
            lines.append("    " + label + String(repeating: " ", count: width - label.count) + "  " + help)
        }
        if !spec.examples.isEmpty {
            lines.append("  examples:")
            lines += spec.examples.map { "    \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
