import Foundation

/// Runs a program to completion: stdin from `input` (or /dev/null), stdout and stderr merged
/// in order into one pipe. posix_spawn and waitpid directly, because Foundation's Process can
/// miss the exit of a program (`runuser … pg_ctl start`) that leaves a daemon behind.
public enum ChildProcess {
    public struct Result: Sendable, Equatable {
        public var status: Int32
        public var output: String
    }

    /// - Parameter environment: the child's whole environment; nil inherits this process's.
    public static func run(_ argv: [String], input: String? = nil, environment: [String: String]? = nil) throws -> Result {
        var stdinPipe: [Int32] = [-1, -1]
        var outputPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw POSIXError(.EMFILE) }
        if input != nil, pipe(&stdinPipe) != 0 {
            close(outputPipe[0]); close(outputPipe[1])
            throw POSIXError(.EMFILE)
        }
        // Close-on-exec, so a program another thread starts meanwhile (a server that daemonizes
        // keeps what it inherits) holds no end of these pipes: an inherited write end of the
        // child's stdin would keep it from ever seeing end of file. The child gets its own
        // copies through dup2 below, which clears the flag.
        for fd in stdinPipe + outputPipe where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input != nil {
            posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 2)
        for fd in stdinPipe + outputPipe where fd >= 0 { posix_spawn_file_actions_addclose(&actions, fd) }

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { (cArguments + (cEnvironment ?? [])).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = cEnvironment.map { env in posix_spawn(&pid, argv[0], &actions, nil, cArguments, env) }
            ?? posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        if stdinPipe[0] >= 0 { close(stdinPipe[0]) }
        close(outputPipe[1])
        guard spawned == 0 else {
            if stdinPipe[1] >= 0 { close(stdinPipe[1]) }
            close(outputPipe[0])
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT)
        }
        // Feed stdin on its own thread so a child that writes a lot before reading cannot deadlock us.
        if let input {
            let writerFD = stdinPipe[1]
            let bytes = Array(input.utf8)
            Thread {
                var offset = 0
                while offset < bytes.count {
                    let n = bytes[offset...].withUnsafeBytes { write(writerFD, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    offset += n
                }
                close(writerFD)
            }.start()
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = read(outputPipe[0], &buffer, buffer.count)
            if count > 0 { output += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        close(outputPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, output: String(decoding: output, as: UTF8.self))
    }
}
