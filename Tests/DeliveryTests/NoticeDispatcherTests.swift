import CobranzaCore
import Delivery
import Foundation
import Testing
import TestSupport

/// The worker's one call: a notice goes to the channel canales.conf configures.
@Suite("Notice dispatcher")
struct NoticeDispatcherTests {
    @Test("email to the SMTP server, WhatsApp to the provider, each once; an unconfigured channel is said so")
    func dispatches() throws {
        let smtp = try LoopbackServer(python: LoopbackServer.aiosmtpdPython, script: "test-smtp-server.py")
        let provider = try LoopbackServer(script: "test-provider-server.py", arguments: ["--user", "AC0001", "--password", "tok"])
        let secret = provider.directory.appendingPathComponent("clave")
        try Data("tok\n".utf8).write(to: secret)
        let settings = try ChannelSettings.parse("""
            [email]
            servidor = 127.0.0.1
            puerto = \(smtp.port)
            remitente = avisos@cobranza-andina.cl
            remitente_nombre = Cobranza Andina
            [whatsapp]
            url = http://127.0.0.1:\(provider.port)/ok
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = whatsapp:+56221234567
            """)
        let dispatcher = try NoticeDispatcher(settings: settings)
        #expect(dispatcher.supports(.email) && dispatcher.supports(.whatsapp) && !dispatcher.supports(.sms))

        let mail = try dispatcher.send(.init(channel: .email, address: "deudor@example.cl", subject: "Facturas vencidas — caso C-1",
                                             body: "Total adeudado: $1.000 CLP", idempotencyKey: "n-1"))
        #expect(mail.reference == "<cobranza.n-1@cobranza-andina.cl>")
        let chat = try dispatcher.send(.init(channel: .whatsapp, address: "+56912345678", subject: nil, body: "Hola", idempotencyKey: "n-2"))
        #expect(chat.reference == "SM000001")

        #expect(try smtp.records().map { $0["subject"] as? String } == ["Facturas vencidas — caso C-1"])
        let requests = try provider.records()
        #expect(requests.count == 1)
        #expect((requests.first?["body"] as? [String: String])?["to"] == "whatsapp:+56912345678")

        #expect(throws: DeliveryFailure.self) {
            try dispatcher.send(.init(channel: .sms, address: "+56912345678", subject: nil, body: "Hola", idempotencyKey: "n-3"))
        }
    }

    @Test("a secret file that is missing stops the dispatcher from being made")
    func missingSecret() throws {
        let settings = try ChannelSettings.parse("[sms]\nurl = http://127.0.0.1:9/\nusuario = u\narchivo_clave = /nonexistent/clave\nremitente = +56221234567")
        #expect(throws: DeliveryFailure.self) { try NoticeDispatcher(settings: settings) }
    }
}
