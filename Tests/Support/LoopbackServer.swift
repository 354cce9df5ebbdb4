import Foundation

/// One of the Python test servers (scripts/test-smtp-server.py, scripts/test-provider-server.py)
/// running for one test: it listens on 127.0.0.1 only, on a free port it prints first, and
/// writes what it receives into `directory`, which the test reads back. Stopped (and its
/// directory removed) when the test lets go of it. Shared by DeliveryTests, OutboxTests.
public final class LoopbackServer: @unchecked Sendable {
    public let process = Process()
    public let directory: URL
    public private(set) var port = 0
    private let output = Pipe()
    private let lock = NSLock()
    private var collected = Data()

    public static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts")

    /// The interpreter with aiosmtpd: $COBRANZA_AIOSMTPD_PYTHON (scripts/test sets it from
    /// `scripts/setup --aiosmtpd-python`), else python3.
    public static var aiosmtpdPython: String {
        ProcessInfo.processInfo.environment["COBRANZA_AIOSMTPD_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/python3"
    }

    public init(python: String = "/usr/bin/python3", script: String, arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", Self.scripts.appendingPathComponent(script).path, directory.path,
                             "--parent", String(ProcessInfo.processInfo.processIdentifier)] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.collected.append(chunk) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = lock.withLock { String(decoding: collected, as: UTF8.self) }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }), let port = Int(line.dropFirst(5)) {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        stop()
        throw ServerDidNotStart(script: script, output: lock.withLock { String(decoding: collected, as: UTF8.self) })
    }

    /// Ends the server and waits for it, so its port is closed when this returns. SIGKILL: the
    /// test runner's threads block SIGTERM, and a child started from one inherits that.
    public func stop() {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(10_000) }
    }

    deinit {
        stop()
        output.fileHandleForReading.readabilityHandler = nil
        try? FileManager.default.removeItem(at: directory)
    }

    /// The files in the directory whose names end with `suffix`, sorted by name.
    public func files(endingWith suffix: String) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Each JSON object in `name` (one per line, as the provider writes requests.jsonl) or the
    /// `.json` files (one per message, as the SMTP server writes them).
    public func records() throws -> [[String: Any]] {
        let jsonl = directory.appendingPathComponent("requests.jsonl")
        let lines: [Data]
        if let data = FileManager.default.contents(atPath: jsonl.path) {
            lines = data.split(separator: UInt8(ascii: "\n")).map { Data($0) }
        } else {
            lines = files(endingWith: ".json").compactMap { FileManager.default.contents(atPath: $0.path) }
        }
        return try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw UnreadableRecord(line: String(decoding: line, as: UTF8.self))
            }
            return object
        }
    }
}

public struct ServerDidNotStart: Error, CustomStringConvertible {
    public var script: String
    public var output: String
    public var description: String {
        "\(script) did not start (run scripts/setup, or set COBRANZA_AIOSMTPD_PYTHON to a Python with aiosmtpd): \(output.prefix(600))"
    }
}

/// A line the server wrote that is not a JSON object: the server and the test disagree.
public struct UnreadableRecord: Error, CustomStringConvertible {
    public var line: String
    public var description: String { "not a JSON object: \(line.prefix(300))" }
}
