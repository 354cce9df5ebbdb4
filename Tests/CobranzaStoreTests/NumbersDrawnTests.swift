import CobranzaStore
import Postgres
import Testing
import TestSupport

/// 0065: a statement inserting many submissions or cases draws its numbers in one pass (the
/// first from the counter, the rest counted on in a transaction-local setting, the counter
/// written once at the end of the statement), and they are still the counter's gapless series:
/// consecutive, continued by the next statement, given back by a rolled-back savepoint. The
/// setting is open to everyone, so the tests tamper with it as the client would, with plain SQL:
/// every such statement is refused.
@Suite("Numbers drawn per statement")
struct NumbersDrawnTests {
    let db: TestDatabase
    let maria: Connection
    let ana: Connection
    let tenant: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
        for _ in 0..<6 {
            try maria.query("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', $1, 'Deudor')", [TestCluster.randomRUT()])
        }
        tenant = try maria.query("SELECT cobranza.current_tenant() AS t").first!.decode("t")
    }

    /// `count` submissions in one statement as maria; their numbers in insert order.
    func submit(_ count: Int, extra: String = "'CLP'") throws -> [Int64] {
        try maria.query("""
            INSERT INTO cobranza.submission (debtor_id, currency)
            SELECT d.id, \(extra) FROM (SELECT id FROM cobranza.debtor ORDER BY id LIMIT 1) d, generate_series(1, $1) g
            RETURNING number
            """, [count]).rows.map { try $0.decode("number") }
    }

    func counter() throws -> Int64 {
        try db.asSuperuser { try $0.query("""
            SELECT last_value FROM cobranza.client_number_counter WHERE tenant_id = $1 AND series = 'submission'
            """, [tenant]).first!.decode("last_value") }
    }

    @Test func aStatementsNumbersFollowOnAndARolledBackSavepointGivesThemBack() throws {
        #expect(try submit(5).sorted() == [1, 2, 3, 4, 5])
        #expect(try counter() == 5)
        try maria.query("BEGIN")
        #expect(try submit(3).sorted() == [6, 7, 8])
        #expect(try submit(1) == [9])
        try maria.query("SAVEPOINT s")
        #expect(try submit(4).sorted() == [10, 11, 12, 13])
        try maria.query("ROLLBACK TO SAVEPOINT s")
        #expect(try submit(2).sorted() == [10, 11])
        try maria.query("COMMIT")
        #expect(try counter() == 11)
        #expect(try submit(1) == [12])
    }

    @Test func aSettingChangedBeforeTheStatementIsRefused() throws {
        _ = try submit(2)
        let key = "cobranza.drawn_submission_\(tenant)"
        // Ahead of the counter: a gap the series would never explain.
        try maria.query("SELECT set_config($1, '40', false)", [key])
        #expect(throws: (any Error).self) { try submit(3) }
        // Behind it: numbers already taken.
        try maria.query("SELECT set_config($1, '0', false)", [key])
        #expect(throws: (any Error).self) { try submit(3) }
        try maria.query("SELECT set_config($1, '', false)", [key])
        #expect(try submit(2).sorted() == [3, 4])
        #expect(try counter() == 4)
    }

    @Test func aSettingChangedDuringTheStatementIsRefused() throws {
        _ = try submit(2)
        let key = "cobranza.drawn_submission_\(tenant)"
        // The third row's value moves the setting on: 3, 4, then 41, 42, 43, distinct but with a gap.
        var refusal: String?
        do {
            _ = try submit(5, extra: "CASE WHEN g <> 3 OR set_config('\(key)', '40', true) IS NOT NULL THEN 'CLP' END")
        } catch { refusal = "\(error)" }
        #expect(refusal?.contains("drawn from the counter") == true, "\(refusal ?? "accepted")")
        #expect(try submit(1) == [3])
    }

    @Test func casesOfOneStatementAreNumberedOneAfterAnotherAndCannotBeSteered() throws {
        func open(_ count: Int) throws -> [String] {
            try ana.query("""
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency)
                SELECT $1, id, 'CLP' FROM cobranza.debtor WHERE tenant_id = $1 ORDER BY id LIMIT $2
                RETURNING number
                """, [tenant, count]).rows.map { try $0.decode("number") }
        }
        let first = try open(4).sorted()
        let values = first.map { Int($0.suffix(6))! }
        #expect(values == Array(values[0]..<(values[0] + 4)))
        let year = String(first[0].dropFirst(2).prefix(4))
        let stored: Int = try db.asSuperuser { try $0.query("SELECT last_value FROM cobranza.case_counter WHERE year = $1", [Int(year)!]).first!.decode("last_value") }
        #expect(stored == values.last!)
        // Close them so the same debtors may have an open case again.
        try db.asSuperuser { try $0.query("UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'withdrawn', closed_at = now() WHERE tenant_id = $1", [tenant]) }
        try ana.query("SELECT set_config($1, $2, false)", ["cobranza.drawn_case_\(year)", String(values.last! + 100)])
        #expect(throws: (any Error).self) { try open(2) }
        try ana.query("SELECT set_config($1, '', false)", ["cobranza.drawn_case_\(year)"])
        let next = try open(2).sorted().map { Int($0.suffix(6))! }
        #expect(next == [values.last! + 1, values.last! + 2])
    }
}
