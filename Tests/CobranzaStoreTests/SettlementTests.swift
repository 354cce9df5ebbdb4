import CobranzaCore
import CobranzaStore
import Postgres
import Testing

/// Issue 16, item 6: what a case says once money moves under an agreement, and once it closes.
@Suite("Settlement and closing tell the truth")
struct SettlementTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME lets agreements give up to 10 % off.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, max_discount_bp)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, 1000)
            """, [fixture.acme])
    }

    @Test func payingOffADiscountedAgreementSettlesWithNothingOutstanding() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [600_000, 400_005])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "100.005"))
        let agreement = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-05-01", discount: "10"))
        #expect(agreement.total == 810_000)
        // Next to the original balance, what the agreement still expects.
        let before = try ana.cases.show(number)
        #expect(before.outstanding == 900_000)
        #expect(before.agreement == AgreementStanding(id: agreement.id, total: 810_000, paid: 0, status: "active"))
        #expect(before.agreement?.expects == 810_000)

        let first = try ana.payments.record(.init(caseNumber: number, amount: "405.000"))
        #expect(first.caseOutstanding == 495_000)
        #expect(first.agreementExpects == 405_000)
        #expect(first.caseCloseCode == nil)

        let last = try ana.payments.record(.init(caseNumber: number, amount: "405.000"))
        #expect(last.caseCloseCode == "settled")
        #expect(last.caseOutstanding == 0) // was 90.000: the forgiven discount read as still owed
        #expect(last.forgiven == 90_000)
        #expect(last.agreementExpects == nil)
        let after = try ana.cases.show(number)
        #expect(after.summary.closeCode == "settled")
        #expect(after.outstanding == 0)
        #expect(after.forgiven == 90_000)
        #expect(after.agreement == nil)
    }

    @Test func daysOverdueStopCountingWhenTheCaseCloses() throws {
        // One invoice due 2025-10-31, paid in full on 2026-03-02: 122 days overdue, for good.
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "100.000", date: "2026-03-02"))
        #expect(try ana.cases.show(number).summary.daysOverdue == 122)
        try ana.connection.query("SELECT set_config('cobranza.as_of', '2026-09-01', false)")
        let later = try ana.cases.show(number)
        #expect(later.summary.daysOverdue == 122)
        #expect(later.invoices.map(\.daysOverdue) == [122])
        #expect(try ana.cases.list(.init(limit: 10)).first { $0.number == number }?.daysOverdue == 122)
        // An open case goes on counting.
        let open = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        #expect(try ana.cases.show(open).summary.daysOverdue == 305)
    }
}
