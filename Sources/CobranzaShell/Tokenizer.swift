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

    /// Reads the line by Unicode scalars, not Characters: a combining mark typed after a quote
    /// or a blank would otherwise fuse with it into one Character that is neither.
    public static func tokenize(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var escaping = false
        for scalar in line.unicodeScalars {
            if escaping {
                current.append(scalar)
                escaping = false
                continue
            }
            switch quote {
            case "'":
                if scalar == "'" { quote = nil } else { current.append(scalar) }
            case "\"":
                if scalar == "\"" { quote = nil } else if scalar == "\\" { escaping = true } else { current.append(scalar) }
            default:
                if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                    if inWord { words.append(String(current)); current = String.UnicodeScalarView(); inWord = false }
                } else if scalar == "'" || scalar == "\"" {
                    quote = scalar
                    inWord = true
                } else if scalar == "\\" && inWord {
                    escaping = true
                } else {
                    current.append(scalar)
                    inWord = true
                }
            }
        }
        if let quote { throw .unterminatedQuote(Character(quote)) }
        if escaping { current.append("\\") }
        if inWord { words.append(String(current)) }
        return words
    }

    /// Quotes a word so that tokenizing it gives it back (used by completion and echo).
    public static func quote(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0 != "'" && $0 != "\"" && $0 != "\\" }
        guard !plain else { return word }
        var quoted = String.UnicodeScalarView(["'"])
        for scalar in word.unicodeScalars {
            if scalar == "'" { quoted.append(contentsOf: "'\"'\"'".unicodeScalars) } else { quoted.append(scalar) }
        }
        quoted.append("'")
        return String(quoted)
    }
}
