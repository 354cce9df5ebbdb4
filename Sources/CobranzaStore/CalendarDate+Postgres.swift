import CobranzaCore
import Postgres

/// Dates come back from the server as ISO text (every connection runs with DateStyle=ISO), so
/// records carry `CalendarDate`s, not strings a caller would have to parse again.
extension CalendarDate: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresDecodingError) {
        guard let date = CalendarDate(parsing: text) else { throw PostgresDecodingError(type: "date", text: text) }
        self = date
    }
}
