import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 17, items 3 and 4: each country's contact rules, asked by plain SQL (contact_check) and
/// enforced on every contact written (case_event_contact_rules), the holiday calendar they and
/// the legal deadlines count, and who may change it.
@Suite("Contact rules and holidays")
struct ContactRulesTests {
    let db: TestDatabase
    let admin: String
    let collector: String
    let maria: String
    /// Two Chilean clients (the same debtor may owe both), a Colombian and a Mexican one.
    let cla: Int64, clb: Int64, col: Int64, mex: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("CLA", taxID: "76123456-0")
        try db.addClient("CLB", taxID: "96543210-8")
        try db.addClient("COL", taxID: "900123456-8", country: "CO")
        try db.addClient("MEX", taxID: "GODE561231GR8", country: "MX")
        let ids = try db.asSuperuser { su in
            try ["CLA", "CLB", "COL", "MEX"].map { code -> Int64 in
                try su.query("SELECT id FROM cobranza.tenant WHERE code = $1", [code]).first!.decode("id")
            }
        }
        (cla, clb, col, mex) = (ids[0], ids[1], ids[2], ids[3])
        admin = try db.addPerson("admin", kind: "admin")
        collector = try db.addPerson("ana", kind: "collector")
        maria = try db.addPerson("maria", kind: "client", client: "CLA")
    }

    /// A case of a debtor of `tenant` with tax id `taxID` (a new debtor row unless the client
    /// has it already); returns the case id.
    func openCase(_ tenant: Int64, country: String, taxID: String) throws -> Int64 {
        try db.asSuperuser { su in try su.query("""
            WITH old AS (SELECT id FROM cobranza.debtor WHERE tenant_id = $1 AND tax_id = $3),
            new AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                    SELECT $1, $2, $3, 'Deudor' WHERE NOT EXISTS (SELECT 1 FROM old) RETURNING id),
            d AS (SELECT id FROM old UNION ALL SELECT id FROM new)
            INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
            SELECT $1, id, 'CLP', '2026-01-15' FROM d RETURNING id
            """, [tenant, country, taxID]).first!.decode("id") }
    }

    /// contact_check at a local moment of `zone`: the refusing rule's code and the moment allowed
    /// on the same clock (nil: allowed; "never": no moment).
    func check(_ tenant: Int64, _ caseID: Int64, _ kind: String, _ local: String, zone: String = "America/Santiago") throws -> Answer {
        let connection = try db.connect(as: collector)
        let row = try connection.query("""
            SELECT split_part(c.rule, ' ', 1) AS rule,
                   CASE WHEN c.rule IS NULL THEN NULL WHEN c.allowed_at IS NULL THEN 'never'
                        ELSE to_char(c.allowed_at AT TIME ZONE $5, 'YYYY-MM-DD HH24:MI') END AS allowed
              FROM cobranza.contact_check($1, $2, $3, $4::timestamp AT TIME ZONE $5) c
            """, [tenant, caseID, kind, local, zone]).first!
        return Answer(rule: try row.decodeIfPresent("rule"), allowed: try row.decodeIfPresent("allowed"))
    }

    struct Answer: Equatable, CustomStringConvertible {
        var rule: String?
        var allowed: String?
        static let allowed = Answer(rule: nil, allowed: nil)
        static func refused(_ rule: String, _ allowed: String) -> Answer { Answer(rule: rule, allowed: allowed) }
        var description: String { "\(rule ?? "allowed") \(allowed ?? "")" }
    }

    /// A contact written by `user` with plain SQL at the pinned moment `at` (as_of syntax): nil
    /// when it was written, else the database's refusal.
    func log(_ user: String, _ tenant: Int64, _ caseID: Int64, _ kind: String, at: String, override: String? = nil) throws -> PostgresError? {
        let connection = try db.connect(as: user)
        try connection.query("SELECT set_config('cobranza.as_of', $1, false)", [at])
        var parameters: [(any PostgresEncodable)?] = [tenant, caseID, kind, kind == "call" ? "no-answer" : nil]
        if let override { parameters.append(override) }
        return refusal(connection, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome\(override == nil ? "" : ", rule_override"))
            VALUES ($1, $2, $3, $4\(override == nil ? "" : ", $5"))
            """, parameters)
    }

    /// 0119: a debtor's contacts are found from the debtor (its cases, then their events), never
    /// from every client's contacts of the period. 0075 forced index lookups, but the plan could
    /// still start from the moment index and keep the debtor's rows: each contact written read all
    /// the contacts of the week before it, and a run writing 500 letters read 125,000 events
    /// (100,000 letters, 5·10⁹). auto_explain shows the plans of the lookup as ten debtors are
    /// contacted one after another.
    @Test func aDebtorsContactsAreFoundFromTheDebtor() throws {
        let cases = try (0..<10).map { _ in try openCase(cla, country: "CL", taxID: TestCluster.randomRUT()) }
        try db.asSuperuser { su in
            for setting in ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
                            "auto_explain.log_nested_statements = on"] {
                try su.query("ALTER ROLE \"\(collector)\" SET \(setting)")
            }
        }
        let ana = try db.connect(as: collector)
        try ana.query("SET client_min_messages = log")
        for (n, caseID) in cases.enumerated() {
            try ana.query("SELECT set_config('cobranza.as_of', $1, false)", ["2026-12-07T09:\(10 + n)"])
            try ana.query("INSERT INTO cobranza.case_event (tenant_id, case_id, kind) VALUES ($1, $2, 'email')", [cla, caseID])
        }
        let lookups = ana.takeNotices().map(\.message).filter { $0.contains("JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id") }
        #expect(lookups.count >= 10, "auto_explain showed the lookups")
        for plan in lookups {
            #expect(!plan.contains("case_event_contact_moment_idx"), "\(plan)")
        }
    }

    /// 0121: a debtor's zone is worked out in the query that asks for it. The function pinned its
    /// search_path, and a function with a setting is never inlined: each call saved and restored
    /// the setting, 2 µs, twice per case of a run (about 0.35 s of 100,000 cases). Its body names
    /// nothing a caller could shadow (a CASE on text), and the same answers come back.
    @Test func aDebtorsZoneIsWorkedOutInTheQuery() throws {
        let ana = try db.connect(as: collector)
        let plan = try ana.query("""
            EXPLAIN (VERBOSE, COSTS OFF) SELECT cobranza.debtor_time_zone(z.country, z.zone)
              FROM (VALUES ('CL', NULL), ('MX', 'America/Tijuana')) z(country, zone)
            """).rows.map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
        #expect(!plan.contains("debtor_time_zone"), "\(plan)")
        #expect(plan.contains("America/Santiago"), "\(plan)")
        let zones = try ana.query("""
            SELECT cobranza.debtor_time_zone(z.country, z.zone) AS zone
              FROM (VALUES (1, 'CL', NULL), (2, 'CO', NULL), (3, 'MX', NULL), (4, 'MX', 'America/Tijuana'), (5, 'XX', NULL)) z(n, country, zone)
             ORDER BY z.n
            """).rows.map { try $0.decodeIfPresent("zone", as: String.self) }
        #expect(zones == ["America/Santiago", "America/Bogota", "America/Mexico_City", "America/Tijuana", nil])
    }

    // MARK: - Chile

    @Test func chileanCallsKeepTheirHoursAndSkipSundaysAndHolidays() throws {
        let id = try openCase(cla, country: "CL", taxID: TestCluster.randomRUT())
        #expect(try check(cla, id, "call", "2026-12-05 19:59") == .allowed, "Saturday before eight in the evening")
        #expect(try check(cla, id, "call", "2026-12-05 20:00") == .refused("CL-CALL-HOURS", "2026-12-07 08:00"), "Saturday 20:00: Monday, not Sunday")
        #expect(try check(cla, id, "visit", "2026-12-05 23:59") == .refused("CL-CALL-HOURS", "2026-12-07 08:00"))
        #expect(try check(cla, id, "call", "2026-12-06 00:00") == .refused("CL-CALL-HOURS", "2026-12-07 08:00"), "Sunday just after midnight")
        #expect(try check(cla, id, "call", "2026-12-07 07:59") == .refused("CL-CALL-HOURS", "2026-12-07 08:00"))
        #expect(try check(cla, id, "call", "2026-12-07 08:00") == .allowed)
        #expect(try check(cla, id, "call", "2026-12-07 20:00") == .refused("CL-CALL-HOURS", "2026-12-09 08:00"), "8 December is a holiday")
        #expect(try check(cla, id, "call", "2026-12-08 10:00") == .refused("CL-CALL-HOURS", "2026-12-09 08:00"))
        #expect(try check(cla, id, "email", "2026-12-06 10:00") == .allowed, "written contacts have no hours in Chile")
        #expect(try check(cla, id, "note", "2026-12-06 03:00") == .allowed, "a note is no contact")
        // Summer time starts on Sunday 6 September 2026 at midnight: Monday 08:00 is UTC-3.
        let connection = try db.connect(as: collector)
        let utc: String = try connection.query("""
            SELECT to_char(allowed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS t
              FROM cobranza.contact_check($1, $2, 'call', timestamptz '2026-09-05 20:30-04')
            """, [cla, id]).first!.decode("t")
        #expect(utc == "2026-09-07 11:00")
    }

    @Test func chileanFrequencyCountsTheDebtorAcrossClients() throws {
        let rut = TestCluster.randomRUT()
        let atA = try openCase(cla, country: "CL", taxID: rut)
        let atB = try openCase(clb, country: "CL", taxID: rut)
        let other = try openCase(clb, country: "CL", taxID: TestCluster.randomRUT())
        // Calls and visits: once in any 7 days, whichever client.
        #expect(try log(collector, cla, atA, "call", at: "2026-12-07T10:00") == nil)
        #expect(try check(clb, atB, "visit", "2026-12-10 10:00") == .refused("CL-CALL-WEEKLY", "2026-12-14 10:00"))
        #expect(try check(clb, atB, "call", "2026-12-14 10:00") == .allowed)
        #expect(try check(clb, other, "call", "2026-12-10 10:00") == .allowed, "another debtor is not counted")
        // Written: at least 2 days apart, at most twice in any 7 days.
        #expect(try log(collector, cla, atA, "email", at: "2026-12-07T09:00") == nil)
        #expect(try check(clb, atB, "sms", "2026-12-08 10:00") == .refused("CL-WRITTEN-GAP", "2026-12-09 09:00"))
        // The same in the database for a person with psql: a second written contact inside 2 days.
        let second = try log(collector, clb, atB, "sms", at: "2026-12-08T10:00")
        #expect(second?.constraint == "contact_rule_check")
        #expect(second?.message == "sms refused by CL-WRITTEN-GAP (written contacts at least 2 days (48 hours) apart): "
                + "next allowed Wednesday 2026-12-09 09:00 America/Santiago")
        #expect(try log(collector, clb, atB, "sms", at: "2026-12-09T09:00") == nil)
        #expect(try check(cla, atA, "whatsapp", "2026-12-11 10:00") == .refused("CL-WRITTEN-WEEKLY", "2026-12-14 09:00"))
        #expect(try check(cla, atA, "reminder", "2026-12-14 09:00") == .allowed, "a reminder is written; Monday 7 has left the week")
        let third = try log(collector, cla, atA, "whatsapp", at: "2026-12-11T10:00")
        #expect(third?.message.hasPrefix("whatsapp refused by CL-WRITTEN-WEEKLY") == true)
    }

    /// The counters follow the tax id: staff held UPDATE on it (and on the country, which picks
    /// the rule pack), so with psql a collector could give a debtor a fresh tax id and the
    /// debtor's other client could call it again inside the week (then put the old one back). No
    /// command changes either; the grants are gone (0123).
    @Test func aDebtorsTaxIDAndCountryAreNotRewrittenToDodgeTheCounters() throws {
        let rut = TestCluster.randomRUT()
        let atA = try openCase(cla, country: "CL", taxID: rut)
        let atB = try openCase(clb, country: "CL", taxID: rut)
        #expect(try log(collector, cla, atA, "call", at: "2026-12-07T10:00") == nil)
        for person in [collector, admin] {
            let sql = try db.connect(as: person)
            let debtor = "(SELECT debtor_id FROM cobranza.collection_case WHERE id = $1)"
            #expect(refusal(sql, "UPDATE cobranza.debtor SET tax_id = $2 WHERE id = \(debtor)", [atA, TestCluster.randomRUT()])?.sqlState
                    == .insufficientPrivilege)
            #expect(refusal(sql, "UPDATE cobranza.debtor SET country = 'MX' WHERE id = \(debtor)", [atA])?.sqlState == .insufficientPrivilege)
            // What the shell edits stays open to them.
            #expect(try sql.query("UPDATE cobranza.debtor SET name = 'Deudor Uno', email = 'pagos@example.cl' WHERE id = \(debtor)", [atA])
                .affectedRows == 1)
        }
        #expect(try check(clb, atB, "call", "2026-12-09 10:00") == .refused("CL-CALL-WEEKLY", "2026-12-14 10:00"))
    }

    @Test func aSundayCallIsRefusedByTheDatabaseAndOnlyAnAdminOverridesItAudited() throws {
        let id = try openCase(cla, country: "CL", taxID: TestCluster.randomRUT())
        let sunday = try log(collector, cla, id, "call", at: "2026-12-06T11:00")
        #expect(sunday?.constraint == "contact_rule_check")
        #expect(sunday?.message == "call refused by CL-CALL-HOURS (calls and visits Monday–Saturday 08:00–20:00, never on a public holiday): "
                + "next allowed Monday 2026-12-07 08:00 America/Santiago")
        // A collector cannot name the override column; an admin can, once, with a reason.
        #expect(try log(collector, cla, id, "call", at: "2026-12-06T11:00", override: "debtor asked")?.sqlState == .insufficientPrivilege)
        #expect(try log(admin, cla, id, "call", at: "2026-12-06T11:00", override: "the debtor asked for a Sunday call") == nil)
        #expect(try log(admin, cla, id, "note", at: "2026-12-06T11:00", override: "x")?.constraint == "case_event_rule_override_check")
        let audited = try db.superuser().query("""
            SELECT who::text AS who FROM cobranza.audit_log
             WHERE table_name = 'case_event' AND after::text LIKE '%the debtor asked for a Sunday call%'
            """).rows
        #expect(try audited.map { try $0.decode("who", as: String.self) } == [admin])
        // The overridden call counts: the next one waits its week, and then for Monday (Sunday
        // 13th at 11:00, a week on, is itself closed): every rule agrees on the moment given.
        #expect(try check(cla, id, "call", "2026-12-09 10:00") == .refused("CL-CALL-WEEKLY", "2026-12-14 08:00"))
    }

    /// Two contacts of one debtor written at once (two clients' collectors) are judged one after
    /// the other: the second waits for the first and then counts it (0056).
    @Test func twoContactsOfOneDebtorAtOnceAreJudgedOneAfterTheOther() throws {
        let rut = TestCluster.randomRUT()
        let atA = try openCase(cla, country: "CL", taxID: rut)
        let atB = try openCase(clb, country: "CL", taxID: rut)
        let first = try db.connect(as: collector)
        try first.query("SELECT set_config('cobranza.as_of', '2026-12-07T10:00', false)")
        try first.query("BEGIN")
        try first.query("INSERT INTO cobranza.case_event (tenant_id, case_id, kind) VALUES ($1, $2, 'email')", [cla, atA])
        let second = try db.connect(as: collector)
        try second.query("SELECT set_config('cobranza.as_of', '2026-12-07T10:05', false)")
        try second.query("SET lock_timeout = '300ms'")
        let sql = "INSERT INTO cobranza.case_event (tenant_id, case_id, kind) VALUES ($1, $2, 'sms')"
        #expect(refusal(second, sql, [clb, atB])?.sqlState == .lockNotAvailable, "the second waits for the first")
        try first.query("COMMIT")
        #expect(refusal(second, sql, [clb, atB])?.message.hasPrefix("sms refused by CL-WRITTEN-GAP") == true)
    }

    /// The database's last word holds for a statement of many contacts too: each row is judged
    /// against the contacts before it, those of the same statement included, and the refusal names
    /// the rule and the next moment as for one row.
    @Test func aMultiRowInsertByPlainSQLIsJudgedRowByRow() throws {
        let rut = TestCluster.randomRUT()
        let atA = try openCase(cla, country: "CL", taxID: rut)
        let atB = try openCase(clb, country: "CL", taxID: rut)
        let other = try openCase(clb, country: "CL", taxID: TestCluster.randomRUT())
        let ana = try db.connect(as: collector)
        try ana.query("SELECT set_config('cobranza.as_of', '2026-12-07T10:00', false)")
        let refused = refusal(ana, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind)
            VALUES ($1, $2, 'email'), ($3, $4, 'email'), ($3, $5, 'sms')
            """, [cla, atA, clb, other, atB])
        #expect(refused?.constraint == "contact_rule_check")
        #expect(refused?.message == "sms refused by CL-WRITTEN-GAP (written contacts at least 2 days (48 hours) apart): "
                + "next allowed Wednesday 2026-12-09 10:00 America/Santiago")
        let written: Int = try db.superuser().query("SELECT count(*)::int AS n FROM cobranza.case_event WHERE case_id = ANY ($1::bigint[])",
                                                    ["{\(atA),\(atB),\(other)}"]).first!.decode("n")
        #expect(written == 0, "a refused statement writes none of its rows")
        // A Sunday: the note goes, the call does not.
        try ana.query("SELECT set_config('cobranza.as_of', '2026-12-06T11:00', false)")
        let sunday = refusal(ana, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome) VALUES ($1, $2, 'note', NULL), ($1, $2, 'call', 'no-answer')
            """, [cla, atA])
        #expect(sunday?.message.hasPrefix("call refused by CL-CALL-HOURS") == true)
        #expect(sunday?.message.hasSuffix("next allowed Monday 2026-12-07 08:00 America/Santiago") == true)
    }

    /// contact_checks (0090) judges a set of contacts at once, asking contact_check only for the
    /// few that are not plainly allowed: its answers are contact_check's, row for row, across
    /// countries, kinds, hours, holidays and a debtor contacted recently.
    @Test func contactChecksAnswersAsContactCheckRowByRow() throws {
        let rut = TestCluster.randomRUT()
        let atA = try openCase(cla, country: "CL", taxID: rut)
        _ = try openCase(clb, country: "CL", taxID: rut)
        _ = try openCase(clb, country: "CL", taxID: TestCluster.randomRUT())
        _ = try openCase(col, country: "CO", taxID: "900123456-8")
        _ = try openCase(mex, country: "MX", taxID: "GODE561231GR8")
        #expect(try log(collector, cla, atA, "email", at: "2026-12-07T09:00") == nil)
        #expect(try log(collector, cla, atA, "call", at: "2026-12-07T09:30") == nil)
        let ana = try db.connect(as: collector)
        let row = try ana.query("""
            WITH asked AS MATERIALIZED (
                SELECT row_number() OVER (ORDER BY c.tenant_id, c.id, k.kind, m.at)::bigint AS key, c.tenant_id, c.id AS case_id, k.kind, m.at
                  FROM cobranza.collection_case c
                 CROSS JOIN unnest(ARRAY['email', 'sms', 'whatsapp', 'reminder', 'letter', 'call', 'visit', 'note']) k(kind)
                 CROSS JOIN unnest(ARRAY[timestamptz '2026-12-06 11:00-03', '2026-12-07 07:30-03', '2026-12-07 10:00-03',
                                         '2026-12-07 21:00-03', '2026-12-08 10:00-03', '2026-12-09 10:00-03', '2026-12-10 10:00-05',
                                         '2026-12-16 10:00-03', '2026-12-19 09:00-06']) m(at)
                 WHERE c.tenant_id = ANY ($1::bigint[])),
            together AS (
                SELECT s.* FROM cobranza.contact_checks(
                    (SELECT array_agg(a.key ORDER BY a.key) FROM asked a), (SELECT array_agg(a.tenant_id ORDER BY a.key) FROM asked a),
                    (SELECT array_agg(a.case_id ORDER BY a.key) FROM asked a), (SELECT array_agg(a.kind ORDER BY a.key) FROM asked a),
                    (SELECT array_agg(a.at ORDER BY a.key) FROM asked a)) s),
            alone AS (SELECT a.key, r.rule, r.allowed_at FROM asked a CROSS JOIN LATERAL cobranza.contact_check(a.tenant_id, a.case_id, a.kind, a.at) r)
            SELECT (SELECT count(*)::int FROM asked) AS asked,
                   (SELECT count(*)::int FROM together) AS answered,
                   (SELECT count(*)::int FROM alone WHERE rule IS NOT NULL) AS refused,
                   (SELECT count(*)::int FROM alone WHERE rule IS NULL) AS allowed,
                   (SELECT count(*)::int FROM alone o LEFT JOIN together t ON t.key = o.key
                     WHERE t.key IS NULL OR (o.rule, o.allowed_at) IS DISTINCT FROM (t.rule, t.allowed_at)) AS differ
            """, ["{\(cla),\(clb),\(col),\(mex)}"]).first!
        #expect(try row.decode("asked", as: Int.self) == 5 * 8 * 9)
        #expect(try row.decode("answered", as: Int.self) == 5 * 8 * 9)
        #expect(try row.decode("refused", as: Int.self) > 50)
        #expect(try row.decode("allowed", as: Int.self) > 50)
        #expect(try row.decode("differ", as: Int.self) == 0)
    }

    // MARK: - Colombia

    @Test func colombiaContactsOnlyThroughAuthorisedChannelsInItsHoursOnceADayOneChannelAWeek() throws {
        let id = try openCase(col, country: "CO", taxID: "900123456-8")
        let bogota = { (kind: String, local: String) in try check(col, id, kind, local, zone: "America/Bogota") }
        #expect(try bogota("email", "2026-12-07 10:00") == .refused("CO-AUTHORISED-CHANNELS", "never"))
        #expect(try bogota("visit", "2026-12-07 10:00") == .refused("CO-NO-VISITS", "never"))
        let ana = try db.connect(as: collector)
        let debtor: Int64 = try ana.query("SELECT id FROM cobranza.debtor WHERE tenant_id = $1", [col]).first!.decode("id")
        try ana.query("""
            INSERT INTO cobranza.contact_authorisation (tenant_id, debtor_id, channel, authorised_on, source)
            VALUES ($1, $2, 'email', '2026-12-01', 'formulario firmado'), ($1, $2, 'sms', '2026-12-01', 'formulario firmado')
            """, [col, debtor])
        #expect(try bogota("call", "2026-12-07 10:00") == .refused("CO-AUTHORISED-CHANNELS", "never"))
        #expect(try bogota("email", "2026-12-07 06:59") == .refused("CO-HOURS", "2026-12-07 07:00"))
        #expect(try bogota("email", "2026-12-07 07:00") == .allowed)
        #expect(try bogota("reminder", "2026-12-07 07:00") == .allowed, "a reminder goes by an authorised written channel")
        #expect(try bogota("email", "2026-12-07 19:00") == .refused("CO-HOURS", "2026-12-09 07:00"), "8 December is a holiday in Colombia too")
        #expect(try bogota("email", "2026-12-05 14:59") == .allowed)
        #expect(try bogota("email", "2026-12-05 15:00") == .refused("CO-HOURS", "2026-12-07 07:00"))
        #expect(try bogota("sms", "2026-12-06 10:00") == .refused("CO-HOURS", "2026-12-07 07:00"), "never on a Sunday")
        // One contact a day; one channel in any 7 days.
        #expect(try log(collector, col, id, "email", at: "2026-12-07T08:00-05") == nil)
        #expect(try bogota("email", "2026-12-07 10:00") == .refused("CO-DAILY", "2026-12-09 07:00"))
        #expect(try bogota("email", "2026-12-09 10:00") == .allowed)
        #expect(try bogota("sms", "2026-12-09 10:00") == .refused("CO-ONE-CHANNEL", "2026-12-14 08:00"))
        // The authorisation counts from its date.
        try ana.query("INSERT INTO cobranza.contact_authorisation (tenant_id, debtor_id, channel, authorised_on, source) VALUES ($1, $2, 'call', '2026-12-21', 'grabación')",
                      [col, debtor])
        #expect(try bogota("call", "2026-12-18 10:00") == .refused("CO-AUTHORISED-CHANNELS", "2026-12-21 07:00"))
        // An SME user cannot record an authorisation for its debtor.
        let sme = try db.connect(as: maria)
        #expect(refusal(sme, "INSERT INTO cobranza.contact_authorisation (tenant_id, debtor_id, channel, authorised_on, source) VALUES ($1, $2, 'whatsapp', '2026-12-01', 'x')",
                        [col, debtor])?.sqlState == .insufficientPrivilege)
    }

    // MARK: - Mexico

    @Test func mexicoCallsWeekdaysSevenToTenOnTheDebtorsOwnClock() throws {
        let id = try openCase(mex, country: "MX", taxID: "GODE561231GR8")
        let city = { (kind: String, local: String) in try check(mex, id, kind, local, zone: "America/Mexico_City") }
        #expect(try city("call", "2026-12-07 06:59") == .refused("MX-HOURS", "2026-12-07 07:00"))
        #expect(try city("call", "2026-12-07 21:59") == .allowed)
        #expect(try city("letter", "2026-12-07 22:00") == .refused("MX-HOURS", "2026-12-08 07:00"))
        #expect(try city("call", "2026-12-05 10:00") == .refused("MX-HOURS", "2026-12-07 07:00"), "Saturday")
        #expect(try city("call", "2026-11-16 10:00") == .refused("MX-HOURS", "2026-11-17 07:00"), "Revolution Day, third Monday of November")
        // A debtor in Tijuana is called on Tijuana's clock.
        try db.asSuperuser { try $0.query("UPDATE cobranza.debtor SET time_zone = 'America/Tijuana' WHERE tenant_id = $1", [mex]) }
        #expect(try check(mex, id, "call", "2026-12-07 06:30", zone: "America/Tijuana") == .refused("MX-HOURS", "2026-12-07 07:00"))
        #expect(try city("call", "2026-12-07 08:30") == .refused("MX-HOURS", "2026-12-07 09:00"), "08:30 in Mexico City is 06:30 in Tijuana")
        // Only a zone of the debtor's country.
        #expect(refusal(try db.connect(as: collector), "UPDATE cobranza.debtor SET time_zone = 'America/Santiago' WHERE tenant_id = $1", [mex])?
            .constraint == "debtor_time_zone_check")
    }

    // MARK: - Holidays

    /// The lookup every contact makes plans index lookups even where case_event's statistics
    /// say it is empty (a new installation): a plan cached on an empty table scanned the whole
    /// table once per contact, and the strategy bench's run of 100,000 contacts never ended.
    @Test func aDebtorsContactsAreLookedUpByIndexWhateverTheStatistics() throws {
        let su = try db.superuser()
        try su.query("ANALYZE cobranza.case_event")
        try su.query("LOAD 'auto_explain'")
        for setting in ["auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on", "auto_explain.log_level = notice"] {
            try su.query("SET " + setting)
        }
        _ = su.takeNotices()
        // Past the five custom plans, to the generic one PL/pgSQL then keeps.
        for _ in 0..<8 {
            try su.query("""
                SELECT count(*) FROM cobranza.debtor_contacts('CL', '11111111-1', ARRAY['email'], now() - interval '7 days', now())
                """)
        }
        let plans = su.takeNotices().map(\.message).filter { $0.contains("case_event") }
        #expect(plans.count >= 8, "auto_explain showed the lookup's plans: \(plans.count)")
        #expect(plans.allSatisfy { !$0.contains("Seq Scan") }, "\(plans.last ?? "")")
    }

    @Test func theHolidaySeedIsTheNationalRulesPlusChilesIndigenousPeoplesDay() throws {
        let su = try db.superuser()
        for country in [Country.chile, .colombia, .mexico] {
            for year in [2026, 2027] {
                let stored = Set(try su.query("SELECT day::text AS d FROM cobranza.holiday WHERE country = $1 AND extract(year FROM day) = $2",
                                              [country.code, year]).rows.map { CalendarDate(parsing: try $0.decode("d"))! })
                var expected = NationalHolidays.holidays(year: year, in: country)
                if country == .chile { expected.insert(CalendarDate(year: year, month: 6, day: 21)!) }
                #expect(stored == expected, "\(country.code) \(year)")
            }
        }
    }

    @Test func onlyAnAdminAddsOrRemovesAHolidayAndItIsAudited() throws {
        let ana = try db.connect(as: collector)
        #expect(refusal(ana, "INSERT INTO cobranza.holiday (country, day, name) VALUES ('CL', '2026-06-07', 'x')")?.sqlState == .insufficientPrivilege)
        #expect(refusal(ana, "DELETE FROM cobranza.holiday WHERE country = 'CL' AND day = '2026-12-08'")?.sqlState == .insufficientPrivilege)
        #expect(refusal(try db.connect(as: maria), "DELETE FROM cobranza.holiday WHERE country = 'CL'")?.sqlState == .insufficientPrivilege)
        let boss = try db.connect(as: admin)
        #expect(refusal(boss, "INSERT INTO cobranza.holiday (country, day, name, added_by) VALUES ('CL', '2026-06-07', 'x', 'someone')")?
            .sqlState == .insufficientPrivilege, "who added it is the database's")
        let session = try Session(connection: boss)
        #expect(throws: StoreError("only agency admins can add holidays")) {
            try Session(connection: ana).holidays.add(country: .chile, day: CalendarDate(year: 2026, month: 6, day: 7)!, name: "x", source: nil)
        }
        let added = try session.holidays.add(country: .chile, day: CalendarDate(year: 2026, month: 6, day: 7)!,
                                             name: "Asalto y Toma del Morro de Arica", source: "Ley 20.663")
        #expect(added.addedBy == admin)
        _ = try session.holidays.remove(country: .chile, day: CalendarDate(year: 2026, month: 6, day: 7)!)
        let trail = try db.superuser().query("""
            SELECT operation FROM cobranza.audit_log WHERE table_name = 'holiday' AND who = $1 ORDER BY id
            """, [admin]).rows.map { try $0.decode("operation", as: String.self) }
        #expect(trail == ["INSERT", "DELETE"])
    }

    /// Done when: a withdrawal deadline across 2026-12-08 (CL) moves a day.
    @Test func aWithdrawalDeadlineAcrossAChileanHolidayMovesADay() throws {
        let su = try db.superuser()
        let id = try openCase(cla, country: "CL", taxID: TestCluster.randomRUT())
        try su.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent)
            VALUES ($1, 1, '2026-01-01', 1500, 2500, 1900, true)
            """, [cla])
        try su.query("""
            INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id)
            SELECT tenant_id, debtor_id, 'CLP', 'accepted', id FROM cobranza.collection_case WHERE id = $1
            """, [id])
        try su.query("""
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
            SELECT s.tenant_id, s.id, s.debtor_id, 'F-1', '2026-09-01', '2026-10-01', 100000, 'CLP', s.case_id
              FROM cobranza.submission s WHERE s.case_id = $1
            """, [id])
        let ana = try db.connect(as: collector)
        try ana.query("SELECT set_config('cobranza.as_of', '2026-11-01', false)")
        try ana.query("INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [cla, id])
        try ana.query("SELECT set_config('cobranza.as_of', '2026-11-20', false)")
        try ana.query("UPDATE cobranza.posting SET published_on = '2026-11-20', registry = 'DICOM' WHERE tenant_id = $1", [cla])
        // Paid on Thursday 3 December: 7 business days were Monday 14; the 8th is a holiday.
        try ana.query("SELECT set_config('cobranza.as_of', '2026-12-03', false)")
        let number: String = try su.query("SELECT number FROM cobranza.collection_case WHERE id = $1", [id]).first!.decode("number")
        try Session(connection: ana).payments.record(.init(caseNumber: number, amount: "100.000"))
        let due: String = try ana.query("SELECT withdrawal_due::text AS d FROM cobranza.posting WHERE tenant_id = $1", [cla]).first!.decode("d")
        #expect(due == "2026-12-15")
        #expect(try ana.query("SELECT cobranza.add_business_days('2026-12-03', 7)::text AS d").first!.decode("d", as: String.self) == "2026-12-14")
        // Swift counts the same days with the same holidays.
        let holidays = try Session(connection: ana).holidays.days(country: .chile, from: CalendarDate(year: 2026, month: 1, day: 1)!,
                                                                  through: CalendarDate(year: 2027, month: 12, day: 31)!)
        #expect(PostingRules.withdrawalDeadline(closedOn: CalendarDate(year: 2026, month: 12, day: 3)!, holidays: holidays).description == due)
        var day = CalendarDate(year: 2026, month: 1, day: 1)!
        var swift: [String] = [], sql: [String] = []
        while day.year == 2026 {
            swift.append(day.adding(businessDays: 7, skipping: holidays).description)
            sql.append(try ana.query("SELECT cobranza.add_business_days($1::date, 7, 'CL')::text AS d", [day.description]).first!.decode("d"))
            day = day.adding(days: 5)
        }
        #expect(swift == sql)
    }

    @Test func aLettersReplyDeadlineMovesAcrossAHolidayAnAdminAdds() throws {
        let fixture = try PaymentFixture()
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        // Sent on Thursday 2 April 2026 with 10 days: Sunday 12, so Monday 13.
        #expect(try ana.letters.render(caseNumber: number, level: .friendly).contains("13 de abril de 2026"))
        _ = try fixture.session(fixture.admin).holidays.add(country: .chile, day: CalendarDate(year: 2026, month: 4, day: 13)!,
                                                            name: "feriado regional de prueba", source: nil)
        let moved = try ana.letters.render(caseNumber: number, level: .friendly)
        #expect(moved.contains("14 de abril de 2026") && !moved.contains("13 de abril de 2026"))
    }
}
