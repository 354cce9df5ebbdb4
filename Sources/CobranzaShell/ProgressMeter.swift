import CobranzaStore
import Foundation

/// Draws a long command's `ProgressLine` on standard error while it runs, and turns Ctrl-C into
/// `WorkCancelled` at the next report so the store's transaction rolls back. Drawn only when
/// standard error is a terminal (never in a pipe, a file or a transcript), redrawn in place
/// with `\r` at most five times a second and not before half a second has passed (a quick
/// command shows nothing), and wiped when the command ends. Spaces, not terminal escapes, wipe
/// the old text, so a dumb terminal shows it right too.
final class ProgressMeter {
    private let label: String
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private var drawnLength = 0
    private var visible: Bool
    private let interrupted: () -> Bool
    static let firstDraw = Duration.milliseconds(500)
    static let interval = Duration.milliseconds(200)

    init(label: String, visible: Bool = isatty(STDERR_FILENO) == 1, interrupted: @escaping () -> Bool) {
        self.label = label
        self.visible = visible
        self.interrupted = interrupted
    }

    /// The handler a command hands the store, counting `unit`.
    func handler(unit: String) -> WorkProgress.Handler {
        let line = ProgressLine(label: label, unit: unit)
        return { [self] progress in
            if interrupted() { throw WorkCancelled() }
            guard visible else { return }
            let now = ContinuousClock.now
            if let lastDrawn {
                guard now - lastDrawn >= Self.interval || progress.step != nil else { return }
            } else {
                guard now - started >= Self.firstDraw else { return }
            }
            lastDrawn = now
            draw(line.text(progress, elapsed: now - started, width: Self.terminalWidth()))
        }
    }

    /// Stops drawing for good (the command writes its rows to the same terminal).
    func hide() {
        clear()
        visible = false
    }

    /// Wipes the line, if one was drawn.
    func clear() {
        guard drawnLength > 0 else { return }
        Console.write("\r" + String(repeating: " ", count: drawnLength) + "\r", to: STDERR_FILENO)
        drawnLength = 0
    }

    private func draw(_ text: String) {
        let padding = max(0, drawnLength - text.count)
        Console.write("\r" + text + String(repeating: " ", count: padding), to: STDERR_FILENO)
        drawnLength = text.count
    }

    static func terminalWidth() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
