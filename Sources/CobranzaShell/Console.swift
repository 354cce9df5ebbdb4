import Foundation

/// Writes to stdout and stderr, flushing each write so that, when both go to one pipe (scripts,
/// transcript tests), output and errors appear in the order they happened.
public struct Console: Sendable {
    public init() {}

    public func out(_ text: String) {
        guard !text.isEmpty else { return }
        Self.write(text, to: STDOUT_FILENO)
    }

    public func error(_ text: String) {
        Self.write(text.hasSuffix("\n") ? text : text + "\n", to: STDERR_FILENO)
    }

    /// Unbuffered: each call reaches the descriptor before the next one starts.
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    public static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
