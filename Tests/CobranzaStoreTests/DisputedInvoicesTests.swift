import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 16, item 7: a dispute is about invoices. While it is open the invoices it names are
/// left out of posting, referral and letters and the rest of the case goes on; upheld, it
/// cancels just those invoices and closes the case only when nothing else is owed. A client
/// cancels its own invoice (staff may too): what was unpaid is no longer owed and takes no
/// later payment, so it earns no fee; the invoice is kept with its reason. All of it holds in
/// the database, for psql as for the shell.
@Suite("Disputes are about invoices")
struct DisputedInvoicesTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME consents to posting from 2026-02-01.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, true)
            """, [fixture.acme])
    }

    func pay(_ connection: Connection, tenant: Int64, caseID: Int64, _ amount: Int64) throws {
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
            VALUES ($1, $2, $3, cobranza.today(), 'agency', 'transfer', 'T-' || $2::text || '-' || $3::text)
            """, [tenant, caseID, amount])
    }

    func caseRow(_ caseNumber: String) throws -> (stage: String, closeCode: String?, disputed: Bool, outstanding: Int64) {
        try fixture.db.asSuperuser { su in
            let row = try su.query("""
                SELECT stage, close_code, disputed, cobranza.case_outstanding(tenant_id, id) AS outstanding
                  FROM cobranza.collection_case WHERE number = $1
                """, [caseNumber]).first!
            return (try row.decode("stage"), try row.decodeIfPresent("close_code"), try row.decode("disputed"), try row.decode("outstanding"))
        }
    }

    func invoiceRow(_ number: String) throws -> (amount: Int64, cancelledAmount: Int64?, reason: String?, by: String?) {
        try fixture.db.asSuperuser { su in
            let row = try su.query("SELECT amount, cancelled_amount, cancel_reason, cancelled_by FROM cobranza.invoice WHERE number = $1",
                                   [number]).first!
            return (try row.decode("amount"), try row.decodeIfPresent("cancelled_amount"), try row.decodeIfPresent("cancel_reason"),
                    try row.decodeIfPresent("cancelled_by"))
        }
    }

    @Test func aDisputeOfOneInvoiceLeavesTheRestOfTheCaseGoingOn() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, numbers) = try fixture.invoices(number)
        let ana = try fixture.session(fixture.collector)
        let opened = try ana.disputes.open(caseNumber: number, reason: "mercadería devuelta", invoices: [numbers[0]])
        #expect(opened.invoices == [numbers[0]])
        #expect(try caseRow(number).disputed == false, "the case as a whole is not disputed")

        // The letter claims only the undisputed invoice; posting goes on for it.
        let letter = try ana.steps.log(.init(caseNumber: number, kind: .letter, clientVisible: true, level: .friendly)).letter ?? ""
        #expect(letter.contains(numbers[1]) && !letter.contains(numbers[0]))
        #expect(letter.contains("50.000") && !letter.contains("150.000"))
        _ = try ana.postings.notify(caseNumber: number)

        // No instalments while it is open: they would fold the disputed invoice in.
        let sql = try fixture.connect(fixture.collector)
        let (caseID, _) = try fixture.invoices(number)
        let agreement = refusal(sql, "INSERT INTO cobranza.payment_agreement (tenant_id, case_id, instalments, first_due) VALUES ($1, $2, 2, '2026-05-01')",
                                [fixture.acme, caseID])
        #expect(agreement?.constraint == "collection_case_disputed_check")
        #expect(agreement?.message.contains("resolve the dispute before agreeing instalments") == true)

        // A second dispute while one is open is refused; naming an invoice of another case too.
        #expect(throws: StoreError("case \(number): the case already has an open dispute")) {
            try ana.disputes.open(caseNumber: number, reason: "otra", invoices: [numbers[1]])
        }
        let other = try fixture.openCase(tenant: fixture.acme, amounts: [70_000, 30_000])
        #expect(throws: StoreError(field: "invoice", value: numbers[1], "case \(other) has no invoice \(numbers[1]) that is not cancelled")) {
            try ana.disputes.open(caseNumber: other, reason: "x", invoices: [numbers[1]])
        }
    }

    @Test func whenEveryOwedInvoiceIsDisputedNothingIsPostedReferredOrClaimedWithPlainSQL() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (id, numbers) = try fixture.invoices(number)
        let sql = try fixture.connect(fixture.collector)
        // The first invoice is paid; the dispute names the second, the only one still owed.
        try pay(sql, tenant: fixture.acme, caseID: id, 100_000)
        try sql.query("BEGIN")
        let dispute: Int64 = try sql.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'no entregado') RETURNING id",
                                           [fixture.acme, id]).first!.decode("id")
        try sql.query("""
            INSERT INTO cobranza.dispute_invoice (tenant_id, dispute_id, invoice_id)
            SELECT tenant_id, $2, id FROM cobranza.invoice WHERE tenant_id = $1 AND number = $3
            """, [fixture.acme, dispute, numbers[1]])
        try sql.query("COMMIT")
        #expect(try caseRow(number).disputed == false)

        let posting = refusal(sql, "INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [fixture.acme, id])
        #expect(posting?.constraint == "collection_case_disputed_check")
        #expect(posting?.message.contains("every invoice still owed is disputed") == true)
        let lawyer = try fixture.db.addPerson("luis", kind: "lawyer")
        let referral = refusal(sql, "INSERT INTO cobranza.judicial_referral (tenant_id, case_id, lawyer) VALUES ($1, $2, $3)",
                               [fixture.acme, id, lawyer])
        #expect(referral?.constraint == "collection_case_disputed_check")

        // The shell says the same before any SQL.
        let ana = try fixture.session(fixture.collector)
        #expect(throws: StoreError("case \(number) could never be posted, so no notice is sent: the case has an open dispute")) {
            try ana.postings.notify(caseNumber: number)
        }
        #expect(throws: StoreError("case \(number): every invoice still owed is disputed, so there is no letter to send until the dispute is resolved")) {
            try ana.steps.log(.init(caseNumber: number, kind: .letter, level: .friendly))
        }

        // What a dispute covers is fixed when it is opened: no invoice is added later.
        let late = refusal(sql, """
            INSERT INTO cobranza.dispute_invoice (tenant_id, dispute_id, invoice_id)
            SELECT tenant_id, $2, id FROM cobranza.invoice WHERE tenant_id = $1 AND number = $3
            """, [fixture.acme, dispute, numbers[0]])
        #expect(late?.constraint == "dispute_invoice_open_check")
        #expect(refusal(sql, "DELETE FROM cobranza.dispute_invoice")?.sqlState == .insufficientPrivilege)
        // The SME reads what its disputes cover; a lawyer's connection reads nothing it may not.
        let maria = try fixture.connect(fixture.maria)
        #expect(try maria.query("SELECT count(*) AS n FROM cobranza.dispute_invoice").first!.decode("n", as: Int64.self) == 1)
        #expect(refusal(maria, "INSERT INTO cobranza.dispute_invoice (tenant_id, dispute_id, invoice_id) VALUES ($1, $2, 1)",
                        [fixture.acme, dispute])?.sqlState == .insufficientPrivilege)
    }

    @Test func anUpheldDisputeCancelsJustItsInvoicesAndClosesOnlyWhenNothingElseIsOwed() throws {
        let ana = try fixture.session(fixture.collector)
        // Something else owed: the case goes on, without the disputed invoice.
        let open = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (openID, openInvoices) = try fixture.invoices(open)
        _ = try ana.disputes.open(caseNumber: open, reason: "no entregado", invoices: [openInvoices[1]])
        let upheld = try ana.disputes.resolve(caseNumber: open, outcome: .upheld, note: "guía sin firma")
        #expect(!upheld.closed && upheld.cancelled == [openInvoices[1]])
        #expect(try caseRow(open) == ("extrajudicial", nil, false, 100_000))
        let cancelled = try invoiceRow(openInvoices[1])
        #expect(cancelled.amount == 0 && cancelled.cancelledAmount == 50_000)
        #expect(cancelled.reason == "dispute upheld: guía sin firma")
        #expect(try invoiceRow(openInvoices[0]).cancelledAmount == nil)
        // No payment can go to the cancelled invoice: paying more than the rest is an overpayment.
        let sql = try fixture.connect(fixture.collector)
        #expect(refusal(sql, """
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
            VALUES ($1, $2, 100001, cobranza.today(), 'agency', 'transfer', 'over')
            """, [fixture.acme, openID]) != nil)
        try pay(sql, tenant: fixture.acme, caseID: openID, 100_000)
        #expect(try caseRow(open).stage == "closed" && caseRow(open).closeCode == "paid")

        // Nothing else owed: the first invoice was paid, the disputed one is cancelled, the case closes as disputed.
        let paid = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (paidID, paidInvoices) = try fixture.invoices(paid)
        try pay(sql, tenant: fixture.acme, caseID: paidID, 100_000)
        _ = try ana.disputes.open(caseNumber: paid, reason: "no entregado", invoices: [paidInvoices[1]])
        let closing = try ana.disputes.resolve(caseNumber: paid, outcome: .upheld, note: nil)
        #expect(closing.closed && closing.cancelled == [paidInvoices[1]])
        #expect(try caseRow(paid) == ("closed", "disputed", false, 0))

        // A dispute left open when the case closed is still resolved; the case stays closed as it was.
        let dormant = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, dormantInvoices) = try fixture.invoices(dormant)
        _ = try ana.disputes.open(caseNumber: dormant, reason: "x", invoices: [dormantInvoices[0]])
        _ = try ana.cases.close(dormant, code: .uncollectible, note: "quiebra")
        let late = try ana.disputes.resolve(caseNumber: dormant, outcome: .upheld, note: nil)
        #expect(late.wasClosed && !late.closed && late.cancelled == [dormantInvoices[0]])
        #expect(try caseRow(dormant) == ("closed", "uncollectible", false, 50_000))

        // A rejected dispute cancels nothing.
        let rejected = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (_, rejectedInvoices) = try fixture.invoices(rejected)
        _ = try ana.disputes.open(caseNumber: rejected, reason: "x", invoices: [rejectedInvoices[0]])
        #expect(try ana.disputes.resolve(caseNumber: rejected, outcome: .rejected, note: nil).cancelled == [])
        #expect(try caseRow(rejected).outstanding == 150_000)
    }

    @Test func aClientCancelsItsOwnInvoiceWithPlainSQLAndNobodyElseCan() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (id, numbers) = try fixture.invoices(number)
        let others = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let (_, otherNumbers) = try fixture.invoices(others)
        let staff = try fixture.connect(fixture.collector)
        // 30.000 paid on the first invoice (oldest due first).
        try pay(staff, tenant: fixture.acme, caseID: id, 30_000)

        let maria = try fixture.connect(fixture.maria)
        // Only the reason is hers to write, and only on her own placed invoices.
        #expect(refusal(maria, "UPDATE cobranza.invoice SET amount = 1 WHERE number = $1", [numbers[0]])?.sqlState == .insufficientPrivilege)
        #expect(try maria.query("UPDATE cobranza.invoice SET cancel_reason = 'x' WHERE number = $1 RETURNING id", [otherNumbers[0]]).rows.isEmpty)
        #expect(refusal(maria, "UPDATE cobranza.invoice SET cancel_reason = '  ' WHERE number = $1", [numbers[0]])?.constraint == "invoice_cancelled_check")
        let lawyer = try fixture.connect(try fixture.db.addPerson("luis", kind: "lawyer"))
        #expect(refusal(lawyer, "UPDATE cobranza.invoice SET cancel_reason = 'x' WHERE number = $1", [numbers[0]])?.sqlState == .insufficientPrivilege)

        // The unpaid part of the first invoice is cancelled; what was paid stays paid.
        try maria.query("UPDATE cobranza.invoice SET cancel_reason = 'nota de crédito 88' WHERE number = $1", [numbers[0]])
        let first = try invoiceRow(numbers[0])
        #expect(first.amount == 30_000 && first.cancelledAmount == 70_000 && first.reason == "nota de crédito 88" && first.by == fixture.maria)
        #expect(try caseRow(number) == ("extrajudicial", nil, false, 50_000))
        #expect(refusal(maria, "UPDATE cobranza.invoice SET cancel_reason = 'otra vez' WHERE number = $1", [numbers[0]])?.constraint == "invoice_cancelled_check")
        // The timeline says so, to the client too.
        #expect(try maria.query("SELECT note FROM cobranza.case_event WHERE case_id = $1 AND kind = 'note'", [id]).first?
            .decode("note", as: String.self).contains("cancelled") == true)

        // The next payment goes to the second invoice: the cancelled one takes no more, and earns no more fee.
        try pay(staff, tenant: fixture.acme, caseID: id, 20_000)
        let balances = try staff.query("SELECT number, paid, outstanding FROM cobranza.invoice_balance WHERE case_id = $1 ORDER BY due", [id]).rows
        #expect(try balances.map { try $0.decode("paid", as: Int64.self) } == [30_000, 20_000])
        #expect(try balances.map { try $0.decode("outstanding", as: Int64.self) } == [0, 30_000])

        // A paid-in-full invoice has nothing to cancel; cancelling the last owed one closes the case as withdrawn.
        let session = try fixture.session(fixture.maria)
        #expect(throws: StoreError(field: "NUMBER", value: numbers[0], "invoice \(numbers[0]) was already cancelled on \(PaymentFixture.today)")) {
            try session.invoiceCancellations.cancel(caseNumber: number, invoice: numbers[0], reason: "x")
        }
        let done = try session.invoiceCancellations.cancel(caseNumber: number, invoice: numbers[1], reason: "acuerdo directo")
        #expect(done.amount.minorUnits == 30_000 && done.caseClosed)
        #expect(try caseRow(number) == ("closed", "withdrawn", false, 0))

        let paidOff = try fixture.openCase(tenant: fixture.acme, amounts: [100_000, 50_000])
        let (paidID, paidNumbers) = try fixture.invoices(paidOff)
        try pay(staff, tenant: fixture.acme, caseID: paidID, 100_000)
        #expect(throws: StoreError(field: "NUMBER", value: paidNumbers[0], "invoice \(paidNumbers[0]) is paid in full: there is nothing left to cancel")) {
            try session.invoiceCancellations.cancel(caseNumber: paidOff, invoice: paidNumbers[0], reason: "x")
        }
        let sqlRefusal = refusal(maria, "UPDATE cobranza.invoice SET cancel_reason = 'x' WHERE number = $1", [paidNumbers[0]])
        #expect(sqlRefusal?.constraint == "invoice_cancelled_check" && sqlRefusal?.message.contains("paid in full") == true)
        #expect(throws: StoreError("only agency admins and collectors, or the client's own users, can cancel invoices")) {
            try Session(connection: lawyer).invoiceCancellations.cancel(caseNumber: paidOff, invoice: paidNumbers[1], reason: "x")
        }
    }
}
