import CobranzaCore
import CobranzaStore
import Postgres
import Testing

/// Issue 16, item 3: court costs recorded on a referral go where the client's contract says
/// (`--court-costs client|debtor|agency`), and the SME sees them.
@Suite("Court costs go somewhere")
struct CourtCostTests {
    let fixture: PaymentFixture
    let lawyer: String

    init() throws {
        fixture = try PaymentFixture()
        lawyer = try fixture.db.addPerson("luis", kind: "lawyer")
    }

    /// A case of ACME with one invoice of 1.000.000, referred to court, with a 45.000 cost
    /// recorded today (2026-04-02) by the lawyer.
    func referredCaseWithACost() throws -> String {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [1_000_000])
        let admin = try fixture.session(fixture.admin)
        _ = try admin.referrals.file(.init(caseNumber: number, lawyer: lawyer))
        _ = try fixture.session(lawyer).referrals.update(.init(caseNumber: number, cost: "45.000", costNote: "receptor judicial"))
        return number
    }

    func setContract(_ changes: (inout Contracts.Changes) -> Void) throws {
        var c = Contracts.Changes()
        changes(&c)
        c.effective = "2026-04-01"
        try fixture.session(fixture.admin).contracts.set(client: "ACME", c)
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as PostgresError { return error.message } catch { return "\(error)" }
    }

    @Test func anSMEReadsItsReferralWithItsCosts() throws {
        let number = try referredCaseWithACost()
        // Was "permission denied for table judicial_referral": the show asked for the amounts
        // at referral and the override's reason, which an SME's grant leaves out.
        let referral = try fixture.session(fixture.maria).referrals.show(caseNumber: number)
        #expect(referral.lawyer == lawyer)
        #expect(referral.outstanding == nil && referral.threshold == nil && referral.overrideReason == nil)
        #expect(referral.costs.map(\.amount) == [45_000])
        #expect(referral.costs.map(\.borneBy) == [.client])
        // Staff still see what was owed when referred.
        #expect(try fixture.session(fixture.admin).referrals.show(caseNumber: number).outstanding == 1_000_000)
        // case show carries the costs too, for the SME as for staff.
        #expect(try fixture.session(fixture.maria).cases.show(number).courtCosts.map(\.note) == ["receptor judicial"])
    }

    @Test func theClientsCostsAreBilledOnceAsTheirOwnLinesWithoutVAT() throws {
        let number = try referredCaseWithACost()
        try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "100.000"))
        let admin = try fixture.session(fixture.admin)
        let issued = try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
        #expect(issued.count == 1)
        let invoice = try #require(issued.first)
        // The judicial fee: 25 % of 100.000; VAT on the fee only; the cost passes through.
        #expect(invoice.subtotal == 25_000 && invoice.costs == 45_000)
        #expect(invoice.vat == 4_750)
        #expect(invoice.total == 25_000 + 4_750 + 45_000)
        #expect(invoice.lines == 2)
        let (document, lines, costLines) = try admin.feeInvoices.showWithCosts(invoice.number)
        #expect(document.costs == 45_000 && document.costVATRate == .zero)
        #expect(lines.count == 1)
        #expect(costLines.map(\.amount) == [45_000])
        #expect(costLines.map(\.caseNumber) == [number])
        #expect(costLines.map(\.lineNumber) == [2])
        // The SME reads its invoice's cost lines and sees the cost billed.
        let maria = try fixture.session(fixture.maria)
        #expect(try maria.feeInvoices.showWithCosts(invoice.number).2.map(\.amount) == [45_000])
        #expect(try maria.referrals.show(caseNumber: number).costs.map(\.invoice) == [invoice.number])
        // And on its statement, with who bears it and the invoice that bills it.
        let statement = try #require(try maria.statements.statement(client: nil, period: "2026-04").first)
        #expect(statement.courtCosts.map(\.cost.invoice) == [invoice.number])
        #expect(statement.courtCostsKept == 0)

        // Billed once: nothing new next time.
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
        // Voiding the invoice credits the costs too and frees them for the next invoice.
        let creditNote = try admin.feeInvoices.void(invoice.number, reason: "wrong period")
        let (note, _, noteCosts) = try admin.feeInvoices.showWithCosts(creditNote)
        #expect(note.costs == -45_000 && note.total == -invoice.total)
        #expect(noteCosts.map(\.amount) == [-45_000])
        let again = try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
        #expect(again.map(\.costs) == [45_000])
    }

    @Test func aCostAloneMakesAnInvoiceAndTheContractMayAddVAT() throws {
        try setContract { $0.courtCostsVAT = true }
        _ = try referredCaseWithACost()
        let issued = try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04")
        #expect(issued.map(\.subtotal) == [0])
        #expect(issued.map(\.costs) == [45_000])
        #expect(issued.map(\.vat) == [8_550])  // 19 % of 45.000
        #expect(issued.map(\.total) == [53_550])
    }

    @Test func costsTheAgencyAbsorbsAreShownAndNeverBilled() throws {
        try setContract { $0.courtCosts = .agency }
        let number = try referredCaseWithACost()
        #expect(try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
        let referral = try fixture.session(fixture.maria).referrals.show(caseNumber: number)
        #expect(referral.costs.map(\.borneBy) == [.agency])
        #expect(referral.costs.map(\.invoice) == [nil])
        // Frozen when recorded: a later contract does not move a cost already recorded.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, court_costs)
            VALUES ($1, 3, '2026-04-02', 1500, 2500, 1900, 'client')
            """, [fixture.acme])
        #expect(try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
    }

    @Test func theTermIsInTheContract() throws {
        try setContract { $0.courtCosts = .debtor }
        let history = try fixture.session(fixture.admin).contracts.history(client: "ACME")
        #expect(history.map(\.courtCosts) == [.client, .debtor])
        #expect(history.map(\.courtCostsVAT) == [false, false])
        // Carried over by the next version.
        try setContract { $0.courtCostsVAT = true }
        let latest = try #require(try fixture.session(fixture.admin).contracts.history(client: "ACME").last)
        #expect(latest.courtCosts == .debtor && latest.courtCostsVAT)
    }

    @Test func theDebtorsCostsAreOwedAfterTheInvoicesAndEarnNoFee() throws {
        try setContract { $0.courtCosts = .debtor }
        let number = try referredCaseWithACost()
        let ana = try fixture.session(fixture.collector)
        #expect(try ana.cases.show(number).outstanding == 1_045_000)
        #expect(try fixture.session(fixture.maria).cases.show(number).outstanding == 1_045_000)
        // Nothing to bill the client.
        #expect(try fixture.session(fixture.admin).feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
        // 1.000.000 pays the invoice: the judicial fee on all of it, and the case stays open.
        let first = try ana.payments.record(.init(caseNumber: number, amount: "1.000.000"))
        #expect(first.fee == 250_000)
        #expect(first.caseOutstanding == 45_000)
        #expect(first.caseCloseCode == nil)
        // Over what is owed is refused, costs included.
        #expect(throws: (any Error).self) { try ana.payments.record(.init(caseNumber: number, amount: "45.001")) }
        // 45.000 pays the costs: no fee, not even the minimum; now the case is paid.
        let last = try ana.payments.record(.init(caseNumber: number, amount: "45.000"))
        #expect(last.fee == 0)
        #expect(last.caseOutstanding == 0)
        #expect(last.caseCloseCode == "paid")
        let su = try fixture.db.superuser()
        let parts = try su.query("SELECT court_costs FROM cobranza.payment WHERE id IN ($1, $2) ORDER BY id", [first.id, last.id])
            .rows.map { try $0.decode("court_costs", as: Int64.self) }
        #expect(parts == [0, 45_000])
        // A payment across the invoice and the costs earns the fee on the invoice's part only.
        let other = try referredCaseWithACost()
        let across = try ana.payments.record(.init(caseNumber: other, amount: "1.045.000"))
        #expect(across.fee == 250_000)
        #expect(across.caseCloseCode == "paid")
        #expect(across.feeNote?.contains("no fee on $45.000 to the court costs the debtor bears") == true)
        // The statement: the costs recovered are the agency's, not remitted to the client.
        let statement = try #require(try fixture.session(fixture.maria).statements.statement(client: nil, period: "2026-04").first)
        #expect(statement.collectedByAgency == 2_090_000)
        #expect(statement.courtCostsKept == 90_000)
        #expect(statement.feesWithheld == 2 * (250_000 + 47_500))
        #expect(statement.netToRemit == 2_090_000 - 595_000 - 90_000)
        #expect(statement.closingBalance == statement.netToRemit)
        #expect(statement.courtCosts.map(\.caseNumber) == [number, other])
        #expect(statement.courtCosts.map(\.cost.borneBy) == [.debtor, .debtor])
    }

    /// `report recovery` counts what came back of the debt, not the court costs the debtor repaid:
    /// 1.045.000 paid on a 1.000.000 case with 45.000 of costs is 1.000.000 recovered, 100.0 %.
    @Test func recoveryLeavesOutTheCourtCostsTheDebtorRepaid() throws {
        try setContract { $0.courtCosts = .debtor }
        let number = try referredCaseWithACost()
        _ = try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "1.045.000"))
        // The fixture writes the submission with the server's real date; it was handed over on
        // 2026-04-01 (the sessions' clock says today is 2026-04-02): April's cohort.
        try fixture.db.asSuperuser { su in
            try su.query("UPDATE cobranza.submission SET submitted_on = '2026-04-01' WHERE case_id = (SELECT id FROM cobranza.collection_case WHERE number = $1)", [number])
        }
        let april = CalendarMonth(parsing: "2026-04")!
        let report = try fixture.session(fixture.admin).reports.recovery(client: "ACME", from: april, to: april)
        #expect(report.cohorts.count == 1)
        let cohort = try #require(report.cohorts.first)
        #expect(cohort.placed == 1_000_000 && cohort.recovered == 1_000_000 && cohort.rate == BasisPoints(10_000))
        // The judicial fee (25 %) on the invoice's part only; the case closed as paid.
        #expect(cohort.fees == 250_000 && cohort.closed == [.init(code: "paid", cases: 1)])
        #expect(report.splits.first { $0.dimension == .stage }?.value == "judicial")
        #expect(report.splits.allSatisfy { $0.recovered == 1_000_000 })
    }

    /// The debtor pays the costs to the client directly: that money is the agency's, so the
    /// client owes it on the statement.
    @Test func costsPaidToTheClientAreOwedToTheAgency() throws {
        try setContract { $0.courtCosts = .debtor }
        let number = try referredCaseWithACost()
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "1.045.000", channel: .direct))
        let statement = try #require(try fixture.session(fixture.admin).statements.statement(client: "ACME", period: "2026-04").first)
        #expect(statement.paidDirectly == 1_045_000)
        #expect(statement.courtCostsKept == 0)
        #expect(statement.closingBalance == -45_000)
    }

    /// Two admins issue at once: billing is one at a time (lock_billing), so each cost lands on
    /// one invoice, as each fee does.
    @Test func twoAdminsIssuingAtOnceBillEachCostOnce() throws {
        for _ in 0..<3 { _ = try referredCaseWithACost() }
        let admins = [fixture.admin, try fixture.db.addPerson("admin", kind: "admin")]
        let fixture = self.fixture
        let issued = Failures()
        let failures = simultaneously(2, prepare: { worker in try fixture.session(admins[worker]) }, act: { _, session in
            for invoice in try session.feeInvoices.issue(client: nil, period: "2026-04") { issued.append(invoice.number) }
        })
        #expect(failures.isEmpty, "\(failures)")
        #expect(issued.all == ["F-2026-000001"], "\(issued.all)")
        let su = try fixture.db.superuser()
        let billed = try su.query("SELECT count(*) AS lines, count(DISTINCT cost_id) AS costs, sum(amount) AS amount FROM cobranza.fee_document_cost_line").first!
        #expect(try billed.decode("lines", as: Int64.self) == 3)
        #expect(try billed.decode("costs", as: Int64.self) == 3)
        #expect(try billed.decode("amount", as: Int64.self) == 135_000)
    }

    @Test func reversingTheCostsPaymentReopensTheCase() throws {
        try setContract { $0.courtCosts = .debtor }
        let number = try referredCaseWithACost()
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "1.000.000"))
        let last = try ana.payments.record(.init(caseNumber: number, amount: "45.000"))
        #expect(last.caseCloseCode == "paid")
        _ = try ana.payments.reverse(last.reference, reason: "cheque rebotado", date: nil)
        let after = try ana.cases.show(number)
        #expect(after.summary.closeCode == nil)
        #expect(after.outstanding == 45_000)
        let su = try fixture.db.superuser()
        #expect(try su.query("SELECT court_costs FROM cobranza.payment WHERE reverses_id = $1", [last.id]).first!
            .decode("court_costs", as: Int64.self) == -45_000)
        // What a payment gave the costs is payment_prepare's, never the recorder's.
        let admin = try fixture.connect(fixture.admin)
        let caseID: Int64 = try su.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
        #expect(message {
            try admin.query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, court_costs) VALUES ($1, $2, 1, 1)", [fixture.acme, caseID])
        }?.contains("permission denied") == true)
    }

    /// The same rules for anyone with plain SQL.
    @Test func theDatabaseHoldsTheRules() throws {
        let number = try referredCaseWithACost()
        let su = try fixture.db.superuser()
        let caseID: Int64 = try su.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
        let costID: Int64 = try su.query("SELECT id FROM cobranza.court_cost WHERE case_id = $1", [caseID]).first!.decode("id")
        let admin = try fixture.connect(fixture.admin)
        // The term is checked.
        #expect(message {
            try admin.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, court_costs)
                VALUES ($1, 2, '2026-04-02', 1500, 2500, 1900, 'nobody')
                """, [fixture.acme])
        }?.contains("contract_court_costs_check") == true)
        // Who bears a cost is the contract's, not the recorder's.
        #expect(message {
            try admin.query("INSERT INTO cobranza.court_cost (tenant_id, case_id, amount, note, borne_by) VALUES ($1, $2, 1, 'x', 'agency')",
                            [fixture.acme, caseID])
        }?.contains("permission denied") == true)
        // Cost lines only through issue_fee_invoices: no grant names them.
        #expect(message {
            try admin.query("""
                INSERT INTO cobranza.fee_document (tenant_id, kind, currency, period, subtotal, vat_bp, vat, total, payment_ids,
                                                   case_labels, cost_ids, costs)
                VALUES ($1, 'invoice', 'CLP', '2026-04', 0, 0, 0, 45000, '{}', '{}', ARRAY[$2::bigint], 45000)
                """, [fixture.acme, costID])
        }?.contains("permission denied") == true)
        // An SME reads its own costs only; the lawyer who recorded it reads them, a collector too.
        let maria = try fixture.connect(fixture.maria)
        #expect(try maria.query("SELECT count(*) AS n FROM cobranza.court_cost").first!.decode("n", as: Int64.self) == 1)
        let otherSME = try fixture.db.addPerson("olga", kind: "client", client: "OTHER")
        let olga = try fixture.connect(otherSME)
        #expect(try olga.query("SELECT count(*) AS n FROM cobranza.court_cost").first!.decode("n", as: Int64.self) == 0)
        #expect(message { try maria.query("INSERT INTO cobranza.court_cost (tenant_id, case_id, amount, note) VALUES ($1, $2, 1, 'x')",
                                          [fixture.acme, caseID]) }?.contains("permission denied") == true)
        // And the referral's columns an SME may read, without the internal ones.
        #expect(try maria.query("SELECT lawyer, stage FROM cobranza.judicial_referral").rows.count == 1)
        #expect(message { try maria.query("SELECT override_reason FROM cobranza.judicial_referral") }?.contains("permission denied") == true)
    }
}
