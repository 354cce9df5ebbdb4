import CLibpq

/// A result copied out of its PGresult, so the C memory is freed at once and exactly once and
/// the rows are plain Swift values afterwards.
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [Row]
    /// Rows touched by INSERT/UPDATE/DELETE, as libpq's PQcmdTuples reports.
    public var affectedRows: Int
    public var commandTag: String

    public var first: Row? { rows.first }

    init(copying result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let names = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let lookup = ColumnLookup(names: names)
        var rows: [Row] = []
        let rowCount = Int(PQntuples(result))
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            rows.append(Row(copying: result, row: Int32(r), columns: lookup))
        }
        self.columns = names
        self.rows = rows
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        self.commandTag = String(cString: PQcmdStatus(result))
    }
}

/// Column names shared by every row of one result.
final class ColumnLookup: Sendable {
    let names: [String]
    let index: [String: Int]
    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}

/// One row in text format; columns are read by name or position and decoded on demand.
public struct Row: Sendable {
    public let values: [String?]
    let lookup: ColumnLookup

    init(copying result: OpaquePointer, row: Int32, columns: ColumnLookup) {
        var values: [String?] = []
        values.reserveCapacity(columns.names.count)
        for c in 0..<Int32(columns.names.count) {
            if PQgetisnull(result, row, c) == 1 {
                values.append(nil)
            } else {
                values.append(String(cString: PQgetvalue(result, row, c)))
            }
        }
        self.values = values
        self.lookup = columns
    }

    public var columns: [String] { lookup.names }

    /// The raw text of a column, nil for SQL NULL. Unknown names are a programming error
    /// reported as a decoding failure rather than a crash.
    public func text(_ column: String) throws(PostgresDecodingError) -> String? {
        guard let index = lookup.index[column] else {
            throw PostgresDecodingError(type: "column \(column)", text: "no such column")
        }
        return values[index]
    }

    /// Decodes a non-null column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresDecodingError) -> T {
        guard let text = try text(column) else {
            throw PostgresDecodingError(type: "\(T.self) column \(column)", text: "NULL")
        }
        return try T(postgresText: text)
    }

    /// Decodes a nullable column.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresDecodingError) -> T? {
        guard let text = try text(column) else { return nil }
        return try T(postgresText: text)
    }
}
