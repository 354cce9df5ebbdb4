import Delivery
import Testing

/// Header injection: every address, name and key that reaches a protocol line is refused when
/// it holds a line break or another control character, before any connection is made.
@Suite("Protocol lines refuse control characters")
struct ProtocolTextTests {
    @Test("a CR or LF in an email address is refused, naming the field")
    func emailAddressWithLineBreak() {
        for bad in ["ana@example.cl\r\nRCPT TO:<x@evil.example>", "ana@example.cl\nBcc: x@evil.example", "ana\u{0}@example.cl", "ana@exa\u{85}mple.cl"] {
            #expect(throws: DeliveryFailure.self) { try ProtocolText.emailAddress(bad, field: "to") }
            do {
                _ = try ProtocolText.emailAddress(bad, field: "to")
            } catch {
                #expect(error.disposition == .permanent)
                #expect(error.reason.hasPrefix("to: control character U+"))
            }
        }
    }

    @Test("an address that could close the angle brackets or hide a second one is refused")
    func emailAddressShape() throws {
        for bad in ["ana@example.cl> SIZE=1", "<ana@example.cl", "ana @example.cl", "ana@", "@example.cl", "ana@localhost", "a,b@example.cl", "ana@@example.cl"] {
            #expect(throws: DeliveryFailure.self, "\(bad)") { try ProtocolText.emailAddress(bad, field: "to") }
        }
        #expect(try ProtocolText.emailAddress("ana.pérez+avisos@example.cl", field: "to") == "ana.pérez+avisos@example.cl")
    }

    @Test("phone numbers are E.164; whatsapp: only on the WhatsApp channel")
    func phones() throws {
        #expect(try ProtocolText.phoneNumber("+56912345678", field: "to") == "+56912345678")
        #expect(try ProtocolText.phoneNumber("whatsapp:+56912345678", field: "to", whatsapp: true) == "whatsapp:+56912345678")
        for bad in ["56912345678", "+56 9 1234 5678", "+5691234\n5678", "whatsapp:+56912345678", "+56912345678\r\nX: y"] {
            #expect(throws: DeliveryFailure.self, "\(bad)") { try ProtocolText.phoneNumber(bad, field: "to") }
        }
    }

    @Test("idempotency keys fit a Message-ID and a header unchanged")
    func keys() throws {
        #expect(try ProtocolText.idempotencyKey("outbox-42.1_a") == "outbox-42.1_a")
        for bad in ["", "a b", "a\r\nb", "a>b", "a@b", String(repeating: "k", count: 129), "clave-ñ"] {
            #expect(throws: DeliveryFailure.self, "\(bad)") { try ProtocolText.idempotencyKey(bad) }
        }
    }

    @Test("a subject or sender name with a line break is refused when the mail is written")
    func headerInjectionInMessage() {
        let subject = MailMessage(from: "avisos@cobranza.example", to: "ana@example.cl", subject: "Aviso\r\nBcc: x@evil.example",
                                  body: "hola", idempotencyKey: "k1")
        #expect(throws: DeliveryFailure.self) { try subject.wireFormat() }
        let name = MailMessage(from: "avisos@cobranza.example", fromName: "Cobranza\nBcc: x@evil.example", to: "ana@example.cl",
                               subject: "Aviso", body: "hola", idempotencyKey: "k1")
        #expect(throws: DeliveryFailure.self) { try name.wireFormat() }
    }
}
