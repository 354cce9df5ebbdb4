import CobranzaCore
import Postgres

/// One decision of a run about one case's step, with why.
public struct StrategyDecision: Sendable, Equatable {
    public var caseNumber: String
    public var client: String
    public var action: String
    public var level: Int?
    /// done, task, skipped, paused or deferred.
    public var decision: String
    public var reason: String
}

/// What a run did (or, dry, would do), and its summary counts.
public struct StrategyRunReport: Sendable, Equatable {
    public var on: CalendarDate
    public var dryRun: Bool
    /// Each decision with its reason when the run was asked for them; otherwise only the letters
    /// and posting notices it carried out. A run of 100,000 cases would otherwise send 100,000
    /// rows to a client that prints five numbers.
    public var decisions: [StrategyDecision]
    /// How many of each decision (done, task, skipped, paused, deferred) the run made.
    public var tally: [String: Int]

    public func count(_ decision: String) -> Int { tally[decision, default: 0] }
    /// "done 3, tasks created 1, skipped 0, paused 2, deferred by rule 0".
    public var summary: String {
        "done \(count("done")), tasks created \(count("task")), skipped \(count("skipped")), paused \(count("paused")), "
            + "deferred by rule \(count("deferred"))"
    }
}

/// One line of `strategy log`.
public struct StrategyLogEntry: Sendable, Equatable {
    public var runOn: CalendarDate
    public var caseNumber: String
    public var client: String
    public var strategy: String
    public var day: Int
    public var action: String
    public var decision: String
    public var reason: String
    public var by: String
}

/// The daily run of the strategies (issue 17, item 2): `cobranza.strategy_run` (0051, 0090) weighs every
/// open case in scope set-wise and does the messages, tasks, skips, pauses and deferrals in SQL;
/// letters and posting notices it hands back are rendered and recorded here, each behind the
/// same unique (case, step) key, in the same transaction. One transaction per run; a dry run is
/// the same run rolled back.
public struct StrategyRuns {
    let session: Session
    var connection: Connection { session.connection }

    /// A dry run's report, carried out of the transaction it rolls back.
    private struct DryRun: Error { var report: StrategyRunReport }

    /// `detailed`: every decision in the report, not only the letters and notices (the shell
    /// prints them on a dry run).
    public func run(on date: CalendarDate?, client: String?, dryRun: Bool, detailed: Bool = true) throws -> StrategyRunReport {
        try session.requireStaff("run strategies")
        if client == nil, session.identity.kind != .admin {
            throw StoreError(field: "client", "a collector runs one client's strategy over the cases assigned to them; only admins run every client")
        }
        do {
            return try connection.withTransaction {
                let today = try session.today()
                let on = date ?? today
                guard on <= today else { throw StoreError(field: "run_on", "\(on) is after today (\(today))") }
                let tenant = try client.map { try TenantScope.resolve(session, client: $0).id }
                let (decisions, tally) = try decide(on: on, tenant: tenant, detailed: detailed)
                let report = StrategyRunReport(on: on, dryRun: dryRun, decisions: decisions, tally: tally)
                if dryRun { throw DryRun(report: report) }
                return report
            }
        } catch let dry as DryRun {
            return dry.report
        }
    }

    /// The decisions (all, or the letters and notices only) and how many of each. Rows without
    /// a case number are counts of the decisions not sent one by one. The case number and client
    /// are looked up per row: the function's rows are guessed at 1,000, and a join was planned as
    /// a scan of all of them for each of the 200 clients (2.2 s after a run of 100,000 cases).
    private func decide(on: CalendarDate, tenant: Int64?, detailed: Bool) throws -> ([StrategyDecision], [String: Int]) {
        let rows = try connection.query("""
            WITH r AS MATERIALIZED (SELECT * FROM cobranza.strategy_run($1::date, $2::bigint))
            SELECT r.tenant_id, r.case_id, r.step_id, r.action, r.letter_level, r.client_visible, r.decision, r.reason,
                   (SELECT c.number FROM cobranza.collection_case c WHERE c.tenant_id = r.tenant_id AND c.id = r.case_id) AS number,
                   (SELECT t.code FROM cobranza.tenant t WHERE t.id = r.tenant_id) AS code, 1::bigint AS n
              FROM r
             WHERE $3 OR r.decision IN ('letter', 'posting-notice')
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, r.decision, NULL, NULL, NULL, count(*)
              FROM r WHERE NOT ($3 OR r.decision IN ('letter', 'posting-notice'))
             GROUP BY r.decision
            """, [on.description, tenant, detailed]).rows
        var decisions: [StrategyDecision] = []
        var tally: [String: Int] = [:]
        for row in rows {
            guard let number: String = try row.decodeIfPresent("number") else {
                tally[try row.decode("decision"), default: 0] += Int(try row.decode("n", as: Int64.self))
                continue
            }
            var decision = StrategyDecision(
                caseNumber: number, client: try row.decode("code"), action: try row.decode("action"),
                level: try row.decodeIfPresent("letter_level"), decision: try row.decode("decision"), reason: try row.decode("reason"))
            if decision.decision == "letter" || decision.decision == "posting-notice" {
                guard let carried = try carryOut(row, decision: decision, on: on) else { continue }
                decision = carried
            }
            tally[decision.decision, default: 0] += 1
            decisions.append(decision)
        }
        return (decisions.sorted { ($0.caseNumber, $0.action) < ($1.caseNumber, $1.action) }, tally)
    }

    /// A letter or posting notice the SQL run handed back: done here, or paused with the refusal
    /// (nil when another run did it first).
    private func carryOut(_ row: Row, decision: StrategyDecision, on: CalendarDate) throws -> StrategyDecision? {
        let tenant: Int64 = try row.decode("tenant_id")
        let caseID: Int64 = try row.decode("case_id")
        let step: Int64 = try row.decode("step_id")
        var result = decision
        do {
            let done: String? = try connection.withTransaction {
                // The unique key first: a run already doing this step makes this one wait, then skip.
                // A letter's step keeps its reason (strategy log reads it there); a posting
                // notice's reason names the publication date only known once notified, so it
                // is logged in strategy_decision.
                let level = decision.level.flatMap(LetterLevel.init(rawValue:))
                let letterReason = level.map { "\(decision.reason): letter level \($0.rawValue) sent" }
                guard try connection.query("""
                    INSERT INTO cobranza.strategy_case_step (tenant_id, case_id, step_id, outcome, on_date, reason)
                    VALUES ($1, $2, $3, 'done', $4::date, $5) ON CONFLICT ON CONSTRAINT strategy_case_step_once_key DO NOTHING RETURNING id
                    """, [tenant, caseID, step, on.description, decision.decision == "letter" ? letterReason : nil]).first != nil
                else { return nil }
                let target = try WorkflowCase.load(session, number: decision.caseNumber)
                let what: String
                if decision.decision == "letter" {
                    guard let level, let letterReason else { throw StoreError("a letter step without its level") }
                    try target.check(.letter(level))
                    let body = try Letters(session: session).render(target, level: level)
                    try connection.query("""
                        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, letter_level, body, occurred_on)
                        VALUES ($1, $2, 'letter', $3, 'strategy: letter', $4, $5::smallint, $6, $7::date)
                        """, [tenant, caseID, "level \(level.rawValue)", try row.decode("client_visible", as: Bool.self), Int(level.rawValue),
                              body, on.description])
                    what = letterReason
                } else {
                    let allowed = try Postings(session: session).notify(target)
                    what = "\(decision.reason): posting notice sent, publication allowed from \(allowed)"
                    try log(tenant: tenant, caseID: caseID, step: step, on: on, decision: "done", reason: what)
                }
                return what
            }
            guard let done else { return nil }
            result.decision = "done"
            result.reason = done
        } catch {
            let why = (error as? StoreError)?.description ?? (error as? PostgresError)?.message ?? "\(error)"
            result.decision = "paused"
            result.reason = "refused: \(why)"
            try log(tenant: tenant, caseID: caseID, step: step, on: on, decision: "paused", reason: result.reason)
        }
        return result
    }

    private func log(tenant: Int64, caseID: Int64, step: Int64, on: CalendarDate, decision: String, reason: String) throws {
        try connection.query("""
            INSERT INTO cobranza.strategy_decision (tenant_id, case_id, step_id, run_on, decision, reason)
            SELECT $1, $2, $3, $4::date, $5, $6
             WHERE NOT EXISTS (SELECT 1 FROM cobranza.strategy_decision x WHERE x.tenant_id = $1 AND x.case_id = $2 AND x.step_id = $3
                                  AND x.run_on = $4::date AND x.decision = $5 AND x.reason = $6)
            """, [tenant, caseID, step, on.description, decision, String(reason.prefix(2000))])
    }

    /// The run's decisions, oldest first: every case's, or one case's.
    public func log(caseNumber: String?, limit: Int) throws -> [StrategyLogEntry] {
        try session.requireStaff("read the strategy log")
        var parameters = SQLParameters()
        var conditions: [String] = []
        if let caseNumber {
            conditions.append("c.number = " + parameters.bind(CaseLookup.normalized(caseNumber)))
            if try connection.query("SELECT 1 FROM cobranza.collection_case WHERE number = $1", [CaseLookup.normalized(caseNumber)]).first == nil {
                throw CaseLookup.notFound(CaseLookup.normalized(caseNumber))
            }
        }
        // What a step resolved (done, skipped, task) is recorded with its reason in
        // strategy_case_step (0090); what it did not (paused, deferred, and steps before 0090) in
        // strategy_decision. A run's rows share its transaction's moment: the steps it resolved
        // come first, then what it left waiting.
        let sql = """
            SELECT * FROM (
                SELECT g.run_on::text AS run_on, c.number, t.code, s.name, p.day,
                       p.action || coalesce(' ' || p.letter_level, '') AS action, g.decision, g.reason, g.created_by::text AS by,
                       g.created_at, g.rank, g.id
                  FROM (SELECT x.tenant_id, x.case_id, x.step_id, x.on_date AS run_on, x.outcome AS decision, x.reason,
                               x.created_by, x.created_at, 0 AS rank, x.id
                          FROM cobranza.strategy_case_step x WHERE x.reason IS NOT NULL
                        UNION ALL
                        SELECT x.tenant_id, x.case_id, x.step_id, x.run_on, x.decision, x.reason, x.created_by, x.created_at, 1, x.id
                          FROM cobranza.strategy_decision x) g
                  JOIN cobranza.collection_case c ON c.tenant_id = g.tenant_id AND c.id = g.case_id
                  JOIN cobranza.tenant t ON t.id = g.tenant_id
                  JOIN cobranza.strategy_step p ON p.id = g.step_id
                  JOIN cobranza.strategy s ON s.id = p.strategy_id
                 \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                 ORDER BY g.created_at DESC, g.rank DESC, g.id DESC LIMIT \(parameters.bind(limit))) x
             ORDER BY x.created_at, x.rank, x.id
            """
        return try connection.query(sql, parameters.values).rows.map { row in
            StrategyLogEntry(runOn: try row.decode("run_on"), caseNumber: try row.decode("number"), client: try row.decode("code"),
                             strategy: try row.decode("name"), day: try row.decode("day"), action: try row.decode("action"),
                             decision: try row.decode("decision"), reason: try row.decode("reason"), by: try row.decode("by"))
        }
    }
}

extension Session {
    public var strategyRuns: StrategyRuns { StrategyRuns(session: self) }
}
