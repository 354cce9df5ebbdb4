import Delivery
import Foundation
import Testing

struct Mistake: Sendable, CustomTestStringConvertible {
    var text: String
    var line: Int
    var words: String
    var testDescription: String { words }
}

/// canales.conf: parsed purely and strictly, every mistake named with its line.
@Suite("Channel settings (canales.conf)")
struct ChannelSettingsTests {
    static let sample = """
        # Canales de envío de la agencia
        [email]
        servidor = smtp.cobranza-andina.cl
        puerto = 587
        seguridad = starttls
        usuario = avisos@cobranza-andina.cl
        archivo_clave = /etc/cobranza/smtp.clave
        remitente = avisos@cobranza-andina.cl
        remitente_nombre = Cobranza Andina

        [sms]
        url = https://api.proveedor.example/v1/messages
        usuario = AC0001
        archivo_clave = /etc/cobranza/proveedor.clave
        remitente = +56221234567
        tiempo_maximo = 1500ms

        [whatsapp]
        url = https://api.proveedor.example/v1/messages
        remitente = whatsapp:+56221234567
        """

    @Test("a full file gives every channel, with defaults where nothing is said")
    func parsesSample() throws {
        let settings = try ChannelSettings.parse(Self.sample)
        #expect(settings.email == EmailSettings(server: "smtp.cobranza-andina.cl", port: 587, security: .startTLSIfOffered,
                                                user: "avisos@cobranza-andina.cl", secretFile: "/etc/cobranza/smtp.clave",
                                                sender: "avisos@cobranza-andina.cl", senderName: "Cobranza Andina", timeoutMilliseconds: 30_000))
        #expect(settings.sms?.timeoutMilliseconds == 1500)
        #expect(settings.sms?.user == "AC0001")
        #expect(settings.whatsapp?.channel == .whatsapp)
        #expect(settings.whatsapp?.user == nil)
        #expect(settings.whatsapp?.timeoutMilliseconds == 10_000)
        #expect(try ChannelSettings.parse("[email]\nservidor = mx\nseguridad = tls\nremitente = a@b.cl").email?.port == 465)
    }

    static let mistakeCases: [Mistake] = [
        ("[email]\nservidor = mx\nremitente = a@b.cl\npuerto = 70000", 4, "puerto"),
        ("[email]\nservidor = mx\nremitente = a@b.cl\nservdor = x", 4, "no setting \"servdor\""),
        ("servidor = mx", 1, "before any section"),
        ("[fax]", 1, "unknown section"),
        ("[email]\nservidor = mx\nservidor = my\nremitente = a@b.cl", 3, "twice"),
        ("[email]\nservidor = mx\nremitente = a@b.cl\nusuario = u", 4, "archivo_clave"),
        ("[email]\nservidor = mx", 1, "needs remitente"),
        ("[email]\nservidor = mx\nremitente = a@b.cl\nseguridad = ssl", 4, "seguridad"),
        ("[sms]\nurl = ftp://x\nremitente = +56221234567", 2, "url"),
        ("[sms]\nurl = https://x.example\nremitente = 221234567", 3, "remitente"),
        ("[sms]\nurl = https://x.example\nremitente = +56221234567\ntiempo_maximo = 0", 4, "tiempo_maximo"),
        ("[email]\nservidor = mx\nremitente = a@b.cl\u{1B}[2J", 3, "control character"),
    ].map(Mistake.init)

    @Test("mistakes are errors naming their line", arguments: mistakeCases)
    func mistakes(_ mistake: Mistake) {
        let (text, line, words) = (mistake.text, mistake.line, mistake.words)
        do {
            _ = try ChannelSettings.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(words), "\(error)")
        }
    }

    @Test("the file comes from COBRANZA_CHANNELS_CONF, and nowhere else")
    func loadsFromVariable() throws {
        #expect(throws: ChannelSettingsError.self) { try ChannelSettings.load(environment: [:]) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("canales-\(UUID().uuidString).conf")
        try Data(Self.sample.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try ChannelSettings.load(environment: ["COBRANZA_CHANNELS_CONF": file.path]).sms?.sender == "+56221234567")
    }

    @Test("a secret is read from its file, without its line break, and never printed")
    func secretFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("clave-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("tok-123\r\n".utf8).write(to: file)
        let secret = try Secret.read(file: file.path)
        #expect(secret == Secret("tok-123"))
        #expect("\(secret)" == "(secret)")
        #expect(String(reflecting: secret) == "(secret)")
        try Data("tok\n2\n".utf8).write(to: file)
        do {
            _ = try Secret.read(file: file.path)
            Issue.record("a two-line secret was accepted")
        } catch {
            #expect(!error.reason.contains("tok"))
        }
        #expect(throws: DeliveryFailure.self) { try Secret.read(file: file.path + "-missing") }
    }
}
