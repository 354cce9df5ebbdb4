import CobranzaStore

/// The text of a long command's progress line, from counts and the time gone by, with no I/O so
/// it is tested on its own: `submission import: 312,000 rows · 95,300 rows/s · 41% · 7 s left`.
/// The rate shows once half a second has passed (before that it is noise), the share and the
/// time left only when the total (or the share of the input read) is known, and a step names
/// what runs after counting stopped. Cut to the terminal's width so `\r` can redraw it in place.
public struct ProgressLine: Sendable {
    /// The command, as typed (`submission import`).
    public var label: String
    /// What is counted (`rows`, `lines`, `submissions`, `cases`).
    public var unit: String

    public init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    public func text(_ progress: WorkProgress, elapsed: Duration, width: Int? = nil) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var parts = ["\(Self.grouped(progress.done))" + (progress.total.map { " of \(Self.grouped($0))" } ?? "") + " \(unit)"]
        if let step = progress.step {
            parts.append(step + "…")
        } else {
            if seconds >= 0.5, progress.done > 0 {
                parts.append("\(Self.grouped(Int((Double(progress.done) / seconds).rounded()))) \(unit)/s")
            }
            let share: Double? = progress.total.map { $0 > 0 ? Double(progress.done) / Double($0) : 1 } ?? progress.share
            if let share {
                let clamped = min(max(share, 0), 1)
                parts.append("\(Int((clamped * 100).rounded(.down)))%")
                if clamped > 0, clamped < 1, seconds >= 1 {
                    parts.append(Self.duration(seconds * (1 - clamped) / clamped) + " left")
                }
            }
        }
        let line = "\(label): " + parts.joined(separator: " · ")
        guard let width, width > 1, line.count >= width else { return line }
        return String(line.prefix(width - 2)) + "…"
    }

    /// `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `7 s`, `2 min 05 s`, `1 h 03 min`: whole seconds rounded up (never "0 s left" while
    /// something is left).
    static func duration(_ seconds: Double) -> String {
        let whole = Int(min(seconds, 359_999).rounded(.up))
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min " + (whole % 60 < 10 ? "0" : "") + "\(whole % 60) s" }
        let minutes = (whole % 3600) / 60
        return "\(whole / 3600) h " + (minutes < 10 ? "0" : "") + "\(minutes) min"
    }
}
