import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 14, item 10, for payments: a payment is named by its case's number and its number
/// within the case (0030), so what an SME reads counts its own case's payments only, however
/// many the agency records for other clients in between. Driven with plain SQL as each role.
@Suite("Payment numbers")
struct PaymentNumberTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    /// A plain INSERT of a payment on case `number` as `connection`'s role; returns its number.
    @discardableResult
    func pay(_ connection: Connection, _ number: String, _ amount: Int64) throws -> Int32 {
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount)
            SELECT c.tenant_id, c.id, $2 FROM cobranza.collection_case c WHERE c.number = $1 RETURNING number
            """, [number, amount]).first!.decode("number")
    }

    /// The references `connection` reads for every payment it may see, in the order they were made.
    func references(_ connection: Connection) throws -> [String] {
        try connection.query("""
            SELECT c.number || '/' || p.number AS ref FROM cobranza.payment p
              JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id ORDER BY p.id
            """).rows.map { try $0.decode("ref") }
    }

    @Test func twoSMEsReadOnlyTheirOwnCasesPaymentNumbers() throws {
        let acme = try fixture.openCase(tenant: fixture.acme, amounts: [1_000_000])
        let other = try fixture.openCase(tenant: fixture.other, amounts: [1_000_000])
        let collector = try fixture.connect(fixture.collector)
        var mine: [Int32] = []
        var theirs: [Int32] = []
        for round in 0..<3 {
            mine.append(try pay(collector, acme, 10_000))
            for _ in 0..<(round + 2) { theirs.append(try pay(collector, other, 10_000)) }
        }
        #expect(mine == [1, 2, 3])
        #expect(theirs == Array(1...9))

        // Each SME, with plain SQL, reads its own case's payments numbered 1, 2, 3 …
        let maria = try fixture.connect(fixture.maria)
        let pedro = try fixture.connect(try fixture.db.addPerson("pedro", kind: "client", client: "OTHER"))
        #expect(try references(maria) == (1...3).map { "\(acme)/\($0)" })
        #expect(try references(pedro) == (1...9).map { "\(other)/\($0)" })
        // … and so does the shell's store, the only reference it shows.
        let listed = try Session(connection: maria).payments.list(client: nil, caseNumber: nil, limit: 10).map(\.reference.description)
        #expect(listed == (1...3).map { "\(acme)/\($0)" })
        // Another client's payment is not found by its reference.
        #expect(throws: StoreError.self) { try Session(connection: maria).payments.show(PaymentReference(caseNumber: other, number: 1)) }

        // The texts the triggers write quote the reference: the close, the reversal's fee note
        // and the reopening, as the SME reads them.
        try pay(collector, acme, 970_000)
        let admin = try fixture.session(fixture.admin)
        let (reversal, _) = try admin.payments.reverse(PaymentReference(caseNumber: acme, number: 4), reason: "cheque devuelto", date: nil)
        #expect(reversal.reference.description == "\(acme)/5" && reversal.reverses?.description == "\(acme)/4")
        #expect(reversal.feeNote == "reverses payment \(acme)/4")
        #expect(try admin.payments.show(PaymentReference(caseNumber: acme, number: 4)).reversedBy?.description == "\(acme)/5")
        let notes = try maria.query("SELECT note FROM cobranza.case_event WHERE kind IN ('closed', 'reopened') ORDER BY id")
            .rows.map { try $0.decode("note", as: String.self) }
        #expect(notes == ["paid in full (payment \(acme)/4)", "payment \(acme)/4 reversed: $970.000 owed again"])
        let timeline = try Session(connection: maria).cases.show(acme).events.filter { $0.kind == "payment" }.compactMap(\.note)
        #expect(timeline.last == "payment \(acme)/4 reversed by \(acme)/5: cheque devuelto")
    }

    @Test func nobodyChoosesOrChangesANumber() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [1_000_000])
        let collector = try fixture.connect(fixture.collector)
        let admin = try fixture.connect(fixture.admin)
        let maria = try fixture.connect(fixture.maria)
        try pay(collector, number, 1_000)
        for person in [collector, admin, maria] {
            // No person may name the column, nor change it afterwards.
            let insert = #expect(throws: PostgresError.self) {
                try person.query("""
                    INSERT INTO cobranza.payment (tenant_id, case_id, amount, number)
                    SELECT c.tenant_id, c.id, 1000, 7 FROM cobranza.collection_case c WHERE c.number = $1
                    """, [number])
            }
            #expect(insert?.sqlState == .insufficientPrivilege)
            let update = #expect(throws: PostgresError.self) { try person.query("UPDATE cobranza.payment SET number = 9") }
            #expect(update?.sqlState == .insufficientPrivilege)
        }
        // The old way in, by internal id, is gone: reverse_payment takes the reference.
        let byID = #expect(throws: PostgresError.self) {
            try admin.query("SELECT cobranza.reverse_payment(1::bigint, 'x', NULL::date)")
        }
        #expect(byID?.sqlState == SQLState(rawValue: "42883"))  // undefined_function
        // A rolled-back payment gives its number back.
        try collector.query("BEGIN")
        #expect(try pay(collector, number, 1_000) == 2)
        try collector.query("ROLLBACK")
        #expect(try pay(collector, number, 1_000) == 2)
    }

    /// Eight sessions paying the same case at once queue on its lock: the numbers are 1 … 24,
    /// none twice, none missing.
    @Test func eightSessionsPayingOneCaseGetEveryNumberOnce() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [10_000_000])
        let fixture = self.fixture
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                let session = try fixture.session(worker % 2 == 0 ? fixture.collector : fixture.admin)
                for round in 0..<3 {
                    try session.payments.record(.init(caseNumber: number, amount: "1.001", ref: "N\(worker)-\(round)"))
                }
            } catch {
                failures.append("worker \(worker): \(error)")
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let numbers = try fixture.db.superuser().query("""
            SELECT p.number FROM cobranza.payment p JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
             WHERE c.number = $1 ORDER BY p.number
            """, [number]).rows.map { try $0.decode("number", as: Int32.self) }
        #expect(numbers == Array(1...24))
    }

    /// Payments made before 0030, interleaved between cases of two clients, are numbered per
    /// case in the order they were made, and the texts written with their ids name them anew.
    @Test func existingPaymentsAreNumberedPerCaseAndTheirTextsRewritten() throws {
        let fixture = try PaymentFixture(through: "0029")
        let su = try fixture.db.superuser()
        try su.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, max_discount_bp)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, 1000)
            """, [fixture.acme])
        let a = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let b = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let c = try fixture.openCase(tenant: fixture.acme, amounts: [1_000_000])
        let collector = try fixture.connect(fixture.collector)
        func pay(_ number: String, _ amount: Int64) throws -> Int64 {
            try collector.query("""
                INSERT INTO cobranza.payment (tenant_id, case_id, amount)
                SELECT c.tenant_id, c.id, $2 FROM cobranza.collection_case c WHERE c.number = $1 RETURNING id
                """, [number, amount]).first!.decode("id")
        }
        // An agreement elsewhere first, so the settled case's agreement id is not its number.
        // Agreements in plain SQL, as the schema stood: the store of today asks 0031's functions.
        func agree(_ number: String, discountBP: Int) throws {
            try collector.withTransaction {
                let agreement = try collector.query("""
                    INSERT INTO cobranza.payment_agreement (tenant_id, case_id, discount_bp, down_payment, instalments, every, first_due)
                    SELECT c.tenant_id, c.id, $2::integer, 0, 2, 'month', '2026-05-01' FROM cobranza.collection_case c WHERE c.number = $1
                    RETURNING tenant_id, id, total
                    """, [number, discountBP]).first!
                let (tenant, id, total): (Int64, Int64, Int64) = (try agreement.decode("tenant_id"), try agreement.decode("id"), try agreement.decode("total"))
                try collector.query("""
                    INSERT INTO cobranza.instalment (tenant_id, agreement_id, sequence, due, amount)
                    VALUES ($1, $2, 1, '2026-05-01', $3 / 2), ($1, $2, 2, '2026-06-01', $3 - $3 / 2)
                    """, [tenant, id, total])
            }
        }
        try agree(b, discountBP: 0)
        _ = try pay(a, 40_000)
        _ = try pay(b, 10_000)
        let closing = try pay(a, 60_000)
        try collector.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, reverses_id, reason)
            SELECT tenant_id, case_id, -amount, id, 'cheque devuelto' FROM cobranza.payment WHERE id = $1
            """, [closing])
        _ = try pay(b, 10_000)
        try agree(c, discountBP: 1000)
        _ = try pay(c, 450_000)
        _ = try pay(c, 450_000)

        let applied = try Migrator(directory: try #require(MigrationSource.locate())).migrate(su)
        #expect(applied.first == "0030_payment_numbers.sql")
        let refs = try references(su)
        #expect(refs == ["\(a)/1", "\(b)/1", "\(a)/2", "\(a)/3", "\(b)/2", "\(c)/1", "\(c)/2"])
        let notes = try su.query("""
            SELECT x.number, e.note FROM cobranza.case_event e JOIN cobranza.collection_case x ON x.tenant_id = e.tenant_id AND x.id = e.case_id
             WHERE e.kind IN ('closed', 'reopened') ORDER BY e.id
            """).rows.map { "\(try $0.decode("number", as: String.self)): \(try $0.decode("note", as: String.self))" }
        #expect(notes == ["\(a): paid in full (payment \(a)/2)", "\(a): payment \(a)/2 reversed: $60.000 owed again",
                          "\(c): agreement 1 paid in full (payment \(c)/2); the discount of $100.000 is forgiven"])
        let feeNote: String = try su.query("SELECT fee_note FROM cobranza.payment WHERE reverses_id = $1", [closing]).first!.decode("fee_note")
        #expect(feeNote == "reverses payment \(a)/2")
        // The backfill is no one's change: it left nothing in the audit trail.
        let audited: Int64 = try su.query(
            "SELECT count(*) AS n FROM cobranza.audit_log WHERE table_name IN ('payment', 'case_event') AND operation = 'UPDATE'")
            .first!.decode("n")
        #expect(audited == 0)
        // And new payments go on from there.
        #expect(try self.pay(fixture.connect(fixture.collector), a, 1_000) == 4)
    }
}
