/// What a command produced, before any formatting: the renderer decides how it looks.
public enum CommandOutput: Equatable, Sendable {
    case table(ResultTable)
    case message(String)
    /// Several titled tables (`case show`): one JSON object keyed by title in json format.
    case sections([Section])
    case nothing

    public struct Section: Equatable, Sendable {
        public var title: String
        public var table: ResultTable
        /// Shown in csv and json only: data a program wants whole (a letter's full text) that
        /// would drown an aligned table; people read it with its own command (`letter show`).
        public var forProgramsOnly: Bool
        /// A bar chart (`report aging`): the reverse of `forProgramsOnly`, drawn in aligned output
        /// only, under its title; csv and json leave the section out, its numbers being in a table.
        public var chart: [BarChart.Bar]?
        public init(_ title: String, _ table: ResultTable, forProgramsOnly: Bool = false) {
            self.title = title
            self.table = table
            self.forProgramsOnly = forProgramsOnly
        }

        /// A section that is a chart: aligned output draws it, csv and json skip it.
        public static func chart(_ title: String, _ bars: [BarChart.Bar]) -> Section {
            var section = Section(title, ResultTable(columns: [], rows: []))
            section.chart = bars
            return section
        }
    }
}

/// Rows with typed columns, so csv/json can keep numbers and booleans as such.
public struct ResultTable: Equatable, Sendable {
    public struct Column: Equatable, Sendable {
        /// `money` cells hold the amount as people read it (`$1.234,56 COP`); csv and json turn
        /// it into a plain decimal (`1234.56`) for accounting systems.
        public enum Kind: Equatable, Sendable { case text, number, boolean, money }
        public var name: String
        public var kind: Kind
        public init(_ name: String, _ kind: Kind = .text) {
            self.name = name
            self.kind = kind
        }
    }

    public var columns: [Column]
    public var rows: [[String?]]
    /// A record's rows (`field`, `value`: `case show`, `statement`) hold values of different
    /// kinds in one column: the kind of each row's last cell, so a money field is a plain
    /// number in csv and json like a money column's. nil: every cell is of its column's kind.
    public var valueKinds: [Column.Kind]?

    public init(columns: [Column], rows: [[String?]], valueKinds: [Column.Kind]? = nil) {
        self.columns = columns
        self.rows = rows
        self.valueKinds = valueKinds
    }

    /// The kind of one cell: its column's, or its row's for a record's value.
    public func kind(row: Int, column: Int) -> Column.Kind {
        if let valueKinds, column == columns.count - 1, row < valueKinds.count { return valueKinds[row] }
        return columns[column].kind
    }
}
