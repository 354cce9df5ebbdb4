import CobranzaCore
import Postgres

/// Accepting a whole placement at once (issue 20, item 1): every pending submission of one
/// import batch is opened in one transaction, each under its own savepoint so a submission the
/// database refuses is listed and the rest go on (unless all or nothing was asked for). Each
/// submission goes through the same `openLocked` as `case open`, so the case-number dispenser
/// keeps numbers gapless and every rule of a single opening holds for the batch.
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
}
