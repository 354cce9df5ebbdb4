import Foundation

/// A horizontal bar chart as lines of text, drawn under a report's table in aligned output
/// (`report aging`): one bar per row, the longest as wide as the terminal leaves after the
/// labels and captions, the others in proportion. Pure: rows, a width and a character set in,
/// lines out, so it is tested without a terminal or a database.
///
/// With Unicode, a bar is full blocks (█) and one partial block in eighths (▏▎▍▌▋▊▉), so bars
/// differ by an eighth of a character; without, it is `#`, rounded to whole characters. A value
/// above zero always shows at least the thinnest mark; zero and negative values draw none.
/// Scaling is integer arithmetic on the values (amounts in minor units), never floating point.
public enum BarChart {
    public struct Bar: Equatable, Sendable {
        /// What the bar is (`0-30`), left of it.
        public var label: String
        /// Its length, in any unit (minor units of money).
        public var value: Int64
        /// What is printed right of it (`$1.190.000 CLP`).
        public var caption: String

        public init(_ label: String, _ value: Int64, caption: String) {
            self.label = label
            self.value = value
            self.caption = caption
        }
    }

    /// How a chart may be drawn: the terminal's width in columns and whether it shows Unicode.
    public struct Style: Equatable, Sendable {
        public var width: Int
        public var unicode: Bool

        public init(width: Int = 80, unicode: Bool = true) {
            self.width = width
            self.unicode = unicode
        }

        /// The terminal this process writes to: its width from `COLUMNS`, else from the terminal
        /// itself (TIOCGWINSZ) when stdout is one, else 80; Unicode blocks when `LC_ALL`,
        /// `LC_CTYPE` or `LANG` (the first one set, as the C library reads them) names UTF-8.
        public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Style {
            var width = 80
            if let columns = environment["COLUMNS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), columns > 0 {
                width = columns
            } else if isatty(STDOUT_FILENO) == 1 {
                var size = winsize()
                if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
            }
            let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
            let upper = locale.uppercased()
            return Style(width: width, unicode: upper.contains("UTF-8") || upper.contains("UTF8"))
        }
    }

    /// The narrowest a bar's room gets, whatever the terminal: a chart squeezed below this says nothing.
    static let minimumBarWidth = 10
    static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// One line per bar: the label padded to the longest, a separator, the bar, its caption.
    public static func lines(_ bars: [Bar], style: Style) -> [String] {
        guard !bars.isEmpty else { return [] }
        let labels = bars.map { TerminalText.escaped($0.label) }
        let captions = bars.map { TerminalText.escaped($0.caption) }
        let labelWidth = labels.map(\.count).max() ?? 0
        let captionWidth = captions.map(\.count).max() ?? 0
        let separator = style.unicode ? " │ " : " | "
        let room = max(minimumBarWidth, style.width - labelWidth - separator.count - 1 - captionWidth)
        let largest = bars.map(\.value).max() ?? 0
        return bars.indices.map { index in
            let label = labels[index] + String(repeating: " ", count: labelWidth - labels[index].count)
            let eighths = Self.eighths(bars[index].value, of: largest, room: room)
            let bar = style.unicode ? unicodeBar(eighths) : asciiBar(eighths)
            let padding = String(repeating: " ", count: max(0, room - bar.count))
            var line = label + separator + bar + padding + " " + captions[index]
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The bar's length in eighths of a character: `value / largest` of `room` characters,
    /// rounded down, at least one eighth for any value above zero. Computed on the full
    /// 128-bit product, so no amount overflows.
    static func eighths(_ value: Int64, of largest: Int64, room: Int) -> Int {
        guard value > 0, largest > 0 else { return 0 }
        let scale = UInt64(room) * 8
        let product = UInt64(value).multipliedFullWidth(by: scale)
        let (quotient, _) = UInt64(largest).dividingFullWidth(product)
        return max(1, Int(quotient))
    }

    static func unicodeBar(_ eighths: Int) -> String {
        let partial = eighths % 8
        return String(repeating: "█", count: eighths / 8) + (partial == 0 ? "" : String(partials[partial - 1]))
    }

    /// Whole `#`s, an eighth-rounded half up; a value above zero keeps one.
    static func asciiBar(_ eighths: Int) -> String {
        guard eighths > 0 else { return "" }
        return String(repeating: "#", count: max(1, (eighths + 4) / 8))
    }
}
