import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// Issue 17, items 1 and 2: the daily run drives each open case up its ladder, one step per run,
/// each step at most once (the database's unique key), pre-due steps too late skipped, pauses
/// re-weighed every run, contact rules obeyed, a dry run changing nothing, and 8 runs at once
/// doing each step once.
@Suite("Strategy run")
struct StrategyRunTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    /// A default ladder of `steps` (day, action, level).
    func ladder(_ steps: [(Int, StrategyAction, LetterLevel?)]) throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "ladder", isDefault: true)
        for (day, action, level) in steps {
            try admin.strategies.addStep(.init(strategy: "ladder", day: day, action: action, level: level))
        }
    }

    /// A case (invoice due 2025-10-31) whose debtor has an email and a phone.
    func reachableCase() throws -> String {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        try fixture.db.asSuperuser { su in
            try su.query("""
                UPDATE cobranza.debtor d SET email = 'pagos@example.cl', phone = '+56 9 5555 0000'
                  FROM cobranza.collection_case c WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                """, [number])
        }
        return number
    }

    func run(_ day: String, dryRun: Bool = false) throws -> StrategyRunReport {
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
        return try admin.strategyRuns.run(on: nil, client: nil, dryRun: dryRun)
    }

    func decisions(_ report: StrategyRunReport) -> [String] { report.decisions.map { "\($0.action) \($0.decision)" } }

    func count(_ table: String) throws -> Int {
        try fixture.db.asSuperuser { su in try su.query("SELECT count(*)::int AS n FROM cobranza.\(table)").first!.decode("n") }
    }

    @Test func eachStepOnceOneStepPerRunAtTheLaddersPace() throws {
        try ladder([(5, .email, nil), (15, .call, nil), (25, .sms, nil)])
        let number = try reachableCase()
        // Placed long after every step's day: the first step only, then the ladder's own gaps.
        #expect(decisions(try run("2026-04-02")) == ["email done"])
        #expect(decisions(try run("2026-04-02")) == [], "a second run the same day does nothing")
        #expect(decisions(try run("2026-04-11")) == [], "the call comes 10 days after the email")
        #expect(decisions(try run("2026-04-14")) == ["call task"], "a missed day is caught up, one step")
        #expect(decisions(try run("2026-04-15")) == [])
        #expect(decisions(try run("2026-04-24")) == ["sms done"])
        #expect(try count("outbound_message") == 2)
        // Keys the delivery worker takes as they are (letters, digits, ".", "-", "_"), one per case and step.
        let keys = try fixture.db.asSuperuser { su in
            try su.query("SELECT idempotency_key FROM cobranza.outbound_message ORDER BY id").rows.map { try $0.decode("idempotency_key", as: String.self) }
        }
        #expect(keys.count == Set(keys).count && keys.allSatisfy { $0.hasPrefix("strategy-") && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
        #expect(try count("case_task") == 1)
        // The unique key, not the run's care, is the guard.
        let refused = try fixture.db.asSuperuser { su in
            refusal(su, """
                INSERT INTO cobranza.strategy_case_step (tenant_id, case_id, step_id, outcome, on_date)
                SELECT d.tenant_id, d.case_id, d.step_id, 'done', '2026-04-02' FROM cobranza.strategy_case_step d LIMIT 1
                """)
        }
        #expect(refused?.constraint == "strategy_case_step_once_key")
        let log = try fixture.session(fixture.admin).strategyRuns.log(caseNumber: number, limit: 50)
        #expect(log.map(\.decision) == ["done", "task", "done"])
        #expect(log.map(\.reason) == ["day 5, due 2025-11-05 (caught up): email queued to pagos@example.cl",
                                      "call for nobody (the case is unassigned): day 15, due 2026-04-12 (caught up)",
                                      "day 25, due 2026-04-24: sms queued to +56955550000"])
        #expect(try count("strategy_decision") == 0, "what strategy_case_step records is not logged twice")
    }

    /// A message is a contact when it is sent (0077): the run queues it with no case event (the
    /// delivery worker writes it when it sends), visible to the client when the step is.
    @Test func aQueuedMessageIsNoContactUntilItIsSent() throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "ladder", isDefault: true)
        try admin.strategies.addStep(.init(strategy: "ladder", day: 5, action: .email, clientVisible: true))
        try admin.strategies.addStep(.init(strategy: "ladder", day: 6, action: .sms))
        let number = try reachableCase()
        #expect(decisions(try run("2026-04-02")) == ["email done"])
        let queued = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT m.status, m.client_visible, m.event_id IS NULL AS unsent,
                       (SELECT count(*)::int FROM cobranza.case_event e WHERE e.tenant_id = m.tenant_id AND e.case_id = m.case_id) AS events
                  FROM cobranza.outbound_message m JOIN cobranza.collection_case c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
                 WHERE c.number = $1
                """, [number]).first!
        }
        #expect(try queued.decode("status", as: String.self) == "queued")
        #expect(try queued.decode("client_visible", as: Bool.self))
        #expect(try queued.decode("unsent", as: Bool.self))
        #expect(try queued.decode("events", as: Int.self) == 0)
        // Not a contact yet: a written contact by hand the next day is within Chile's 48 hours of
        // the run but not of a contact, and goes.
        let ana = try fixture.session(fixture.collector)
        try ana.connection.query("SELECT set_config('cobranza.as_of', '2026-04-03', false)")
        try fixture.session(fixture.admin).cases.assign(number, to: fixture.collector)
        try ana.connection.query("""
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome)
            SELECT tenant_id, id, 'whatsapp', NULL FROM cobranza.collection_case WHERE number = $1
            """, [number])
        // That one is a contact: the run's SMS the day after waits for its 48 hours.
        let deferred = try run("2026-04-04")
        #expect(decisions(deferred) == ["sms deferred"])
        #expect(deferred.decisions[0].reason.hasPrefix("deferred by rule CL-WRITTEN-GAP"))
        #expect(decisions(try run("2026-04-05")) == ["sms done"])
        let visible = try fixture.db.asSuperuser { su in
            try su.query("SELECT client_visible FROM cobranza.outbound_message WHERE channel = 'sms'").first!.decode("client_visible", as: Bool.self)
        }
        #expect(visible == false)
    }

    /// Nothing is queued to a channel the debtor refused: a reminder takes the other channel, a
    /// step with no channel left waits ("opted out of …") and is weighed again at the next run.
    @Test func aRefusedChannelIsNeverQueued() throws {
        try ladder([(5, .reminder, nil), (15, .email, nil)])
        let noEmail = try reachableCase()
        let neither = try reachableCase()
        let free = try reachableCase()
        try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.debtor_opt_out (tenant_id, debtor_id, channel, source)
                SELECT c.tenant_id, c.debtor_id, ch, 'pidió no más correos'
                  FROM cobranza.collection_case c, unnest(CASE WHEN c.number = $1 THEN ARRAY['email'] ELSE ARRAY['email', 'sms'] END) ch
                 WHERE c.number IN ($1, $2)
                """, [noEmail, neither])
        }
        let first = try run("2026-04-02")
        #expect(Set(first.decisions.map { "\($0.caseNumber) \($0.decision) \($0.reason)" }) == [
            "\(noEmail) done day 5, due 2025-11-05 (caught up): sms queued to +56955550000",
            "\(neither) paused opted out of email and SMS",
            "\(free) done day 5, due 2025-11-05 (caught up): email queued to pagos@example.cl",
        ])
        let second = try run("2026-04-12")
        #expect(Set(second.decisions.map { "\($0.caseNumber) \($0.decision) \($0.reason)" }) == [
            "\(noEmail) paused opted out of email",
            "\(neither) paused opted out of email and SMS",
            "\(free) done day 15, due 2026-04-12: email queued to pagos@example.cl",
        ])
        #expect(try count("outbound_message") == 3)
    }

    /// The contact rules count a debtor by tax id across clients, and every case of a run is
    /// weighed before any of its contacts is written: two clients' cases of one debtor got two
    /// emails in one statement, and the second broke Chile's 48 hours (found by the strategy
    /// bench, whose clients share debtors). One contact per debtor per run; the other case waits.
    @Test func oneContactPerDebtorPerRun() throws {
        try ladder([(5, .email, nil)])
        let first = try reachableCase()
        let second = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        try fixture.db.asSuperuser { su in
            try su.query("""
                UPDATE cobranza.debtor d SET tax_id = f.tax_id, email = f.email
                  FROM cobranza.collection_case c, cobranza.collection_case fc, cobranza.debtor f
                 WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                   AND fc.number = $2 AND f.tenant_id = fc.tenant_id AND f.id = fc.debtor_id
                """, [second, first])
        }
        let report = try run("2026-04-02")
        #expect(decisions(report).sorted() == ["email deferred", "email done"])
        #expect(report.decisions.first { $0.decision == "deferred" }?.reason.contains("same debtor") == true)
        #expect(try count("outbound_message") == 1)
        // Two days later (48 hours on), the other client's case gets its email.
        #expect(decisions(try run("2026-04-04")) == ["email done"])
        #expect(try count("outbound_message") == 2)
    }

    @Test func aPreDueStepWhoseDayPassedIsSkippedTooLate() throws {
        try ladder([(-3, .reminder, nil), (5, .email, nil)])
        _ = try reachableCase()
        let report = try run("2026-04-02")
        #expect(decisions(report) == ["email done", "reminder skipped"])
        #expect(report.decisions.first { $0.action == "reminder" }?.reason.hasPrefix("too late") == true)
    }

    @Test func aDebtorWithoutAnAddressIsSkippedAndTheLadderGoesOn() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        _ = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let report = try run("2026-04-02")
        #expect(decisions(report) == ["email skipped"])
        #expect(report.decisions[0].reason.hasPrefix("no address"))
    }

    @Test func pausesAreWeighedAgainAtEveryRun() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        let held = try reachableCase()
        let promised = try reachableCase()
        let disputed = try reachableCase()
        let closed = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        let admin = try fixture.session(fixture.admin)
        _ = try admin.caseHolds.hold(caseNumber: held, until: CalendarDate(parsing: "2026-04-05")!, reason: "negocia")
        _ = try ana.promises.add(caseNumber: promised, amount: "100.000", due: "2026-04-06", note: nil)
        _ = try ana.disputes.open(caseNumber: disputed, reason: "factura mal emitida")
        _ = try admin.cases.close(closed, code: .uncollectible, note: nil)
        let first = try run("2026-04-02")
        #expect(Set(first.decisions.map { "\($0.caseNumber) \($0.decision)" })
                == ["\(held) paused", "\(promised) paused", "\(disputed) paused"], "a closed case takes no step")
        #expect(first.decisions.first { $0.caseNumber == held }?.reason.hasPrefix("on hold until 2026-04-05") == true)
        #expect(first.decisions.first { $0.caseNumber == promised }?.reason.hasPrefix("promise pending") == true)
        #expect(first.decisions.first { $0.caseNumber == disputed }?.reason == "open dispute")
        // The hold ran out, the promise broke (6 April + 3 grace days): both go on.
        let later = try run("2026-04-10")
        #expect(Set(later.decisions.map { "\($0.caseNumber) \($0.decision)" })
                == ["\(held) done", "\(promised) done", "\(disputed) paused"])
    }

    @Test func lettersGoOneTwoThreeInTheLadderAndOnTheCase() throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "cartas", isDefault: true)
        #expect(throws: (any Error).self) { try admin.strategies.addStep(.init(strategy: "cartas", day: 5, action: .letter, level: .firm)) }
        let plain = try fixture.db.asSuperuser { su in
            try su.query("SET ROLE cobranza_owner")
            defer { _ = try? su.query("RESET ROLE") }
            return refusal(su, """
                INSERT INTO cobranza.strategy_step (strategy_id, day, action, letter_level)
                SELECT id, 9, 'letter', 3 FROM cobranza.strategy WHERE name = 'cartas'
                """)
        }
        #expect(plain?.message.contains("needs a level 2 letter") == true)
        for (day, level) in [(5, LetterLevel.friendly), (10, .firm), (15, .lastNotice)] {
            try admin.strategies.addStep(.init(strategy: "cartas", day: day, action: .letter, level: level))
        }
        let number = try reachableCase()
        #expect(decisions(try run("2026-04-02")) == ["letter done"])
        #expect(decisions(try run("2026-04-07")) == ["letter done"])
        #expect(decisions(try run("2026-04-12")) == ["letter done"])
        let levels = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT e.letter_level FROM cobranza.case_event e JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
                 WHERE c.number = $1 AND e.kind = 'letter' ORDER BY e.id
                """, [number]).rows.map { try $0.decode("letter_level", as: Int.self) }
        }
        #expect(levels == [1, 2, 3])
    }

    @Test func aDryRunChangesNothing() throws {
        try ladder([(-3, .reminder, nil), (5, .email, nil)])
        _ = try reachableCase()
        let dry = try run("2026-04-02", dryRun: true)
        #expect(decisions(dry) == ["email done", "reminder skipped"])
        for table in ["strategy_case_step", "strategy_decision", "outbound_message", "case_task"] {
            #expect(try count(table) == 0, "\(table)")
        }
        #expect(decisions(try run("2026-04-02")) == ["email done", "reminder skipped"])
    }

    /// 0118: a contact near in time is weighed one by one only if a rule counts it against the
    /// contact asked. An email the day before does not count against a Chilean call (calls and
    /// visits count together, written contacts together), so the call is judged set-wise and
    /// `contact_check`, stubbed here to refuse everything, is never asked. Before, any contact of
    /// the debtor in the past week sent every contact asked through `contact_check`, about
    /// 160 µs each: a daily run after a day of emails to 100,000 debtors spent 16 s there.
    @Test func onlyAContactARuleCountsSendsACaseToTheRowByRowCheck() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        let number = try reachableCase()
        #expect(decisions(try run("2026-03-23")) == ["email done"])
        // The worker sent the email on 1 April (a Wednesday, in hours): now it is a contact.
        try fixture.db.asSuperuser { su in
            try su.query("SELECT set_config('cobranza.as_of', '2026-04-01 10:00-03', false)")
            try su.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome)
                SELECT tenant_id, id, 'email', NULL FROM cobranza.collection_case WHERE number = $1
                """, [number])
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                                  OUT rule text, OUT allowed_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ SELECT 'asked-row-by-row'::text, timestamptz '2026-04-09 08:00-03' $$
                """)
        }
        #expect(decisions(try run("2026-04-02")) == ["call task"], "the email does not count against the call")
        // It does count against the next written contact, which is asked one by one.
        let ana = try fixture.db.connect(as: fixture.collector)
        let asked = try ana.query("""
            SELECT k.rule FROM cobranza.collection_case c
             CROSS JOIN LATERAL cobranza.contact_checks(ARRAY[1::bigint], ARRAY[c.tenant_id], ARRAY[c.id], ARRAY['sms'],
                                                        ARRAY[timestamptz '2026-04-03 12:00-03']) k
             WHERE c.number = $1
            """, [number]).first
        #expect(try asked?.decodeIfPresent("rule", as: String.self) == "asked-row-by-row")
    }

    /// 0118: contacts whose answer can only be the same (debtors with no contact near, no rule
    /// needing an authorisation, one country, zone, kind and moment) are asked of `contact_check`
    /// once. A run of 100,000 calls before 08:00 asked it for each, to defer each to the same
    /// opening (30 s). The stub here says so with a notice each time it is asked.
    @Test func contactsThatCanOnlyBeAnsweredAlikeAreAskedOnce() throws {
        try ladder([(5, .call, nil)])
        for _ in 0..<5 { _ = try reachableCase() }
        try fixture.db.asSuperuser { su in
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                                  OUT rule text, OUT allowed_at timestamptz)
                    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ BEGIN RAISE NOTICE 'contact_check asked'; rule := 'test-hours'; allowed_at := timestamptz '2026-04-02 08:00-03'; END $$
                """)
        }
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-04-02 05:00-03', false)")
        _ = admin.connection.takeNotices()
        let report = try admin.strategyRuns.run(on: nil, client: nil, dryRun: false)
        #expect(decisions(report) == Array(repeating: "call deferred", count: 5))
        #expect(admin.connection.takeNotices().filter { $0.message == "contact_check asked" }.count == 1)
    }

    /// 0117: what a run defers is logged with an anti-join against the decisions already logged
    /// that day. Planned with nested loops, it scanned strategy_decision once per row as the
    /// statement filled it: 100,000 deferred calls took 80 s to log. auto_explain shows the run's
    /// plans: strategy_decision is read once per statement.
    @Test func deferredContactsAreLoggedWithoutRescanningTheLog() throws {
        try ladder([(5, .call, nil)])
        for _ in 0..<5 { _ = try reachableCase() }
        try fixture.db.asSuperuser { su in
            for setting in ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
                            "auto_explain.log_nested_statements = on", "auto_explain.log_analyze = on", "auto_explain.log_timing = off"] {
                try su.query("ALTER ROLE \"\(fixture.admin)\" SET \(setting)")
            }
            // Analyzed while empty, as a new agency's is: a scan of it is then planned as free.
            try su.query("ANALYZE cobranza.strategy_decision")
        }
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SET client_min_messages = log")
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-04-02 05:00-03', false)")
        _ = admin.connection.takeNotices()
        let report = try admin.strategyRuns.run(on: nil, client: nil, dryRun: false)
        #expect(decisions(report) == Array(repeating: "call deferred", count: 5))
        let plans = admin.connection.takeNotices().map(\.message)
        #expect(plans.contains { $0.contains("Insert on strategy_decision") }, "auto_explain showed the run's plans")
        let rescans = plans.flatMap { $0.split(separator: "\n") }
            .filter { $0.contains("on strategy_decision") && !$0.contains("loops=1)") && $0.contains("loops=") }
        #expect(rescans.isEmpty, "\(rescans)")
    }

    @Test func aContactTheRulesRefuseIsDeferredOrAwaitsAuthorisation() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        let number = try reachableCase()
        try fixture.db.asSuperuser { su in
            // The run asks contact_checks, which answers plainly allowed contacts itself: here it
            // asks the stubbed contact_check for every one (that the two agree is
            // ContactRulesTests.contactChecksAnswersAsContactCheckRowByRow).
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_checks(p_keys bigint[], p_tenants bigint[], p_cases bigint[], p_kinds text[],
                                                                   p_moments timestamptz[])
                    RETURNS TABLE (key bigint, rule text, allowed_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ SELECT a.key, c.rule, c.allowed_at FROM unnest(p_keys, p_tenants, p_cases, p_kinds, p_moments) a(key, t, k, kind, m)
                           CROSS JOIN LATERAL cobranza.contact_check(a.t, a.k, a.kind, a.m) c $$
                """)
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                                  OUT rule text, OUT allowed_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ SELECT 'test-window'::text, timestamptz '2026-04-03 08:00-03' $$
                """)
        }
        let deferred = try run("2026-04-02")
        #expect(decisions(deferred) == ["email deferred"])
        #expect(deferred.decisions[0].reason.contains("deferred by rule test-window until Friday 2026-04-03 08:00 America/Santiago"))
        #expect(try count("strategy_case_step") == 0 && count("outbound_message") == 0)
        try fixture.db.asSuperuser { su in
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                                  OUT rule text, OUT allowed_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ SELECT 'no-authorised-channel'::text, NULL::timestamptz $$
                """)
        }
        #expect(decisions(try run("2026-04-03")) == ["email paused"])
        #expect(decisions(try run("2026-04-04")) == ["email paused"])
        let tasks = try fixture.db.asSuperuser { su in
            try su.query("SELECT kind FROM cobranza.case_task").rows.map { try $0.decode("kind", as: String.self) }
        }
        #expect(tasks == ["authorisation"], "one task, however many runs ask")
        try fixture.db.asSuperuser { su in
            try su.query("""
                CREATE OR REPLACE FUNCTION cobranza.contact_check(p_tenant bigint, p_case bigint, p_kind text, p_at timestamptz,
                                                                  OUT rule text, OUT allowed_at timestamptz)
                    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cobranza, pg_temp
                AS $$ SELECT NULL::text, p_at $$
                """)
        }
        #expect(decisions(try run("2026-04-05")) == ["email done"])
        _ = number
    }

    @Test func eightRunsAtOnceDoEachStepOnce() throws {
        try ladder([(-3, .reminder, nil), (5, .email, nil), (15, .call, nil)])
        for _ in 0..<30 { _ = try reachableCase() }
        let admins = try (0..<8).map { try fixture.db.addPerson("adm\($0)", kind: "admin") }
        let db = fixture.db
        let failures = simultaneously(8, prepare: { worker -> Session in
            let connection = try db.connect(as: admins[worker])
            try connection.query("SELECT set_config('cobranza.as_of', '2026-04-02', false)")
            return try Session(connection: connection)
        }, act: { _, session in
            _ = try session.strategyRuns.run(on: nil, client: nil, dryRun: false)
        })
        #expect(failures == [])
        let counts = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT (SELECT count(*)::int FROM cobranza.strategy_case_step WHERE outcome = 'done') AS done,
                       (SELECT count(*)::int FROM cobranza.strategy_case_step WHERE outcome = 'skipped') AS skipped,
                       (SELECT count(*)::int FROM cobranza.outbound_message) AS messages,
                       (SELECT count(*)::int FROM cobranza.case_event WHERE kind = 'email') AS emails,
                       (SELECT count(*)::int FROM cobranza.strategy_case_step WHERE outcome = 'done' AND reason LIKE '%queued to%') AS logged,
                       (SELECT count(*)::int FROM cobranza.strategy_decision) AS waiting
                """).first!
        }
        #expect(try counts.decode("done", as: Int.self) == 30)
        #expect(try counts.decode("skipped", as: Int.self) == 30)
        #expect(try counts.decode("messages", as: Int.self) == 30)
        #expect(try counts.decode("emails", as: Int.self) == 0, "queued, not sent: no contact yet")
        #expect(try counts.decode("logged", as: Int.self) == 30)
        #expect(try counts.decode("waiting", as: Int.self) == 0)
    }

    @Test func aChangedStrategyKeepsTheStepsCasesDid() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        let number = try reachableCase()
        #expect(decisions(try run("2026-04-02")) == ["email done"])
        let admin = try fixture.session(fixture.admin)
        // The email is edited: removed and added again on an earlier day. The case is past it: not
        // again. (A step added after the last one a case resolved is done when its day comes.)
        try admin.strategies.removeStep(strategy: "ladder", day: 5, action: .email)
        try admin.strategies.addStep(.init(strategy: "ladder", day: 3, action: .email))
        try admin.strategies.addStep(.init(strategy: "ladder", day: 20, action: .sms))
        #expect(throws: (any Error).self) { try admin.strategies.removeStep(strategy: "ladder", day: 5, action: .email) }
        // Monday: a Chilean call is never on a Sunday (04-12); the SMS five ladder days later.
        #expect(decisions(try run("2026-04-13")) == ["call task"])
        #expect(decisions(try run("2026-04-18")) == ["sms done"])
        #expect(try admin.strategyRuns.log(caseNumber: number, limit: 10).map(\.action) == ["email", "call", "sms"])
        let edited = try fixture.db.asSuperuser { su in
            refusal(su, "UPDATE cobranza.strategy_step SET day = 7 WHERE removed_at IS NULL AND action = 'call'")
        }
        #expect(edited != nil, "a step is never edited in place")
    }

    @Test func aCollectorRunsOneClientsAssignedCases() throws {
        try ladder([(5, .email, nil)])
        let mine = try reachableCase()
        let unassigned = try reachableCase()
        try fixture.session(fixture.admin).cases.assign(mine, to: fixture.collector)
        let ana = try fixture.session(fixture.collector)
        #expect(throws: (any Error).self) { try ana.strategyRuns.run(on: nil, client: nil, dryRun: false) }
        let report = try ana.strategyRuns.run(on: nil, client: "ACME", dryRun: false)
        #expect(report.decisions.map(\.caseNumber) == [mine])
        #expect(try run("2026-04-02").decisions.map(\.caseNumber) == [unassigned])
        #expect(throws: (any Error).self, "--date after today") {
            try ana.strategyRuns.run(on: CalendarDate(parsing: "2026-04-03"), client: "ACME", dryRun: false)
        }
    }

    @Test func anSMESeesNoneOfTheStrategyTables() throws {
        try ladder([(5, .email, nil), (15, .call, nil)])
        _ = try reachableCase()
        _ = try run("2026-04-02")
        let maria = try fixture.connect(fixture.maria)
        for table in ["strategy", "strategy_step", "client_strategy", "case_hold", "strategy_case_step", "strategy_decision",
                      "outbound_message", "case_task"] {
            let seen = try? maria.query("SELECT count(*)::int AS n FROM cobranza.\(table)").first!.decode("n", as: Int.self)
            #expect(seen == nil || seen == 0, "\(table)")
            #expect(throws: (any Error).self, "\(table)") {
                try maria.query("INSERT INTO cobranza.\(table) (tenant_id) VALUES (\(fixture.acme))")
            }
        }
        #expect(throws: (any Error).self) { try maria.query("SELECT * FROM cobranza.strategy_run(cobranza.today(), NULL)") }
        // What reaches the client: its contacts on the timeline, when the step is client-visible.
        let collector = try fixture.connect(fixture.collector)
        #expect(throws: (any Error).self) { try collector.query("SELECT * FROM cobranza.strategy_run(cobranza.today(), NULL)") }
    }
}
