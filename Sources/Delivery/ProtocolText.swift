import CobranzaCore

/// The guard on everything written into a protocol line (an SMTP command, a mail header, an
/// HTTP header): a CR or LF there ends the line and starts one the attacker wrote (`Bcc:` to a
/// thousand people, a second `RCPT TO`), and other control characters confuse the server the
/// same way. A debtor's address comes from a person's typing or an imported file, so every
/// address, name and key is checked here before it reaches libcurl, and refused — never
/// cleaned — because a silently changed address is a message to someone else.
public enum ProtocolText {
    /// `value` unchanged when it holds no control character (C0, DEL, C1), else a permanent
    /// failure naming `field` and the character's position.
    public static func checked(_ value: String, field: String) throws(DeliveryFailure) -> String {
        if let found = ControlCharacters.first(in: value) {
            throw DeliveryFailure.permanent("\(field): control character \(ControlCharacters.name(found.scalar)) at position \(found.position) is refused in a protocol line")
        }
        return value
    }

    /// A mailbox address (`local@domain`) safe inside `<…>` of `MAIL FROM`/`RCPT TO` and a
    /// header: no controls, no spaces, no `<>(),;:"\[]`, exactly one `@` with text on both sides.
    public static func emailAddress(_ value: String, field: String) throws(DeliveryFailure) -> String {
        let address = try checked(value, field: field)
        let forbidden = Set(" \t<>(),;:\"\\[]".unicodeScalars)
        if let bad = address.unicodeScalars.first(where: { forbidden.contains($0) }) {
            throw DeliveryFailure.permanent("\(field): \"\(bad)\" is not allowed in an email address")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), address.utf8.count <= 254 else {
            throw DeliveryFailure.permanent("\(field): \"\(address)\" is not an email address (local@domain.tld)")
        }
        return address
    }

    /// A phone number in E.164 (`+56912345678`), or a WhatsApp address (`whatsapp:+56912345678`)
    /// when `whatsapp`: what an SMS/WhatsApp provider accepts as `to` and `from`.
    public static func phoneNumber(_ value: String, field: String, whatsapp: Bool = false) throws(DeliveryFailure) -> String {
        let number = try checked(value, field: field)
        var digits = Substring(number)
        if whatsapp, digits.hasPrefix("whatsapp:") { digits = digits.dropFirst("whatsapp:".count) }
        guard digits.hasPrefix("+"), (8...16).contains(digits.count),
              digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DeliveryFailure.permanent("\(field): \"\(number)\" is not a phone number in international form (+56912345678)")
        }
        return number
    }

    /// An idempotency key: letters, digits, `.`, `-`, `_`, 1 to 128 of them, so it fits
    /// unchanged in a `Message-ID`, an HTTP header and a log line.
    public static func idempotencyKey(_ value: String) throws(DeliveryFailure) -> String {
        guard (1...128).contains(value.utf8.count),
              value.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }) else {
            throw DeliveryFailure.permanent("idempotency key \"\(value.prefix(40))\": only letters, digits, \".\", \"-\" and \"_\" (1 to 128)")
        }
        return value
    }
}
