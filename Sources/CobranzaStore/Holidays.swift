import CobranzaCore
import Foundation
import Postgres

/// A country's public holiday as the `holiday` table holds it.
public struct HolidayRecord: Sendable, Equatable {
    public var country: String
    public var day: CalendarDate
    public var name: String
    public var source: String?
    public var addedBy: String
}

/// The public holidays of each country (0055): what contact windows, the posting withdrawal
/// deadline and letters' reply dates skip. Everyone reads them; only admins add and remove a day
/// (a regional holiday, one decreed during the year), which the database enforces by its grants
/// and audits.
public struct Holidays {
    let session: Session
    var connection: Connection { session.connection }

    public func list(country: Country, year: Int?) throws -> [HolidayRecord] {
        try connection.query("""
            SELECT country::text AS country, day::text AS day, name, source, added_by::text AS added_by FROM cobranza.holiday
             WHERE country = $1 AND ($2::integer IS NULL OR extract(year FROM day) = $2::integer) ORDER BY day
            """, [country.code, year]).rows.map { row in
            HolidayRecord(country: try row.decode("country"), day: CalendarDate(parsing: try row.decode("day"))!,
                          name: try row.decode("name"), source: try row.decodeIfPresent("source"), addedBy: try row.decode("added_by"))
        }
    }

    /// The holidays of `country` from `from` through `through`: what a deadline in that span skips.
    public func days(country: Country, from: CalendarDate, through: CalendarDate) throws -> Set<CalendarDate> {
        Set(try connection.query("SELECT day::text AS day FROM cobranza.holiday WHERE country = $1 AND day BETWEEN $2::date AND $3::date",
                                 [country.code, from.description, through.description]).rows.compactMap { row in
            CalendarDate(parsing: try row.decode("day"))
        })
    }

    public func add(country: Country, day: CalendarDate, name: String, source: String?) throws -> HolidayRecord {
        try requireAdmin("add holidays")
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { throw StoreError(field: "name", "1 to 200 characters") }
        if let source, source.count > 500 { throw StoreError(field: "source", "at most 500 characters") }
        do {
            try connection.withTransaction {
                try connection.query("INSERT INTO cobranza.holiday (country, day, name, source) VALUES ($1, $2::date, $3, $4)",
                                     [country.code, day.description, name, source])
            }
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw StoreError(field: "day", "\(day) is already a holiday of \(country.code)")
        }
        return try list(country: country, year: day.year).first { $0.day == day }!
    }

    public func remove(country: Country, day: CalendarDate) throws -> HolidayRecord {
        try requireAdmin("remove holidays")
        let removed = try connection.withTransaction {
            try connection.query("""
                DELETE FROM cobranza.holiday WHERE country = $1 AND day = $2::date
                RETURNING country::text AS country, day::text AS day, name, source, added_by::text AS added_by
                """, [country.code, day.description]).first
        }
        guard let row = removed else { throw StoreError(field: "day", "\(day) is not a holiday of \(country.code)") }
        return HolidayRecord(country: try row.decode("country"), day: day, name: try row.decode("name"),
                             source: try row.decodeIfPresent("source"), addedBy: try row.decode("added_by"))
    }

    private func requireAdmin(_ what: String) throws {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can \(what)") }
    }
}

extension Session {
    public var holidays: Holidays { Holidays(session: self) }
}
