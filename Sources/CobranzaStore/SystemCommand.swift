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
    /// the last line of it.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], asClusterOwner: Bool = true) throws -> String {
        let argv = (isRoot && asClusterOwner)
            ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments
            : [executable] + arguments
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(argv)
        } catch {
            throw Failure(command: name, status: 127, output: "\(error)")
        }
        guard result.status == 0 else { throw Failure(command: name, status: result.status, output: result.output) }
        return result.output
    }
}

/// Where the PostgreSQL server programs are: `$COBRANZA_PG_BINDIR`, `pg_config --bindir`,
/// or the newest `/usr/lib/postgresql/N/bin` (Debian keeps them off PATH).
enum PostgresPrograms {
    /// The major version of the programs in `bin`, from `pg_ctl --version`
    /// ("pg_ctl (PostgreSQL) 18.6" is 18, "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" is 15).
    static func majorVersion(bin: String) throws -> Int {
        let output = try SystemCommand.run(bin + "/pg_ctl", ["--version"], asClusterOwner: false)
        guard let major = parseMajorVersion(output) else {
            throw StoreError("cannot read the version of \(bin)/pg_ctl from \"\(output.trimmingCharacters(in: .whitespacesAndNewlines))\"")
        }
        return major
    }

    static func parseMajorVersion(_ versionLine: String) -> Int? {
        guard let range = versionLine.range(of: "(PostgreSQL) ") else { return nil }
        return Int(versionLine[range.upperBound...].prefix { $0.isNumber })
    }

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
