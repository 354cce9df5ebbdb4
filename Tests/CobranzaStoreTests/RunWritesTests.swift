import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// 0105–0107, what made the strategy run cheaper without loosening a rule: the keys of its steps
/// and messages checked per statement (every bad row still refused, from any writer, with the
/// foreign key's SQLSTATE and name; the rows they point at can no longer go), the idempotency
/// key's rule without a bounded repeat, and format_money as one SQL expression, still the
/// amount as `Money.formatted` writes it.
@Suite("Strategy run writes")
struct RunWritesTests {
    let fixture: PaymentFixture
    /// One message and one step the run wrote: (tenant, case, debtor, step).
    let written: (tenant: Int64, caseID: Int64, debtor: Int64, step: Int64)

    init() throws {
        fixture = try PaymentFixture()
        let admin = try fixture.session(fixture.admin)
        _ = try admin.strategies.create(name: "ladder", isDefault: true)
        try admin.strategies.addStep(.init(strategy: "ladder", day: 5, action: .email, level: nil))
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let row = try fixture.db.asSuperuser { su in
            try su.query("""
                UPDATE cobranza.debtor d SET email = 'pagos@example.cl'
                  FROM cobranza.collection_case c WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                RETURNING c.tenant_id, c.id AS case_id, d.id AS debtor_id
                """, [number]).first!
        }
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-04-02', false)")
        _ = try admin.strategyRuns.run(on: nil, client: nil, dryRun: false)
        let step: Int64 = try fixture.db.asSuperuser { su in
            try su.query("SELECT step_id FROM cobranza.outbound_message").first!.decode("step_id")
        }
        written = (try row.decode("tenant_id"), try row.decode("case_id"), try row.decode("debtor_id"), step)
    }

    /// A message as staff write one with plain SQL; `key` unique unless given.
    func message(tenant: Int64? = nil, caseID: Int64? = nil, debtor: Int64? = nil, step: Int64? = nil, key: String? = nil) -> String {
        """
            INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, step_id, channel, address, subject, body, idempotency_key)
            VALUES (\(tenant ?? written.tenant), \(caseID ?? written.caseID), \(debtor ?? written.debtor), \(step ?? written.step),
                    'email', 'pagos@example.cl', 'Aviso', 'Texto', '\(key ?? "k-\(TestCluster.uniqueSuffix())")')
            """
    }

    func messages() throws -> Int {
        try fixture.db.asSuperuser { try $0.query("SELECT count(*)::int AS n FROM cobranza.outbound_message").first!.decode("n") }
    }

    @Test func aMessageOrStepPointingNowhereIsRefusedAsTheForeignKeyRefusedIt() throws {
        let admin = try fixture.connect(fixture.admin)
        #expect(refusal(admin, message()) == nil, "a message to the run's case is queued")
        let cases: [(String, String)] = [
            (message(caseID: written.caseID + 1_000_000), "outbound_message_case_fkey"),
            (message(tenant: fixture.other), "outbound_message_case_fkey"),
            (message(debtor: written.debtor + 1_000_000), "outbound_message_debtor_fkey"),
            (message(step: written.step + 1_000_000), "outbound_message_step_fkey"),
            ("""
             INSERT INTO cobranza.strategy_case_step (tenant_id, case_id, step_id, outcome, on_date)
             VALUES (\(written.tenant), \(written.caseID + 1_000_000), \(written.step), 'done', '2026-04-02')
             """, "strategy_case_step_case_fkey"),
            ("""
             INSERT INTO cobranza.strategy_case_step (tenant_id, case_id, step_id, outcome, on_date)
             VALUES (\(written.tenant), \(written.caseID), \(written.step + 1_000_000), 'done', '2026-04-02')
             """, "strategy_case_step_step_fkey"),
        ]
        for (sql, constraint) in cases {
            let error = refusal(admin, sql)
            #expect(error?.sqlState == .foreignKeyViolation, "\(sql)")
            #expect(error?.constraint == constraint, "\(sql): \(String(describing: error))")
        }
        // One bad row among good ones refuses the statement; a message with no step is fine.
        let before = try messages()
        try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key)
                SELECT $1, $2, $3, 'email', 'pagos@example.cl', 'Aviso', 'Texto', 'bulk-' || g FROM generate_series(1, 50) g
                """, [written.tenant, written.caseID, written.debtor])
        }
        #expect(try messages() == before + 50, "rows with no step and good keys are queued")
        let oneBad = refusal(admin, """
            INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key)
            SELECT \(written.tenant), CASE WHEN g = 37 THEN -1 ELSE \(written.caseID) END, \(written.debtor), 'email', 'pagos@example.cl',
                   'Aviso', 'Texto', 'mixed-' || g FROM generate_series(1, 50) g
            """)
        #expect(oneBad?.constraint == "outbound_message_case_fkey")
        #expect(oneBad?.detail?.contains("-1") == true, "\(String(describing: oneBad))")
        #expect(try messages() == before + 50)
    }

    /// 0116: a statement trigger plans its queries for its own statement's rows. PL/pgSQL keeps
    /// each static query's plan for the session, made for the transition table of the first
    /// statement: the strategy run's 100,000 steps came after its empty "too late" insert, and
    /// the audit joined them as nested loops over an estimate of one row (1.2-1.5 s of a 7.6 s
    /// run). auto_explain shows every plan the triggers run: after three one-row statements, none
    /// may expect far fewer of a 2,000-row statement's rows than it reads.
    @Test func statementTriggersPlanForTheirOwnRows() throws {
        let su = try fixture.db.superuser()
        for setting in ["LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0", "SET auto_explain.log_nested_statements = on",
                        "SET auto_explain.log_analyze = on", "SET auto_explain.log_timing = off", "SET client_min_messages = log"] {
            try su.query(setting)
        }
        let strategy: Int64 = try su.query("SELECT strategy_id FROM cobranza.strategy_step WHERE id = $1", [written.step]).first!.decode("strategy_id")
        let steps: [Int64] = try su.query("""
            INSERT INTO cobranza.strategy_step (strategy_id, day, action) SELECT $1, g, 'email' FROM generate_series(100, 2102) g RETURNING id
            """, [strategy]).rows.map { try $0.decode("id") }
        func record(_ steps: ArraySlice<Int64>, as tag: String) throws -> [String] {
            _ = su.takeNotices()
            try su.query("""
                INSERT INTO cobranza.strategy_case_step (tenant_id, case_id, step_id, outcome, on_date)
                SELECT $1, $2, s, 'skipped', '2026-04-02' FROM unnest($3::bigint[]) s
                """, [written.tenant, written.caseID, "{" + steps.map(String.init).joined(separator: ",") + "}"])
            try su.query("""
                INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key)
                SELECT $1, $2, $3, 'email', 'pagos@example.cl', 'Aviso', 'Texto', 'plan-' || $4 || '-' || g FROM generate_series(1, $5) g
                """, [written.tenant, written.caseID, written.debtor, tag, steps.count])
            return su.takeNotices().map(\.message)
        }
        for (n, step) in steps.prefix(3).enumerated() { _ = try record([step], as: "one-\(n)") }
        let plans = try record(steps.dropFirst(3), as: "many")
        #expect(plans.contains { $0.contains("Insert on audit_log") }, "auto_explain showed the triggers' plans")
        // "Named Tuplestore Scan on new_rows  (cost=… rows=E …) (actual rows=A loops=L)"
        let scan = #/Named Tuplestore Scan[^\n]*rows=(\d+) width=\d+\) \(actual rows=(\d+) loops=\d+\)/#
        for plan in plans {
            for match in plan.matches(of: scan) {
                let (expected, actual) = (Int(match.output.1)!, Int(match.output.2)!)
                #expect(actual <= max(10 * expected, 101), "planned for \(expected) rows, read \(actual):\n\(plan)")
            }
        }
    }

    /// What a message or a step points at stays: not even the owner deletes, truncates or
    /// re-keys a case, a debtor or a step (a foreign key refused it only while referenced).
    @Test func whatTheyPointAtCannotGo() throws {
        let statements = [
            "DELETE FROM cobranza.collection_case WHERE id = \(written.caseID)",
            "UPDATE cobranza.collection_case SET id = DEFAULT WHERE id = \(written.caseID)",
            "DELETE FROM cobranza.debtor WHERE id = \(written.debtor)",
            "UPDATE cobranza.debtor SET id = DEFAULT WHERE id = \(written.debtor)",
        ]
        try fixture.db.asSuperuser { su in
            for sql in statements {
                let error = refusal(su, sql)
                #expect(error?.sqlState == .insufficientPrivilege, "\(sql): \(String(describing: error))")
            }
            // Truncated neither (refused by whichever of its guards fires first).
            for table in ["debtor", "collection_case"] {
                #expect(refusal(su, "TRUNCATE cobranza.\(table) CASCADE") != nil, "\(table)")
            }
            // A step was never edited nor deleted (0050).
            #expect(refusal(su, "UPDATE cobranza.strategy_step SET id = DEFAULT WHERE id = \(written.step)")?.sqlState == .checkViolation)
            #expect(refusal(su, "DELETE FROM cobranza.strategy_step")?.sqlState == .insufficientPrivilege)
        }
        #expect(try messages() == 1)
    }

    /// 0105: letters, digits, '.', '_', '-', at most 128 of them, as before.
    @Test func idempotencyKeysKeepTheirRule() throws {
        let admin = try fixture.connect(fixture.admin)
        #expect(refusal(admin, message(key: String(repeating: "a", count: 128))) == nil)
        #expect(refusal(admin, message(key: "strategy-1.2_3")) == nil)
        for bad in [String(repeating: "b", count: 129), "a b", "ñandú", "a/b", ""] {
            #expect(refusal(admin, message(key: bad))?.constraint == "outbound_message_idempotency_key_check", "\(bad)")
        }
    }

    /// 0107: format_money is money_text with the currency's exponent, and both write an amount
    /// exactly as CobranzaCore does, for any amount of any currency.
    @Test func formatMoneyWritesWhatMoneyFormattedWrites() throws {
        var generator = SplitMix(state: 0x0107)
        var amounts: [Int64] = [0, 1, -1, 9, 10, 99, 100, 999, 1_000, -1_000, 999_999, 1_000_000, 12_345_678,
                                Int64.max, Int64.min, Int64.min + 1]
        for _ in 0..<400 {
            let digits = Int(generator.next() % 19) + 1
            var value = Int64(generator.next() % UInt64(9_000_000_000_000_000_000))
            for _ in digits..<19 { value /= 10 }
            amounts.append(generator.next() % 3 == 0 ? -value : value)
        }
        try fixture.db.asSuperuser { su in
            for currency in [Currency.clp, .clf, .cop, .mxn, .usd] {
                let rows = try su.query("""
                    SELECT a, cobranza.format_money(a, $2) AS formatted,
                           cobranza.money_text(a, $2, (SELECT exponent FROM cobranza.currency WHERE code = $2)) AS text
                      FROM unnest($1::bigint[]) a
                    """, ["{" + amounts.map(String.init).joined(separator: ",") + "}", currency.code.rawValue]).rows
                #expect(rows.count == amounts.count)
                for row in rows {
                    let amount: Int64 = try row.decode("a")
                    let swift = Money(minorUnits: amount, currency: currency).formatted
                    #expect(try row.decode("formatted", as: String.self) == swift, "\(amount) \(currency.code.rawValue)")
                    #expect(try row.decode("text", as: String.self) == swift, "\(amount) \(currency.code.rawValue)")
                }
            }
        }
    }
}
