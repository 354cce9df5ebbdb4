import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// An invoice cancelled while an instalment agreement is in force, by its client or by an upheld
/// dispute, is no longer owed, and the agreement stops asking for it: the agreement's last
/// instalments give way first, by what the cancelled part was worth under its discount. Before
/// 0122 the agreement kept asking its whole total: the debtor either paid more than it owed
/// (losing the discount on the rest) or fell "in default" on instalments for debt nobody was
/// owed any more, which frees the case for posting in the commercial registry.
@Suite("Cancelling an invoice under an agreement")
struct CancellingUnderAnAgreementTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME allows 10 % discounts from February.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, max_discount_bp)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, 1000)
            """, [fixture.acme])
    }

    @Test func aClientsCancellationComesOffTheLastInstalmentsAtTheAgreedDiscount() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        let agreed = try ana.agreements.create(.init(caseNumber: number, instalments: 3, firstDue: "2026-04-10", discount: "10"))
        #expect(agreed.total == 135_000 && agreed.instalments.map(\.amount) == [45_000, 45_000, 45_000])

        // The client takes the second invoice back with plain SQL: 50.000 no longer owed is 45.000
        // less to pay under a 10 % discount, and the third instalment is no longer asked for.
        let maria = try fixture.connect(fixture.maria)
        try maria.query("UPDATE cobranza.invoice SET cancel_reason = 'nota de crédito 12' WHERE number = $1", [numbers[1]])
        let amended = try #require(try ana.agreements.show(caseNumber: number).first)
        #expect(amended.status == "active")
        #expect(amended.owed == 100_000 && amended.total == 90_000 && amended.cancelled == 45_000 && amended.cancelledOwed == 50_000)
        #expect(amended.instalments.map(\.status) == ["open", "open", "cancelled"])
        #expect(amended.instalments.map(\.cancelled) == [0, 0, 45_000])
        // The client reads the same agreement.
        #expect(try Session(connection: maria).agreements.show(caseNumber: number).first?.total == 90_000)

        // Two instalments pay it: the case settles, the discount on what is left forgiven.
        let first = try ana.payments.record(.init(caseNumber: number, amount: "45.000"))
        #expect(first.agreementExpects == 45_000)
        let second = try ana.payments.record(.init(caseNumber: number, amount: "45.000"))
        #expect(second.caseCloseCode == "settled" && second.forgiven == 10_000)
        #expect(try ana.agreements.show(caseNumber: number).first?.status == "completed")

        // Months later nothing is in default.
        let later = try Session(connection: try fixture.db.connect(as: fixture.collector))
        try later.connection.query("SELECT set_config('cobranza.as_of', '2026-09-01', false)")
        #expect(try later.agreements.show(caseNumber: number).first?.instalments.map(\.status) == ["paid", "paid", "cancelled"])
    }

    @Test func aCancellationThatLeavesADiscountedAgreementPaidSettlesTheCase() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 3, firstDue: "2026-04-10", discount: "10"))
        _ = try ana.payments.record(.init(caseNumber: number, amount: "90.000"))
        // The 90.000 went to the first invoice; the second, unpaid, is taken back: the agreement
        // asks 45.000 less, 90.000 in all, which is paid. The discount on what is left is forgiven.
        let done = try Session(connection: try fixture.connect(fixture.maria))
            .invoiceCancellations.cancel(caseNumber: number, invoice: numbers[1], reason: "nota de crédito 13")
        #expect(done.agreement?.number == 1 && done.agreement?.less.minorUnits == 45_000 && done.agreement?.total.minorUnits == 90_000)
        #expect(done.caseClosed && done.closeCode == "settled")
        let detail = try ana.cases.show(number)
        #expect(detail.summary.closeCode == "settled" && detail.outstanding == 0 && detail.forgiven == 10_000)
        #expect(try ana.agreements.show(caseNumber: number).first?.status == "completed")
    }

    /// The agreed discount of what the agreement still covers, worked out on the whole: per
    /// cancelled invoice it would drift a unit each time (50.005 at 10 % rounds to 45.005 off).
    @Test func severalCancellationsLeaveTheDiscountOfWhatIsLeft() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [50_005, 50_005, 100_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        let agreed = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-04-10", discount: "10"))
        #expect(agreed.owed == 200_010 && agreed.total == 180_009)
        for invoice in numbers.prefix(2) {
            _ = try ana.invoiceCancellations.cancel(caseNumber: number, invoice: invoice, reason: "devolución")
        }
        let amended = try #require(try ana.agreements.show(caseNumber: number).first)
        #expect(amended.owed == 100_000 && amended.total == 90_000)
        // The collectors' report counts no default in what was cancelled, months later.
        _ = try ana.payments.record(.init(caseNumber: number, amount: "90.000"))
        let report = try ana.connection.query("""
            SELECT coalesce(sum(n) FILTER (WHERE measure = 'agreements_in_default'), 0)::bigint AS n
              FROM cobranza.collector_report('2026-01-01', '2026-12-31', '2026-12-31')
            """).first!
        #expect(try report.decode("n", as: Int64.self) == 0)
    }

    @Test func anUpheldDisputeUnderAnAgreementLowersWhatItAsks() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-04-10"))
        _ = try ana.disputes.open(caseNumber: number, reason: "mercadería devuelta", invoices: [numbers[1]])
        _ = try ana.disputes.resolve(caseNumber: number, outcome: .upheld, note: "guía de devolución")
        // No discount: the 50.000 come off the second instalment of 75.000, which still asks 25.000.
        let amended = try #require(try ana.agreements.show(caseNumber: number).first)
        #expect(amended.total == 100_000 && amended.cancelled == 50_000)
        #expect(amended.instalments.map(\.cancelled) == [0, 50_000] && amended.instalments.map(\.status) == ["open", "open"])
        // Nobody is held in default for the cancelled part: paying the 100.000 still owed completes it.
        let paid = try ana.payments.record(.init(caseNumber: number, amount: "100.000"))
        #expect(paid.caseCloseCode == "paid" && paid.caseOutstanding == 0)
        #expect(try ana.agreements.show(caseNumber: number).first?.status == "completed")
    }

    @Test func anInvoicePlacedAfterTheAgreementLeavesItAsAgreed() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let (id, _) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-04-10"))
        // A later submission joins the open case (as `case open` does, reviewed now); its
        // invoice was never part of the agreement, so cancelling it changes nothing there.
        let late: String = try fixture.db.asSuperuser { su in
            try su.query("""
                WITH s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id, reviewed_at)
                           SELECT tenant_id, debtor_id, currency, 'accepted', id, clock_timestamp() + interval '1 second'
                             FROM cobranza.collection_case WHERE id = $1 RETURNING id, tenant_id, debtor_id, case_id)
                INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                SELECT tenant_id, id, debtor_id, 'LATE-' || id, '2026-03-01', '2026-03-31', 30000, 'CLP', case_id FROM s RETURNING number
                """, [id]).first!.decode("number")
        }
        _ = try Session(connection: try fixture.connect(fixture.maria)).invoiceCancellations.cancel(caseNumber: number, invoice: late, reason: "duplicada")
        let agreement = try #require(try ana.agreements.show(caseNumber: number).first)
        #expect(agreement.total == 100_000 && agreement.cancelled == 0)
    }

    @Test func nobodyWritesWhatAnAgreementNoLongerAsksByHand() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        let agreed = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-04-10"))
        _ = try ana.invoiceCancellations.cancel(caseNumber: number, invoice: numbers[1], reason: "error de facturación")
        for user in [fixture.collector, fixture.admin, fixture.maria] {
            let sql = try fixture.connect(user)
            #expect(refusal(sql, "INSERT INTO cobranza.agreement_cancellation (tenant_id, agreement_id, invoice_id, owed, total) VALUES ($1, $2, 1, 1, 1)",
                            [fixture.acme, agreed.id]) != nil)
            #expect(refusal(sql, "UPDATE cobranza.agreement_cancellation SET total = 1") != nil)
            #expect(refusal(sql, "DELETE FROM cobranza.agreement_cancellation") != nil)
        }
        // Another client sees none of it.
        let other = try fixture.db.addPerson("olga", kind: "client", client: "OTHER")
        #expect(try fixture.connect(other).query("SELECT * FROM cobranza.agreement_cancellation").rows.isEmpty)
        #expect(try fixture.connect(fixture.maria).query("SELECT * FROM cobranza.agreement_cancellation").rows.count == 1)
    }
}
