import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// The import inserts the file's new debtors plainly, after leaving out by an anti-join those
/// already stored (ON CONFLICT made each one a speculative insertion). A debtor another session
/// stores at the same moment, not yet committed when the anti-join looked, makes that insert
/// fail on the debtor's key: the import then goes back to its savepoint and takes the debtor as
/// it is, as ON CONFLICT DO NOTHING did, rather than failing.
@Suite("Placement debtors stored meanwhile")
struct PlacementDebtorRaceTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    @Test func aDebtorStoredByAnotherSessionMeanwhileIsTakenAsItIs() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("race-\(TestCluster.uniqueSuffix()).csv").path
        try """
            debtor_tax_id,debtor_name,number,issued,due,amount
            76.543.210-3,Uno,R-1,01/01/2026,01/02/2026,1.000
            96.543.210-8,Dos,R-2,01/01/2026,01/02/2026,1.000
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let other = try fixture.connect(fixture.collector)
        try other.query("BEGIN")
        try other.query("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', '76543210-3', 'Uno guardado')",
                        [fixture.acme])

        let outcome = ImportOutcome()
        let finished = DispatchGroup()
        finished.enter()
        let fixture = self.fixture
        Thread {
            defer { finished.leave() }
            do {
                let admin = try fixture.session(fixture.admin)
                outcome.set(.success(try admin.placements.importFile(at: path, client: "ACME", skipInvalid: false)))
            } catch {
                outcome.set(.failure(error))
            }
        }.start()

        // The import waits on the uncommitted debtor's key; only then is it committed.
        var waited = 0
        while try fixture.db.asSuperuser({ su in
            try su.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                .first!.decode("n", as: Int.self)
        }) == 0 {
            waited += 1
            #expect(waited < 200, "the import never waited on the debtor's key")
            if waited >= 200 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try other.query("COMMIT")
        finished.wait()

        let result = try #require(outcome.value)
        let imported = try result.get()
        #expect(imported.invoices == 2)
        #expect(imported.newDebtors == 1)
        let names: [String] = try fixture.db.asSuperuser { su in
            try su.query("SELECT name FROM cobranza.debtor WHERE tenant_id = $1 ORDER BY tax_id", [fixture.acme]).rows.map { try $0.decode("name") }
        }
        #expect(names == ["Uno guardado", "Dos"])
    }
}

/// What the import's thread returned.
private final class ImportOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<Placements.Outcome, any Error>?
    func set(_ value: Result<Placements.Outcome, any Error>) { lock.withLock { stored = value } }
    var value: Result<Placements.Outcome, any Error>? { lock.withLock { stored } }
}
