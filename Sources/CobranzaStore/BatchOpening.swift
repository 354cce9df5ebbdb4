import CobranzaCore
import Postgres

/// Accepting a whole placement at once (issue 20, items 1 and 4): every pending submission of
/// one import batch is opened in one transaction. First set-wise (`openSetWise`): one statement
/// each for the new cases, the submissions, the invoices, the events and the assignments, the
/// same writes `case open` makes, through the same triggers, so every rule of a single opening
/// holds and the dispenser numbers the cases gaplessly in submission order. If the database
/// refuses any of it (a debtor in dispute), that attempt is rolled back to its savepoint and the
/// batch is opened one submission at a time, each under its own savepoint, so the refused ones
/// are listed and the rest go on (unless all or nothing was asked for). Each of those goes
/// through the same `openLocked` as `case open`.
extension Cases {
    /// How the cases a batch opens are shared among the collectors named.
    public enum AssignRule: String, CaseIterable, Sendable {
        /// In turn, in submission-number order.
        case roundRobin = "round-robin"
        /// To the collector with the fewest open cases at that moment, counted again after each
        /// case is assigned (a tie goes to the one named first).
        case load
    }

    public struct BatchOpened: Sendable, Equatable {
        /// `ACME-1` for staff.
        public var batch: String
        /// The submissions opened, in submission-number order, each with who its case went to.
        public var opened: [(opened: Opened, assignedTo: String?)]
        /// The submissions the database refused: what it is called and why.
        public var refused: [(submission: String, reason: String)]

        public static func == (a: BatchOpened, b: BatchOpened) -> Bool {
            a.batch == b.batch && a.opened.map(\.opened) == b.opened.map(\.opened) && a.opened.map(\.assignedTo) == b.opened.map(\.assignedTo)
                && a.refused.map(\.submission) == b.refused.map(\.submission) && a.refused.map(\.reason) == b.refused.map(\.reason)
        }
    }

    /// Opens every pending submission of `batch`, assigning new cases (and joined cases nobody
    /// holds) by `rule` over `collectors`. A case that already has an assignee keeps it; a case
    /// two submissions of the batch join is assigned once. With `allOrNothing`, any refusal
    /// rolls everything back. An empty `opened` and `refused` means nothing was pending.
    /// `progress` hears each submission before it is opened; throwing from it opens nothing.
    public func open(batch reference: ClientReference, assignTo collectors: [String], rule: AssignRule = .roundRobin,
                     allOrNothing: Bool = false, progress: WorkProgress.Handler = WorkProgress.ignore) throws -> BatchOpened {
        try session.requireStaff("open cases")
        guard let code = reference.clientCode else {
            throw StoreError(field: "batch", "say whose batch \(reference.number) is: CODE-\(reference.number), e.g. ACME-\(reference.number)")
        }
        var names: [String] = []
        for name in collectors where !names.contains(name) { names.append(name) }
        return try connection.withTransaction {
            guard let batchRow = try connection.query("""
                SELECT b.tenant_id, b.id FROM cobranza.import_batch b JOIN cobranza.tenant t ON t.id = b.tenant_id
                 WHERE t.code = $1 AND b.number = $2
                """, [code, reference.number]).first else {
                throw StoreError(field: "batch", "batch \(reference) does not exist")
            }
            let tenant: Int64 = try batchRow.decode("tenant_id")
            let batchID: Int64 = try batchRow.decode("id")
            let shownBatch = session.reference(client: code, number: reference.number)
            let pending = try connection.query("""
                SELECT number FROM cobranza.submission WHERE tenant_id = $1 AND batch_id = $2 AND status = 'pending'
                 ORDER BY number FOR UPDATE
                """, [tenant, batchID]).rows.map { try $0.decode("number", as: Int64.self) }
            // Open cases per named collector, counted once and then kept up to date as we go.
            var load: [String: Int] = [:]
            if rule == .load, !names.isEmpty {
                for name in names { load[name] = 0 }
                for row in try connection.query("""
                    SELECT assigned_to::text AS who, count(*) AS n FROM cobranza.collection_case
                     WHERE stage <> 'closed' AND assigned_to::text = ANY($1) GROUP BY assigned_to
                    """, [names]).rows {
                    load[try row.decode("who", as: String.self)] = try row.decode("n", as: Int.self)
                }
            }
            if let fast = try openSetWise(tenant: tenant, batchID: batchID, code: code, shownBatch: shownBatch, pending: pending.count,
                                          names: names, rule: rule, load: load, progress: progress) {
                return fast
            }
            var turn = 0
            var assignedHere: [String: String] = [:]   // case number → assignee, for cases handled in this batch
            var result = BatchOpened(batch: shownBatch, opened: [], refused: [])
            for (index, number) in pending.enumerated() {
                try progress(WorkProgress(done: index, total: pending.count))
                let submission = ClientReference(clientCode: code, number: number)
                do {
                    let outcome = try connection.withTransaction { () throws -> (opened: Opened, who: String?, byRule: Bool) in
                        let opened = try openLocked(submission: submission, assignTo: nil)
                        if let already = assignedHere[opened.caseNumber] { return (opened, already, false) }
                        let current = try connection.query(
                            "SELECT id, assigned_to::text AS who FROM cobranza.collection_case WHERE tenant_id = $1 AND number = $2",
                            [tenant, opened.caseNumber]).first!
                        if let holder = try current.decodeIfPresent("who", as: String.self) { return (opened, holder, false) }
                        guard !names.isEmpty else { return (opened, nil, false) }
                        let who: String
                        switch rule {
                        case .roundRobin: who = names[turn % names.count]
                        case .load: who = names.min { load[$0]! < load[$1]! }!
                        }
                        try assign(tenant: tenant, caseID: try current.decode("id"), to: who)
                        return (opened, who, true)
                    }
                    if outcome.byRule, let who = outcome.who {
                        turn += 1
                        load[who, default: 0] += 1
                    }
                    if let who = outcome.who { assignedHere[outcome.opened.caseNumber] = who }
                    result.opened.append((outcome.opened, outcome.who))
                } catch let error as StoreError where error.fields == ["assigned_to"] {
                    // A collector who may not hold cases is a mistake in the command, not in a row.
                    throw error
                } catch {
                    // Only a rule's refusal is a row's fault; a lost connection ends the command.
                    if let postgres = error as? PostgresError, !postgres.isRuleViolation { throw error }
                    let reason = StoreError(refusing: error).description
                    let shown = session.reference(client: code, number: number)
                    if allOrNothing { throw StoreError("nothing opened: submission \(shown) was refused: \(reason)") }
                    result.refused.append((shown, reason))
                }
            }
            return result
        }
    }

    /// Whom each case gets, in submission order, as the one-by-one loop decides: a case that
    /// has a holder keeps it; otherwise, if collectors were named, the next in turn (round-robin)
    /// or the one with the fewest open cases, counted again after each (load, ties to the first
    /// named). Returns the assignee of each row and which of them were given by the rule.
    static func assignees(holders: [String?], names: [String], rule: AssignRule, load: [String: Int]) -> [(who: String?, byRule: Bool)] {
        var load = load
        var turn = 0
        return holders.map { holder in
            if let holder { return (holder, false) }
            guard !names.isEmpty else { return (nil, false) }
            let who: String
            switch rule {
            case .roundRobin: who = names[turn % names.count]
            case .load: who = names.min { load[$0, default: 0] < load[$1, default: 0] }!
            }
            turn += 1
            load[who, default: 0] += 1
            return (who, true)
        }
    }

    /// Rolls the set-wise attempt back to its savepoint when the batch is not its kind.
    private struct NotSetWise: Error {}

    /// The whole batch in a handful of statements, under a savepoint. nil when the database
    /// refused any of it (then nothing of this attempt is left and the caller goes one by one)
    /// or when two pending submissions share a debtor and currency (one would join the
    /// other's new case: the loop handles that).
    private func openSetWise(tenant: Int64, batchID: Int64, code: String, shownBatch: String, pending: Int,
                             names: [String], rule: AssignRule, load: [String: Int],
                             progress: WorkProgress.Handler) throws -> BatchOpened? {
        guard pending > 0 else { return nil }
        do {
            return try connection.withTransaction { () throws -> BatchOpened in
                try progress(WorkProgress(done: 0, total: pending, step: "opening cases"))
                // Each pending submission with its debtor's open case in that currency, if any.
                try connection.query("""
                    CREATE TEMP TABLE batch_opening ON COMMIT DROP AS
                    SELECT s.id AS submission_id, s.number, s.debtor_id, s.currency, d.name,
                           c.id AS case_id, c.number AS case_number, c.assigned_to::text AS holder,
                           c.id IS NOT NULL AS joined, 0 AS invoices, 0::bigint AS total
                      FROM cobranza.submission s
                      JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id
                      LEFT JOIN cobranza.collection_case c
                        ON c.tenant_id = s.tenant_id AND c.debtor_id = s.debtor_id AND c.currency = s.currency AND c.stage <> 'closed'
                     WHERE s.tenant_id = $1 AND s.batch_id = $2 AND s.status = 'pending'
                    """, [tenant, batchID])
                let shape = try connection.query("""
                    SELECT count(*) AS n, count(DISTINCT (debtor_id, currency)) AS distinct_n FROM batch_opening
                    """).first!
                let count: Int = try shape.decode("n")
                guard count == pending, count == (try shape.decode("distinct_n", as: Int.self)) else { throw NotSetWise() }
                // The cases joined are locked as `case open` locks them.
                try connection.query("""
                    SELECT 1 FROM cobranza.collection_case c JOIN batch_opening b ON b.case_id = c.id
                     WHERE c.tenant_id = $1 FOR UPDATE OF c
                    """, [tenant])
                try connection.query("ANALYZE batch_opening")
                // New cases in submission order: the dispenser numbers them in that order.
                try connection.query("""
                    WITH made AS (
                        INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency)
                        SELECT $1, debtor_id, currency FROM batch_opening WHERE case_id IS NULL ORDER BY number
                        RETURNING id, number, debtor_id, currency)
                    UPDATE batch_opening b SET case_id = m.id, case_number = m.number
                      FROM made m WHERE b.case_id IS NULL AND b.debtor_id = m.debtor_id AND b.currency = m.currency
                    """, [tenant])
                try connection.query("""
                    UPDATE cobranza.submission s
                       SET status = 'accepted', case_id = b.case_id, reviewed_by = session_user, reviewed_at = now()
                      FROM batch_opening b WHERE s.tenant_id = $1 AND s.id = b.submission_id
                    """, [tenant])
                try connection.query("""
                    WITH moved AS (
                        UPDATE cobranza.invoice i SET case_id = b.case_id
                          FROM batch_opening b WHERE i.tenant_id = $1 AND i.submission_id = b.submission_id
                        RETURNING i.submission_id, i.amount)
                    UPDATE batch_opening b SET invoices = m.n, total = m.total
                      FROM (SELECT submission_id, count(*)::int AS n, sum(amount)::bigint AS total FROM moved GROUP BY submission_id) m
                     WHERE b.submission_id = m.submission_id
                    """, [tenant])
                try connection.query("""
                    INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible)
                    SELECT $1, case_id, 'opened',
                           CASE WHEN joined THEN 'submission ' || number || ' joined the case'
                                ELSE 'case opened from submission ' || number END
                           || ' (' || invoices || ' invoice' || CASE WHEN invoices = 1 THEN '' ELSE 's' END || ')', true
                      FROM batch_opening ORDER BY number
                    """, [tenant])
                let rows = try connection.query("""
                    SELECT number, case_id, case_number, joined, holder, invoices, total, currency::text AS currency, name
                      FROM batch_opening ORDER BY number
                    """).rows
                let decided = Self.assignees(holders: try rows.map { try $0.decodeIfPresent("holder", as: String.self) },
                                             names: names, rule: rule, load: load)
                var caseIDs: [String] = []
                var whom: [String] = []
                for (row, decision) in zip(rows, decided) where decision.byRule {
                    caseIDs.append(String(try row.decode("case_id", as: Int64.self)))
                    whom.append(decision.who!)
                }
                if !caseIDs.isEmpty {
                    try progress(WorkProgress(done: count, total: pending, step: "assigning"))
                    try connection.query("""
                        UPDATE cobranza.collection_case c SET assigned_to = x.who::name
                          FROM unnest($2::bigint[], $3::text[]) AS x(id, who) WHERE c.tenant_id = $1 AND c.id = x.id
                        """, [tenant, caseIDs, whom])
                    try connection.query("""
                        INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note)
                        SELECT $1, x.id, 'assigned', 'assigned to ' || x.who
                          FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS x(id, who, n) ORDER BY x.n
                        """, [tenant, caseIDs, whom])
                }
                var result = BatchOpened(batch: shownBatch, opened: [], refused: [])
                for (row, decision) in zip(rows, decided) {
                    let opened = Opened(
                        submission: session.reference(client: code, number: try row.decode("number")),
                        caseNumber: try row.decode("case_number"), joinedExisting: try row.decode("joined"),
                        invoices: try row.decode("invoices"), total: try row.decode("total"),
                        currency: try row.decode("currency"), debtorName: try row.decode("name"))
                    result.opened.append((opened, decision.who))
                }
                try progress(WorkProgress(done: count, total: pending))
                return result
            }
        } catch {
            // A refusal: go one by one, so it is listed by submission. Anything else (a lost
            // connection, Ctrl-C) ends the command.
            if error is NotSetWise { return nil }
            if let postgres = error as? PostgresError, postgres.isRuleViolation { return nil }
            throw error
        }
    }
}
