import Foundation

/// A program the test talks to while it runs: lines go in one at a time, output (stdout and
/// stderr together) is read as it comes, so a test can act between two commands (restart the
/// server, kill a backend). `onTerminal` runs it under a pseudo-terminal (`script`, from
/// util-linux), because the shell is interactive — readline, prompts — only on a terminal.
/// Every wait is bounded.
public final class RunningProgram: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var collected = Data()

    public init(_ argv: [String], environment: [String: String], onTerminal: Bool) throws {
        // A line sent after the program exited must fail the test, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        if onTerminal {
            // -e: script exits with the program's status; -f: output flushed as it comes.
            // exec: the program itself holds the terminal, so Ctrl-C reaches it and not a shell
            // that would die of it and report 130 in the program's place.
            let command = "exec " + argv.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qefc", command, "/dev/null"]
        } else {
            process.executableURL = URL(fileURLWithPath: argv[0])
            process.arguments = Array(argv.dropFirst())
        }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.collected.append(chunk) }
        }
        try process.run()
    }

    /// Everything the program wrote so far, as text.
    public var text: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// The program's process id (under `onTerminal`, the id of `script`, which holds its terminal).
    public var pid: pid_t { process.processIdentifier }

    /// Bytes as typed, with no newline: `\u{03}` on a terminal is Ctrl-C.
    public func type(_ keys: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data(keys.utf8))
    }

    public func send(_ line: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Waits until the output holds `needle` `count` times; false if `timeout` passes first.
    @discardableResult
    public func waitFor(_ needle: String, count: Int = 1, timeout: Duration = .seconds(20)) -> Bool {
        waitUntil(timeout: timeout) { self.text.components(separatedBy: needle).count - 1 >= count }
    }

    /// Waits for the program to exit and returns its status; nil (and the program killed) if
    /// it is still running after `timeout`.
    public func exitStatus(timeout: Duration = .seconds(20)) -> Int32? {
        guard waitUntil(timeout: timeout, { !self.process.isRunning }) else {
            process.terminate()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    public func stop() {
        if process.isRunning { process.terminate() }
        try? input.fileHandleForWriting.close()
    }

    deinit { output.fileHandleForReading.readabilityHandler = nil }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
public func waitUntil(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        if ContinuousClock.now >= deadline { return false }
        usleep(50_000)
    }
    return true
}
