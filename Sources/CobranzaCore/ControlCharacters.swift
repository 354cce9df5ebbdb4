/// The characters a terminal acts on instead of showing: C0 controls (ESC starts colour, cursor
/// and title sequences; BEL rings; CR returns over what was printed), DEL, and C1 controls
/// (U+0080–U+009F: some terminals read U+009B as CSI). The database refuses them in every text
/// column (0016, with newlines and tabs allowed in notes); placement files are checked the same
/// way so a row is refused with its line and column, and the shell escapes them when it prints.
public enum ControlCharacters {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The first control character of `text` and its 1-based position in characters, as the
    /// database counts them; newlines and tabs pass when `allowingLineBreaks`.
    public static func first(in text: String, allowingLineBreaks: Bool = false) -> (scalar: Unicode.Scalar, position: Int)? {
        // Every control character is a byte under 0x20, DEL, or (C1) a two-byte sequence that
        // starts with 0xC2: text without those bytes has none, found without decoding it (this
        // runs for every column of every row of a placement file).
        // Over the contiguous bytes where the string has them (a native string does): the
        // view's own iterator cost a call per byte.
        let suspect: (UInt8) -> Bool = { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
        let clean = text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: suspect) }
            ?? !text.utf8.contains(where: suspect)
        if clean { return nil }
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            guard isControl(scalar) else { continue }
            if allowingLineBreaks && (scalar == "\n" || scalar == "\t") { continue }
            return (scalar, position)
        }
        return nil
    }

    /// `U+001B`, as the database's refusal writes it.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
