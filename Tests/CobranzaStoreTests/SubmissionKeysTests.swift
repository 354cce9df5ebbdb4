import CobranzaStore
import Postgres
import Testing
import TestSupport

/// 0110: a submission's keys to its debtor, currency and batch are checked once per statement,
/// not by foreign keys' row triggers, and the database still refuses every bad row from any
/// writer, with each foreign key's SQLSTATE and name: a client or staff member with plain SQL, a
/// statement with one bad row among good ones, staff moving a submission to a batch that is not
/// there, and the owner (superuser here) removing or re-keying a debtor, currency or batch a
/// submission points at. submission_tenant_fkey is gone, implied by the debtor's key.
@Suite("Submission keys")
struct SubmissionKeysTests {
    let db: TestDatabase
    let maria: Connection
    let ana: Connection
    let tenant: Int64
    let other: Int64
    /// maria's two debtors, a debtor of OTHER, and maria's import batch.
    let debtors: [Int64]
    let othersDebtor: Int64
    let batch: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
        tenant = try maria.query("SELECT cobranza.current_tenant() AS t").first!.decode("t")
        other = try db.asSuperuser { try $0.query("SELECT id FROM cobranza.tenant WHERE code = 'OTHER'").first!.decode("id") }
        var made: [Int64] = []
        for _ in 0..<2 {
            made.append(try maria.query("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', $1, 'Deudor') RETURNING id",
                                        [TestCluster.randomRUT()]).first!.decode("id"))
        }
        debtors = made
        othersDebtor = try ana.query("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Otro') RETURNING id",
                                     [other, TestCluster.randomRUT()]).first!.decode("id")
        batch = try maria.query("INSERT INTO cobranza.import_batch (file_name, checksum, row_count) VALUES ('a.csv', $1, 1) RETURNING id",
                                ["test:" + TestCluster.uniqueSuffix()]).first!.decode("id")
    }

    /// Submissions as `who` with plain SQL, one per (debtor, currency, batch) given.
    func insert(_ who: Connection, _ rows: [(debtor: Int64, currency: String, batch: Int64?)], tenant: Int64? = nil) throws {
        let values = rows.map { row in
            "(\(tenant ?? self.tenant), \(row.debtor), '\(row.currency)', \(row.batch.map(String.init) ?? "NULL"))"
        }
        try who.query("INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, batch_id) VALUES \(values.joined(separator: ", "))")
    }

    func submissions() throws -> Int {
        try db.asSuperuser { try $0.query("SELECT count(*) AS n FROM cobranza.submission").first!.decode("n") }
    }

    /// Refused as a foreign key refuses: 23503, naming `constraint` when given.
    func expectRefused(by constraint: String?, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == .foreignKeyViolation, "\(error)")
            if let constraint {
                #expect(error.constraint == constraint, "\(error)")
                #expect(error.message.contains(constraint), "\(error)")
            }
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func goodRowsGoInAndABadOneAmongThemRefusesTheStatement() throws {
        let (a, b) = (debtors[0], debtors[1])
        try insert(maria, [(a, "CLP", batch), (b, "CLP", nil), (a, "USD", batch)])
        #expect(try submissions() == 3)
        // A debtor that does not exist, a currency that does not, a batch that does not: each the
        // last of several good rows, by a client and by staff.
        expectRefused(by: "submission_debtor_fkey") { try insert(maria, [(a, "CLP", nil), (999_999, "CLP", nil)]) }
        expectRefused(by: "submission_currency_fkey") { try insert(maria, [(a, "CLP", nil), (b, "XXX", nil)]) }
        expectRefused(by: "submission_batch_fkey") { try insert(ana, [(a, "CLP", batch), (b, "CLP", 999_999)]) }
        #expect(try submissions() == 3)
    }

    @Test func anotherClientsDebtorOrBatchDoesNotMakeTheKey() throws {
        // Staff may write any client's rows: the keys still name a debtor and a batch of that client.
        expectRefused(by: "submission_debtor_fkey") { try insert(ana, [(othersDebtor, "CLP", nil)]) }
        expectRefused(by: "submission_batch_fkey") { try insert(ana, [(othersDebtor, "CLP", batch)], tenant: other) }
        // A tenant that does not exist has no debtors: the key the tenant's foreign key was is
        // implied (its number is refused first, by the per-client counter's key to the tenant).
        expectRefused(by: nil) { try insert(ana, [(debtors[0], "CLP", nil)], tenant: 999_999) }
        try insert(ana, [(othersDebtor, "CLP", nil)], tenant: other)
        #expect(try submissions() == 1)
    }

    @Test func staffCannotMoveASubmissionToABatchThatIsNotThere() throws {
        try insert(maria, [(debtors[0], "CLP", nil)])
        let id: Int64 = try ana.query("SELECT id FROM cobranza.submission").first!.decode("id")
        expectRefused(by: "submission_batch_fkey") { try ana.query("UPDATE cobranza.submission SET batch_id = 999999 WHERE id = $1", [id]) }
        try ana.query("UPDATE cobranza.submission SET batch_id = $2 WHERE id = $1", [id, batch])
        try ana.query("UPDATE cobranza.submission SET batch_id = NULL WHERE id = $1", [id])
    }

    @Test func theOwnerCannotRemoveOrReKeyADebtorCurrencyOrBatchASubmissionPointsAt() throws {
        try insert(maria, [(debtors[0], "USD", batch)])
        try db.asSuperuser { su in
            // A debtor is never deleted nor re-keyed, pointed at or not (0106).
            for sql in ["DELETE FROM cobranza.debtor WHERE id = \(debtors[0])",
                        "UPDATE cobranza.debtor SET tenant_id = \(other) WHERE id = \(debtors[0])",
                        "DELETE FROM cobranza.debtor WHERE id = \(debtors[1])"] {
                var refused: PostgresError?
                do { try su.query(sql) } catch { refused = error as? PostgresError }
                #expect(refused?.sqlState == .insufficientPrivilege, "\(sql): \(String(describing: refused))")
            }
            for (sql, constraint) in [
                ("DELETE FROM cobranza.currency WHERE code = 'USD'", "submission_currency_fkey"),
                ("UPDATE cobranza.currency SET code = 'XUS' WHERE code = 'USD'", "submission_currency_fkey"),
                ("DELETE FROM cobranza.import_batch WHERE id = \(batch)", "submission_batch_fkey"),
                ("UPDATE cobranza.import_batch SET tenant_id = \(other) WHERE id = \(batch)", "submission_batch_fkey"),
            ] {
                var refused: PostgresError?
                do { try su.query(sql) } catch { refused = error as? PostgresError }
                #expect(refused?.sqlState == .foreignKeyViolation, "\(sql): \(String(describing: refused))")
                #expect(refused?.constraint == constraint, "\(sql): \(String(describing: refused))")
            }
            for table in ["debtor", "import_batch"] {
                var truncate: (any Error)?
                do { try su.query("TRUNCATE cobranza.\(table) CASCADE") } catch { truncate = error }
                #expect(truncate != nil, "\(table)")
            }
        }
        #expect(try submissions() == 1)
    }
}
