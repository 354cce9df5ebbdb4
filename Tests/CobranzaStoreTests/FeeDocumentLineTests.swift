import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// A fee document's lines are read back from the payments it names (0008): they must say what
/// they said at issue, and the database must refuse a document whose lines are not its own
/// client's payments.
@Suite("Fee document lines")
struct FeeDocumentLineTests {
    static let lineColumns = """
        SELECT d.number, l.line_no, l.payment_id, l.case_number, l.debtor_name, l.paid_on::text AS paid_on,
               l.amount, l.stage, l.fee_bp, l.fee
          FROM cobranza.fee_document_line l JOIN cobranza.fee_document d ON d.tenant_id = l.tenant_id AND d.id = l.document_id
         ORDER BY d.number, l.line_no
        """

    static func lines(_ connection: Connection) throws -> [String] {
        try connection.query(lineColumns).rows.map { row in
            try ["number", "line_no", "payment_id", "case_number", "debtor_name", "paid_on", "amount", "stage", "fee_bp", "fee"]
                .map { try row.decodeIfPresent($0, as: String.self) ?? "NULL" }.joined(separator: "|")
        }
    }

    /// Two cases, three payments, an invoice, a reversal corrected by a credit note, and a void.
    /// Plain SQL on the database's own functions, which 0007 and 0008 share: the upgrade test
    /// runs it on the old schema.
    static func issueDocuments(_ fixture: PaymentFixture) throws -> (first: String, second: String) {
        let first = try fixture.openCase(tenant: fixture.acme, amounts: [500_000])
        let second = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let ana = try fixture.connect(fixture.collector)
        func pay(_ number: String, _ amount: Int64, _ date: String, _ channel: String) throws -> Int64 {
            try ana.query("""
                INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel)
                SELECT c.tenant_id, c.id, $2, $3::date, $4 FROM cobranza.collection_case c WHERE c.number = $1 RETURNING id
                """, [number, amount, date, channel]).first!.decode("id")
        }
        let bounced = try pay(first, 100_000, "2026-03-05", "agency")
        _ = try pay(second, 50_000, "2026-03-05", "agency")
        _ = try pay(first, 20_000, "2026-03-01", "direct")
        let admin = try fixture.connect(fixture.admin)
        let issue = "SELECT number, lines FROM cobranza.issue_fee_invoices('ACME', '2026-03')"
        let invoice = try #require(try admin.query(issue).first)
        #expect(try invoice.decode("lines", as: Int64.self) == 3)
        // Since 0030 reverse_payment takes the payment's reference (the case's first payment here).
        let byReference = try admin.query("SELECT to_regprocedure('cobranza.reverse_payment(text, integer, text, date)') IS NOT NULL AS yes")
            .first!.decode("yes", as: Bool.self)
        let correction = byReference
            ? try admin.query("SELECT credit_note FROM cobranza.reverse_payment($1, 1, 'cheque devuelto', '2026-03-20')", [first])
            : try admin.query("SELECT credit_note FROM cobranza.reverse_payment($1, 'cheque devuelto', '2026-03-20')", [bounced])
        #expect(try correction.first?.decodeIfPresent("credit_note", as: String.self) == "NC-2026-000001")
        _ = try admin.query("SELECT cobranza.void_fee_invoice($1, 'wrong period')", [try invoice.decode("number", as: String.self)])
        #expect(try admin.query(issue).first?.decode("lines", as: Int64.self) == 2)
        return (first, second)
    }

    @Test func linesSayWhatTheySaidAtIssue() throws {
        let fixture = try PaymentFixture()
        let (first, _) = try Self.issueDocuments(fixture)
        let su = try fixture.db.superuser()
        let before = try Self.lines(su)
        try su.query("UPDATE cobranza.debtor d SET name = 'Renombrada S.A.' FROM cobranza.collection_case c WHERE c.debtor_id = d.id AND c.number = $1", [first])
        #expect(try Self.lines(su) == before)
        // Invoice, correction, void, re-issue: in order of payment date, then case number.
        let numbers = try su.query("SELECT number FROM cobranza.fee_document ORDER BY id").rows.map { try $0.decode("number", as: String.self) }
        #expect(numbers == ["F-2026-000001", "NC-2026-000001", "NC-2026-000002", "F-2026-000002"])
        #expect(before.filter { $0.hasPrefix("F-2026-000001|") }.map { $0.split(separator: "|")[5] } == ["2026-03-01", "2026-03-05", "2026-03-05"])
        // The void credits what the correction had not: the two payments still standing, negated.
        #expect(before.filter { $0.hasPrefix("NC-2026-000002|") }.map { $0.split(separator: "|")[9] } == ["-3000", "-7500"])
        #expect(before.filter { $0.hasPrefix("NC-2026-000001|") }.map { $0.split(separator: "|")[9] } == ["-15000"])
        // Every document's lines add up to its subtotal.
        let mismatched = try su.query("""
            SELECT count(*) AS n FROM cobranza.fee_document d
             WHERE d.subtotal <> (SELECT coalesce(sum(l.fee), 0) FROM cobranza.fee_document_line l
                                   WHERE l.tenant_id = d.tenant_id AND l.document_id = d.id)
            """).first!.decode("n", as: Int64.self)
        #expect(mismatched == 0)
        // The audit copies each new document, but not the ids and labels it keeps itself.
        let audited = try su.query("""
            SELECT count(*) FILTER (WHERE r ? 'number') AS documents,
                   count(*) FILTER (WHERE r ? 'payment_ids' OR r ? 'case_labels') AS bulky
              FROM cobranza.audit_log a CROSS JOIN LATERAL jsonb_array_elements(a.after->'rows') AS r
             WHERE a.table_name = 'fee_document'
            """).first!
        #expect(try audited.decode("documents", as: Int64.self) == 4)
        #expect(try audited.decode("bulky", as: Int64.self) == 0)
    }

    @Test func theDatabaseRefusesLinesThatAreNotTheDocumentsPayments() throws {
        let fixture = try PaymentFixture()
        let mine = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let theirs = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        let own = try ana.payments.record(.init(caseNumber: mine, amount: "10.000"))
        let foreign = try ana.payments.record(.init(caseNumber: theirs, amount: "10.000"))
        let admin = try fixture.connect(fixture.admin)
        let caseID: Int64 = try admin.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [mine]).first!.decode("id")
        let labels = "{\"\(caseID)\": [\"\(mine)\", \"Deudor\"]}"
        func insert(_ ids: [Int64], subtotal: Int64, labels: String, number: String = "F-2026-000900", currency: String = "CLP") throws {
            let kind = number.hasPrefix("NC-") ? "credit_note" : "invoice"
            try admin.query("""
                INSERT INTO cobranza.fee_document (tenant_id, kind, number, currency, period, reason, subtotal, vat_bp, vat, total,
                                                   payment_ids, case_labels)
                VALUES ($1, $6, $5, $7, CASE WHEN $6 = 'invoice' THEN '2026-04' END, CASE WHEN $6 = 'credit_note' THEN 'x' END,
                        $2, 0, 0, $2, $3::bigint[], $4::jsonb)
                """, [fixture.acme, subtotal, "{" + ids.map(String.init).joined(separator: ",") + "}", labels, number, kind, currency])
        }
        func refusal(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let error as PostgresError { return error.message } catch { return "\(error)" }
        }
        #expect(refusal { try insert([own.id, foreign.id], subtotal: own.fee + foreign.fee, labels: labels) }?
            .contains("1 of its 2 payment ids are not payments of its client") == true)
        #expect(refusal { try insert([own.id, own.id], subtotal: 2 * own.fee, labels: labels) }?.contains("appears twice") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee + 1, labels: labels) }?.contains("not the subtotal") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: "{}") }?.contains("has no label") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: "{\"\(caseID)\": null}") }?.contains("has no label") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: "{\"\(caseID)\": [\"a\", \"b\", \"c\"]}") }?.contains("has no label") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: labels, currency: "COP") }?.contains("not in the document's currency") == true)
        // A correction credit note credits reversals, not a payment never billed.
        #expect(refusal { try insert([own.id], subtotal: -own.fee, labels: labels, number: "NC-2026-000900") }?
            .contains("a correction credits reversals") == true)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: labels) } == nil)
        #expect(refusal { try insert([own.id], subtotal: own.fee, labels: labels, number: "F-2026-000901") }?
            .contains("payment \(own.id) is already billed on F-2026-000900") == true)
    }

    /// issue_fee_invoices runs as the owner, past row-level security: it must itself refuse a
    /// caller who is in the admin group but no admin of this database.
    @Test func onlyAnAdminOfThisDatabaseIssues() throws {
        let fixture = try PaymentFixture()
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "10.000"))
        let stranger = "stranger_\(TestCluster.uniqueSuffix())"
        let su = try fixture.db.superuser()
        try su.query("CREATE ROLE \(stranger) LOGIN PASSWORD '\(TestDatabase.password)' IN ROLE cobranza_admin")
        defer { _ = try? su.query("DROP ROLE \(stranger)") }
        let connection = try fixture.db.connect(as: stranger)
        #expect { try connection.query("SELECT * FROM cobranza.issue_fee_invoices(NULL, '2026-04')") } throws: { error in
            (error as? PostgresError)?.sqlState == .insufficientPrivilege
        }
        #expect(try su.query("SELECT count(*) AS n FROM cobranza.fee_document").first!.decode("n", as: Int64.self) == 0)
        #expect(try fixture.session(fixture.admin).feeInvoices.issue(client: nil, period: "2026-04").count == 1)
    }

    @Test func upgradingKeepsEveryLineOfTheDocumentsAlreadyIssued() throws {
        let fixture = try PaymentFixture(through: "0007")
        let (first, _) = try Self.issueDocuments(fixture)
        let su = try fixture.db.superuser()
        try su.query("UPDATE cobranza.debtor d SET name = 'Renombrada S.A.' FROM cobranza.collection_case c WHERE c.debtor_id = d.id AND c.number = $1", [first])
        let before = try Self.lines(su)
        #expect(before.count == 3 + 1 + 2 + 2)
        let applied = try Migrator(directory: try #require(MigrationSource.locate())).migrate(su)
        #expect(applied.first == "0008_fee_lines_from_payments.sql")
        #expect(try Self.lines(su) == before)
        // And the converted documents are still billed as they were: nothing new to issue, and
        // each payment names the document that bills it.
        let admin = try fixture.session(fixture.admin)
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-03").isEmpty)
        let billed = try admin.payments.list(client: "ACME", caseNumber: nil, limit: 10).map { "\($0.amount):\($0.billedOn ?? "-")" }
        #expect(billed.sorted() == ["-100000:NC-2026-000001", "100000:-", "20000:F-2026-000002", "50000:F-2026-000002"])
    }

    /// A line that is not what its payment says, or out of its place (written by hand under the
    /// old schema), stops the upgrade rather than being silently replaced or renumbered.
    @Test(arguments: ["SET fee = fee + 1 WHERE line_no = 1", "SET line_no = line_no + 10 WHERE line_no = 3"])
    func upgradingRefusesLinesThatDisagreeWithTheirPayments(_ tampering: String) throws {
        let fixture = try PaymentFixture(through: "0007")
        _ = try Self.issueDocuments(fixture)
        let su = try fixture.db.superuser()
        try su.query("ALTER TABLE cobranza.fee_document_line DISABLE TRIGGER fee_document_line_append_only")
        try su.query("UPDATE cobranza.fee_document_line \(tampering) AND document_id = (SELECT min(id) FROM cobranza.fee_document)")
        let migrator = try Migrator(directory: try #require(MigrationSource.locate()))
        #expect { try migrator.migrate(su) } throws: { error in
            "\(error)".contains("not what its payments say")
        }
        #expect(try su.query("SELECT to_regclass('cobranza.fee_document_line') IS NOT NULL AS kept").first!.decode("kept", as: Bool.self))
    }
}
