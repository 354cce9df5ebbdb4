import Foundation

/// How results are printed: psql's aligned table (or `\x` expanded records) for people, CSV and
/// JSON for scripts and accounting systems.
public enum OutputFormat: String, CaseIterable, Sendable {
    case aligned, csv, json
}

/// Formats a `CommandOutput` as text. Pure: same input, same bytes. Text meant for people
/// (aligned and expanded tables, messages, section titles) has its control characters escaped
/// (`TerminalText`); JSON escapes them as JSON does; CSV is data for programs and is written as
/// stored, as psql's CSV is.
public struct Renderer: Sendable {
    public var format: OutputFormat
    public var expanded: Bool
    /// How bar charts are drawn in aligned output (width, Unicode or ASCII).
    public var chartStyle: BarChart.Style

    public init(format: OutputFormat = .aligned, expanded: Bool = false, chartStyle: BarChart.Style = BarChart.Style()) {
        self.format = format
        self.expanded = expanded
        self.chartStyle = chartStyle
    }

    public func render(_ output: CommandOutput) -> String {
        switch output {
        case .nothing: return ""
        case .message(let text): return TerminalText.escaped(text, keepingLineBreaks: true) + "\n"
        case .table(let table):
            switch format {
            case .aligned: return expanded ? Self.expandedText(table) : Self.alignedText(table)
            case .csv: return Self.csvText(table)
            case .json: return Self.jsonText(table)
            }
        case .sections(let all):
            // Charts are for people: csv and json carry the tables their numbers come from.
            let sections = format == .aligned ? all : all.filter { $0.chart == nil }
            switch format {
            case .json:
                return "{" + sections.map { Self.jsonString($0.title) + ":" + Self.jsonText($0.table).dropLast() }
                    .joined(separator: ",\n ") + "}\n"
            case .csv:
                return sections.map { "# " + $0.title + "\n" + Self.csvText($0.table) }.joined(separator: "\n")
            case .aligned:
                return sections.filter { !$0.forProgramsOnly }.map { section in
                    if let bars = section.chart {
                        return TerminalText.escaped(section.title) + "\n" + BarChart.lines(bars, style: chartStyle).map { $0 + "\n" }.joined()
                    }
                    return TerminalText.escaped(section.title) + "\n" + (expanded ? Self.expandedText(section.table) : Self.alignedText(section.table))
                }.joined(separator: "\n")
            }
        }
    }

    // MARK: aligned

    static func width(_ text: String) -> Int { text.count }

    static func alignedText(_ table: ResultTable) -> String {
        let table = escaped(table)
        let cells = table.rows.map { $0.map { $0 ?? "" } }
        var widths = table.columns.map { width($0.name) }
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], width(cell))
            }
        }
        func pad(_ text: String, _ to: Int, right: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, to - width(text)))
            return right ? fill + text : text + fill
        }
        var lines: [String] = []
        lines.append(table.columns.enumerated().map { index, column in
            let total = widths[index] - width(column.name)
            let left = total / 2
            return " " + String(repeating: " ", count: left) + column.name + String(repeating: " ", count: total - left) + " "
        }.joined(separator: "|"))
        lines.append(widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+"))
        for row in cells {
            lines.append(row.enumerated().map { index, cell in
                let kind = table.columns[index].kind
                return " " + pad(cell, widths[index], right: kind == .number || kind == .money) + " "
            }.joined(separator: "|"))
        }
        let trimmed = lines.map { line in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
        let count = table.rows.count
        return trimmed.joined(separator: "\n") + "\n(\(count) \(count == 1 ? "row" : "rows"))\n"
    }

    static func expandedText(_ table: ResultTable) -> String {
        let table = escaped(table)
        guard !table.rows.isEmpty else { return "(0 rows)\n" }
        let nameWidth = table.columns.map { width($0.name) }.max() ?? 0
        var lines: [String] = []
        for (number, row) in table.rows.enumerated() {
            lines.append("-[ RECORD \(number + 1) ]" + String(repeating: "-", count: max(0, nameWidth - 8)))
            for (index, column) in table.columns.enumerated() {
                let name = column.name + String(repeating: " ", count: nameWidth - width(column.name))
                var line = name + " | " + (row[index] ?? "")
                while line.last == " " { line.removeLast() }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as a terminal may show it: names and cells escaped, widths then counted on
    /// what is printed.
    static func escaped(_ table: ResultTable) -> ResultTable {
        var copy = table
        for index in copy.columns.indices { copy.columns[index].name = TerminalText.escaped(copy.columns[index].name) }
        copy.rows = table.rows.map { $0.map { $0.map { TerminalText.escaped($0) } } }
        return copy
    }

    // MARK: csv

    static func csvText(_ table: ResultTable) -> String {
        func field(_ value: String?) -> String {
            guard let value else { return "" }
            let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                || value.first == " " || value.last == " "
            return needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        var lines = [table.columns.map { field($0.name) }.joined(separator: ",")]
        lines += table.rows.enumerated().map { rowIndex, row in
            row.enumerated().map { index, cell in
                field(table.kind(row: rowIndex, column: index) == .money ? cell.map(plainAmount) : cell)
            }.joined(separator: ",")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: json

    static func jsonText(_ table: ResultTable) -> String {
        let objects = table.rows.enumerated().map { rowIndex, row in
            "{" + table.columns.enumerated().map { index, column in
                jsonString(column.name) + ":" + jsonValue(row[index], table.kind(row: rowIndex, column: index))
            }.joined(separator: ",") + "}"
        }
        return "[" + objects.joined(separator: ",\n ") + "]\n"
    }

    static func jsonValue(_ value: String?, _ kind: ResultTable.Column.Kind) -> String {
        guard let value else { return "null" }
        switch kind {
        case .number where Int64(value) != nil: return value
        case .money:
            let plain = plainAmount(value)
            return plain == value ? jsonString(value) : plain
        case .boolean: return value == "t" || value == "true" || value == "yes" ? "true" : "false"
        default: return jsonString(value)
        }
    }

    /// `$1.234,56 COP` → `1234.56`, `-$45.000 CLP` → `-45000`, `$1,234.56 MXN` → `1234.56`,
    /// `UF 12,3456` → `12.3456`. The decimal mark follows the currency, as Money.formatted
    /// wrote it; text that is not such an amount comes back unchanged.
    public static func plainAmount(_ text: String) -> String {
        var rest = Substring(text)
        let negative = rest.hasPrefix("-")
        if negative { rest = rest.dropFirst() }
        var code = "CLF"
        if rest.hasPrefix("UF ") {
            rest = rest.dropFirst(3)
        } else if rest.hasPrefix("$"), let space = rest.lastIndex(of: " ") {
            code = String(rest[rest.index(after: space)...])
            rest = rest[rest.index(after: rest.startIndex)..<space]
        } else {
            return text
        }
        let decimal: Character = code == "MXN" || code == "USD" ? "." : ","
        var digits = ""
        for character in rest {
            if character.isASCII && character.isNumber { digits.append(character) }
            else if character == decimal { digits.append(".") }
            else if character != (decimal == "." ? "," : ".") { return text }
        }
        guard !digits.isEmpty, digits.first != "." else { return text }
        return (negative ? "-" : "") + digits
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
