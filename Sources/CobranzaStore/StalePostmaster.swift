import Foundation

/// A postmaster that was killed (`kill -9`, a crash) but not yet reaped: it is a zombie, so
/// `kill(pid, 0)` — and with it `pg_ctl status` and the new postmaster's own lock-file check —
/// still takes it for alive for a moment (about a second here), and starting fails. Its
/// backends also linger until they notice, holding the shared memory a new postmaster refuses
/// to share. The way through is to wait, bounded, for the kernel to let it go.
enum StalePostmaster {
    /// The pid on the first line of the data directory's `postmaster.pid`, if any.
    static func pid(dataDirectory: URL) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: dataDirectory.appendingPathComponent("postmaster.pid").path) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The state letter of a process from its `/proc/PID/stat` line: after the last ")",
    /// because the command name in parentheses may itself hold spaces and parentheses.
    static func state(stat: String) -> Character? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// Whether `pid` is dead but still listed: a zombie (or already gone).
    static func isDead(_ pid: pid_t) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return true }
        return state(stat: String(decoding: data, as: UTF8.self)) == "Z"
    }

    /// Whether the postmaster the data directory names is dead but not yet reaped.
    static func isZombie(dataDirectory: URL) -> Bool {
        guard let pid = pid(dataDirectory: dataDirectory) else { return false }
        return FileManager.default.fileExists(atPath: "/proc/\(pid)") && isDead(pid)
    }

    /// How long to wait for a killed postmaster to be reaped, and for a retried start.
    static let patience: Duration = .seconds(5)

    /// Waits until `condition` is false or `patience` is over; true if it became false.
    static func wait(while condition: () -> Bool, patience: Duration = patience) -> Bool {
        let deadline = ContinuousClock.now + patience
        while condition() {
            if ContinuousClock.now >= deadline { return false }
            usleep(100_000)
        }
        return true
    }
}
