import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 14, items 1 and 13: what a person with plain SQL (psql, as the role the shell uses)
/// can do to money already billed, and to bank references. The attacks connect as the role
/// and write the rows themselves; the shell is no gate (0014_payment_integrity.sql).
@Suite("Payment integrity")
struct PaymentIntegrityTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    func caseID(_ number: String) throws -> Int64 {
        try fixture.db.asSuperuser { try $0.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id") }
    }

    /// A plain INSERT of a payment on `number`, as `connection`'s role; returns its id.
    @discardableResult
    func pay(_ connection: Connection, _ number: String, _ amount: Int64, channel: String = "agency", ref: String? = nil) throws -> Int64 {
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, channel, external_ref)
            SELECT c.tenant_id, c.id, $2, $3, $4 FROM cobranza.collection_case c WHERE c.number = $1 RETURNING id
            """, [number, amount, channel, ref]).first!.decode("id")
    }

    /// A plain INSERT of the reversal of `payment`, as `connection`'s role; returns its id.
    @discardableResult
    func reverse(_ connection: Connection, _ payment: Int64) throws -> Int64 {
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, reverses_id, reason)
            SELECT p.tenant_id, p.case_id, -p.amount, p.id, 'cheque devuelto' FROM cobranza.payment p WHERE p.id = $1 RETURNING id
            """, [payment]).first!.decode("id")
    }

    func count(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws -> Int64 {
        try fixture.db.asSuperuser { try $0.query(sql, parameters).first!.decode("n") }
    }

    // MARK: - Item 1: a reversal of a billed payment always carries its credit note

    /// A collector in psql writes the reversal of a payment already on a fee invoice: without
    /// a credit note the invoice would keep billing money given back.
    @Test func aCollectorCannotReverseABilledPaymentWithPlainSQL() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        let billed = try pay(ana, number, 40_000)
        try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04")
        let refused = #expect(throws: PostgresError.self) { try reverse(ana, billed) }
        #expect(refused?.sqlState == .insufficientPrivilege)
        #expect(refused?.message.contains("the fee of payment \(number)/1 is on invoice F-2026-000001") == true)
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment WHERE reverses_id IS NOT NULL") == 0)
        // A payment not billed yet is still the collector's to reverse, and needs no credit note.
        let unbilled = try pay(ana, number, 10_000)
        try reverse(ana, unbilled)
        #expect(try count("SELECT count(*) AS n FROM cobranza.fee_document WHERE kind = 'credit_note'") == 0)
    }

    /// An admin's plain INSERT of the same reversal gets the credit note reverse_payment
    /// would have issued, so the next issue has nothing new and no standing document bills it.
    @Test func anAdminsPlainSQLReversalOfABilledPaymentIssuesItsCreditNote() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let billed = try pay(try fixture.connect(fixture.collector), number, 40_000)
        let admin = try fixture.session(fixture.admin)
        try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
        let reversal = try reverse(admin.connection, billed)
        let notes = try fixture.db.asSuperuser { su in
            try su.query("SELECT number, subtotal, vat, payment_ids::text AS ids, reason FROM cobranza.fee_document WHERE kind = 'credit_note'")
                .rows.map { "\(try $0.decode("number", as: String.self)) \(try $0.decode("subtotal", as: Int64.self)) "
                    + "\(try $0.decode("vat", as: Int64.self)) \(try $0.decode("ids", as: String.self)) \(try $0.decode("reason", as: String.self))" }
        }
        #expect(notes == ["NC-2026-000001 -6000 -1140 {\(reversal)} cheque devuelto"])
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
        #expect(try count("SELECT sum(subtotal)::bigint AS n FROM cobranza.standing_fee_document WHERE tenant_id = $1", [fixture.acme]) == 0)
        // reverse_payment, the shell's way, says which credit note the database issued.
        try pay(try fixture.connect(fixture.collector), number, 20_000)
        try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
        // The case's third payment: the billed one and its reversal came first.
        let second = PaymentReference(caseNumber: number, number: 3)
        #expect(try admin.payments.reverse(second, reason: "bounced", date: nil).creditNote == "NC-2026-000002")
    }

    /// A reversal typed in psql while an invoice is being issued: the plain INSERT takes the
    /// billing lock as reverse_payment does, so the issue waits and leaves the reversed payment
    /// out (it used to bill it from a snapshot without the reversal: money given back, billed).
    @Test func aPlainReversalDuringAnIssueLeavesNoReturnedMoneyBilled() async throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        let payment = try pay(ana, number, 40_000)
        try ana.query("BEGIN")
        try reverse(ana, payment)
        let fixture = self.fixture
        let issue = Task {
            try await offThePool { try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04").count }
        }
        try await Task.sleep(for: .milliseconds(500))
        try ana.query("COMMIT")
        #expect(try await issue.value == 0)
        #expect(try count("SELECT count(*) AS n FROM cobranza.fee_document") == 0)
    }

    // MARK: - Item 13: a bank reference names one transfer into one account

    /// Agency-channel money lands in the agency's account, whichever client it is for: one
    /// reference, one payment in the whole agency. A direct payment lands in the client's own
    /// account, so its reference is unique for that client only.
    @Test func anAgencyReferenceIsOneTransferInTheWholeAgency() throws {
        let mine = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let theirs = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        try pay(ana, mine, 10_000, ref: "TRF-77")
        let refused = #expect(throws: PostgresError.self) { try pay(ana, theirs, 10_000, ref: "TRF-77") }
        #expect(refused?.sqlState == .uniqueViolation)
        #expect(refused?.column == "external_ref")
        #expect(refused?.message == "external_ref: TRF-77 is already recorded (payment \(mine)/1); "
            + "the same bank reference is never counted twice")
        let spaced = #expect(throws: PostgresError.self) { try pay(ana, theirs, 10_000, ref: " TRF-77 ") }
        #expect(spaced?.column == "external_ref")
        try pay(ana, theirs, 10_000, channel: "direct", ref: "TRF-77")
        let again = #expect(throws: PostgresError.self) { try pay(ana, theirs, 5_000, channel: "direct", ref: "TRF-77") }
        #expect(again?.column == "external_ref")
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment WHERE external_ref = 'TRF-77'") == 2)
        // The agency's transfers are no client's to read.
        let maria = try fixture.connect(fixture.maria)
        let hidden = #expect(throws: PostgresError.self) { try maria.query("SELECT * FROM cobranza.received_transfer") }
        #expect(hidden?.sqlState == .insufficientPrivilege)
    }

    /// Adds clients GAMMA and DELTA (15 % contracts) to the fixture's two; returns the four ids.
    func fourClients() throws -> [Int64] {
        try fixture.db.addClient("GAMMA", taxID: "78123456-7")
        try fixture.db.addClient("DELTA", taxID: "79123456-5")
        return try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp)
                SELECT id, 1, '2026-01-01', 1500, 2500, 1900 FROM cobranza.tenant WHERE code IN ('GAMMA', 'DELTA')
                """)
            return try su.query("SELECT id FROM cobranza.tenant ORDER BY id").rows.map { try $0.decode("id") }
        }
    }

    /// Eight collectors import one transfer at once, on cases of four clients: it is recorded once.
    @Test func eightConcurrentImportsRecordOneTransferOnce() throws {
        let fixture = self.fixture
        let tenants = try fourClients()
        #expect(tenants.count == 4)
        let files = try (0..<8).map { worker in
            let number = try fixture.openCase(tenant: tenants[worker % 4], amounts: [100_000])
            return try Self.bankFile(["\(number),10.000,2026-04-01,TRF-1"])
        }
        defer { files.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let outcomes = Failures()
        let failures = simultaneously(8, prepare: { _ in try fixture.session(fixture.collector) }, act: { worker, session in
            do {
                let imported = try session.payments.importFile(at: files[worker])
                outcomes.append("recorded \(imported.recorded)")
            } catch {
                outcomes.append("\(error)")
            }
        })
        #expect(failures.isEmpty, "\(failures)")
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment WHERE external_ref = 'TRF-1'") == 1)
        #expect(outcomes.all.filter { $0 == "recorded 1" }.count == 1, "\(outcomes.all)")
        #expect(outcomes.all.filter { $0.contains("line 2: external_ref: TRF-1 is already recorded (payment ") }.count == 7, "\(outcomes.all)")
    }

    /// Issue 15, item 4: eight sessions of one collector (under its limit of 10, all open at once)
    /// record a payment with the same bank reference at the same moment, through the store's
    /// `payment record` path, on cases of four clients: one is recorded, and each of the other
    /// seven is refused naming the reference and the payment that holds it.
    @Test func eightConcurrentPaymentRecordsWithOneBankReferenceRecordOne() throws {
        let fixture = self.fixture
        let tenants = try fourClients()
        let cases = try (0..<8).map { worker in try fixture.openCase(tenant: tenants[worker % 4], amounts: [100_000]) }
        let recorded = Failures()
        let refused = Failures()
        let failures = simultaneously(8, prepare: { _ in try fixture.session(fixture.collector) }, act: { worker, session in
            do {
                let payment = try session.payments.record(.init(caseNumber: cases[worker], amount: "10.000", ref: "TRF-8"))
                recorded.append(payment.reference.description)
            } catch {
                guard let refusal = error as? PostgresError, refusal.column == "external_ref" else { throw error }
                refused.append(refusal.message)
            }
        })
        #expect(failures.isEmpty, "\(failures)")
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment WHERE external_ref = 'TRF-8'") == 1)
        #expect(try count("SELECT count(*) AS n FROM cobranza.received_transfer WHERE external_ref = 'TRF-8'") == 1)
        let winner = try #require(recorded.all.count == 1 ? recorded.all.first : nil, "\(recorded.all)")
        #expect(refused.all == Array(repeating: "external_ref: TRF-8 is already recorded (payment \(winner)); "
                                     + "the same bank reference is never counted twice", count: 7), "\(refused.all)")
    }

    /// A re-imported line is skipped only when it is the same payment; the same reference
    /// with another case, amount or date is an error naming the line and the payment.
    @Test func anImportSkipsOnlyTheSameTransferAndNamesBothWhenALineDiffers() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let other = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        let file = try Self.bankFile(["\(number),10.000,2026-04-01,REF-1"])
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try ana.payments.importFile(at: file).recorded == 1)
        let first = try ana.payments.show(PaymentReference(caseNumber: number, number: 1))
        #expect(first.externalRef == "REF-1")
        let again = try ana.payments.importFile(at: file)
        #expect(again.recorded == 0 && again.alreadyRecorded.map(\.line) == [2] && again.alreadyRecordedCount == 1)
        for line in ["\(number),9.000,2026-04-01,REF-1", "\(number),10.000,2026-03-31,REF-1", "\(other),10.000,2026-04-01,REF-1"] {
            let differing = try Self.bankFile([line])
            defer { try? FileManager.default.removeItem(atPath: differing) }
            let refusal = #expect(throws: Payments.ImportRefusal.self, "\(line)") { try ana.payments.importFile(at: differing) }
            #expect(refusal?.description.contains("line 2: external_ref: REF-1 is already recorded (payment \(first.reference): ") == true,
                    "\(line): \(refusal.map { "\($0)" } ?? "-")")
        }
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment") == 1)
    }

    /// The same reference twice in one file names the line and the payment its earlier line
    /// made (it used to report "current transaction is aborted": the look-up ran in the failed
    /// savepoint).
    @Test func aReferenceTwiceInOneFileNamesTheLineAndTheEarlierPayment() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let other = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        for lines in [["\(number),10.000,2026-04-01,REF-9", "\(other),5.000,2026-04-01,REF-9"],
                      ["\(number),10.000,2026-04-01,REF-9", "\(number),10.000,2026-04-01,REF-9"]] {
            let file = try Self.bankFile(lines)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let refusal = #expect(throws: Payments.ImportRefusal.self) { try ana.payments.importFile(at: file) }
            let text = refusal.map { "\($0)" } ?? "-"
            #expect(text.contains("line 3: external_ref: REF-9 is already recorded by line 2 of this file (payment "), "\(text)")
            #expect(!text.contains("aborted"), "\(text)")
        }
        #expect(try count("SELECT count(*) AS n FROM cobranza.payment") == 0)
    }

    /// A bank file with the given lines under the header `case,amount,date,ref`.
    static func bankFile(_ lines: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "bank-\(TestCluster.uniqueSuffix()).csv"
        try (["case,amount,date,ref"] + lines).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
