/// `help` and `help COMMAND`: the text comes from the command table (HelpText).
enum HelpCommand {
    static let help = Command(CommandSpec(
        words: ["help"],
        arguments: [CommandTable.argument("[COMMAND]", help: "a command or its first word")],
        options: [], summary: "list commands, or explain one", examples: ["help", "help client add"])
    ) { invocation, _ in
        if let topic = invocation.argument("COMMAND") {
            guard let text = HelpText.detail(topic) else {
                let hint = Suggestion.nearest(to: topic, in: CommandTable.topics).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw UsageError("help: no command \"\(topic)\"\(hint)")
            }
            return .message(String(text.dropLast()))
        }
        return .message(String(HelpText.overview().dropLast()))
    }
}
