import Foundation
import TestSupport

/// The channels' servers a transcript's `@servers` line starts (scripts/test-smtp-server.py and
/// scripts/test-provider-server.py, on 127.0.0.1 at free ports, as `LoopbackServer`s) and the
/// `canales.conf` pointing at them, which every later shell and `@run` of the transcript reads
/// through `COBRANZA_CHANNELS_CONF`. `@received CHANNEL N` counts what they hold. Stopped, and
/// their folders removed, when the transcript lets go of them.
final class TranscriptServers: @unchecked Sendable {
    let directory: URL
    let smtp: LoopbackServer
    let provider: LoopbackServer
    var configuration: URL { directory.appendingPathComponent("canales.conf") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            smtp = try LoopbackServer(python: LoopbackServer.aiosmtpdPython, script: "test-smtp-server.py")
            provider = try LoopbackServer(script: "test-provider-server.py", arguments: ["--user", "AC0001", "--password", "tok"])
        } catch {
            throw TranscriptDirectiveFailure("\(error)")
        }
        let secret = directory.appendingPathComponent("clave")
        try Data("tok\n".utf8).write(to: secret)
        try """
            [email]
            servidor = 127.0.0.1
            puerto = \(smtp.port)
            remitente = avisos@cobranza-andina.cl
            remitente_nombre = Cobranza Andina
            [sms]
            url = http://127.0.0.1:\(provider.port)/ok
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = +56221234567
            [whatsapp]
            url = http://127.0.0.1:\(provider.port)/ok
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = whatsapp:+56221234567
            """.write(to: configuration, atomically: true, encoding: .utf8)
    }

    /// The messages the servers accepted on `channel`: mails for email, for SMS and WhatsApp
    /// the provider's newly created messages (a retry under the same key creates none).
    func received(_ channel: String) throws -> Int {
        if channel == "email" { return smtp.files(endingWith: ".json").count }
        return try provider.records().filter { request in
            let to = (request["body"] as? [String: Any])?["to"] as? String ?? ""
            return request["new"] as? Bool == true && to.hasPrefix("whatsapp:") == (channel == "whatsapp")
        }.count
    }

    func stop() {
        smtp.stop()
        provider.stop()
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A transcript directive that could not be carried out, or whose check failed.
struct TranscriptDirectiveFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
