import CobranzaStore
import Postgres
import Testing
import TestSupport

/// 0112: an invoice's keys to its case and to the dispute that cancelled it are checked once per
/// statement where they are set, not by foreign keys' row triggers queued for every NULL, and the
/// database still refuses every bad row from any writer with each foreign key's SQLSTATE and
/// name: an insert with one bad row among good ones, invoices joined to a case that is not the
/// invoice's debtor's (or not there), a cancellation naming no dispute, and the owner
/// (superuser here) removing or re-keying a case or dispute an invoice points at.
@Suite("Invoice to case and dispute keys")
struct InvoiceCaseKeysTests {
    let db: TestDatabase
    let ana: Connection
    /// Writes invoices onto cases directly: since 0125 a person's invoices join a case only with
    /// their submission, so the keys are held here to the owner's writes, which they bind too.
    let owner: Connection
    let tenant: Int64
    /// Two debtors, each with a pending submission and an open case.
    let debtors: [Int64]
    let submissions: [Int64]
    let cases: [Int64]

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
        owner = try db.superuser()
        let tenant: Int64 = try db.asSuperuser { try $0.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id") }
        self.tenant = tenant
        var made: [(Int64, Int64, Int64)] = []
        for _ in 0..<2 {
            let row = try ana.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Deudor') RETURNING id),
                s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) SELECT $1, id, 'CLP' FROM d RETURNING id, debtor_id)
                SELECT s.id, s.debtor_id FROM s
                """, [tenant, TestCluster.randomRUT()]).first!
            let debtor: Int64 = try row.decode("debtor_id")
            let caseID: Int64 = try db.asSuperuser {
                try $0.query("INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on) VALUES ($1, $2, 'CLP', '2026-01-15') RETURNING id",
                             [tenant, debtor]).first!.decode("id")
            }
            made.append((try row.decode("id"), debtor, caseID))
        }
        submissions = made.map(\.0)
        debtors = made.map(\.1)
        cases = made.map(\.2)
    }

    /// Invoices of submission `index` with plain SQL as `who`, one per case given (NULL for none).
    func insert(_ who: Connection, _ index: Int, cases: [Int64?]) throws {
        let values = cases.enumerated().map { (n, caseID) in
            "(\(tenant), \(submissions[index]), \(debtors[index]), 'K-\(TestCluster.uniqueSuffix())-\(n)', '2025-10-01', '2025-10-31', 1000, 'CLP', \(caseID.map(String.init) ?? "NULL"))"
        }
        try who.query("""
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
            VALUES \(values.joined(separator: ", "))
            """)
    }

    func invoices() throws -> Int {
        try db.asSuperuser { try $0.query("SELECT count(*) AS n FROM cobranza.invoice").first!.decode("n") }
    }

    func expectRefused(by constraint: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == .foreignKeyViolation, "\(error)")
            #expect(error.constraint == constraint, "\(error)")
            #expect(error.message.contains(constraint), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func anInsertWithOneBadCaseAmongGoodRowsIsRefused() throws {
        try insert(owner, 0, cases: [nil, cases[0], nil])
        #expect(try invoices() == 3)
        // A case that does not exist; another debtor's case: each the last of several good rows.
        expectRefused(by: "invoice_case_fkey") { try insert(owner, 0, cases: [nil, cases[0], 999_999]) }
        expectRefused(by: "invoice_case_fkey") { try insert(owner, 0, cases: [cases[0], cases[1]]) }
        #expect(try invoices() == 3)
    }

    @Test func joiningInvoicesToACaseChecksTheCase() throws {
        try insert(owner, 0, cases: [nil, nil])
        expectRefused(by: "invoice_case_fkey") { try owner.query("UPDATE cobranza.invoice SET case_id = $1", [cases[1]]) }
        expectRefused(by: "invoice_case_fkey") { try owner.query("UPDATE cobranza.invoice SET case_id = 999999") }
        try owner.query("UPDATE cobranza.invoice SET case_id = $1", [cases[0]])
        // Another column of invoices already in their case: nothing to check, nothing refused.
        try owner.query("UPDATE cobranza.invoice SET note = 'nota'")
        #expect(try owner.query("SELECT count(*) AS n FROM cobranza.invoice WHERE case_id = $1", [cases[0]]).first!.decode("n", as: Int.self) == 2)
    }

    /// An update naming a dispute is refused earlier by invoice_cancelling (0031) unless the
    /// dispute is there and upheld; an insert of a cancelled invoice, as the owner may write,
    /// meets the key alone.
    @Test func aCancelledInvoiceNamesADisputeThatIsThere() throws {
        try db.asSuperuser { su in
            let dispute: Int64 = try su.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'no') RETURNING id",
                                              [tenant, cases[0]]).first!.decode("id")
            func cancelled(_ dispute: Int64) throws {
                try su.query("""
                    INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id,
                                                  cancel_reason, cancelled_on, cancelled_by, cancelled_amount, cancelled_by_dispute)
                    VALUES ($1, $2, $3, $4, '2025-10-01', '2025-10-31', 0, 'CLP', $5, 'disputa', '2026-01-20', 'x', 1000, $6)
                    """, [tenant, submissions[0], debtors[0], "K-" + TestCluster.uniqueSuffix(), cases[0], dispute])
            }
            expectRefused(by: "invoice_cancelled_by_dispute_fkey") { try cancelled(dispute + 1000) }
            try cancelled(dispute)
            // Disputes are append-only besides (0031): refused either way.
            var refused: (any Error)?
            do { try su.query("DELETE FROM cobranza.dispute WHERE id = $1", [dispute]) } catch { refused = error }
            #expect(refused != nil)
        }
        #expect(try invoices() == 1)
    }

    @Test func theOwnerCannotRemoveOrReKeyACaseAnInvoicePointsAt() throws {
        try insert(owner, 0, cases: [cases[0]])
        try db.asSuperuser { su in
            // The case's currency is part of the invoice's key to it.
            var refused: PostgresError?
            do { try su.query("UPDATE cobranza.collection_case SET currency = 'USD' WHERE id = $1", [cases[0]]) } catch { refused = error as? PostgresError }
            #expect(refused?.sqlState == .foreignKeyViolation, "\(String(describing: refused))")
            #expect(refused?.constraint == "invoice_case_fkey", "\(String(describing: refused))")
            // A case is never deleted, pointed at or not (0106), nor truncated.
            for id in [cases[0], cases[1]] {
                var kept: PostgresError?
                do { try su.query("DELETE FROM cobranza.collection_case WHERE id = $1", [id]) } catch { kept = error as? PostgresError }
                #expect(kept?.sqlState == .insufficientPrivilege, "\(String(describing: kept))")
            }
            var truncate: (any Error)?
            do { try su.query("TRUNCATE cobranza.collection_case CASCADE") } catch { truncate = error }
            #expect(truncate != nil)
        }
        #expect(try invoices() == 1)
    }
}
