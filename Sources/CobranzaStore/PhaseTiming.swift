import Foundation

/// Where the time of a long command goes, phase by phase, printed on stderr when the environment
/// sets `COBRANZA_TIMING` (any value): how `scripts/bench intake` is read when the import drifts
/// from its floor. Costs nothing when unset.
struct PhaseTiming {
    private let enabled: Bool
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    private let start: ContinuousClock.Instant

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        enabled = environment["COBRANZA_TIMING"] != nil
        start = clock.now
        last = start
    }

    /// Prints the time since the previous mark (or the start) under `phase`.
    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = clock.now
        Self.print(phase, now - last)
        last = now
    }

    /// Prints a duration measured elsewhere (a part of a phase, such as the COPY writes).
    func report(_ phase: String, _ duration: Duration) {
        guard enabled else { return }
        Self.print(phase, duration)
    }

    func total(_ phase: String = "total") {
        guard enabled else { return }
        Self.print(phase, clock.now - start)
    }

    var isEnabled: Bool { enabled }

    private static func print(_ phase: String, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        FileHandle.standardError.write(Data("timing: \(phase): \(milliseconds) ms\n".utf8))
    }
}
