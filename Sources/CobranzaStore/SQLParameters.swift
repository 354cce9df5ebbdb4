import Postgres

/// Collects bound values while a query is assembled from fixed fragments, handing back the
/// `$n` placeholder for each, so optional filters never splice a value into SQL text.
struct SQLParameters {
    private(set) var values: [(any PostgresEncodable)?] = []

    mutating func bind(_ value: any PostgresEncodable) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}
