import CobranzaCore

/// Text on its way to a terminal. Anything the terminal would act on instead of showing (ESC
/// sequences that recolour, move the cursor, retitle the window or feed keystrokes back; BEL;
/// CR; DEL; C1 controls) is written out as psql writes it in aligned output: `\x1B`, `\r`,
/// `\u009B`. Stored text is clean since 0016, but rows older than it, values echoed back from a
/// file or an argument, and server messages quoting them are not, and the terminal is a
/// colleague's.
///
/// Unlike psql, a newline or tab inside a table cell is shown as `\n` or `\t` rather than
/// wrapped or expanded: one row stays one line, so a value cannot draw rows of its own.
enum TerminalText {
    /// `text` with every control character escaped; messages keep their own line breaks
    /// (and tabs) when `keepingLineBreaks`.
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: ControlCharacters.isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingLineBreaks, "\t" where keepingLineBreaks: out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\x" + hex(scalar.value, digits: 2)
            case _ where ControlCharacters.isControl(scalar): out += "\\u" + hex(scalar.value, digits: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
