import CobranzaCore
import Postgres

/// One rule of a country's contact pack as `rules show` prints it.
public struct ContactRuleRecord: Sendable, Equatable {
    public var country: String
    public var effectiveFrom: CalendarDate
    public var code: String
    /// The contact kinds it limits.
    public var kinds: [String]
    /// What it allows, in words with its numbers and windows ("Mon–Sat 08:00–20:00, never on a
    /// public holiday", "at most 2 in any 7 days").
    public var limit: String
    public var summary: String
    public var source: String
    public var notes: String?
}

/// The country rule packs (0055): each contact is asked against them by contact_check, in the
/// database, whoever writes it. Here they are only read, for `rules show`.
public struct ContactRules {
    let session: Session
    var connection: Connection { session.connection }

    /// The pack of `country` in force on `on` (today when nil), in the order the rules are asked.
    public func pack(country: Country, on: CalendarDate? = nil) throws -> [ContactRuleRecord] {
        try session.requireStaff("read the contact rules", lawyers: true)
        let day = try on ?? session.today()
        let rules = try connection.query("""
            SELECT r.country::text AS country, r.effective_from::text AS effective_from, r.code, r.kinds, r.limit_kind,
                   r.max_count, r.period_days, r.closed_on_holidays, r.summary, r.source, r.notes,
                   (SELECT string_agg(w.isodow || ' ' || to_char(w.opens, 'HH24:MI') || ' ' || to_char(w.closes, 'HH24:MI'), ',' ORDER BY w.isodow)
                      FROM cobranza.contact_rule_hours w
                     WHERE (w.country, w.effective_from, w.code) = (r.country, r.effective_from, r.code)) AS hours
              FROM cobranza.contact_rule r
             WHERE r.country = $1
               AND r.effective_from = (SELECT max(x.effective_from) FROM cobranza.contact_rule x WHERE x.country = $1 AND x.effective_from <= $2::date)
             ORDER BY r.position
            """, [country.code, day.description])
        return try rules.rows.map { row in
            let kind: String = try row.decode("limit_kind")
            let count: Int? = try row.decodeIfPresent("max_count")
            let days: Int? = try row.decodeIfPresent("period_days")
            let hours: String? = try row.decodeIfPresent("hours")
            let limit: String
            switch kind {
            case "hours":
                limit = Self.windows(hours ?? "") + (try row.decode("closed_on_holidays", as: Bool.self) ? ", never on a public holiday" : "")
            case "rolling": limit = "at most \(count ?? 0) in any \(days ?? 0) days"
            case "gap": limit = "at least \(days ?? 0) days apart"
            case "daily": limit = "at most \(count ?? 0) a day"
            case "one_channel": limit = "one channel in any \(days ?? 0) days"
            case "forbidden": limit = "never"
            default: limit = "authorised channels only"
            }
            return ContactRuleRecord(
                country: try row.decode("country"), effectiveFrom: CalendarDate(parsing: try row.decode("effective_from"))!,
                code: try row.decode("code"), kinds: try row.decode("kinds"), limit: limit, summary: try row.decode("summary"),
                source: try row.decode("source"), notes: try row.decodeIfPresent("notes"))
        }
    }

    /// "1 08:00 20:00,2 08:00 20:00,…" as "Mon–Sat 08:00–20:00": consecutive days with the same
    /// hours run together.
    static func windows(_ text: String) -> String {
        let names = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let days = text.split(separator: ",").compactMap { entry -> (Int, String)? in
            let parts = entry.split(separator: " ")
            guard parts.count == 3, let day = Int(parts[0]), (1...7).contains(day) else { return nil }
            return (day, "\(parts[1])–\(parts[2])")
        }
        var runs: [(first: Int, last: Int, hours: String)] = []
        for (day, hours) in days {
            if let last = runs.last, last.last == day - 1, last.hours == hours {
                runs[runs.count - 1].last = day
            } else {
                runs.append((day, day, hours))
            }
        }
        return runs.map { run in
            (run.first == run.last ? names[run.first] : "\(names[run.first])–\(names[run.last])") + " " + run.hours
        }.joined(separator: ", ")
    }
}

extension Session {
    public var contactRules: ContactRules { ContactRules(session: self) }
}
