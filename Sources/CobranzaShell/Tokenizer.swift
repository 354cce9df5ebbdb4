/// Splits a command line into words the way a POSIX shell does for the cases people type:
/// blanks separate, '…' is literal, "…" allows \" and \\, and a backslash outside quotes
/// escapes the next character. Pure, so it is tested without a terminal.
public enum Tokenizer {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote(Character)
        public var description: String {
            switch self {
            case .unterminatedQuote(let quote): "unterminated \(quote) quote"
            }
        }
    }

    public static func tokenize(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for char in line {
            if escaping {
                current.append(char)
                escaping = false
                continue
            }
            switch quote {
            case "'":
                if char == "'" { quote = nil } else { current.append(char) }
            case "\"":
                if char == "\"" { quote = nil } else if char == "\\" { escaping = true } else { current.append(char) }
            default:
                if char == " " || char == "\t" || char == "\n" || char == "\r" {
                    if inWord { words.append(current); current = ""; inWord = false }
                } else if char == "'" || char == "\"" {
                    quote = char
                    inWord = true
                } else if char == "\\" && inWord {
                    escaping = true
                } else {
                    current.append(char)
                    inWord = true
                }
            }
        }
        if let quote { throw .unterminatedQuote(quote) }
        if escaping { current.append("\\") }
        if inWord { words.append(current) }
        return words
    }

    /// Quotes a word so that tokenizing it gives it back (used by completion and echo).
    public static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { !$0.isWhitespace && $0 != "'" && $0 != "\"" && $0 != "\\" }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
