import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 16, item 11: the SME's portfolio answers "how much have you got back?": by stage and
/// currency, cases, placed, recovered, outstanding, fees and net, never adding currencies; what
/// was remitted, per currency; and `case list` shows recovered and outstanding per case.
@Suite("SME portfolio")
struct PortfolioTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    func caseID(_ number: String) throws -> Int64 {
        try fixture.db.asSuperuser { try $0.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id") }
    }

    func pay(_ connection: Connection, tenant: Int64, caseNumber: String, _ amount: Int64) throws {
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
            VALUES ($1, $2, $3, cobranza.today(), 'agency', 'transfer', 'P-' || $2::text || '-' || $3::text)
            """, [tenant, try caseID(caseNumber), amount])
    }

    @Test func theSMESeesWhatWasPlacedRecoveredOwedAndCharged() throws {
        let staff = try fixture.connect(fixture.collector)
        // Open: 150.000 placed, 30.000 recovered (fee 15 %: 4.500), the 50.000 invoice cancelled by the client.
        let open = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        try pay(staff, tenant: fixture.acme, caseNumber: open, 30_000)
        let second: String = try fixture.db.asSuperuser { try $0.query("""
            SELECT i.number FROM cobranza.invoice i JOIN cobranza.collection_case c ON c.tenant_id = i.tenant_id AND c.id = i.case_id
             WHERE c.number = $1 ORDER BY i.due DESC LIMIT 1
            """, [open]).first!.decode("number") }
        let maria = try fixture.session(fixture.maria)
        _ = try maria.invoiceCancellations.cancel(caseNumber: open, invoice: second, reason: "nota de crédito")
        // Closed: 80.000 placed and paid (fee 12.000).
        let paid = try fixture.openCase(tenant: fixture.acme, amounts: [80_000])
        try pay(staff, tenant: fixture.acme, caseNumber: paid, 80_000)
        // Another client's case is not in ACME's portfolio.
        let others = try fixture.openCase(tenant: fixture.other, amounts: [999_000])
        try pay(staff, tenant: fixture.other, caseNumber: others, 9_000)
        // A remittance to ACME.
        try fixture.db.asSuperuser { try $0.query("INSERT INTO cobranza.remittance (tenant_id, amount, currency, external_ref) VALUES ($1, 90000, 'CLP', 'R-1')", [fixture.acme]) }

        let (lines, remitted) = try maria.cases.portfolio(client: nil)
        // stage, currency, cases; placed, recovered, outstanding, fees, net
        #expect(lines.map { "\($0.stage) \($0.currency) \($0.cases)" } == ["extrajudicial CLP 1", "closed CLP 1"])
        #expect(lines.map { [$0.placed, $0.recovered, $0.outstanding, $0.fees, $0.net] } == [
            [150_000, 30_000, 70_000, 4_500, 25_500],
            [80_000, 80_000, 0, 12_000, 68_000],
        ])
        #expect(remitted.map { "\($0.currency) \($0.remittances) \($0.amount)" } == ["CLP 1 90000"])
        // Staff see the same for ACME.
        #expect(try fixture.session(fixture.admin).cases.portfolio(client: "ACME").lines == lines)

        // case list: recovered and outstanding per case.
        let listed = try maria.cases.list(.init())
        #expect(listed.map(\.number).sorted() == [open, paid].sorted())
        let openLine = try #require(listed.first { $0.number == open })
        #expect(openLine.recovered == 30_000 && openLine.outstanding == 70_000)
        #expect(listed.first { $0.number == paid }.map { ($0.recovered, $0.outstanding) } ?? (0, -1) == (80_000, 0))
    }

    @Test func currenciesAreNeverAddedTogether() throws {
        // A second ACME case in UF: its own line, in its own currency.
        let clf: String = try fixture.db.asSuperuser { su in try su.query("""
            WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Deudor UF') RETURNING id),
            c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                  SELECT $1, id, 'CLF', '2026-01-15' FROM d RETURNING id, debtor_id, number),
            s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id)
                  SELECT $1, debtor_id, 'CLF', 'accepted', id FROM c RETURNING id, debtor_id, case_id),
            i AS (INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                  SELECT $1, s.id, s.debtor_id, 'UF-1', '2025-10-01', '2025-10-31', 125000, 'CLF', s.case_id FROM s RETURNING 1)
            SELECT number FROM c
            """, [fixture.acme, TestCluster.randomRUT()]).first!.decode("number") }
        _ = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let lines = try fixture.session(fixture.maria).cases.portfolio(client: nil).lines
        #expect(lines.map(\.currency) == ["CLF", "CLP"])
        #expect(lines.map(\.placed) == [125_000, 100_000])
        #expect(!clf.isEmpty)
    }
}
