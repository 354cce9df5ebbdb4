import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// The workflow rules as the database enforces them, whoever writes the SQL, and who sees what.
@Suite("Workflow in the database")
struct WorkflowTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME consents to posting, allows 10 % discounts, refers from $500.000.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent,
                                           judicial_threshold, max_discount_bp)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, true, 500000, 1000)
            """, [fixture.acme])
    }


    func caseID(_ connection: Connection, _ number: String) throws -> Int64 {
        try connection.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
    }

    @Test func plainSQLCannotMakeAnIllegalMove() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        let id = try caseID(ana, number)
        let acme = fixture.acme
        let cases: [(String, String)] = [
            ("UPDATE cobranza.collection_case SET stage = 'judicial' WHERE tenant_id = $1 AND id = $2", "collection_case_stage_check"),
            ("UPDATE cobranza.collection_case SET posted = true WHERE tenant_id = $1 AND id = $2", "collection_case_posted_check"),
            ("UPDATE cobranza.collection_case SET disputed = true WHERE tenant_id = $1 AND id = $2", "collection_case_disputed_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind) VALUES ($1, $2, 'call')", "case_event_call_outcome_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, letter_level, body) VALUES ($1, $2, 'letter', 2, 'x')",
             "case_event_letter_order_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, letter_level) VALUES ($1, $2, 'letter', 1)", "case_event_letter_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, occurred_on) VALUES ($1, $2, 'stage_change', 'judicial', '2026-01-20')",
             "case_event_stage_change_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome) VALUES ($1, $2, 'closed', 'paid')", "case_event_state_check"),
            ("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, occurred_on) VALUES ($1, $2, 'note', '2026-04-03')",
             "case_event_occurred_on_check"),
            ("UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'paid' WHERE tenant_id = $1 AND id = $2",
             "collection_case_close_code_check"),
        ]
        for (sql, constraint) in cases {
            #expect(refusal(ana, sql, [acme, id])?.constraint == constraint, "\(sql)")
        }
        // A new case cannot start anywhere but at the beginning.
        let debtor: Int64 = try ana.query("SELECT debtor_id FROM cobranza.collection_case WHERE id = $1", [id]).first!.decode("debtor_id")
        #expect(refusal(ana, "INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, stage) VALUES ($1, $2, 'USD', 'judicial')",
                        [acme, debtor])?.constraint == "collection_case_stage_check")
        // A notice cannot be backdated: the column is the trigger's.
        #expect(refusal(ana, "INSERT INTO cobranza.posting (tenant_id, case_id, notice_on) VALUES ($1, $2, '2026-01-01')", [acme, id])?
            .sqlState == .insufficientPrivilege)
        // Closed, the case takes nothing more, and only an admin reopens it.
        #expect(refusal(ana, "UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'uncollectible' WHERE tenant_id = $1 AND id = $2",
                        [acme, id]) == nil)
        #expect(refusal(ana, "INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note) VALUES ($1, $2, 'note', 'x')", [acme, id])?
            .constraint == "collection_case_open_check")
        #expect(refusal(ana, "INSERT INTO cobranza.promise (tenant_id, case_id, amount, due) VALUES ($1, $2, 1, '2026-05-01')", [acme, id])?
            .constraint == "collection_case_open_check")
        #expect(refusal(ana, "UPDATE cobranza.collection_case SET next_action_date = '2026-05-01' WHERE tenant_id = $1 AND id = $2", [acme, id])?
            .constraint == "collection_case_open_check")
        #expect(refusal(ana, "UPDATE cobranza.collection_case SET stage = 'extrajudicial', close_code = NULL WHERE tenant_id = $1 AND id = $2",
                        [acme, id])?.sqlState == .insufficientPrivilege)
        let admin = try fixture.connect(fixture.admin)
        #expect(refusal(admin, "UPDATE cobranza.collection_case SET stage = 'extrajudicial', close_code = NULL, closed_at = NULL WHERE tenant_id = $1 AND id = $2",
                        [acme, id]) == nil)
    }

    /// Only the payment trigger (running as the owner) reopens a case it closed as paid: a
    /// collector's own trigger, nested to look like it, is refused.
    @Test func aUsersOwnTriggerCannotPassForTheTrustedReopening() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        let payment = try ana.payments.record(.init(caseNumber: number, amount: "100.000"))
        #expect(try ana.cases.show(number).summary.closeCode == "paid")
        try ana.connection.query("""
            CREATE FUNCTION pg_temp.hop() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                UPDATE cobranza.collection_case SET stage = 'extrajudicial', close_code = NULL, closed_at = NULL WHERE number = NEW.n;
                RETURN NEW;
            END $f$
            """)
        try ana.connection.query("CREATE TEMP TABLE hop (n text)")
        try ana.connection.query("CREATE TRIGGER hop AFTER INSERT ON pg_temp.hop FOR EACH ROW EXECUTE FUNCTION pg_temp.hop()")
        #expect(refusal(ana.connection, "INSERT INTO pg_temp.hop VALUES ($1)", [number])?.sqlState == .insufficientPrivilege)
        // The real reversal still reopens it.
        _ = try ana.payments.reverse(payment.reference, reason: "cheque rebotado", date: nil)
        #expect(try ana.cases.show(number).summary.stage == "extrajudicial")
    }

    /// Issue 5: posting before the notice period is over is refused with the date it becomes allowed.
    @Test func postingBeforeTheNoticePeriodIsRefusedWithTheDate() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        _ = try ana.postings.notify(caseNumber: number)
        #expect(throws: StoreError("case \(number) cannot be posted yet: the debtor was notified on 2026-04-02; 15 days' notice is required, "
                                   + "so posting is allowed from 2026-04-17")) {
            try ana.postings.publish(caseNumber: number, registry: "Boletín Comercial", reference: nil)
        }
        // The same rule in the database, for psql.
        let error = refusal(ana.connection, "UPDATE cobranza.posting SET published_on = '2026-04-02', registry = 'DICOM' WHERE tenant_id = $1",
                            [fixture.acme])
        #expect(error?.constraint == "posting_notice_period_check")
        #expect(error?.message.contains("posting is allowed from 2026-04-17") == true)
        // Two weeks and a day later it goes through; a published posting does not change.
        let later = try fixture.connect(fixture.collector)
        try later.query("SELECT set_config('cobranza.as_of', '2026-04-17', false)")
        #expect(refusal(later, "UPDATE cobranza.posting SET published_on = '2026-04-17', registry = 'DICOM' WHERE tenant_id = $1", [fixture.acme]) == nil)
        #expect(try later.query("SELECT posted FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("posted", as: Bool.self))
        #expect(refusal(later, "UPDATE cobranza.posting SET registry = 'other' WHERE tenant_id = $1", [fixture.acme])?.constraint
                == "posting_transition_check")
        #expect(refusal(later, "UPDATE cobranza.posting SET withdrawal_due = '2026-05-01' WHERE tenant_id = $1", [fixture.acme])?.constraint
                == "posting_transition_check")
    }

    @Test func closingAPostedCaseByPaymentMakesTheWithdrawalDueInSevenBusinessDays() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let su = try fixture.db.superuser()
        let id = try caseID(su, number)
        // Notified on 1 March, published on 1 April (the dates are the database's today, never given).
        let ana = try fixture.connect(fixture.collector)
        try ana.query("SELECT set_config('cobranza.as_of', '2026-03-01', false)")
        try ana.query("INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [fixture.acme, id])
        try ana.query("SELECT set_config('cobranza.as_of', '2026-04-01', false)")
        try ana.query("UPDATE cobranza.posting SET published_on = '1999-01-01', registry = 'DICOM' WHERE tenant_id = $1", [fixture.acme])
        #expect(try ana.query("SELECT published_on::text AS d FROM cobranza.posting").first!.decode("d", as: String.self) == "2026-04-01")
        try ana.query("SELECT set_config('cobranza.as_of', $1, false)", [PaymentFixture.today])
        // Posted, the flag stays until the posting is withdrawn.
        #expect(refusal(ana, "UPDATE cobranza.collection_case SET posted = false WHERE tenant_id = $1 AND id = $2", [fixture.acme, id])?
            .constraint == "collection_case_posted_check")
        try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "100.000"))
        let due: String = try ana.query("SELECT withdrawal_due::text AS d FROM cobranza.posting WHERE tenant_id = $1", [fixture.acme]).first!.decode("d")
        #expect(due == "2026-04-14") // Thursday 2 April + 7 business days, Good Friday 3 April not one of them (0055)
        let listed = try fixture.session(fixture.collector).postings.list(withdrawalDue: true, client: nil, limit: 10)
        #expect(listed.map(\.caseNumber) == [number])
        #expect(listed.first?.daysLeft == 12)
    }

    @Test func aDiscountedAgreementPaidInFullSettlesTheCase() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [600_000, 400_005])
        let ana = try fixture.session(fixture.collector)
        // Paid before the agreement: it lowers what is owed, and does not count towards the agreement.
        try ana.payments.record(.init(caseNumber: number, amount: "100.005"))
        #expect(throws: StoreError.self) {
            try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-05-01", discount: "12"))
        }
        let agreement = try ana.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-05-01", discount: "10"))
        #expect(agreement.owed == 900_000 && agreement.total == 810_000)
        #expect(agreement.instalments.map(\.amount) == [405_000, 405_000])
        #expect(agreement.status == "active" && agreement.paid == 0)
        // A second agreement while this one is in force is refused by the database too.
        let id = try caseID(ana.connection, number)
        #expect(refusal(ana.connection, "INSERT INTO cobranza.payment_agreement (tenant_id, case_id, instalments, first_due) VALUES ($1, $2, 1, '2026-05-01')",
                        [fixture.acme, id])?.constraint == "payment_agreement_active_check")
        try ana.payments.record(.init(caseNumber: number, amount: "405.000"))
        #expect(try ana.cases.show(number).summary.stage == "extrajudicial")
        // Instalments are written with their agreement, never added afterwards.
        #expect(refusal(ana.connection, "INSERT INTO cobranza.instalment (tenant_id, agreement_id, sequence, due, amount) VALUES ($1, $2, 3, '2026-09-01', 1)",
                        [fixture.acme, agreement.id])?.constraint == "instalment_agreement_check")
        try ana.payments.record(.init(caseNumber: number, amount: "405.000"))
        let closed = try ana.cases.show(number).summary
        #expect(closed.stage == "closed" && closed.closeCode == "settled")
        #expect(try ana.agreements.show(caseNumber: number).first?.status == "completed")
    }

    /// A case's agreement flag and its close moment are the database's (0127). With psql a
    /// collector turned `on_agreement` off, and the discounted agreement paid in full then did not
    /// settle the case: the debtor still owed the discount. A close written by hand carried any
    /// date the collector typed, which the recovery report and the case's clock read.
    @Test func aCasesAgreementFlagAndCloseMomentAreNotWrittenByHand() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 1, firstDue: "2026-05-01", discount: "10"))
        let sql = try fixture.connect(fixture.collector)
        let id = try caseID(sql, number)
        let flag = refusal(sql, "UPDATE cobranza.collection_case SET on_agreement = false WHERE id = $1", [id])
        #expect(flag?.constraint == "collection_case_on_agreement_check" && flag?.column == "on_agreement")
        let paid = try ana.payments.record(.init(caseNumber: number, amount: "90.000"))
        #expect(paid.caseCloseCode == "settled")

        let other = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try sql.query("UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'uncollectible', closed_at = '2026-01-15' WHERE number = $1",
                      [other])
        #expect(try sql.query("SELECT closed_at > now() - interval '1 minute' AS now FROM cobranza.collection_case WHERE number = $1", [other])
            .first!.decode("now", as: Bool.self), "the close is dated when it happens")
    }

    @Test func aScheduleThatDoesNotSumToTheTotalIsRefusedAtCommit() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        let id = try caseID(ana, number)
        try ana.query("BEGIN")
        let agreement: Int64 = try ana.query("""
            INSERT INTO cobranza.payment_agreement (tenant_id, case_id, instalments, first_due) VALUES ($1, $2, 2, '2026-05-01') RETURNING id
            """, [fixture.acme, id]).first!.decode("id")
        try ana.query("""
            INSERT INTO cobranza.instalment (tenant_id, agreement_id, sequence, due, amount)
            VALUES ($1, $2, 1, '2026-05-01', 50000), ($1, $2, 2, '2026-06-01', 49999)
            """, [fixture.acme, agreement])
        #expect(refusal(ana, "COMMIT")?.constraint == "payment_agreement_schedule_check")
        #expect(try ana.query("SELECT count(*) AS n FROM cobranza.payment_agreement").first!.decode("n", as: Int64.self) == 0)
    }

    @Test func aBrokenPromiseAndAnAgreementInDefaultAreDerived() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let ana = try fixture.session(fixture.collector)
        _ = try ana.promises.add(caseNumber: number, amount: "100.000", due: "2026-04-05", note: nil)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 3, firstDue: "2026-04-10"))
        let later = try Session(connection: try fixture.db.connect(as: fixture.collector))
        try later.connection.query("SELECT set_config('cobranza.as_of', '2026-05-11', false)")
        #expect(try later.promises.list(caseNumber: number, brokenOnly: true, client: nil, limit: 10).map(\.status) == ["broken"])
        let agreement = try #require(try later.agreements.show(caseNumber: number).first)
        #expect(agreement.status == "default")
        #expect(agreement.instalments.map(\.status) == ["default", "late", "open"])
        #expect(try later.cases.show(number).summary.flags == ["agreement in default"])
        let mine = try later.agenda.items(person: nil, on: nil, limit: 50)
        #expect(mine.isEmpty, "a collector's agenda holds the cases assigned to them")
        let admin = try Session(connection: try fixture.db.connect(as: fixture.admin))
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-05-11', false)")
        let everyone = try admin.agenda.items(person: nil, on: nil, limit: 50)
        // The promise broke on 9 April and nobody acted since: it stays on the agenda (issue 16, item 13).
        #expect(everyone.map(\.what) == ["promise broken", "instalment 1 (agreement in default)", "instalment 2"])
        #expect(everyone.map(\.daysLate) == [32, 31, 1])
        #expect(try admin.agenda.items(person: fixture.collector, on: nil, limit: 50).isEmpty)
    }

    @Test func lawyersSeeAndWorkOnlyTheCasesReferredToThem() throws {
        let luis = try fixture.db.addPerson("luis", kind: "lawyer")
        let eva = try fixture.db.addPerson("eva", kind: "lawyer")
        let referred = try fixture.openCase(tenant: fixture.acme, amounts: [600_000])
        let other = try fixture.openCase(tenant: fixture.acme, amounts: [700_000])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: referred, amount: "1.000"))
        #expect(throws: PostgresError.self) { try ana.referrals.file(.init(caseNumber: other, lawyer: fixture.collector)) }
        _ = try ana.referrals.file(.init(caseNumber: referred, lawyer: luis, court: "1er Juzgado Civil"))
        // The referral logged the stage change that gives later payments the judicial rate.
        let payment = try ana.payments.record(.init(caseNumber: referred, amount: "1.000"))
        #expect(payment.stage == "judicial" && payment.fee == 250)

        let lawyer = try fixture.connect(luis)
        // One case's worth of rows in each table: what belongs to the referred case only.
        for (table, key) in [("collection_case", "id"), ("case_summary", "id"), ("invoice", "case_id"), ("payment", "case_id"),
                             ("debtor", "id"), ("judicial_referral", "case_id"), ("case_event", "case_id")] {
            let n: Int64 = try lawyer.query("SELECT count(DISTINCT \(key)) AS n FROM cobranza.\(table)").first!.decode("n")
            #expect(n == 1, "\(table)")
        }
        for table in ["submission", "import_batch", "fee_document", "fee_document_line", "standing_fee_document", "remittance"] {
            let n: Int64 = try lawyer.query("SELECT count(*) AS n FROM cobranza.\(table)").first!.decode("n")
            #expect(n == 0, "a lawyer reads no \(table)")
        }
        let numbers = try lawyer.query("SELECT number FROM cobranza.collection_case").rows.map { try $0.decode("number", as: String.self) }
        #expect(numbers == [referred])
        let events: Int64 = try lawyer.query("SELECT count(*) AS n FROM cobranza.case_event e JOIN cobranza.collection_case c ON c.id = e.case_id WHERE c.number = $1",
                                             [other]).first!.decode("n")
        #expect(events == 0)
        let luisSession = try Session(connection: lawyer)
        _ = try luisSession.referrals.update(.init(caseNumber: referred, stage: "filed", cost: "30.000", costNote: "receptor"))
        #expect(throws: StoreError.self) { try luisSession.steps.log(.init(caseNumber: other, kind: "note", note: "x")) }
        #expect(refusal(lawyer, "INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note) VALUES ($1, $2, 'note', 'x')",
                        [fixture.acme, try caseID(try fixture.db.superuser(), other)]) != nil)

        let stranger = try fixture.connect(eva)
        #expect(try stranger.query("SELECT count(*) AS n FROM cobranza.collection_case").first!.decode("n", as: Int64.self) == 0)
        #expect(try stranger.query("SELECT count(*) AS n FROM cobranza.court_cost").first!.decode("n", as: Int64.self) == 0)
        #expect(try stranger.query("UPDATE cobranza.judicial_referral SET stage = 'served' RETURNING 1").rows.isEmpty)
    }

    @Test func anSMESeesItsOwnWorkflowRowsAndWritesNone() throws {
        let luis = try fixture.db.addPerson("luis", kind: "lawyer")
        let admin = try fixture.session(fixture.admin)
        // OTHER consents too, so both have a posting notice (0027 refuses one that could never be followed).
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, true)
            """, [fixture.other])
        for tenant in [fixture.acme, fixture.other] {
            let number = try fixture.openCase(tenant: tenant, amounts: [900_000])
            _ = try admin.promises.add(caseNumber: number, amount: "1.000", due: "2026-04-30", note: nil)
            _ = try admin.agreements.create(.init(caseNumber: number, instalments: 2, firstDue: "2026-05-01"))
            _ = try admin.postings.notify(caseNumber: number)
            _ = try admin.referrals.file(.init(caseNumber: number, lawyer: luis, override: true, reason: "test"))
            _ = try admin.referrals.update(.init(caseNumber: number, cost: "1.000", costNote: "fees"))
            let disputed = try fixture.openCase(tenant: tenant, amounts: [1_000])
            _ = try admin.disputes.open(caseNumber: disputed, reason: "not ours")
        }
        let maria = try fixture.connect(fixture.maria)
        for table in ["promise", "payment_agreement", "instalment", "dispute", "posting", "judicial_referral", "court_cost",
                      "promise_status", "instalment_status", "agreement_status"] {
            let tenants = try maria.query("SELECT DISTINCT tenant_id FROM cobranza.\(table)").rows.map { try $0.decode("tenant_id", as: Int64.self) }
            #expect(tenants == [fixture.acme], "\(table)")
        }
        let otherCase: Int64 = try fixture.db.superuser().query(
            "SELECT id FROM cobranza.collection_case WHERE tenant_id = $1 LIMIT 1", [fixture.other]).first!.decode("id")
        let ownCase: Int64 = try fixture.db.superuser().query(
            "SELECT id FROM cobranza.collection_case WHERE tenant_id = $1 LIMIT 1", [fixture.acme]).first!.decode("id")
        for (tenant, id) in [(fixture.acme, ownCase), (fixture.other, otherCase)] {
            for sql in ["INSERT INTO cobranza.promise (tenant_id, case_id, amount, due) VALUES ($1, $2, 1, '2026-05-01')",
                        "INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'x')",
                        "INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)",
                        "INSERT INTO cobranza.judicial_referral (tenant_id, case_id, lawyer) VALUES ($1, $2, 'x')",
                        "INSERT INTO cobranza.court_cost (tenant_id, case_id, amount, note) VALUES ($1, $2, 1, 'x')",
                        "UPDATE cobranza.dispute SET outcome = 'upheld' WHERE tenant_id = $1 AND case_id = $2",
                        "UPDATE cobranza.posting SET withdrawn_on = '2026-04-02' WHERE tenant_id = $1 AND case_id = $2"] {
                #expect(refusal(maria, sql, [tenant, id])?.sqlState == .insufficientPrivilege, "\(sql)")
            }
        }
        // The client reads which letters went out and the text of those meant for it (0026_letters), never
        // internal notes.
        let bodies: Int64 = try maria.query("SELECT count(body) AS n FROM cobranza.case_event WHERE NOT client_visible").first!.decode("n")
        #expect(bodies == 0)
        let hidden: Int64 = try maria.query("SELECT count(*) AS n FROM cobranza.case_event WHERE NOT client_visible").first!.decode("n")
        #expect(hidden == 0)
    }

    @Test func workflowRowsAreHistoryEvenForTheSuperuser() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let admin = try fixture.session(fixture.admin)
        _ = try admin.promises.add(caseNumber: number, amount: "1.000", due: "2026-04-30", note: nil)
        _ = try admin.agreements.create(.init(caseNumber: number, instalments: 1, firstDue: "2026-05-01"))
        _ = try admin.postings.notify(caseNumber: number)
        let su = try fixture.db.superuser()
        for sql in ["UPDATE cobranza.promise SET amount = 2", "DELETE FROM cobranza.payment_agreement", "UPDATE cobranza.instalment SET amount = 1",
                    "DELETE FROM cobranza.posting", "TRUNCATE cobranza.court_cost"] {
            #expect(refusal(su, sql) != nil, "\(sql)")
        }
        let audited: Int64 = try su.query("""
            SELECT count(DISTINCT table_name) AS n FROM cobranza.audit_log WHERE table_name IN ('promise', 'payment_agreement', 'posting')
            """).first!.decode("n")
        #expect(audited == 3)
    }

    /// SQL's add_business_days is CobranzaCore's adding(businessDays:).
    @Test func businessDaysAgreeInSQLAndSwift() throws {
        let su = try fixture.db.superuser()
        let start = CalendarDate(year: 2026, month: 1, day: 1)!
        let dates = (0..<120).map { start.adding(days: $0 * 3) }
        let days = (0..<120).map { $0 % 12 }
        let sql = try su.query("""
            SELECT cobranza.add_business_days(d::date, n::integer)::text AS r
              FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(d, n, i) ORDER BY i
            """, [dates.map(\.description), days.map(String.init)]).rows.map { try $0.decode("r", as: String.self) }
        #expect(sql == zip(dates, days).map { $0.adding(businessDays: $1).description })
    }
}
