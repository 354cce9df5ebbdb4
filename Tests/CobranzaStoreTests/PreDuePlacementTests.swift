import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Pre-collection placement (issue 17; 0100–0102): a client whose contract has `pre_due_days`
/// places invoices before their due date, so a ladder's pre-due reminder is really done while
/// its post-due steps wait for the due date; and nothing firmer than a reminder reaches a debt
/// not yet due — no letter, posting notice or referral, whoever writes it — while `report aging`
/// shows such money as "not due".
@Suite("Pre-due placement")
struct PreDuePlacementTests {
    let fixture: PaymentFixture
    /// Placed on the fixture's today (2026-04-02), due four days later.
    let caseNumber: String

    init() throws {
        fixture = try PaymentFixture()
        let admin = try fixture.session(fixture.admin)
        var changes = Contracts.Changes()
        changes.preDueDays = 7
        changes.postingConsent = true
        try admin.contracts.set(client: "ACME", changes)
        let placed = try admin.placements.submit(.init(
            debtorTaxID: "12.345.678-5", debtorName: "Ferretería Sur", number: "F-1", issued: "2026-03-01", due: "2026-04-06",
            amount: "100.000"), client: "ACME")
        let opened = try admin.cases.open(submission: try #require(ClientReference(parsing: placed.submissions[0])), assignTo: nil)
        caseNumber = opened.caseNumber
        try fixture.db.asSuperuser { su in
            try su.query("""
                UPDATE cobranza.debtor d SET email = 'pagos@example.cl'
                  FROM cobranza.collection_case c WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                """, [caseNumber])
        }
    }

    func run(_ day: String) throws -> [String] {
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
        return try admin.strategyRuns.run(on: nil, client: nil, dryRun: false).decisions.map { "\($0.action) \($0.decision)" }
    }

    func refusal(_ connection: Connection, _ sql: String, _ parameters: [(any PostgresEncodable)?] = []) -> PostgresError? {
        do {
            try connection.query(sql, parameters)
            return nil
        } catch {
            return error
        }
    }

    @Test func theContractShowsTheTermAndTheWindowEnds() throws {
        let admin = try fixture.session(fixture.admin)
        #expect(try admin.contracts.history(client: "ACME").last?.workflow.preDueDays == 7)
        // Seven days ahead is the last day the window admits; the refusal names field and rule.
        let refused = #expect(throws: StoreError.self) {
            try admin.placements.submit(.init(
                debtorTaxID: "12.345.678-5", debtorName: "Ferretería Sur", number: "F-2", issued: "2026-03-01", due: "2026-04-10",
                amount: "100.000"), client: "ACME")
        }
        #expect(refused?.description.contains("2026-04-10 is not yet due and the contract admits invoices due within 7 days") == true)
        var changes = Contracts.Changes()
        changes.preDueDays = 61
        let tooFar = #expect(throws: StoreError.self) { try admin.contracts.set(client: "ACME", changes) }
        #expect(tooFar?.description.contains("from 0 to 60") == true)
    }

    /// The done-when walk's first step: the day -3 reminder is done, not skipped, and the email of
    /// day 2 waits for its day after the due date.
    @Test func aPreDueReminderIsDoneAndPostDueStepsWaitForTheDueDate() throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "ladder", isDefault: true)
        try admin.strategies.addStep(.init(strategy: "ladder", day: -3, action: .reminder))
        try admin.strategies.addStep(.init(strategy: "ladder", day: 2, action: .email))
        #expect(try run("2026-04-02") == [], "the reminder's day is tomorrow")
        #expect(try run("2026-04-03") == ["reminder done"])
        // The reminder says the invoice falls due, not that it is overdue: it was written before.
        #expect(try bodies().count == 1)
        let before = try bodies()
        #expect(before.allSatisfy { $0.contains("F-1 (vence el 06-04-2026)") && !$0.contains("vencida") }, "\(before)")
        #expect(try run("2026-04-06") == [], "due today: the email's day is the 8th")
        #expect(try run("2026-04-08") == ["email done"])
        let after = try bodies()
        #expect(after.last?.contains("F-1 (vencida el 06-04-2026)") == true, "\(after)")
    }

    /// The texts the run queued for the case, oldest first.
    func bodies() throws -> [String] {
        try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT m.body FROM cobranza.outbound_message m JOIN cobranza.collection_case c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
                 WHERE c.number = $1 ORDER BY m.id
                """, [caseNumber]).rows.map { try $0.decode("body", as: String.self) }
        }
    }

    @Test func noLetterPostingOrReferralBeforeTheDueDate() throws {
        let admin = try fixture.connect(fixture.admin)
        let (tenant, caseID): (Int64, Int64) = try fixture.db.asSuperuser { su in
            let row = try su.query("SELECT tenant_id, id FROM cobranza.collection_case WHERE number = $1", [caseNumber]).first!
            return (try row.decode("tenant_id"), try row.decode("id"))
        }
        let letter = refusal(admin, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, letter_level, body)
            VALUES ($1, $2, 'letter', 'level 1', 1, 'Estimado cliente: pague.')
            """, [tenant, caseID])
        #expect(letter?.message == "invoice F-1 is not yet due (due 2026-04-06): a letter demands only what is due")
        let posting = refusal(admin, "INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [tenant, caseID])
        #expect(posting?.message == "invoice F-1 is not yet due (due 2026-04-06): a debt is posted only once it is due")
        let referral = refusal(admin, "INSERT INTO cobranza.judicial_referral (tenant_id, case_id, lawyer) VALUES ($1, $2, 'nadie')",
                               [tenant, caseID])
        #expect(referral?.message == "invoice F-1 is not yet due (due 2026-04-06): a case goes to court only once its invoices are due")
        // Through the store too: the posting notice passes Swift's barriers and meets the database's.
        let notice = #expect(throws: (any Error).self) { try fixture.session(fixture.admin).postings.notify(caseNumber: caseNumber) }
        #expect("\(String(describing: notice))".contains("is not yet due"))
        // A reminder-like contact is no demand: a note and an email may be logged.
        #expect(refusal(admin, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note) VALUES ($1, $2, 'email', 'recordatorio amistoso')
            """, [tenant, caseID]) == nil)
        // Once due, the letter goes.
        try admin.query("SELECT set_config('cobranza.as_of', '2026-04-06', false)")
        #expect(refusal(admin, """
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, letter_level, body)
            VALUES ($1, $2, 'letter', 'level 1', 1, 'Estimado cliente: pague.')
            """, [tenant, caseID]) == nil)
    }

    /// A posted debt stays due: an invoice not yet due that joins a noticed case holds its
    /// publication back (Swift and the database) until it falls due, and none joins a case once
    /// published or judicial.
    @Test func noPublicationOfAnInvoiceNotYetDueAndNoneJoinsAPostedCase() throws {
        let admin = try fixture.session(fixture.admin)
        var changes = Contracts.Changes()
        changes.postingNoticeDays = 0
        try admin.contracts.set(client: "ACME", changes)
        let overdue = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let taxID: String = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT d.tax_id FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                 WHERE c.number = $1
                """, [overdue]).first!.decode("tax_id")
        }
        _ = try admin.postings.notify(caseNumber: overdue)
        func place(_ number: String, due: String) throws -> Cases.Opened {
            let placed = try admin.placements.submit(.init(
                debtorTaxID: taxID, debtorName: "Deudor", number: number, issued: "2026-03-01", due: due, amount: "50.000"), client: "ACME")
            return try admin.cases.open(submission: try #require(ClientReference(parsing: placed.submissions[0])), assignTo: nil)
        }
        #expect(try place("P-1", due: "2026-04-06").caseNumber == overdue, "it joins the debtor's open case")
        let held = #expect(throws: StoreError.self) { try admin.postings.publish(caseNumber: overdue, registry: "Boletín Comercial", reference: nil) }
        #expect(held?.description.contains("an invoice falls due on 2026-04-06: a debt is posted only once it is due") == true)
        let plain = try fixture.connect(fixture.admin)
        let refused = refusal(plain, """
            UPDATE cobranza.posting p SET published_on = cobranza.today(), registry = 'Boletín Comercial'
              FROM cobranza.collection_case c WHERE c.number = $1 AND p.tenant_id = c.tenant_id AND p.case_id = c.id
            """, [overdue])
        #expect(refused?.message == "invoice P-1 is not yet due (due 2026-04-06): a debt is posted only once it is due")
        // Once due it is published; then a new invoice not yet due may not join the posted case.
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-04-06', false)")
        _ = try admin.postings.publish(caseNumber: overdue, registry: "Boletín Comercial", reference: nil)
        let joining = #expect(throws: (any Error).self) { try place("P-2", due: "2026-04-10") }
        #expect("\(String(describing: joining))".contains("due: 2026-04-10 is not yet due and case \(overdue) is posted"))
    }

    /// A ladder's letter counted from the opening, on a case not yet due: paused with the
    /// database's refusal, and weighed again at the next run.
    @Test func aLetterStepBeforeTheDueDateIsPausedByTheRefusal() throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "ladder", isDefault: true)
        try admin.strategies.addStep(.init(strategy: "ladder", day: 0, action: .letter, level: .friendly, from: .opened))
        let session = try fixture.session(fixture.admin)
        let report = try session.strategyRuns.run(on: nil, client: nil, dryRun: false)
        #expect(report.decisions.map(\.decision) == ["paused"])
        #expect(report.decisions.first?.reason.contains("is not yet due") == true)
        let dueDay = try run("2026-04-06")
        #expect(dueDay == ["letter done"])
    }

    /// Money not yet due is its own bucket, not 0-30 days overdue; once due it moves to 0-30.
    @Test func agingShowsNotYetDueMoneyApart() throws {
        let maria = try fixture.session(fixture.maria)
        let today = try #require(try maria.reports.aging().totals.first)
        #expect(AgingReport.buckets.first == "not due")
        #expect(today.amounts == [100_000, 0, 0, 0, 0, 0, 0] && today.counts == [1, 0, 0, 0, 0, 0, 0])
        let later = try #require(try maria.reports.aging(asOf: CalendarDate(year: 2026, month: 4, day: 2)).totals.first)
        #expect(later.amounts[0] == 100_000)
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-04-06', false)")
        #expect(try admin.reports.aging().totals.first?.amounts == [0, 100_000, 0, 0, 0, 0, 0])
    }

    /// A not-yet-due invoice carries no age surcharge: it is within twelve months by any count.
    @Test func aNotYetDueInvoiceHasNoAgeSurcharge() {
        let placed = CalendarDate(year: 2026, month: 4, day: 2)!
        #expect(OverdueAge(due: placed.adding(days: 60), placed: placed) == .withinTwelveMonths)
    }
}
