import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Eight sessions at once, each on its own connection and thread, as eight collectors and
/// admins would be: totals stay exact to the unit and invoice numbers have no gap or repeat.
/// Every session is a person's own login role, so it runs under what 0015 gives its kind
/// (collectors 10 connections, admins 20; staff's idle-in-transaction timeout), and all of a
/// test's sessions are open before any of them starts (`simultaneously`).
@Suite("Payments under concurrency")
struct PaymentConcurrencyTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    @Test func eightSessionsPayingTheSameCasesWhileInvoicesAreIssued() throws {
        let cases = [try fixture.openCase(tenant: fixture.acme, amounts: [500_000, 500_000]),
                     try fixture.openCase(tenant: fixture.other, amounts: [1_000_000])]
        let fixture = self.fixture
        let perWorker = 25
        // Six collectors pay 1.001 pesos on alternating cases; two admins issue invoices meanwhile.
        let failures = simultaneously(8, prepare: { worker in
            try fixture.session(worker < 6 ? fixture.collector : fixture.admin)
        }, act: { worker, session in
            for round in 0..<perWorker {
                if worker < 6 {
                    try session.payments.record(.init(caseNumber: cases[(worker + round) % 2], amount: "1.001", ref: "W\(worker)-\(round)"))
                } else {
                    try session.feeInvoices.issue(client: nil, period: "2026-04")
                }
            }
        })
        #expect(failures.isEmpty, "\(failures)")

        let admin = try fixture.session(fixture.admin)
        try admin.feeInvoices.issue(client: nil, period: "2026-04")
        let su = try fixture.db.superuser()
        let paid = try su.query("SELECT count(*) AS n, sum(amount) AS total, sum(fee) AS fees FROM cobranza.payment").first!
        #expect(try paid.decode("n", as: Int64.self) == 6 * Int64(perWorker))
        #expect(try paid.decode("total", as: Int64.self) == 6 * Int64(perWorker) * 1_001)
        // 1.001 at 15 % is 150,15 -> 150; at 20 % 200,2 -> 200; half the payments each.
        #expect(try paid.decode("fees", as: Int64.self) == 75 * 150 + 75 * 200)
        let outstanding = try su.query(
            "SELECT sum(cobranza.case_outstanding(tenant_id, id)) AS left FROM cobranza.collection_case").first!
        #expect(try outstanding.decode("left", as: Int64.self) == 2_000_000 - 150 * 1_001)

        // Every payment billed exactly once; the invoices add up to every fee.
        let billed = try su.query(
            "SELECT count(*) AS lines, count(DISTINCT payment_id) AS payments, sum(fee) AS fees FROM cobranza.fee_document_line").first!
        #expect(try billed.decode("lines", as: Int64.self) == 150)
        #expect(try billed.decode("payments", as: Int64.self) == 150)
        #expect(try billed.decode("fees", as: Int64.self) == 75 * 150 + 75 * 200)
        let invoiced = try su.query("SELECT sum(subtotal) AS s FROM cobranza.fee_document").first!
        #expect(try invoiced.decode("s", as: Int64.self) == 75 * 150 + 75 * 200)

        // Numbers: 1..n, each once.
        let numbers = try su.query("SELECT number FROM cobranza.fee_document ORDER BY number").rows.map { try $0.decode("number", as: String.self) }
        let expected: [String] = (1...numbers.count).map { (value: Int) -> String in "F-2026-" + String(String(1_000_000 + value).dropFirst()) }
        #expect(numbers == expected)
    }

    /// Issue 15, item 4: eight sessions of one collector (under its limit of 10, all open at
    /// once) each pay 30 on a case that owes 100: 240 asked, three payments of 30 taken, and the
    /// other five refused for want of money owed; the case never goes below zero.
    @Test func eightSessionsRacingForTheLastPesoOverpayNothing() throws {
        let su = try fixture.db.superuser()
        #expect(try su.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", [fixture.collector]).first?
            .decode("rolconnlimit", as: Int32.self) == 10)
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100])
        let fixture = self.fixture
        let successes = Failures()
        let failures = simultaneously(8, prepare: { _ in try fixture.session(fixture.collector) }, act: { _, session in
            do {
                try session.payments.record(.init(caseNumber: number, amount: "30"))
                successes.append("paid")
            } catch {
                // Refused for want of money owed (or because the case just closed): expected.
                let constraint = (error as? PostgresError)?.constraint
                guard constraint == "payment_overpayment_check" || constraint == "payment_case_open_check" else { throw error }
            }
        })
        #expect(failures.isEmpty, "\(failures)")
        #expect(successes.all.count == 3)
        #expect(try su.query("SELECT sum(amount) AS s FROM cobranza.payment").first!.decode("s", as: Int64.self) == 90)
        #expect(try su.query("SELECT cobranza.case_outstanding(tenant_id, id) AS left FROM cobranza.collection_case WHERE number = $1", [number])
            .first?.decode("left", as: Int64.self) == 10)
    }

    /// Issue 15, item 4: two admins, each their own person, issue month-end invoices for every
    /// client at the same moment. Billing is one at a time (lock_billing): one issues an invoice
    /// per client, the other then finds nothing new; each fee is billed once, numbers 1 and 2.
    @Test func twoAdminsIssuingAtOnceBillEachFeeOnce() throws {
        let cases = [try fixture.openCase(tenant: fixture.acme, amounts: [500_000]),
                     try fixture.openCase(tenant: fixture.other, amounts: [500_000])]
        let collector = try fixture.session(fixture.collector)
        for round in 0..<10 {
            try collector.payments.record(.init(caseNumber: cases[round % 2], amount: "1.001", ref: "TWO-\(round)"))
        }
        let admins = [fixture.admin, try fixture.db.addPerson("admin", kind: "admin")]
        let fixture = self.fixture
        let issued = Failures()
        let failures = simultaneously(2, prepare: { worker in try fixture.session(admins[worker]) }, act: { _, session in
            for invoice in try session.feeInvoices.issue(client: nil, period: "2026-04") { issued.append(invoice.number) }
        })
        #expect(failures.isEmpty, "\(failures)")
        #expect(issued.all.sorted() == ["F-2026-000001", "F-2026-000002"], "\(issued.all)")
        let su = try fixture.db.superuser()
        let billed = try su.query(
            "SELECT count(*) AS lines, count(DISTINCT payment_id) AS payments, sum(fee) AS fees FROM cobranza.fee_document_line").first!
        #expect(try billed.decode("lines", as: Int64.self) == 10)
        #expect(try billed.decode("payments", as: Int64.self) == 10)
        // 1.001 at 15 % is 150, at 20 % 200; five payments each.
        #expect(try billed.decode("fees", as: Int64.self) == 5 * 150 + 5 * 200)
        let numbers = try su.query("SELECT number FROM cobranza.fee_document ORDER BY number").rows.map { try $0.decode("number", as: String.self) }
        #expect(numbers == ["F-2026-000001", "F-2026-000002"])
    }
}
