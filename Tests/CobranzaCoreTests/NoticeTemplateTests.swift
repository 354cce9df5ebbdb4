import CobranzaCore
import Foundation
import Testing

/// The notice templates in templates/avisos, rendered for every channel with the agency's real
/// agencia.conf: each says the amount, the invoices, how to pay and how to opt out; an SMS
/// stays within its limit however many invoices; nothing placed can bring a control character.
@Suite("Notice templates per channel")
struct NoticeTemplateTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates")

    static func read(_ path: String) throws -> String {
        String(decoding: try #require(FileManager.default.contents(atPath: templates.appendingPathComponent(path).path)), as: UTF8.self)
    }

    static func content(invoices count: Int = 2, debtor: String = "Comercial Muñoz Ltda.", currency: Currency = .clp,
                        country: String = "CL") throws -> NoticeContent {
        let agency = LetterTemplate.settings(try read("cartas/agencia.conf"), sections: [country, currency.code.rawValue])
        let invoices = (0..<count).map {
            NoticeContent.Invoice(number: "F-\(1001 + $0)", due: CalendarDate(year: 2026, month: 10, day: 1 + $0 % 28)!,
                                  outstandingMinorUnits: 1_234_567 + Int64($0))
        }
        return NoticeContent(caseNumber: "C-2026-000123", debtorName: debtor, clientName: "Ferretería El Roble SpA", currency: currency,
                             invoices: invoices, agency: agency, promise: (CalendarDate(year: 2026, month: 12, day: 10)!, 500_000),
                             instalment: (2, 6, CalendarDate(year: 2026, month: 12, day: 15)!, 205_762),
                             posting: ("Boletín Comercial", CalendarDate(year: 2026, month: 12, day: 20)!))
    }

    static func render(_ kind: NoticeKind, _ channel: NoticeChannel, _ content: NoticeContent) throws -> RenderedNotice {
        try NoticeRenderer.render(try read(kind.templatePath(channel)), channel: channel, content: content).get()
    }

    @Test("every notice on every channel renders with the amount, how to pay and how to opt out",
          arguments: NoticeKind.allCases, NoticeChannel.allCases)
    func rendersEverything(kind: NoticeKind, channel: NoticeChannel) throws {
        let notice = try Self.render(kind, channel, try Self.content())
        #expect((notice.subject != nil) == (channel == .email))
        #expect(notice.subject.map { !$0.isEmpty && !$0.contains("\n") } ?? true)
        #expect(notice.body.contains("BAJA"), "no opt-out line")
        #expect(notice.body.contains("C-2026-000123"))
        #expect(!notice.body.contains("{{") && !notice.body.contains("}}"))
        // How to pay: the whole instructions by email, the short account by SMS and WhatsApp.
        #expect(notice.body.contains(channel == .email ? "cuenta corriente 00-123-45678-9" : "00-123-45678-9"))
        switch kind {
        case .promiseReminder: #expect(notice.body.contains("$500.000 CLP") && notice.body.contains("10-12-2026"))
        case .instalmentDue: #expect(notice.body.contains("$205.762 CLP") && notice.body.contains("15-12-2026"))
        case .postingNotice: #expect(notice.body.contains("Boletín Comercial") && notice.body.contains("$2.469.135 CLP") && notice.body.contains("20-12-2026"))
        case .reminder, .preDueReminder: #expect(notice.body.contains("$2.469.135 CLP"))
        }
        // Every notice names the invoices, but for an SMS about a promise, an instalment or a
        // posting, which has no room for them and names the case (and the count).
        if channel != .sms || kind == .reminder || kind == .preDueReminder {
            #expect(notice.body.contains("F-1001"), "the invoices are named")
        }
        if let limit = channel.bodyLimit { #expect(notice.body.count <= limit) }
    }

    @Test("amounts are written as the shell writes them, in the case's currency, and the Colombian account is given")
    func amounts() throws {
        let notice = try Self.render(.reminder, .email, try Self.content(invoices: 1, currency: Currency(code: "COP", exponent: 2), country: "CO"))
        #expect(notice.body.contains("$12.345,67 COP"))
        #expect(notice.body.contains("Bancolombia"))
        #expect(!notice.body.contains("Banco de Chile"))
    }

    @Test("an SMS names fewer invoices rather than grow past 320 characters, and says how many it left out")
    func smsBounded() throws {
        let notice = try Self.render(.reminder, .sms, try Self.content(invoices: 40))
        #expect(notice.body.count <= 320)
        #expect(notice.body.contains("F-1001"))
        #expect(notice.body.contains("facturas más"))
        #expect(notice.body.contains("BAJA"))
        let whatsapp = try Self.render(.reminder, .whatsapp, try Self.content(invoices: 60))
        #expect(whatsapp.body.count <= 1024)
        #expect(whatsapp.body.contains("60 factura(s)"))
    }

    @Test("a template too long even with one invoice is refused with its length, never cut")
    func tooLong() throws {
        let result = NoticeRenderer.render(String(repeating: "Texto largo. ", count: 30) + "{{total}}", channel: .sms, content: try Self.content())
        #expect(throws: WorkflowRefusal.self) { try result.get() }
        #expect((try? result.get()) == nil)
        if case .failure(let refusal) = result { #expect(refusal.message.contains("320")) }
    }

    @Test("control characters in a placed value are stripped; the subject stays one line")
    func controlCharacters() throws {
        let content = try Self.content(debtor: "Ana\r\nBcc: otro@example.cl\u{1B}[31m Pérez\u{85}")
        for channel in NoticeChannel.allCases {
            let notice = try Self.render(.reminder, channel, content)
            let text = (notice.subject ?? "") + notice.body
            #expect(ControlCharacters.first(in: text, allowingLineBreaks: true) == nil)
            #expect(notice.body.contains("Ana Bcc: otro@example.cl [31m Pérez"))
        }
        let subject = try #require(NoticeRenderer.render("Asunto: Aviso a {{deudor_nombre}}\n\nHola", channel: .email, content: content).get().subject)
        #expect(!subject.contains("\n") && !subject.contains("\r"))
    }

    @Test("an email template without its subject line, or naming an unknown field, is refused")
    func templateMistakes() throws {
        #expect(throws: WorkflowRefusal.self) { try NoticeRenderer.render("Hola {{deudor_nombre}}", channel: .email, content: try Self.content()).get() }
        #expect(throws: WorkflowRefusal.self) { try NoticeRenderer.render("Hola {{deudr_nombre}}", channel: .sms, content: try Self.content()).get() }
    }
}
