import Delivery
import Foundation
import Testing

/// The wire format of an email, without a server.
@Suite("Mail message wire format")
struct MailMessageTests {
    @Test("ASCII subjects pass as they are; others become UTF-8 encoded words no longer than a header line")
    func encodedWords() {
        #expect(MailMessage.encodedWords("Aviso de pago") == "Aviso de pago")
        let encoded = MailMessage.encodedWords(String(repeating: "Señor Muñoz, ", count: 10))
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        // A word never cuts a multi-byte character: each decodes on its own.
        for word in encoded.components(separatedBy: "\r\n ") {
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = Data(base64Encoded: String(base64))
            #expect(bytes.flatMap { String(data: $0, encoding: .utf8) } != nil)
        }
        // Text that looks like an encoded word is encoded, so it is read as written.
        #expect(MailMessage.encodedWords("=?UTF-8?B?AAAA?=").hasPrefix("=?UTF-8?B?"))
    }

    @Test("quoted-printable: CRLF lines of at most 76, = and UTF-8 escaped, trailing spaces kept, no lone dot")
    func quotedPrintable() {
        let text = MailMessage.quotedPrintable("a=b ñ\n.\nfin   \n" + String(repeating: "x", count: 200))
        #expect(text.hasPrefix("a=3Db =C3=B1\r\n=2E\r\nfin  =20\r\n"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        #expect(!text.contains("\n\n"))
    }

    @Test("the headers name the sender, the recipient, the Message-ID and the charset")
    func headers() throws {
        let message = MailMessage(from: "avisos@cobranza-andina.cl", fromName: "Cobranza Andina", to: "ana@example.cl", subject: "Aviso",
                                  body: "hola", idempotencyKey: "outbox-3", date: Date(timeIntervalSince1970: 1_796_000_000))
        let wire = try message.wireFormat()
        let head = wire.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head == ["From: Cobranza Andina <avisos@cobranza-andina.cl>", "To: <ana@example.cl>", "Subject: Aviso",
                         "Date: Mon, 30 Nov 2026 00:53:20 +0000", "Message-ID: <cobranza.outbox-3@cobranza-andina.cl>", "MIME-Version: 1.0",
                         "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"])
    }
}
