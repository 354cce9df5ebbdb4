import CobranzaCore
import Foundation

/// A line of a script (`-f`, `\i`, piped stdin) or of the terminal, read from its bytes. A line
/// that is not UTF-8 is kept as a refusal naming the byte, so the shell reports it where it is
/// and runs nothing of it: decoding it anyway would turn the bytes into U+FFFD and send that
/// to the database as if it had been typed.
public enum ScriptLine: Equatable, Sendable {
    case text(String)
    case invalid(InvalidUTF8)

    public struct InvalidUTF8: Error, Equatable, Sendable, CustomStringConvertible {
        public var position: Int
        public var byte: UInt8?
        public var description: String {
            "not valid UTF-8 at " + UTF8Validator.describe(position: position, byte: byte) + "; the line is not run"
        }
    }

    /// One line's bytes (without its newline).
    public init(bytes: some Collection<UInt8>) {
        if let bad = UTF8Validator.firstInvalidByte(in: bytes) {
            self = .invalid(InvalidUTF8(position: bad.position, byte: bad.byte))
        } else {
            self = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// A whole script's lines, split at LF (a CRLF's CR dropped, as `readLine` does), each
    /// checked on its own.
    public static func lines(of data: Data) -> [ScriptLine] {
        let bytes = [UInt8](data)
        return bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            ScriptLine(bytes: line.last == 13 ? line.dropLast() : line)
        }
    }

    /// The first program argument (a `-c` command, a file name, a flag) that is not UTF-8,
    /// described with its byte; the shell then runs nothing. `CommandLine.arguments` has
    /// already replaced such bytes with U+FFFD, so the raw `argv` is read.
    public static func invalidArgument() -> String? {
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            if let bad = UTF8Validator.firstInvalidByte(in: bytes) {
                return "argument \(index) is not valid UTF-8 at " + UTF8Validator.describe(position: bad.position, byte: bad.byte)
                    + "; nothing was run"
            }
        }
        return nil
    }
}
