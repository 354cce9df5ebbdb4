import CobranzaStore
import Postgres
import Testing
import TestSupport

/// 0066: the invoice -> submission key is checked once per statement, not by a foreign key's row
/// trigger, and the database still refuses every bad row from any writer, with the foreign key's
/// SQLSTATE and name: a client or staff member with plain SQL, a statement with one bad row among
/// good ones, and the owner (superuser here) moving an invoice to a submission that is not its
/// debtor's; a submission is never removed or re-keyed (0115).
@Suite("Invoice to submission key")
struct InvoiceSubmissionKeyTests {
    let db: TestDatabase
    let maria: Connection
    let ana: Connection
    let tenant: Int64
    /// maria's submissions: (id, debtor) of two debtors.
    let submissions: [(id: Int64, debtor: Int64)]

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
        tenant = try maria.query("SELECT cobranza.current_tenant() AS t").first!.decode("t")
        var made: [(Int64, Int64)] = []
        for _ in 0..<2 {
            let row = try maria.query("""
                WITH d AS (INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', $1, 'Deudor') RETURNING id)
                INSERT INTO cobranza.submission (debtor_id, currency) SELECT id, 'CLP' FROM d RETURNING id, debtor_id
                """, [TestCluster.randomRUT()]).first!
            made.append((try row.decode("id"), try row.decode("debtor_id")))
        }
        submissions = made
    }

    /// Invoices as `who` with plain SQL, one per (submission, debtor, currency) given.
    func insert(_ who: Connection, _ rows: [(submission: Int64, debtor: Int64, currency: String)], tenant: Int64? = nil) throws {
        var values: [String] = []
        for (index, row) in rows.enumerated() {
            values.append("(\(tenant ?? self.tenant), \(row.submission), \(row.debtor), 'K-\(TestCluster.uniqueSuffix())-\(index)', '2025-10-01', '2025-10-31', 1000, '\(row.currency)')")
        }
        try who.query("""
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
            VALUES \(values.joined(separator: ", "))
            """)
    }

    func invoices() throws -> Int {
        try db.asSuperuser { try $0.query("SELECT count(*) AS n FROM cobranza.invoice").first!.decode("n") }
    }

    func expectRefusedByTheKey(_ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == .foreignKeyViolation, "\(error)")
            #expect(error.message.contains("invoice_submission_fkey"), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func goodRowsGoInAndABadOneAmongThemRefusesTheStatement() throws {
        let (a, b) = (submissions[0], submissions[1])
        try insert(maria, [(a.id, a.debtor, "CLP"), (b.id, b.debtor, "CLP"), (a.id, a.debtor, "CLP")])
        #expect(try invoices() == 3)
        // Another debtor's submission, another currency, a submission that does not exist: each
        // the last of several good rows.
        expectRefusedByTheKey { try insert(maria, [(a.id, a.debtor, "CLP"), (a.id, b.debtor, "CLP")]) }
        expectRefusedByTheKey { try insert(maria, [(b.id, b.debtor, "CLP"), (b.id, b.debtor, "USD")]) }
        expectRefusedByTheKey { try insert(ana, [(a.id, a.debtor, "CLP"), (999_999, a.debtor, "CLP")]) }
        #expect(try invoices() == 3)
    }

    @Test func anotherClientsTenantDoesNotMakeTheKey() throws {
        let a = submissions[0]
        let other: Int64 = try db.asSuperuser { try $0.query("SELECT id FROM cobranza.tenant WHERE code = 'OTHER'").first!.decode("id") }
        // Staff may write any client's rows: the key still names a submission of that client.
        expectRefusedByTheKey { try insert(ana, [(a.id, a.debtor, "CLP")], tenant: other) }
        #expect(try invoices() == 0)
    }

    /// 0115: a submission is kept, pointed at or not (it is rejected, never removed), so the
    /// key's check needs no lock; an invoice moved to another debtor's submission is still the
    /// key's refusal.
    @Test func theOwnerCannotRemoveOrReKeyASubmission() throws {
        let (a, b) = (submissions[0], submissions[1])
        try insert(maria, [(a.id, a.debtor, "CLP")])
        try db.asSuperuser { su in
            for (sql, id) in [("DELETE FROM cobranza.submission WHERE id = $1", a.id),
                              ("DELETE FROM cobranza.submission WHERE id = $1", b.id),
                              ("UPDATE cobranza.submission SET currency = 'USD' WHERE id = $1", a.id),
                              ("UPDATE cobranza.submission SET debtor_id = \(a.debtor) WHERE id = $1", b.id),
                              ("TRUNCATE cobranza.submission", nil)] {
                var refused: PostgresError?
                do { try su.query(sql, id.map { [$0] } ?? []) } catch { refused = error as? PostgresError }
                #expect(refused?.sqlState == .insufficientPrivilege, "\(sql): \(String(describing: refused))")
            }
            var moved: PostgresError?
            do { try su.query("UPDATE cobranza.invoice SET submission_id = \(b.id) WHERE submission_id = $1", [a.id]) } catch {
                moved = error as? PostgresError
            }
            #expect(moved?.sqlState == .foreignKeyViolation, "\(String(describing: moved))")
            // What is not a key still changes.
            try su.query("UPDATE cobranza.submission SET note = 'revisado' WHERE id = $1", [b.id])
        }
        #expect(try invoices() == 1)
    }
}
