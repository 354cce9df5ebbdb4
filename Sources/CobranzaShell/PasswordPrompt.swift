import Foundation

/// Reads a password from the controlling terminal with echo off, as psql does; stdin may be a
/// script, so the terminal is opened directly.
public enum PasswordPrompt {
    public static var isAvailable: Bool {
        let fd = open("/dev/tty", O_RDWR)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    public static func read(_ prompt: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR)
        guard fd >= 0 else { throw UsageError("no terminal to ask for a password on (use --password-file or PGPASSWORD)") }
        defer { close(fd) }
        var original = termios()
        let hasTerminal = tcgetattr(fd, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if hasTerminal { tcsetattr(fd, TCSAFLUSH, &original) }
            _ = Glibc.write(fd, "\n", 1)
        }
        _ = prompt.withCString { Glibc.write(fd, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Asks twice and insists they match, for new passwords.
    public static func readNew(for user: String) throws -> String {
        let first = try read("New password for user \(user): ")
        let second = try read("Repeat it: ")
        guard first == second else { throw UsageError("the passwords do not match") }
        return first
    }
}
