import Foundation
import CobranzaCore
import Postgres

/// One line of `case list`: a case with its totals. `assignedTo` is nil for SME users, whose
/// column grants do not include it.
public struct CaseSummary: Sendable, Equatable {
    public var number: String
    public var client: String
    public var debtorName: String
    public var debtorTaxID: String
    public var currency: String
    public var stage: String
    public var assignedTo: String?
    public var invoices: Int
    public var total: Int64
    public var daysOverdue: Int
    public var openedOn: CalendarDate
    public var closeCode: String?
    public var flags: [String]
    /// Payments net of reversals: what has been got back (issue 16, item 11).
    public var recovered: Int64 = 0
    /// What is still owed: the invoices (cancelled parts left out) less what was recovered;
    /// nothing once the case is settled, its agreement's discount forgiven (0025).
    public var outstanding: Int64 { closeCode == "settled" ? 0 : total - recovered }
}

/// One line of `portfolio`: a client's cases in one stage and currency, and what they came to
/// (issue 16, item 11). Amounts of different currencies are never added together.
public struct PortfolioLine: Sendable, Equatable {
    public var stage: String
    public var currency: String
    public var cases: Int
    /// The invoices as placed, cancelled parts included.
    public var placed: Int64
    /// Payments net of reversals.
    public var recovered: Int64
    public var outstanding: Int64
    /// The agency's fees frozen on those payments, before VAT.
    public var fees: Int64
    /// What the client keeps of what was recovered: recovered less fees (before VAT on them).
    public var net: Int64
}

/// What the agency has remitted to the client, per currency (remittances are per client, not
/// per case, so they are not split by stage).
public struct RemittedTotal: Sendable, Equatable {
    public var currency: String
    public var remittances: Int
    public var amount: Int64
}

public struct CaseEvent: Sendable, Equatable {
    public var on: String
    public var kind: String
    public var outcome: String?
    public var note: String?
    public var by: String?
    public var clientVisible: Bool
}

/// Where a case's agreement in force stands: what was agreed (after any discount), what has
/// been paid towards it, and what it still expects, beside the case's original balance.
public struct AgreementStanding: Sendable, Equatable {
    public var id: Int64
    public var total: Int64
    public var paid: Int64
    /// active or default.
    public var status: String
    public init(id: Int64, total: Int64, paid: Int64, status: String) {
        self.id = id
        self.total = total
        self.paid = paid
        self.status = status
    }
    public var expects: Int64 { max(0, total - paid) }
}

public struct CaseDetail: Sendable, Equatable {
    public var summary: CaseSummary
    public var invoices: [InvoiceRecord]
    public var events: [CaseEvent]
    /// Net of reversals.
    public var paid: Int64
    /// What the debtor still owes: the total less what was paid, or nothing once the case is
    /// settled (the rest is `forgiven`).
    public var outstanding: Int64
    /// What a settlement forgave: the discount of the agreement paid off.
    public var forgiven: Int64
    /// The agreement in force on an open case, with what it still expects.
    public var agreement: AgreementStanding?
    /// "filed, docket C-1234-2026, 3er Juzgado Civil" once the case is referred to court.
    public var court: String?
    /// "published in Boletín Comercial on 2026-05-02" while a posting is under way.
    public var posting: String?
    /// Staff only.
    public var nextAction: String?
    /// The letters sent, each with its exact text (an SME: the client-visible ones).
    public var letters: [Letters.Sent] = []
    /// The court costs of a referred case, each with who bears it (the contract's court_costs).
    public var courtCosts: [CourtCost] = []
}

/// Collection cases: opened by staff from submissions, listed and shown to staff in full and to
/// SME users through what their grants allow (no assignee, no internal notes).
public struct Cases {
    let session: Session
    var connection: Connection { session.connection }
    var isStaff: Bool { session.identity.kind.isStaff }

    public struct Filter: Sendable {
        public var client: String?
        public var stage: CaseState.Stage?
        public var collector: String?
        public var debtor: String?
        /// Whole units of the case's currency (1000 means $1.000 CLP or $1,000.00 MXN).
        public var minAmount: Int64?
        public var overdueDays: Int?
        public var sort: Sort
        public var limit: Int
        public init(client: String? = nil, stage: CaseState.Stage? = nil, collector: String? = nil, debtor: String? = nil,
                    minAmount: Int64? = nil, overdueDays: Int? = nil, sort: Sort = .number, limit: Int = 50) {
            self.client = client
            self.stage = stage
            self.collector = collector
            self.debtor = debtor
            self.minAmount = minAmount
            self.overdueDays = overdueDays
            self.sort = sort
            self.limit = limit
        }
    }

    /// How `case list` orders its rows.
    public enum Sort: String, CaseIterable, Sendable { case number, amount, overdue, opened, client }

    // MARK: - Opening and assigning

    public struct Opened: Sendable, Equatable {
        /// The submission as staff name it (`ACME-12`).
        public var submission: String
        public var caseNumber: String
        public var joinedExisting: Bool
        public var invoices: Int
        public var total: Int64
        public var currency: String
        public var debtorName: String
    }

    /// Accepts a pending submission into its debtor's open case in that currency, or a new one.
    /// The submission is named as staff name it (`ACME-12`).
    public func open(submission reference: ClientReference, assignTo: String?) throws -> Opened {
        try session.requireStaff("open cases")
        return try connection.withTransaction { try openLocked(submission: reference, assignTo: assignTo) }
    }

    func openLocked(submission reference: ClientReference, assignTo: String?) throws -> Opened {
            let (tenant, id) = try Submissions.resolve(session, reference)
            let shown = try Submissions.lockedStatus(session, tenant: tenant, id: id, reference: reference)
            guard shown.status == "pending" else {
                throw StoreError("submission \(shown.reference) is \(shown.status), only pending submissions can be opened")
            }
            let submission = try connection.query("""
                SELECT s.number, s.debtor_id, s.currency, d.name FROM cobranza.submission s
                JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id WHERE s.tenant_id = $1 AND s.id = $2
                """, [tenant, id]).first!
            // The timeline is the client's too: it names the submission by the client's number.
            let clientNumber: Int64 = try submission.decode("number")
            let debtor: Int64 = try submission.decode("debtor_id")
            let currency: String = try submission.decode("currency")
            var joined = true
            var caseRow = try connection.query("""
                SELECT id, number FROM cobranza.collection_case
                WHERE tenant_id = $1 AND debtor_id = $2 AND currency = $3 AND stage <> 'closed' FOR UPDATE
                """, [tenant, debtor, currency]).first
            if caseRow == nil {
                joined = false
                caseRow = try connection.query("""
                    INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency) VALUES ($1, $2, $3)
                    RETURNING id, number
                    """, [tenant, debtor, currency]).first
            }
            let caseID: Int64 = try caseRow!.decode("id")
            let number: String = try caseRow!.decode("number")
            try connection.query("""
                UPDATE cobranza.submission SET status = 'accepted', case_id = $2, reviewed_by = session_user, reviewed_at = now()
                WHERE tenant_id = $1 AND id = $3
                """, [tenant, caseID, id])
            let moved = try connection.query("""
                UPDATE cobranza.invoice SET case_id = $2 WHERE tenant_id = $1 AND submission_id = $3 RETURNING amount
                """, [tenant, caseID, id])
            // Checked: the database bounds a case's total (0016), and a sum never traps the shell.
            let total = try MoneyArithmetic.sum(moved.rows.map { try $0.decode("amount", as: Int64.self) })
            try connection.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible) VALUES ($1, $2, 'opened', $3, true)
                """, [tenant, caseID, (joined ? "submission \(clientNumber) joined the case" : "case opened from submission \(clientNumber)")
                 + " (\(moved.rows.count) invoice\(moved.rows.count == 1 ? "" : "s"))"])
            if let assignTo { try assign(tenant: tenant, caseID: caseID, to: assignTo) }
            return Opened(submission: shown.reference, caseNumber: number, joinedExisting: joined, invoices: moved.rows.count, total: total,
                          currency: currency, debtorName: try submission.decode("name"))
    }

    public func assign(_ number: String, to user: String) throws {
        try session.requireStaff("assign cases")
        try connection.withTransaction {
            guard let row = try connection.query(
                "SELECT tenant_id, id FROM cobranza.collection_case WHERE number = $1 FOR UPDATE", [number.uppercased()]).first
            else { throw StoreError("case \(number) does not exist") }
            try assign(tenant: try row.decode("tenant_id"), caseID: try row.decode("id"), to: user)
        }
    }

    /// Moves every open case `from` holds to `to` (issue 20, item 1), each with its own
    /// 'assigned' event; the database checks `to` may hold cases. Returns the cases moved.
    public func reassign(from: String, to user: String) throws -> [String] {
        try session.requireStaff("assign cases")
        return try connection.withTransaction {
            let rows = try connection.query("""
                SELECT tenant_id, id, number FROM cobranza.collection_case
                 WHERE assigned_to::text = $1 AND stage <> 'closed' ORDER BY number FOR UPDATE
                """, [from]).rows
            for row in rows { try assign(tenant: try row.decode("tenant_id"), caseID: try row.decode("id"), to: user) }
            return try rows.map { try $0.decode("number", as: String.self) }
        }
    }

    func assign(tenant: Int64, caseID: Int64, to user: String) throws {
        do {
            try connection.query("UPDATE cobranza.collection_case SET assigned_to = $3 WHERE tenant_id = $1 AND id = $2", [tenant, caseID, user])
        } catch {
            // (A typed-throws `catch … where` crashes Swift 6.3's SIL passes: see docs/architecture.md.)
            guard error.sqlState == .checkViolation else { throw error }
            throw StoreError(field: "assigned_to", "\(error.message)")
        }
        try connection.query("""
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note) VALUES ($1, $2, 'assigned', $3)
            """, [tenant, caseID, "assigned to \(user)"])
    }

    // MARK: - Reading

    var selectSummary: String {
        """
        SELECT c.number, t.code, d.name, d.tax_id, d.country, c.currency, c.stage, c.close_code, c.opened_on::text AS opened_on,
               c.disputed, c.posted,
               (SELECT a.status FROM cobranza.agreement_status a
                 WHERE a.tenant_id = c.tenant_id AND a.case_id = c.id AND c.stage <> 'closed'
                 ORDER BY a.id DESC LIMIT 1) AS agreement,
               (c.stage <> 'closed' AND EXISTS (SELECT 1 FROM cobranza.promise_status p
                                                 WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id AND p.status = 'pending')) AS on_promise,
               \(isStaff ? "c.assigned_to" : "NULL::name AS assigned_to"),
               count(i.id) AS invoices, coalesce(sum(i.amount), 0) AS total,
               (SELECT coalesce(sum(p.amount), 0) FROM cobranza.payment p WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id) AS recovered,
               -- A closed case's age stops the day it closed (case_clock, 0025).
               coalesce(cobranza.case_clock(c.tenant_id, c.id) - min(i.due), 0) AS overdue, cur.exponent
        FROM cobranza.collection_case c
        JOIN cobranza.tenant t ON t.id = c.tenant_id
        JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
        JOIN cobranza.currency cur ON cur.code = c.currency
        LEFT JOIN cobranza.invoice i ON i.tenant_id = c.tenant_id AND i.case_id = c.id
        """
    }
    let groupBy = " GROUP BY c.tenant_id, c.id, t.code, d.name, d.tax_id, d.country, cur.exponent"

    public func list(_ filter: Filter) throws -> [CaseSummary] {
        var conditions: [String] = []
        var having: [String] = []
        var parameters = SQLParameters()
        if filter.client != nil || session.identity.clientCode != nil {
            conditions.append("c.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: filter.client).id))
        }
        if let stage = filter.stage {
            conditions.append("c.stage = " + parameters.bind(stage.rawValue))
        }
        if let collector = filter.collector {
            guard isStaff else { throw StoreError(field: "collector", "only agency staff see assignments") }
            conditions.append("c.assigned_to = " + parameters.bind(collector))
        }
        if let debtor = filter.debtor {
            conditions.append(DebtorSearch.condition(debtor, debtor: "d", parameters: &parameters))
        }
        if let minimum = filter.minAmount {
            having.append("coalesce(sum(i.amount), 0) >= \(parameters.bind(minimum)) * (10::bigint ^ cur.exponent)::bigint")
        }
        if let days = filter.overdueDays {
            having.append("cobranza.case_clock(c.tenant_id, c.id) - min(i.due) >= \(parameters.bind(days))")
        }
        let order: String
        switch filter.sort {
        case .number: order = "c.number"
        case .amount: order = "total DESC, c.number"
        case .overdue: order = "overdue DESC, c.number"
        case .opened: order = "c.opened_on DESC, c.number"
        case .client: order = "t.code, c.number"
        }
        guard (1...10_000).contains(filter.limit) else { throw StoreError(field: "limit", "must be between 1 and 10000") }
        let sql = selectSummary
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + groupBy
            + (having.isEmpty ? "" : " HAVING " + having.joined(separator: " AND "))
            + " ORDER BY \(order) LIMIT " + parameters.bind(filter.limit)
        return try connection.query(sql, parameters.values).rows.map(Self.summary)
    }

    public func show(_ number: String) throws -> CaseDetail {
        let key = number.uppercased()
        guard let row = try connection.query(selectSummary + " WHERE c.number = $1" + groupBy, [key]).first else {
            throw StoreError("case \(number) does not exist")
        }
        let invoices = try connection.query("""
            SELECT i.number, i.issued::text AS issued, i.due::text AS due, cobranza.case_clock(c.tenant_id, c.id) - i.due AS overdue,
                   i.amount, i.currency, c.number AS case_number, i.note,
                   i.cancelled_on::text AS cancelled_on, i.cancelled_amount, i.cancel_reason
            FROM cobranza.invoice i JOIN cobranza.collection_case c ON c.tenant_id = i.tenant_id AND c.id = i.case_id
            WHERE c.number = $1 ORDER BY i.due, i.number
            """, [key]).rows.map(Submissions.invoice)
        // The timeline is the case's events and its payments (a payment is not copied into
        // case_event: 0006_payment_timeline.sql). Within one transaction a payment comes before
        // the close or reopening it set off.
        let events = try connection.query("""
            SELECT t.occurred_on::text AS occurred_on, t.kind, t.outcome, t.note, t.client_visible, t.created_by
              FROM cobranza.collection_case c
              CROSS JOIN LATERAL (
                  SELECT e.occurred_on, e.kind, e.outcome, e.note, e.client_visible,
                         \(isStaff ? "e.created_by" : "NULL::name AS created_by"), e.created_at, 1 AS source, e.id
                    FROM cobranza.case_event e WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id
                  UNION ALL
                  SELECT p.paid_on, 'payment', p.channel,
                         CASE WHEN p.reverses_id IS NULL
                              THEN format('payment %s/%s: %s (%s, %s)', c.number, p.number, cobranza.format_money(p.amount, p.currency), p.channel, p.method)
                              ELSE format('payment %s/%s reversed by %s/%s: %s', c.number,
                                          (SELECT o.number FROM cobranza.payment o WHERE o.tenant_id = p.tenant_id AND o.id = p.reverses_id),
                                          c.number, p.number, p.reason) END,
                         true, \(isStaff ? "p.created_by" : "NULL::name"), p.created_at, 0, p.id
                    FROM cobranza.payment p WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id) t
             WHERE c.number = $1
             ORDER BY t.created_at, t.source, t.id
            """, [key]).rows.map { row in
            CaseEvent(on: try row.decode("occurred_on"), kind: try row.decode("kind"), outcome: try row.decodeIfPresent("outcome"),
                      note: try row.decodeIfPresent("note"), by: try row.decodeIfPresent("created_by"),
                      clientVisible: try row.decode("client_visible"))
        }
        let extra = try connection.query("""
            SELECT (SELECT concat_ws(', ', r.stage, 'lawyer ' || r.lawyer, 'docket ' || r.docket, r.court)
                      FROM cobranza.judicial_referral r WHERE r.tenant_id = c.tenant_id AND r.case_id = c.id) AS court,
                   (SELECT CASE WHEN p.published_on IS NULL THEN format('debtor notified on %s', p.notice_on)
                                ELSE format('published in %s on %s', p.registry, p.published_on)
                                     || coalesce('; withdrawal due by ' || p.withdrawal_due, '') END
                      FROM cobranza.posting p WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id AND p.withdrawn_on IS NULL) AS posting,
                   \(isStaff ? "c.next_action_date::text" : "NULL::text") AS next_action,
                   (SELECT coalesce(sum(p.amount), 0) FROM cobranza.payment p WHERE p.tenant_id = c.tenant_id AND p.case_id = c.id) AS paid,
                   c.close_code = 'settled' AS settled,
                   a.id AS agreement_id, a.total AS agreement_total, a.paid AS agreement_paid, a.status AS agreement_status
              FROM cobranza.collection_case c
              LEFT JOIN LATERAL (SELECT s.id, s.total, s.paid, s.status FROM cobranza.agreement_status s
                                  WHERE s.tenant_id = c.tenant_id AND s.case_id = c.id AND c.stage <> 'closed'
                                    AND s.status IN ('active', 'default')
                                  ORDER BY s.id DESC LIMIT 1) a ON true
             WHERE c.number = $1
            """, [key]).first
        let summary = try Self.summary(row)
        let paid: Int64 = try extra?.decode("paid") ?? 0
        // The debtor owes the court costs the contract puts on them too (0036), after the invoices.
        let courtCosts = try courtCosts(key)
        let debtorCosts = try MoneyArithmetic.sum(courtCosts.filter { $0.borneBy == .debtor }.map(\.amount))
        let unpaid = try MoneyArithmetic.subtract(try MoneyArithmetic.add(summary.total, debtorCosts), paid)
        let settled = try extra?.decodeIfPresent("settled", as: Bool.self) ?? false
        var agreement: AgreementStanding?
        if let extra, let id = try extra.decodeIfPresent("agreement_id", as: Int64.self) {
            agreement = AgreementStanding(id: id, total: try extra.decode("agreement_total"), paid: try extra.decode("agreement_paid"),
                                          status: try extra.decode("agreement_status"))
        }
        return CaseDetail(summary: summary, invoices: invoices, events: events, paid: paid,
                          outstanding: settled ? 0 : unpaid, forgiven: settled ? unpaid : 0, agreement: agreement,
                          court: try extra?.decodeIfPresent("court"), posting: try extra?.decodeIfPresent("posting"),
                          nextAction: try extra?.decodeIfPresent("next_action"),
                          letters: try Letters(session: session).sent(caseNumber: key), courtCosts: courtCosts)
    }

    private func courtCosts(_ key: String) throws -> [CourtCost] {
        guard let row = try connection.query("""
            SELECT c.tenant_id, c.id FROM cobranza.collection_case c
             WHERE c.number = $1 AND EXISTS (SELECT 1 FROM cobranza.court_cost k WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id)
            """, [key]).first else { return [] }
        return try Referrals.costs(connection, tenant: try row.decode("tenant_id"), caseID: try row.decode("id"))
    }

    /// By stage and currency: how many cases, what was placed, what has been got back, what is
    /// still owed, the fees and what the client keeps; and what was remitted, per currency. An
    /// SME's answer to "how much have you got back?" (issue 16, item 11).
    public func portfolio(client: String?) throws -> (lines: [PortfolioLine], remitted: [RemittedTotal]) {
        let scope = try TenantScope.resolve(session, client: client)
        let lines = try connection.query("""
            SELECT c.stage, c.currency, count(*) AS cases, sum(i.placed)::bigint AS placed, sum(p.recovered)::bigint AS recovered,
                   sum(CASE WHEN c.close_code = 'settled' THEN 0 ELSE i.total - p.recovered END)::bigint AS outstanding,
                   sum(p.fees)::bigint AS fees
              FROM cobranza.collection_case c
             CROSS JOIN LATERAL (SELECT coalesce(sum(v.amount + coalesce(v.cancelled_amount, 0)), 0) AS placed, coalesce(sum(v.amount), 0) AS total
                                   FROM cobranza.invoice v WHERE v.tenant_id = c.tenant_id AND v.case_id = c.id) i
             CROSS JOIN LATERAL (SELECT coalesce(sum(y.amount), 0) AS recovered, coalesce(sum(y.fee), 0) AS fees
                                   FROM cobranza.payment y WHERE y.tenant_id = c.tenant_id AND y.case_id = c.id) p
             WHERE c.tenant_id = $1
             GROUP BY c.stage, c.currency
             ORDER BY array_position(ARRAY['extrajudicial','judicial','closed'], c.stage), c.currency
            """, [scope.id]).rows.map { row in
            let recovered: Int64 = try row.decode("recovered")
            let fees: Int64 = try row.decode("fees")
            return PortfolioLine(stage: try row.decode("stage"), currency: try row.decode("currency"), cases: try row.decode("cases"),
                                 placed: try row.decode("placed"), recovered: recovered, outstanding: try row.decode("outstanding"),
                                 fees: fees, net: try MoneyArithmetic.subtract(recovered, fees))
        }
        let remitted = try connection.query("""
            SELECT r.currency, count(*) AS remittances, sum(r.amount)::bigint AS amount
              FROM cobranza.remittance r WHERE r.tenant_id = $1 GROUP BY r.currency ORDER BY r.currency
            """, [scope.id]).rows.map { row in
            RemittedTotal(currency: try row.decode("currency"), remittances: try row.decode("remittances"), amount: try row.decode("amount"))
        }
        return (lines, remitted)
    }

    /// Case numbers this session can see, for completion.
    public func numbers(limit: Int = 200) throws -> [String] {
        try connection.query("SELECT number FROM cobranza.collection_case ORDER BY id DESC LIMIT $1", [limit]).rows.map { try $0.decode("number") }
    }

    static func summary(_ row: Row) throws -> CaseSummary {
        let country = Country(code: try row.decode("country")) ?? .chile
        let stored: String = try row.decode("tax_id")
        var flags: [String] = []
        // Promise and agreement flags are derived from their status views, so they never go stale.
        for flag in ["disputed", "posted", "on_promise"] {
            let isSet: Bool = try row.decode(flag)
            if isSet { flags.append(flag.replacingOccurrences(of: "_", with: " ")) }
        }
        switch try row.decodeIfPresent("agreement", as: String.self) {
        case "active": flags.append("on agreement")
        case "default": flags.append("agreement in default")
        default: break
        }
        return CaseSummary(
            number: try row.decode("number"), client: try row.decode("code"), debtorName: try row.decode("name"),
            debtorTaxID: (try? TaxID.parse(stored, country: country).get())?.formatted ?? stored,
            currency: try row.decode("currency"), stage: try row.decode("stage"), assignedTo: try row.decodeIfPresent("assigned_to"),
            invoices: try row.decode("invoices"), total: try row.decode("total"), daysOverdue: try row.decode("overdue"),
            openedOn: try row.decode("opened_on"), closeCode: try row.decodeIfPresent("close_code"), flags: flags,
            recovered: try row.decode("recovered"))
    }
}

extension Session {
    public var debtors: Debtors { Debtors(session: self) }
    public var placements: Placements { Placements(session: self) }
    public var submissions: Submissions { Submissions(session: self) }
    public var cases: Cases { Cases(session: self) }
}
