import CobranzaStore
import Postgres
import Testing
import TestSupport

/// 0095: a submission's invoices add up to at most 10^15 (0016), summed in one grouped pass over
/// the statement's range of submissions instead of one lookup per submission. The rule holds the
/// same for a client with plain SQL: within one statement, across statements (the invoices
/// already stored count), for the submission written among others far from it, and by the
/// lookup per submission that rows of two clients in one statement still take; and a case's
/// invoices, over every submission it holds.
@Suite("Invoice totals bound")
struct InvoiceTotalsBoundTests {
    let db: TestDatabase
    let maria: Connection
    let tenant: Int64
    /// maria's submissions, in the order made: (id, debtor).
    let submissions: [(id: Int64, debtor: Int64)]

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        tenant = try maria.query("SELECT cobranza.current_tenant() AS t").first!.decode("t")
        var made: [(Int64, Int64)] = []
        for _ in 0..<3 {
            let row = try maria.query("""
                WITH d AS (INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', $1, 'Deudor') RETURNING id)
                INSERT INTO cobranza.submission (debtor_id, currency) SELECT id, 'CLP' FROM d RETURNING id, debtor_id
                """, [TestCluster.randomRUT()]).first!
            made.append((try row.decode("id"), try row.decode("debtor_id")))
        }
        submissions = made
    }

    /// Invoices as `who` with plain SQL, one statement, one invoice per (submission, amount).
    func insert(_ who: Connection, _ rows: [(submission: (id: Int64, debtor: Int64), amount: Int64)], tenant: Int64? = nil) throws {
        let values = rows.enumerated().map { index, row in
            "(\(tenant ?? self.tenant), \(row.submission.id), \(row.submission.debtor), 'T-\(TestCluster.uniqueSuffix())-\(index)', '2025-10-01', '2025-10-31', \(row.amount), 'CLP')"
        }
        try who.query("""
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
            VALUES \(values.joined(separator: ", "))
            """)
    }

    func expectRefused(naming submission: Int64, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == .checkViolation, "\(error)")
            #expect(error.message.contains("the invoices of submission \(submission) would add up to more than"), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    func invoices() throws -> Int {
        try db.asSuperuser { try $0.query("SELECT count(*) AS n FROM cobranza.invoice").first!.decode("n") }
    }

    static let half: Int64 = 500_000_000_000_000

    @Test func theBoundHoldsWithinAStatementAndAcrossStatements() throws {
        let (a, b, c) = (submissions[0], submissions[1], submissions[2])
        // Exactly the bound is allowed.
        try insert(maria, [(a, Self.half), (a, Self.half), (b, 1)])
        #expect(try invoices() == 3)
        // One peso more, written later: the stored invoices count.
        expectRefused(naming: a.id) { try insert(maria, [(b, 1), (a, 1), (c, 1)]) }
        // Past the bound within one statement, the submission among others.
        expectRefused(naming: c.id) { try insert(maria, [(b, 1), (c, Self.half), (c, Self.half), (c, 1)]) }
        #expect(try invoices() == 3)
    }

    /// A case sums every submission it holds: two of one debtor, each within the bound, are
    /// refused together in one case (0115 reads the statement's rows once, counting the cases
    /// they join, and looks at cases only when they join one).
    @Test func aCaseHoldsNoMoreThanTheBoundAcrossItsSubmissions() throws {
        let first = submissions[0]
        let second: (id: Int64, debtor: Int64) = (try maria.query(
            "INSERT INTO cobranza.submission (debtor_id, currency) VALUES ($1, 'CLP') RETURNING id", [first.debtor]).first!.decode("id"), first.debtor)
        try insert(maria, [(first, Self.half), (second, Self.half), (second, 1)])
        try db.asSuperuser { su in
            let opened = try su.query("""
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                VALUES ($1, $2, 'CLP', '2026-01-15') RETURNING id, number
                """, [tenant, first.debtor]).first!
            let (caseID, number): (Int64, String) = (try opened.decode("id"), try opened.decode("number"))
            try su.query("UPDATE cobranza.invoice SET case_id = $1 WHERE submission_id = $2", [caseID, first.id])
            do {
                try su.query("UPDATE cobranza.invoice SET case_id = $1 WHERE submission_id = $2", [caseID, second.id])
                Issue.record("accepted")
            } catch let error as PostgresError {
                #expect(error.sqlState == .checkViolation, "\(error)")
                #expect(error.message.contains("the invoices of case \(number) would add up to more than"), "\(error)")
            }
        }
    }

    @Test func rowsOfTwoClientsAreStillSummedBySubmission() throws {
        let (a, b) = (submissions[0], submissions[1])
        try insert(maria, [(a, Self.half), (a, Self.half)])
        try db.addClient("OTHER", taxID: "96543210-8")
        let other: (id: Int64, debtor: Int64) = try db.asSuperuser { su in
            let row = try su.query("""
                WITH t AS (SELECT id FROM cobranza.tenant WHERE code = 'OTHER'),
                d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) SELECT id, 'CL', $1, 'Otro' FROM t RETURNING tenant_id, id)
                INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) SELECT tenant_id, id, 'CLP' FROM d RETURNING tenant_id, id, debtor_id
                """, [TestCluster.randomRUT()]).first!
            return (try row.decode("id"), try row.decode("debtor_id"))
        }
        let otherTenant: Int64 = try db.asSuperuser { try $0.query("SELECT id FROM cobranza.tenant WHERE code = 'OTHER'").first!.decode("id") }
        // Only the owner writes two clients' rows in one statement.
        try db.asSuperuser { su in
            let values = "(\(tenant), \(b.id), \(b.debtor), 'T-\(TestCluster.uniqueSuffix())', '2025-10-01', '2025-10-31', 5, 'CLP'), "
                + "(\(otherTenant), \(other.id), \(other.debtor), 'T-\(TestCluster.uniqueSuffix())', '2025-10-01', '2025-10-31', 5, 'CLP')"
            try su.query("INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency) VALUES \(values)")
            expectRefused(naming: a.id) {
                try su.query("""
                    INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
                    VALUES (\(otherTenant), \(other.id), \(other.debtor), 'T-\(TestCluster.uniqueSuffix())', '2025-10-01', '2025-10-31', 5, 'CLP'),
                           (\(tenant), \(a.id), \(a.debtor), 'T-\(TestCluster.uniqueSuffix())', '2025-10-01', '2025-10-31', 1, 'CLP')
                    """)
            }
        }
        #expect(try invoices() == 4)
    }
}
