import Foundation

/// A child process left running while the test does something to it or under it (kills its
/// server, or it): `Subprocess.run` waits for the end, which a crash test cannot.
public final class BackgroundProcess: @unchecked Sendable {
    let process = Process()

    public init(_ argv: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        // Its output is not read: a full pipe would stop it where the test does not mean to.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }
    public var pid: pid_t { process.processIdentifier }

    /// SIGKILL: the client dies mid-work, no chance to roll back or say goodbye to the server.
    public func kill() { _ = Foundation.kill(process.processIdentifier, SIGKILL) }

    /// The exit status (or the signal), waiting at most `seconds`.
    public func wait(seconds: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else {
                kill()
                throw BackgroundProcessTimeout(seconds: seconds)
            }
            usleep(10_000)
        }
        return process.terminationStatus
    }
}

public struct BackgroundProcessTimeout: Error, CustomStringConvertible {
    public var seconds: Double
    public var description: String { "a child process still ran after \(seconds) s (killed)" }
}
