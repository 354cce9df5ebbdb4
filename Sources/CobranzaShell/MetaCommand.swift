import Foundation

/// psql-style backslash commands: shell settings, not domain work.
public enum MetaCommand: Equatable, Sendable {
    case help
    case quit
    case format(OutputFormat?)
    case expanded(Bool?)
    case timing(Bool?)
    case connect(user: String?)
    case include(path: String)

    /// One backslash command: its names, how it reads in `\?`, how its argument becomes a
    /// `MetaCommand`, and what completion offers after it. Like the domain commands, the table
    /// is the single source for parsing, help and completion.
    struct Definition: Sendable {
        var names: [String]
        var usage: String
        var help: String
        var parse: @Sendable (_ argument: String?) throws(UsageError) -> MetaCommand
        var completions: Completions = .none

        enum Completions: Sendable { case none, values([String]), userNames }
    }

    static let table: [Definition] = [
        Definition(names: ["\\?"], usage: "\\?", help: "this list (help lists the domain commands)") { _ throws(UsageError) in .help },
        Definition(names: ["\\format"], usage: "\\format [aligned|csv|json]", help: "show or set the output format",
                   parse: { argument throws(UsageError) in
                       guard let argument else { return .format(nil) }
                       guard let format = OutputFormat(rawValue: argument.lowercased()) else {
                           throw UsageError("\\format: must be one of aligned, csv, json (got \"\(argument)\")")
                       }
                       return .format(format)
                   }, completions: .values(OutputFormat.allCases.map(\.rawValue))),
        Definition(names: ["\\x"], usage: "\\x [on|off]", help: "expanded output: one field per line",
                   parse: { argument throws(UsageError) in .expanded(try onOff(argument, "\\x")) }, completions: .values(["on", "off"])),
        Definition(names: ["\\timing"], usage: "\\timing [on|off]", help: "show how long each command took",
                   parse: { argument throws(UsageError) in .timing(try onOff(argument, "\\timing")) }, completions: .values(["on", "off"])),
        Definition(names: ["\\c", "\\connect"], usage: "\\c USER", help: "log in again as another person (asks for the password)",
                   parse: { argument throws(UsageError) in .connect(user: argument) }, completions: .userNames),
        Definition(names: ["\\i", "\\include"], usage: "\\i FILE", help: "run the commands in FILE") { argument throws(UsageError) in
            guard let argument else { throw UsageError("\\i: missing argument FILE") }
            return .include(path: argument)
        },
        Definition(names: ["\\q"], usage: "\\q", help: "quit (Ctrl-D too)") { _ throws(UsageError) in .quit },
    ]

    /// The short names, for suggestions and completion.
    public static let names = table.map { $0.names[0] }.sorted()

    static func definition(named name: String) -> Definition? { table.first { $0.names.contains(name) } }

    /// Parses a line starting with a backslash; nil if the line is not one.
    public static func parse(_ line: String) throws(UsageError) -> MetaCommand? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("\\") else { return nil }
        let words: [String]
        do { words = try Tokenizer.tokenize(trimmed) } catch { throw UsageError(error.description) }
        let name = words[0]
        let argument = words.count > 1 ? words[1] : nil
        guard words.count <= 2 else { throw UsageError("\(name): too many arguments") }
        guard let definition = definition(named: name) else {
            let hint = Suggestion.nearest(to: name, in: names).map { " (did you mean \($0)?)" } ?? ""
            throw UsageError("unknown meta-command \(name)\(hint); \\? lists them")
        }
        return try definition.parse(argument)
    }

    private static func onOff(_ word: String?, _ name: String) throws(UsageError) -> Bool? {
        guard let word else { return nil }
        if ["on", "true", "1"].contains(word.lowercased()) { return true }
        if ["off", "false", "0"].contains(word.lowercased()) { return false }
        throw UsageError("\(name): expects on or off (got \"\(word)\")")
    }

    public static let helpText = (["Shell settings"]
        + table.map { "  " + $0.usage.padding(toLength: 28, withPad: " ", startingAt: 0) + $0.help }).joined(separator: "\n") + "\n"
}
