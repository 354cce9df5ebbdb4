import CobranzaCore
import Foundation

/// One email as it goes on the wire (RFC 5322 + MIME): headers, then the body in quoted-printable
/// UTF-8, every line ended by CRLF. Pure: built and checked without a server.
///
/// The `Message-ID` is made from the outbox's idempotency key, so a retry after a crash carries
/// the same id and the receiving side (and a human reading the mailbox) can tell it is the same
/// message, not a second one.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    /// The sender's display name ("Cobranza Andina"), encoded when not ASCII.
    public var fromName: String?
    public var to: String
    public var subject: String
    public var body: String
    public var idempotencyKey: String
    public var date: Date

    public init(from: String, fromName: String? = nil, to: String, subject: String, body: String, idempotencyKey: String, date: Date = Date()) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.idempotencyKey = idempotencyKey
        self.date = date
    }

    /// `<cobranza.KEY@sender-domain>`: the same key always gives the same id.
    public func messageID() throws(DeliveryFailure) -> String {
        let key = try ProtocolText.idempotencyKey(idempotencyKey)
        let sender = try ProtocolText.emailAddress(from, field: "from")
        let domain = sender[sender.index(after: sender.lastIndex(of: "@")!)...]
        return "<cobranza.\(key)@\(domain)>"
    }

    /// The whole message, headers and body, CRLF line ends, ready for SMTP DATA. Every header
    /// value is checked (no control characters) or encoded (RFC 2047), so nothing a debtor's
    /// record holds can add a header.
    public func wireFormat() throws(DeliveryFailure) -> String {
        let sender = try ProtocolText.emailAddress(from, field: "from")
        let recipient = try ProtocolText.emailAddress(to, field: "to")
        let subjectLine = try ProtocolText.checked(subject, field: "subject")
        var fromHeader = "<\(sender)>"
        if let name = fromName, !name.isEmpty {
            fromHeader = Self.encodedWords(try ProtocolText.checked(name, field: "from name"), firstLineUsed: "From: ".count) + " " + fromHeader
        }
        let headers = [
            "From: \(fromHeader)",
            "To: <\(recipient)>",
            "Subject: " + Self.encodedWords(subjectLine, firstLineUsed: "Subject: ".count),
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: \(try messageID())",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + Self.quotedPrintable(body)
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words when `text` is not plain printable ASCII, split so no line
    /// exceeds 76 characters and no UTF-8 sequence is cut; plain ASCII passes as it is.
    public static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), firstLineUsed + text.utf8.count <= 78,
           !text.contains("=?") {
            return text
        }
        // Each word carries at most 45 bytes of UTF-8 (60 of base64 + 12 of wrapping = 72).
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(chunk.base64Word)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk.base64Word) }
        // Folding whitespace between encoded words is ignored by the reader (RFC 2047 §6.2).
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF line ends: any line break of `text` (LF, CRLF,
    /// CR) is a hard break, `=` and non-ASCII bytes are `=XX`, lines are soft-broken at 76, and
    /// trailing spaces are encoded so no relay strips them. A lone "." line cannot occur: a
    /// leading "." is written `=2E`.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded: [String] = []   // one token per source byte, never split across a soft break
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let plain = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !last)
                let token = plain && !(index == 0 && byte == 46) ? String(UnicodeScalar(byte)) : "=" + hex(byte)
                encoded.append(token)
            }
            var current = ""
            for token in encoded {
                if current.count + token.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += token
            }
            out.append(current)
        }
        return out.joined(separator: "\r\n") + "\r\n"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// `Thu, 03 Dec 2026 13:45:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

extension Array where Element == UInt8 {
    fileprivate var base64Word: String { "=?UTF-8?B?" + Data(self).base64EncodedString() + "?=" }
}
