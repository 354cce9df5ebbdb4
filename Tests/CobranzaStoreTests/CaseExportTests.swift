import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

/// `Cases.export` hands over every case, one row at a time (single-row mode), past the 10,000
/// rows `case list` stops at, and an SME's export is its own cases only (row security).
@Suite("Case export streams every case")
struct CaseExportTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    @Test func exportsMoreThanTheListLimit() throws {
        let count = 10_050
        // As many debtors of OTHER, each with a valid RUT, and a case each.
        let ruts = "{" + (1...count).map { TestCluster.rut(20_000_000 + $0) }.joined(separator: ",") + "}"
        try fixture.db.asSuperuser { su in
            try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                           SELECT $1, 'CL', r, 'Deudor ' || r FROM unnest($2::text[]) r
                           RETURNING id)
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                SELECT $1, id, 'CLP', '2026-01-15' FROM d
                """, [fixture.other, ruts])
        }
        _ = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        var numbers: [String] = []
        try fixture.session(fixture.admin).cases.export(client: "OTHER") { numbers.append($0.number) }
        #expect(numbers.count == count && numbers == numbers.sorted())
        // Every client's: one more, ACME's.
        var all = 0
        try fixture.session(fixture.admin).cases.export { _ in all += 1 }
        #expect(all == count + 1)
        // A stage narrows it; a body that throws stops the stream, and the connection goes on.
        var judicial = 0
        try fixture.session(fixture.admin).cases.export(stage: .judicial) { _ in judicial += 1 }
        #expect(judicial == 0)
        struct Enough: Error {}
        let admin = try fixture.session(fixture.admin)
        var seen = 0
        #expect(throws: Enough.self) { try admin.cases.export { _ in seen += 1; if seen == 3 { throw Enough() } } }
        #expect(try admin.cases.list(.init(limit: 1)).count == 1)
        // An SME: its own case only, whatever it asks; another client is refused.
        var mine: [String] = []
        try fixture.session(fixture.maria).cases.export { mine.append($0.client) }
        #expect(mine == ["ACME"])
        #expect(throws: StoreError.self) { try fixture.session(fixture.maria).cases.export(client: "OTHER") { _ in } }
    }
}
