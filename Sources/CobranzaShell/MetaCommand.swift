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

    public static let names = ["\\?", "\\c", "\\format", "\\i", "\\q", "\\timing", "\\x"]

    /// Parses a line starting with a backslash; nil if the line is not one.
    public static func parse(_ line: String) throws(UsageError) -> MetaCommand? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("\\") else { return nil }
        let words: [String]
        do { words = try Tokenizer.tokenize(trimmed) } catch { throw UsageError(error.description) }
        let name = words[0]
        let argument = words.count > 1 ? words[1] : nil
        guard words.count <= 2 else { throw UsageError("\(name): too many arguments") }
        switch name {
        case "\\?": return .help
        case "\\q": return .quit
        case "\\format":
            guard let argument else { return .format(nil) }
            guard let format = OutputFormat(rawValue: argument.lowercased()) else {
                throw UsageError("\\format: must be one of aligned, csv, json (got \"\(argument)\")")
            }
            return .format(format)
        case "\\x": return .expanded(try onOff(argument, name))
        case "\\timing": return .timing(try onOff(argument, name))
        case "\\c", "\\connect": return .connect(user: argument)
        case "\\i", "\\include":
            guard let argument else { throw UsageError("\\i: missing argument FILE") }
            return .include(path: argument)
        default:
            let hint = Suggestion.nearest(to: name, in: names).map { " (did you mean \($0)?)" } ?? ""
            throw UsageError("unknown meta-command \(name)\(hint); \\? lists them")
        }
    }

    private static func onOff(_ word: String?, _ name: String) throws(UsageError) -> Bool? {
        switch word?.lowercased() {
        case nil: return nil
        case "on", "true", "1": return true
        case "off", "false", "0": return false
        default: throw UsageError("\(name): expects on or off (got \"\(word!)\")")
        }
    }

    public static let helpText = """
        Shell settings
          \\?                          this list (help lists the domain commands)
          \\format [aligned|csv|json]  show or set the output format
          \\x [on|off]                 expanded output: one field per line
          \\timing [on|off]            show how long each command took
          \\c USER                     log in again as another person (asks for the password)
          \\i FILE                     run the commands in FILE
          \\q                          quit (Ctrl-D too)

        """
}
