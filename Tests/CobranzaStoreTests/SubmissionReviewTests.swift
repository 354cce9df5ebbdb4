import CobranzaStore
import Postgres
import TestSupport
import Testing

/// A submission is reviewed once: accepted onto a case or rejected with a reason, by whoever
/// runs the review, at that moment. Staff held INSERT and UPDATE on its status, case, reason and
/// review columns with no rule behind them, so with psql a collector could place a submission
/// already "accepted" by someone else, reject one whose invoices are being collected, move an
/// accepted one back to pending or onto another case, or date its review after an instalment
/// agreement (0122 asks that date whether a cancelled invoice was under the agreement). 0124
/// holds the review to the commands' own moves, for psql too.
@Suite("Submission review")
struct SubmissionReviewTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    /// A pending submission of ACME for a new debtor, entered by the collector with plain SQL.
    func pending(_ sql: Connection) throws -> Int64 {
        let debtor: Int64 = try sql.query("""
            INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Deudor') RETURNING id
            """, [fixture.acme, TestCluster.randomRUT()]).first!.decode("id")
        return try sql.query("INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) VALUES ($1, $2, 'CLP') RETURNING id",
                             [fixture.acme, debtor]).first!.decode("id")
    }

    @Test func aSubmissionIsReviewedOnceByWhoeverReviewsIt() throws {
        let sql = try fixture.connect(fixture.collector)
        let debtor: Int64 = try sql.query("SELECT debtor_id FROM cobranza.submission WHERE id = $1", [try pending(sql)]).first!.decode("debtor_id")
        // Born pending: nobody names its review when entering it.
        #expect(refusal(sql, """
            INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, reject_reason, reviewed_by, reviewed_at)
            VALUES ($1, $2, 'CLP', 'rejected', 'x', 'admin', '2026-01-01')
            """, [fixture.acme, debtor])?.sqlState == .insufficientPrivilege)

        // Rejected: the reviewer and the moment are the database's, whatever the statement says.
        let rejected = try pending(sql)
        try sql.query("""
            UPDATE cobranza.submission SET status = 'rejected', reject_reason = 'duplicada', reviewed_by = 'admin', reviewed_at = '2020-01-01'
             WHERE id = $1
            """, [rejected])
        let row = try sql.query("SELECT reviewed_by::text AS by, reviewed_at > now() - interval '1 minute' AS now FROM cobranza.submission WHERE id = $1",
                                [rejected]).first!
        #expect(try row.decode("by", as: String.self) == fixture.collector && row.decode("now", as: Bool.self))

        // Once reviewed, the review stays: not undone, redone, re-dated or re-attributed.
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let (caseID, _) = try fixture.invoices(number)
        let accepted: Int64 = try sql.query("SELECT id FROM cobranza.submission WHERE case_id = $1", [caseID]).first!.decode("id")
        for change in ["status = 'pending', case_id = NULL", "status = 'rejected', reject_reason = 'x'", "reviewed_by = 'admin'",
                       "reviewed_at = now() + interval '1 day'", "case_id = case_id + 1"] {
            let refused = refusal(sql, "UPDATE cobranza.submission SET \(change) WHERE id = $1", [accepted])
            #expect(refused?.constraint == "submission_reviewed_check", "\(change)")
        }
        #expect(refusal(sql, "UPDATE cobranza.submission SET status = 'accepted', case_id = $2 WHERE id = $1", [rejected, caseID])?.constraint
                == "submission_reviewed_check")
        // A pending one names no reviewer.
        #expect(refusal(sql, "UPDATE cobranza.submission SET reviewed_by = 'admin' WHERE id = $1", [try pending(sql)])?.constraint
                == "submission_reviewed_check")
    }

    /// An invoice goes onto a case only with its submission, as `case open` accepts it. Staff
    /// could name an invoice's case when entering it, or add one to a submission already
    /// accepted and then set its case: with psql a collector raised what a debtor owes from
    /// 1.000.000 to 91.000.000 (0125).
    @Test func anInvoiceJoinsACaseOnlyWithItsSubmission() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let (caseID, _) = try fixture.invoices(number)
        let sql = try fixture.connect(fixture.collector)
        let accepted = try sql.query("SELECT id, debtor_id FROM cobranza.submission WHERE case_id = $1", [caseID]).first!
        let (submission, debtor): (Int64, Int64) = (try accepted.decode("id"), try accepted.decode("debtor_id"))
        let insert = "INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency"
        #expect(refusal(sql, insert + ", case_id) VALUES ($1, $2, $3, 'X-1', '2025-01-01', '2025-02-01', 90000000, 'CLP', $4)",
                        [fixture.acme, submission, debtor, caseID])?.sqlState == .insufficientPrivilege)
        let late = refusal(sql, insert + ") VALUES ($1, $2, $3, 'X-2', '2025-01-01', '2025-02-01', 90000000, 'CLP')",
                           [fixture.acme, submission, debtor])
        #expect(late?.constraint == "invoice_submission_pending_check")
        #expect(late?.message.contains("is accepted") == true)
        // A pending submission's invoice joins no case by hand, and no other case than its submission's.
        let waiting = try pending(sql)
        let invoice: Int64 = try sql.query(insert + ") SELECT tenant_id, id, debtor_id, 'X-3', '2025-01-01', '2025-02-01', 5000, 'CLP' "
                                           + "FROM cobranza.submission WHERE id = $1 RETURNING id", [waiting]).first!.decode("id")
        let joined = refusal(sql, "UPDATE cobranza.invoice SET case_id = $2 WHERE id = $1", [invoice, caseID])
        #expect(joined?.constraint == "invoice_case_submission_check" && joined?.column == "case_id")
        #expect(try fixture.db.superuser().query("SELECT cobranza.case_outstanding($1, $2) AS o", [fixture.acme, caseID]).first!
            .decode("o", as: Int64.self) == 100_000)
    }

    /// The check of an invoice joining its case reads the submission by its primary key. Asked
    /// with the status and case too, the planner picked an index on one of those by statistics
    /// gathered while the batch was pending, and accepting a batch of 100,000 submissions read
    /// every one accepted so far for each invoice: `scripts/bench accept` ran for over 20
    /// minutes. auto_explain shows the trigger's plans as a collector accepts 2,000 at once.
    @Test func anInvoiceJoiningItsCaseIsCheckedByItsSubmissionsKey() throws {
        let su = try fixture.db.superuser()
        try su.query("""
            WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                       SELECT $1, 'CL', (30000000 + k)::text || '-' || cobranza.rut_check_digit((30000000 + k)::text), 'D' || k
                         FROM generate_series(1, 2000) k RETURNING tenant_id, id),
            s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) SELECT tenant_id, id, 'CLP' FROM d RETURNING tenant_id, id, debtor_id)
            INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT tenant_id, id, debtor_id, 'K-' || id, '2025-10-01', '2025-10-31', 1000, 'CLP' FROM s
            """, [fixture.acme])
        try su.query("ANALYZE cobranza.submission")
        try su.query("""
            CREATE TEMP TABLE opened AS
            WITH c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency)
                       SELECT tenant_id, debtor_id, currency FROM cobranza.submission WHERE status = 'pending' RETURNING tenant_id, id, debtor_id)
            SELECT s.tenant_id, s.id, c.id AS case_id FROM c JOIN cobranza.submission s ON s.tenant_id = c.tenant_id AND s.debtor_id = c.debtor_id
            """)
        try su.query("GRANT SELECT ON opened TO PUBLIC")
        for setting in ["LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0", "SET auto_explain.log_nested_statements = on",
                        "SET client_min_messages = log", "SET SESSION AUTHORIZATION \(fixture.collector)"] {
            try su.query(setting)
        }
        try su.query("""
            UPDATE cobranza.submission s SET status = 'accepted', case_id = o.case_id FROM opened o WHERE s.tenant_id = o.tenant_id AND s.id = o.id
            """)
        _ = su.takeNotices()
        try su.query("UPDATE cobranza.invoice i SET case_id = o.case_id FROM opened o WHERE i.tenant_id = o.tenant_id AND i.submission_id = o.id")
        let lookups = su.takeNotices().map(\.message).filter { $0.contains("FROM cobranza.submission s") && $0.contains("NEW.submission_id") }
        #expect(!lookups.isEmpty, "auto_explain showed the trigger's lookups")
        #expect(lookups.allSatisfy { $0.contains("submission_pkey") }, "\(lookups.first ?? "")")
    }

    /// What the client sent is what the client reads back: a reviewed submission's note and
    /// batch (0124), a placed invoice's note and the import batch's file record (0128). A
    /// pending submission's note and batch stay open to staff's review, as a pending invoice's note.
    @Test func whatTheClientSentIsKept() throws {
        let sql = try fixture.connect(fixture.collector)
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let (caseID, invoices) = try fixture.invoices(number)
        let accepted: Int64 = try sql.query("SELECT id FROM cobranza.submission WHERE case_id = $1", [caseID]).first!.decode("id")
        let note = refusal(sql, "UPDATE cobranza.submission SET note = 'el cliente retira todo' WHERE id = $1", [accepted])
        #expect(note?.constraint == "submission_reviewed_check" && note?.column == "note")
        let invoiceNote = refusal(sql, "UPDATE cobranza.invoice SET note = 'pagada en efectivo' WHERE tenant_id = $1 AND number = $2",
                                  [fixture.acme, invoices[0]])
        #expect(invoiceNote?.constraint == "invoice_placed_terms_check" && invoiceNote?.column == "note")
        let batch: Int64 = try fixture.db.asSuperuser { su in
            try su.query("INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count) VALUES ($1, 'f.csv', 'abc', 3) RETURNING id",
                         [fixture.acme]).first!.decode("id")
        }
        #expect(refusal(sql, "UPDATE cobranza.import_batch SET row_count = 300, file_name = 'otro.csv' WHERE id = $1", [batch])?.sqlState
                == .insufficientPrivilege)
        // Pending: staff review it.
        let waiting = try pending(sql)
        #expect(try sql.query("UPDATE cobranza.submission SET note = 'revisar', batch_id = $2 WHERE id = $1", [waiting, batch]).affectedRows == 1)
    }

    @Test func theCommandsStillReview() throws {
        let ana = try fixture.session(fixture.collector)
        let sql = ana.connection
        let one = try pending(sql)
        try sql.query("INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency) "
                      + "SELECT tenant_id, id, debtor_id, 'R-' || id, '2026-01-01', '2026-02-01', 1000, 'CLP' FROM cobranza.submission WHERE id = $1", [one])
        let reference: Int64 = try sql.query("SELECT number FROM cobranza.submission WHERE id = $1", [one]).first!.decode("number")
        _ = try ana.submissions.reject(.init(clientCode: "ACME", number: reference), reason: "sin respaldo")
        #expect(try sql.query("SELECT status, reviewed_by::text AS by FROM cobranza.submission WHERE id = $1", [one]).first!
            .decode("by", as: String.self) == fixture.collector)
    }
}
