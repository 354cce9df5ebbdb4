import Postgres

/// The database's refusal of `sql`, or nil if it was accepted: what an attacker with psql
/// would see, for tests that write as a person's own role.
public func refusal(_ connection: Connection, _ sql: String, _ parameters: [(any PostgresEncodable)?] = []) -> PostgresError? {
    do {
        try connection.query(sql, parameters)
        return nil
    } catch {
        return error
    }
}
