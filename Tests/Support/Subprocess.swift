import Foundation

/// Runs a program with given stdin and environment and collects stdout and stderr merged in
/// order (one pipe), plus the exit status. posix_spawn directly, for the same reason the store
/// does: Foundation's Process can miss the exit of a program that started a daemon.
public struct Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    public static func run(_ argv: [String], input: String = "", environment: [String: String]) throws -> Result {
        var input_ = [Int32](repeating: 0, count: 2)
        var output_ = [Int32](repeating: 0, count: 2)
        guard pipe(&input_) == 0, pipe(&output_) == 0 else { throw POSIXError(.EMFILE) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input_[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output_[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output_[1], 2)
        for fd in input_ + output_ { posix_spawn_file_actions_addclose(&actions, fd) }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        close(input_[0])
        close(output_[1])
        guard spawned == 0 else {
            close(input_[1]); close(output_[0])
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT)
        }
        let writerFD = input_[1]
        let bytes = Array(input.utf8)
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(writerFD, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writerFD)
        }
        writer.start()
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(output_[0], &buffer, buffer.count)
            if n > 0 { collected += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        close(output_[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, output: String(decoding: collected, as: UTF8.self))
    }

    /// The built `cobranza` executable: $COBRANZA_BIN, else beside the test bundle.
    public static var cobranzaBinary: String {
        if let explicit = ProcessInfo.processInfo.environment["COBRANZA_BIN"] { return explicit }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return here.appendingPathComponent("cobranza").path
    }
}
