import Foundation

/// Runs a PostgreSQL server program. As root, the cluster belongs to the `postgres` system user
/// (initdb refuses root), so the program runs through runuser.
struct SystemCommand {
    static var isRoot: Bool { geteuid() == 0 }

    struct Failure: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var output: String
        var description: String {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            return "\(command) failed (exit \(status))\(last.isEmpty ? "" : ": \(last)")"
        }
    }

    /// Runs `executable arguments` and waits for it, returning its combined output; throws with
    /// the last line of it. posix_spawn and waitpid directly: Foundation's Process can miss the
    /// exit of a program (pg_ctl) that leaves a daemon behind.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asClusterOwner: Bool = true) throws -> String {
        let argv = (isRoot && asClusterOwner)
            ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
            : [executable] + arguments
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw StoreError("cannot create a pipe to run \(executable)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        guard spawned == 0 else {
            throw Failure(command: URL(fileURLWithPath: executable).lastPathComponent, status: 127, output: String(cString: strerror(spawned)))
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipeEnds[0], &buffer, buffer.count)
            if count > 0 { output += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = String(decoding: output, as: UTF8.self)
        guard exitStatus == 0 else {
            throw Failure(command: URL(fileURLWithPath: executable).lastPathComponent, status: exitStatus, output: text)
        }
        return text
    }
}

/// Where the PostgreSQL server programs are: `$COBRANZA_PG_BINDIR`, `pg_config --bindir`,
/// or the newest `/usr/lib/postgresql/N/bin` (Debian keeps them off PATH).
enum PostgresPrograms {
    static func directory(environment: [String: String]) throws -> String {
        let fm = FileManager.default
        func hasInitdb(_ dir: String) -> Bool { fm.isExecutableFile(atPath: dir + "/initdb") }
        if let explicit = environment["COBRANZA_PG_BINDIR"], hasInitdb(explicit) { return explicit }
        if let output = try? SystemCommand.run("/usr/bin/pg_config", ["--bindir"], asClusterOwner: false) {
            let dir = output.trimmingCharacters(in: .whitespacesAndNewlines)
            if hasInitdb(dir) { return dir }
        }
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) {
            let dir = "/usr/lib/postgresql/\(version)/bin"
            if hasInitdb(dir) { return dir }
        }
        for dir in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where hasInitdb(dir) {
            return dir
        }
        throw StoreError("PostgreSQL server programs (initdb, pg_ctl) not found: install the postgresql package (scripts/setup) or set COBRANZA_PG_BINDIR")
    }
}
