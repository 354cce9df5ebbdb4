import CobranzaStore
import Postgres
import Testing
import TestSupport

/// The database's refusals are read by psql users too: they name the column, never a shell
/// flag, and carry it in the error's COLUMN field so the shell can name its own flag instead.
@Suite("Database refusals name columns")
struct DatabaseMessageTests {
    @Test func aFuturePaymentIsRefusedByColumnForPsqlAndShellAlike() throws {
        let fixture = try PaymentFixture()
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let collector = try fixture.connect(fixture.collector)
        let caseID: Int64 = try collector.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
        let error = #expect(throws: PostgresError.self) {
            try collector.query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on) VALUES ($1, $2, 1000, '2026-04-03')",
                                [fixture.acme, caseID])
        }
        #expect(error?.column == "paid_on")
        #expect(error?.message.contains("paid_on: 2026-04-03 is in the future") == true)
        #expect(StoreError(refusing: try #require(error)) == StoreError(field: "paid_on", "2026-04-03 is in the future"))
    }

    /// Every function of the schema, read from the catalog: none words a refusal as a flag.
    @Test func noFunctionSpeaksInShellFlags() throws {
        let db = try TestCluster.makeDatabase()
        let offenders = try db.superuser().query("""
            SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'cobranza'::regnamespace AND p.prosrc ~ 'MESSAGE = (format\\()?''--[a-z]'
             ORDER BY 1
            """).rows.map { try $0.decode("proname", as: String.self) }
        #expect(offenders == [])
    }
}
