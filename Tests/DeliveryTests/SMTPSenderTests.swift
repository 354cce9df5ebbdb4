import Delivery
import Foundation
import Testing
import TestSupport

/// Email through libcurl to a real SMTP server (aiosmtpd) on 127.0.0.1, read back from the
/// directory it writes, decoded by Python's own email package.
@Suite("SMTP sender against aiosmtpd on loopback")
struct SMTPSenderTests {
    static func mail(to: String = "deudor@example.cl", key: String = "outbox-1") -> MailMessage {
        MailMessage(from: "avisos@cobranza-andina.cl", fromName: "Cobranza Andina", to: to,
                    subject: "Recordatorio de pago — caso C-2026-000123: $1.234.567 CLP, señor Muñoz",
                    body: "Estimado señor Muñoz:\n\nSu deuda asciende a $1.234.567 CLP.\n.\nUna línea con = y espacios al final   \n"
                        + String(repeating: "áéíóú ñ ", count: 20) + "\nFin.",
                    idempotencyKey: key)
    }

    static func settings(port: Int, security: EmailSettings.Security = .startTLSIfOffered, user: String? = nil, caFile: String? = nil) -> EmailSettings {
        EmailSettings(server: "127.0.0.1", port: port, security: security, user: user, secretFile: user == nil ? nil : "(given)",
                      sender: "avisos@cobranza-andina.cl", caFile: caFile, timeoutMilliseconds: 5000)
    }

    static func smtpServer(_ arguments: [String] = []) throws -> LoopbackServer {
        try LoopbackServer(python: LoopbackServer.aiosmtpdPython, script: "test-smtp-server.py", arguments: arguments)
    }

    @Test("a UTF-8 email arrives once, with the Message-ID of its idempotency key, its subject and body intact; STARTTLS is not offered, so it goes plain")
    func deliversOnce() throws {
        // This server offers no STARTTLS (no certificate given): "starttls when offered" must
        // still deliver, in plain text, which the server records as tls = false.
        let server = try Self.smtpServer()
        let message = Self.mail(key: "outbox-77")
        let receipt = try SMTPSender(settings: Self.settings(port: server.port), secret: nil).send(message)
        #expect(receipt.messageID == "<cobranza.outbox-77@cobranza-andina.cl>")
        #expect(receipt.serverReply?.hasPrefix("250") == true)

        #expect(server.files(endingWith: ".eml").count == 1)
        let record = try #require(try server.records().first)
        #expect(record["message_id"] as? String == "<cobranza.outbox-77@cobranza-andina.cl>")
        #expect(record["subject"] as? String == message.subject)
        #expect(record["content_type"] as? String == "text/plain")
        #expect(record["charset"] as? String == "utf-8")
        #expect((record["body"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n") == message.body + "\n")
        #expect(record["from"] as? String == "avisos@cobranza-andina.cl")
        #expect(record["to"] as? [String] == ["deudor@example.cl"])
        #expect(record["tls"] as? Bool == false)
        #expect(record["login"] is NSNull)
    }

    @Test("a retried send carries the same Message-ID")
    func retryKeepsMessageID() throws {
        let server = try Self.smtpServer()
        let sender = SMTPSender(settings: Self.settings(port: server.port), secret: nil)
        _ = try sender.send(Self.mail(key: "outbox-9"))
        _ = try sender.send(Self.mail(key: "outbox-9"))
        let ids = try server.records().map { $0["message_id"] as? String }
        #expect(ids == ["<cobranza.outbox-9@cobranza-andina.cl>", "<cobranza.outbox-9@cobranza-andina.cl>"])
    }

    @Test("AUTH with the configured user and secret; a wrong secret is a permanent failure (535)")
    func authenticates() throws {
        let server = try Self.smtpServer(["--user", "avisos", "--password", "s3cr3t-ñ"])
        _ = try SMTPSender(settings: Self.settings(port: server.port, user: "avisos"), secret: Secret("s3cr3t-ñ")).send(Self.mail())
        #expect(try server.records().first?["login"] as? String == "avisos")

        do {
            _ = try SMTPSender(settings: Self.settings(port: server.port, user: "avisos"), secret: Secret("wrong")).send(Self.mail())
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.disposition == .permanent)
            #expect(error.serverCode == 535)
            #expect(error.reason.contains("535"))
            #expect(!error.reason.contains("wrong"))
        }
        #expect(server.files(endingWith: ".eml").count == 1)
    }

    @Test("the password comes from the secret file canales.conf names")
    func secretFromFile() throws {
        let server = try Self.smtpServer(["--user", "avisos", "--password", "desde-archivo"])
        let file = server.directory.deletingLastPathComponent().appendingPathComponent("clave-\(UUID().uuidString)")
        try Data("desde-archivo\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = "[email]\nservidor = 127.0.0.1\npuerto = \(server.port)\nusuario = avisos\narchivo_clave = \(file.path)\nremitente = avisos@cobranza-andina.cl"
        let settings = try #require(try ChannelSettings.parse(text).email)
        _ = try SMTPSender(settings: settings).send(Self.mail())
        #expect(try server.records().first?["login"] as? String == "avisos")
    }

    @Test("550 from the server is permanent, 451 is retryable, both with the server's words")
    func smtpRefusals() throws {
        let server = try Self.smtpServer()
        let sender = SMTPSender(settings: Self.settings(port: server.port), secret: nil)
        do {
            _ = try sender.send(Self.mail(to: "rechazo@example.cl"))
            Issue.record("550 was taken as delivered")
        } catch {
            #expect(error.disposition == .permanent)
            #expect(error.serverCode == 550)
            #expect(error.reason.contains("mailbox unavailable"))
        }
        do {
            _ = try sender.send(Self.mail(to: "ocupado@example.cl"))
            Issue.record("451 was taken as delivered")
        } catch {
            #expect(error.disposition == .retryable)
            #expect(error.serverCode == 451)
            #expect(error.reason.contains("try again later"))
        }
        #expect(server.files(endingWith: ".eml").isEmpty)
    }

    @Test("a server that is not there is a retryable failure")
    func connectionRefused() throws {
        let server = try Self.smtpServer()
        let port = server.port
        server.stop()
        do {
            _ = try SMTPSender(settings: Self.settings(port: port), secret: nil).send(Self.mail())
            Issue.record("sent to a closed port")
        } catch {
            #expect(error.disposition == .retryable)
        }
    }

    @Test("STARTTLS offered: the mail goes encrypted; required but not offered: refused, nothing sent in plain")
    func startTLS() throws {
        let certificates = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: certificates) }
        let cert = certificates.appendingPathComponent("cert.pem").path, key = certificates.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)

        let tlsServer = try Self.smtpServer(["--tls-cert", cert, "--tls-key", key])
        _ = try SMTPSender(settings: Self.settings(port: tlsServer.port, caFile: cert), secret: nil).send(Self.mail())
        #expect(try tlsServer.records().first?["tls"] as? Bool == true)

        let plainServer = try Self.smtpServer()
        do {
            _ = try SMTPSender(settings: Self.settings(port: plainServer.port, security: .startTLSRequired), secret: nil).send(Self.mail())
            Issue.record("sent in plain although TLS was required")
        } catch {
            #expect(error.disposition == .permanent)
        }
        #expect(plainServer.files(endingWith: ".eml").isEmpty)
    }

    @Test("an address with a line break never reaches the server")
    func headerInjectionRefused() throws {
        let server = try Self.smtpServer()
        let sender = SMTPSender(settings: Self.settings(port: server.port), secret: nil)
        for to in ["deudor@example.cl\r\nRCPT TO:<otro@example.cl>", "deudor@example.cl>\r\nBcc: otro@example.cl"] {
            #expect(throws: DeliveryFailure.self) { try sender.send(Self.mail(to: to)) }
        }
        var injected = Self.mail()
        injected.subject = "Aviso\r\nBcc: otro@example.cl"
        #expect(throws: DeliveryFailure.self) { try sender.send(injected) }
        #expect(server.files(endingWith: ".eml").isEmpty)
    }
}
