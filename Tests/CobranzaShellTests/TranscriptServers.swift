import Foundation

/// The channels' servers a transcript's `@servers` line starts (scripts/test-smtp-server.py and
/// scripts/test-provider-server.py, on 127.0.0.1 at free ports) and the `canales.conf` pointing at
/// them, which every later shell and `@run` of the transcript reads through
/// `COBRANZA_CHANNELS_CONF`. `@received CHANNEL N` counts what they hold. Stopped, and their
/// folder removed, when the transcript lets go of them.
final class TranscriptServers: @unchecked Sendable {
    let directory: URL
    private var processes: [Process] = []
    var smtpDirectory: URL { directory.appendingPathComponent("smtp") }
    var providerDirectory: URL { directory.appendingPathComponent("provider") }
    var configuration: URL { directory.appendingPathComponent("canales.conf") }

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts")

    /// The interpreter with aiosmtpd: $COBRANZA_AIOSMTPD_PYTHON (scripts/test sets it), else python3.
    static var aiosmtpdPython: String {
        ProcessInfo.processInfo.environment["COBRANZA_AIOSMTPD_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/python3"
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-transcript-\(UUID().uuidString)")
        for folder in [smtpDirectory, providerDirectory] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let smtp = try start(python: Self.aiosmtpdPython, script: "test-smtp-server.py", directory: smtpDirectory, arguments: [])
        let provider = try start(python: "/usr/bin/python3", script: "test-provider-server.py", directory: providerDirectory,
                                 arguments: ["--user", "AC0001", "--password", "tok"])
        let secret = directory.appendingPathComponent("clave")
        try Data("tok\n".utf8).write(to: secret)
        try """
            [email]
            servidor = 127.0.0.1
            puerto = \(smtp)
            remitente = avisos@cobranza-andina.cl
            remitente_nombre = Cobranza Andina
            [sms]
            url = http://127.0.0.1:\(provider)/ok
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = +56221234567
            [whatsapp]
            url = http://127.0.0.1:\(provider)/ok
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = whatsapp:+56221234567
            """.write(to: configuration, atomically: true, encoding: .utf8)
    }

    /// Starts one server and returns the port it prints first ("PORT 40123").
    private func start(python: String, script: String, directory: URL, arguments: [String]) throws -> Int {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", Self.scripts.appendingPathComponent(script).path, directory.path,
                             "--parent", String(ProcessInfo.processInfo.processIdentifier)] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let collected = Collected()
        output.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
        processes.append(process)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let line = collected.text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }), let port = Int(line.dropFirst(5)) {
                return port
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw TranscriptDirectiveFailure("\(script) did not start (run scripts/setup, or set COBRANZA_AIOSMTPD_PYTHON to a Python with aiosmtpd): \(collected.text.prefix(600))")
    }

    /// The messages the servers accepted on `channel`: mails for email, for SMS and WhatsApp
    /// the provider's newly created messages (a retry under the same key creates none).
    func received(_ channel: String) throws -> Int {
        if channel == "email" {
            return ((try? FileManager.default.contentsOfDirectory(atPath: smtpDirectory.path)) ?? []).filter { $0.hasSuffix(".json") }.count
        }
        guard let data = FileManager.default.contents(atPath: providerDirectory.appendingPathComponent("requests.jsonl").path) else { return 0 }
        return try data.split(separator: UInt8(ascii: "\n")).filter { line in
            let request = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            let to = (request?["body"] as? [String: Any])?["to"] as? String ?? ""
            return request?["new"] as? Bool == true && to.hasPrefix("whatsapp:") == (channel == "whatsapp")
        }.count
    }

    /// SIGKILL and wait: the test runner's threads block SIGTERM, and a child inherits that.
    func stop() {
        for process in processes where process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }
}

/// A transcript directive that could not be carried out, or whose check failed.
struct TranscriptDirectiveFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
