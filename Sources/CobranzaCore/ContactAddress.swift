/// A debtor's email address and phone number as a notice needs them: what `debtor contact`
/// accepts and what `notice send` puts in the outbox. The delivery side (`ProtocolText`) refuses
/// anything else at send time; checking here means a person hears of a bad address when typing
/// it, not when a message fails days later.
public enum ContactAddress {
    /// `local@domain.tld`: no spaces, controls or `<>(),;:"\[]`, one `@` with text on both
    /// sides, a dot inside the domain, at most 254 bytes (the SMTP limit).
    public static func email(_ text: String) -> String? {
        let address = text.trimmingSpaces()
        let forbidden = Set(" \t<>(),;:\"\\[]".unicodeScalars)
        guard !address.isEmpty, address.utf8.count <= 254,
              !address.unicodeScalars.contains(where: { forbidden.contains($0) || ControlCharacters.isControl($0) }) else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return nil }
        return address
    }

    /// The number in E.164 (`+56912345678`) from the way people write it (`+56 9 1234 5678`,
    /// `+57 (601) 345-6789`): a `+`, the country code and 8 to 15 digits in all, the first not
    /// 0; spaces, dashes, dots and parentheses between digits are dropped. A number without its
    /// country code is refused (nil), because an SMS provider cannot guess it.
    public static func phone(_ text: String) -> String? {
        let trimmed = text.trimmingSpaces()
        guard trimmed.hasPrefix("+") else { return nil }
        var digits = ""
        for scalar in trimmed.unicodeScalars.dropFirst() {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case " ", "-", ".", "(", ")": continue
            default: return nil
            }
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }
}
