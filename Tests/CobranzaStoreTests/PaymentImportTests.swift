import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 20, item 5: a bank file is judged whole, set-wise, before anything is written, and
/// then recorded through the same triggers in file order.
@Suite("Payment import set-wise")
struct PaymentImportTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    func count(_ sql: String) throws -> Int64 {
        try fixture.db.asSuperuser { try $0.query(sql).first!.decode("n") }
    }

    func refusal(_ lines: [String]) throws -> Payments.ImportRefusal? {
        let file = try PaymentIntegrityTests.bankFile(lines)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let ana = try fixture.session(fixture.collector)
        return #expect(throws: Payments.ImportRefusal.self) { try ana.payments.importFile(at: file) }
    }

    /// A file whose last line of 300 is bad: refused naming only that line, nothing written
    /// (no payment, no claimed reference, no audit row).
    @Test func aBadLastLineIsRefusedWithNothingWritten() throws {
        let cases = try (0..<3).map { _ in try fixture.openCase(tenant: fixture.acme, amounts: [10_000_000]) }
        let audit = try count("SELECT count(*) AS n FROM cobranza.audit_log")
        var lines = (0..<299).map { "\(cases[$0 % 3]),1.000,2026-03-\(10 + $0 % 10),TRF-\($0)" }
        lines.append("C-2026-999999,1.000,2026-03-10,TRF-LAST")
        let refused = try #require(try refusal(lines))
        #expect(refused.count == 1)
        #expect(refused.description == "nothing imported: 1 problem(s)\n  line 301: case: no case C-2026-999999", "\(refused)")
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment") == 0)
        #expect(try count("SELECT count(*) AS n FROM cobranza.received_transfer") == 0)
        #expect(try count("SELECT count(*) AS n FROM cobranza.audit_log") == audit)
    }

    /// Lines of one case add up past what it owes: the line that crosses is refused with what
    /// the earlier lines leave outstanding, before anything is written; a line after the one
    /// that pays the case off finds it closed, as it would recorded alone.
    @Test func anOverpaymentAcrossLinesOfOneCaseIsCaught() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let other = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let refused = try #require(try refusal([
            "\(number),60.000,2026-03-10,A-1",
            "\(other),100.000,2026-03-10,A-2",
            "\(number),50.000,2026-03-11,A-3",
            "\(other),1.000,2026-03-12,A-4",
        ]))
        #expect(refused.description == """
            nothing imported: 2 problem(s)
              line 4: payment of $50.000 is more than the $40.000 outstanding on case \(number)
              line 5: case \(other) is closed (paid): payments are recorded on open cases
            """, "\(refused)")
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment") == 0)
    }

    /// Every line is judged, not only the first bad one: a thousand bad lines are counted, the
    /// first fifty listed in line order.
    @Test func everyBadLineIsCountedAndTheFirstFiftyListed() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let refused = try #require(try refusal((0..<1_000).map { "\(number),x\($0),2026-03-10,B-\($0)" }))
        #expect(refused.count == 1_000 && refused.problems.count == 50)
        #expect(refused.problems.first?.place == "line 2" && refused.problems.last?.place == "line 51")
        #expect(refused.description.hasSuffix("\n  … and 950 more"))
    }

    /// A reference repeated within the file names the earlier line and the payment it would
    /// have made; one the database holds names that payment; the same transfer is skipped.
    @Test func referencesAreJudgedAgainstTheFileAndTheDatabase() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "5.000", date: CalendarDate(parsing: "2026-03-01"), ref: "HELD"))
        let refused = try #require(try refusal([
            "\(number),1.000,2026-03-10,NEW",
            "\(number),2.000,2026-03-10,NEW",
            "\(number),5.000,2026-03-02,HELD",
        ]))
        #expect(refused.description == """
            nothing imported: 2 problem(s)
              line 3: external_ref: NEW is already recorded by line 2 of this file (payment \(number)/2)
              line 4: external_ref: HELD is already recorded (payment \(number)/1: $5.000 on 2026-03-01), and this line is $5.000 on case \(number) on 2026-03-02: the same bank reference is never counted twice
            """, "\(refused)")
        let file = try PaymentIntegrityTests.bankFile(["\(number),5.000,2026-03-01,HELD", "\(number),1.000,2026-03-10,NEW"])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try ana.payments.importFile(at: file)
        #expect(outcome.recorded == 1 && outcome.alreadyRecorded.map(\.line) == [2] && outcome.alreadyRecordedCount == 1)
    }

    /// Recorded in file order through the triggers: each case's payments numbered in the order
    /// of its lines, fees frozen by payment_prepare, a case paid off closed, one audit row for
    /// the statement.
    @Test func aFileIsRecordedInFileOrderThroughTheTriggers() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let other = try fixture.openCase(tenant: fixture.other, amounts: [50_000])
        let ana = try fixture.session(fixture.collector)
        let file = try PaymentIntegrityTests.bankFile([
            "\(number),30.000,2026-03-12,R-1",
            "\(other),50.000,2026-03-10,R-2",
            "\(number),20.000,2026-03-11,R-3",
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try ana.payments.importFile(at: file)
        #expect(outcome.recorded == 3 && outcome.totals == ["CLP": 100_000] && outcome.closedCases == [other])
        let first = try ana.payments.show(PaymentReference(caseNumber: number, number: 1))
        let second = try ana.payments.show(PaymentReference(caseNumber: number, number: 2))
        #expect(first.externalRef == "R-1" && first.fee == 4_500 && second.externalRef == "R-3" && second.paidOn.description == "2026-03-11")
        let paid = try ana.payments.show(PaymentReference(caseNumber: other, number: 1))
        #expect(paid.fee == 10_000 && paid.recordedBy == fixture.collector)
        #expect(try count("SELECT count(*) AS n FROM cobranza.received_transfer WHERE external_ref IN ('R-1', 'R-2', 'R-3')") == 3)
        #expect(try count("SELECT count(*) AS n FROM cobranza.audit_log WHERE table_name = 'payment'") >= 1)
    }

    /// A line that completes a discounted agreement settles the case, as recorded alone: a
    /// later line on it finds it closed (settled), and the settlement names the payment that
    /// completed it (agreement_settle sees each payment on a case under agreement land apart).
    @Test func aFileThatCompletesADiscountedAgreementSettlesTheCaseAtTheRightPayment() throws {
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, max_discount_bp)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, 1000)
            """, [fixture.acme])
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [600_000, 400_005])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "100.005"))
        #expect(try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-05-01", discount: "10")).total == 810_000)
        let refused = try #require(try refusal(["\(number),405.000,,S-1", "\(number),405.000,,S-2", "\(number),1.000,,S-3"]))
        #expect(refused.description == """
            nothing imported: 1 problem(s)
              line 4: case \(number) is closed (settled): payments are recorded on open cases
            """, "\(refused)")
        let file = try PaymentIntegrityTests.bankFile(["\(number),405.000,,S-1", "\(number),405.000,,S-2"])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try ana.payments.importFile(at: file)
        #expect(outcome.recorded == 2 && outcome.closedCases == [number])
        let note: String = try fixture.db.asSuperuser { su in
            try su.query("SELECT e.note FROM cobranza.case_event e JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id WHERE c.number = $1 AND e.kind = 'closed'",
                         [number]).first!.decode("note")
        }
        #expect(note == "agreement 1 paid in full (payment \(number)/3); the discount of $90.000 is forgiven")
    }
}
