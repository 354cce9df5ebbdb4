import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

/// Issue 14, items 4, 5 and 12, attacked as an attacker would: an SME's login role with plain
/// SQL, no shell in between. Amounts are bounded per row and per submission and case total;
/// no text column takes a control character; notes have a length limit.
@Suite("Bounds and clean text")
struct BoundsAndCleanTextTests {
    let db: TestDatabase
    let maria: Connection
    let debtor: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        debtor = try maria.query("""
            INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '77777777-7', 'Comercial Norte SpA') RETURNING id
            """).first!.decode("id")
    }

    /// A new pending submission of the debtor, as the SME's own INSERT makes one.
    func submission() throws -> Int64 {
        try maria.query("INSERT INTO cobranza.submission (debtor_id, currency) VALUES ($1, 'CLP') RETURNING id", [debtor]).first!.decode("id")
    }

    func insertInvoices(_ submission: Int64, _ amounts: [Int64], number: String = "F", note: String? = nil) throws {
        try maria.query("""
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency, note)
            SELECT $1, $2, $3 || n, '2026-01-01', '2026-01-31', a, 'CLP', $5
              FROM unnest($4::bigint[]) WITH ORDINALITY AS t(a, n)
            """, [submission, debtor, number, amounts.map(String.init), note])
    }

    /// The refusal of `body`, which must be a check violation naming `column`.
    func refusal(_ column: String, _ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard let error = error as? PostgresError else {
                Issue.record("not a database refusal: \(error)")
                return nil
            }
            #expect(error.sqlState == .checkViolation, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains("\(column):"), "\(error.message)")
            return error.message
        }
    }

    @Test func anInvoiceAmountIsBounded() throws {
        let id = try submission()
        #expect(refusal("amount") { try insertInvoices(id, [999_999_999_999_999_999]) } != nil)
        try insertInvoices(id, [1_000_000_000_000_000], number: "G")
    }

    @Test func aSubmissionsTotalIsBounded() throws {
        let id = try submission()
        // The issue's ten rows, each within the bound once it exists, together far beyond it.
        #expect(refusal("amount") { try insertInvoices(id, Array(repeating: 999_999_999_999_999, count: 10)) } != nil)
        try insertInvoices(id, [600_000_000_000_000], number: "A")
        #expect(refusal("amount") { try insertInvoices(id, [400_000_000_000_001], number: "B") } != nil)
        let total: Int64 = try maria.query("SELECT sum(amount)::bigint AS t FROM cobranza.invoice").first!.decode("t")
        #expect(total == 600_000_000_000_000)
    }

    @Test func aCasesTotalIsBoundedWhenSubmissionsJoinIt() throws {
        let first = try submission(), second = try submission()
        try insertInvoices(first, [700_000_000_000_000], number: "A")
        try insertInvoices(second, [700_000_000_000_000], number: "B")
        // The owner joins them directly (a person's invoices join a case only with their
        // submission, 0125); the bound holds for every writer.
        let staff = try db.superuser()
        let caseID: Int64 = try staff.query("""
            INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency) SELECT tenant_id, id, 'CLP' FROM cobranza.debtor RETURNING id
            """).first!.decode("id")
        try staff.query("UPDATE cobranza.invoice SET case_id = $1 WHERE submission_id = $2", [caseID, first])
        #expect(refusal("amount") {
            try staff.query("UPDATE cobranza.invoice SET case_id = $1 WHERE submission_id = $2", [caseID, second])
        }?.contains("case C-") == true)
    }

    static let controls = ["\u{1B}[31mRed", "bell\u{07}", "cr\rover", "del\u{7F}", "csi\u{9B}2J", "nul-ish\u{01}", "tab\there", "new\nline"]

    @Test(arguments: controls)
    func noTextColumnTakesAControlCharacter(_ text: String) throws {
        #expect(refusal("name") {
            try maria.query("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '12345678-5', $1)", [text])
        } != nil)
        let id = try submission()
        #expect(refusal("number") { try insertInvoices(id, [1000], number: text) } != nil)
    }

    @Test func notesKeepNewlinesAndTabsButNoOtherControlAndHaveALimit() throws {
        let id = try submission()
        try insertInvoices(id, [1000], number: "OK", note: "línea 1\nlínea\t2")
        let message = refusal("note") { try insertInvoices(id, [1000], number: "ESC", note: "see \u{1B}[2J") }
        #expect(message == "note: control character U+001B at character 5 is not allowed (only newlines and tabs are)")
        #expect(refusal("note") { try insertInvoices(id, [1000], number: "CR", note: "a\rb") } != nil)
        #expect(refusal("note") { try insertInvoices(id, [1000], number: "LONG", note: String(repeating: "x", count: 2001)) }
                == "note: longer than 2000 characters")
        try insertInvoices(id, [1000], number: "MAX", note: String(repeating: "x", count: 2000))
    }

    @Test func everyTextColumnOfEveryTableIsChecked() throws {
        let superuser = try db.superuser()
        #expect(try CatalogChecks.textColumnsWithoutCleanTextCheck(superuser) == [])
        // The question can answer: a new table with an unchecked column is reported.
        try superuser.query("BEGIN")
        try superuser.query("CREATE TABLE cobranza.scratch_text (id int, label text, code varchar(3) CHECK (cobranza.single_line(code, 'code')))")
        #expect(try CatalogChecks.textColumnsWithoutCleanTextCheck(superuser) == ["scratch_text.label"])
        try superuser.query("ROLLBACK")
    }

    /// Rows written before 0016 that break its checks: the migration still applies, leaves
    /// those checks NOT VALID (new rows are checked, old ones kept as written) and validates the
    /// rest.
    @Test func oldRowsThatBreakTheChecksStillMigrate() throws {
        let old = try TestCluster.makeDatabase(through: "0015")
        let superuser = try old.superuser()
        try superuser.query("""
            WITH t AS (INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
                       VALUES ('ACME', 'Acme', '76123456-0', 'CL', 'CLP') RETURNING id),
            d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                  SELECT id, 'CL', '77777777-7', E'\\x1b[31mRed' FROM t RETURNING tenant_id, id),
            s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) SELECT tenant_id, id, 'CLP' FROM d
                  RETURNING tenant_id, id, debtor_id)
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT tenant_id, id, debtor_id, 'F-1', '2026-01-01', '2026-01-31', 999999999999999999, 'CLP' FROM s
            """)
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        let applied = try Migrator(directory: sql).migrate(superuser)
        #expect(applied.contains { $0.hasPrefix("0016") }, "\(applied)")
        let validated = try superuser.query("""
            SELECT conname::text AS name, convalidated FROM pg_catalog.pg_constraint
             WHERE conname IN ('debtor_name_text', 'invoice_amount_bound', 'invoice_number_text', 'debtor_tax_id_text')
             ORDER BY 1
            """).rows.map { "\(try $0.decode("name", as: String.self))=\(try $0.decode("convalidated", as: Bool.self))" }
        #expect(validated == ["debtor_name_text=false", "debtor_tax_id_text=true", "invoice_amount_bound=false", "invoice_number_text=true"])
        #expect(throws: PostgresError.self) {
            try superuser.query("UPDATE cobranza.debtor SET name = E'\\x07bell'")
        }
    }

    /// The largest amount times the largest rate (10^15 × 10,000 bp) is past bigint in between:
    /// the database's rounding answers as Swift's does instead of refusing the statement.
    @Test func ratesApplyToTheLargestAmounts() throws {
        let superuser = try db.superuser()
        for (rate, amount) in [(10_000, Money.largestAmount), (5_000, Int64(999_999_999_999_999)), (9_999, -Money.largestAmount),
                               (10_000, Int64(922_337_203_685_477)), (10_000, Int64(922_337_203_685_478)), (1_500, Int64(5)), (1_500, Int64(-5))] {
            let sql: Int64 = try superuser.query("SELECT cobranza.apply_rate($1::integer, $2) AS v", [rate, amount]).first!.decode("v")
            #expect(sql == Rounding.apply(BasisPoints(rate), to: amount), "\(rate) bp of \(amount)")
        }
    }
}
