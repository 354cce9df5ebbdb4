import CobranzaCore
import Postgres

/// One thing due on a case.
public struct AgendaItem: Sendable, Equatable {
    public var due: CalendarDate
    /// Days past due on the agenda's date (0: due that day).
    public var daysLate: Int
    public var caseNumber: String
    public var client: String
    public var debtorName: String
    public var what: String
    public var amount: Int64?
    public var currency: String
    public var assignedTo: String?
}

/// A collector's day: the cases whose next action, promise (kept or broken), instalment (in
/// default or not) or posting withdrawal is due, and the assigned cases nobody has worked for the
/// contract's follow-up days (`client contract set --follow-up`, default 7), most urgent first.
public struct Agenda {
    let session: Session
    var connection: Connection { session.connection }

    /// Withdrawal deadlines show this many days ahead: they are legal deadlines, not reminders.
    public static let withdrawalLookahead = PostingRules.withdrawalBusinessDays

    /// `person` nil: a collector's or lawyer's own cases, everyone's for an admin.
    public func items(person: String?, on date: CalendarDate?, limit: Int) throws -> [AgendaItem] {
        try session.requireStaff("see the agenda", lawyers: true)
        let day = try session.dateOrToday(date)
        var parameters = SQLParameters()
        let dayParameter = parameters.bind(day.description) + "::date"
        var conditions = ["(a.due <= \(dayParameter) OR (a.what = 'withdraw posting' AND a.due <= \(dayParameter) + \(parameters.bind(Self.withdrawalLookahead))::integer))"]
        let who = person ?? (session.identity.kind == .admin ? nil : session.identity.user)
        if let who {
            let name = parameters.bind(who)
            conditions.append("""
                (c.assigned_to = \(name) OR EXISTS (SELECT 1 FROM cobranza.judicial_referral r
                                                     WHERE r.tenant_id = c.tenant_id AND r.case_id = c.id AND r.lawyer = \(name)))
                """)
        }
        // Every status is taken as of the agenda's day, not the database's today, so the agenda
        // of a later day shows what will be due then (a promise broken, an agreement in default).
        let sql = """
            SELECT a.due::text AS due, \(dayParameter) - a.due AS days_late, c.number, t.code, d.name, a.what, a.amount, c.currency,
                   c.assigned_to
              FROM (SELECT c.tenant_id, c.id AS case_id, c.next_action_date AS due, 'next action' AS what, NULL::bigint AS amount, 3 AS rank
                      FROM cobranza.collection_case c WHERE c.stage <> 'closed' AND c.next_action_date IS NOT NULL
                    UNION ALL
                    -- A promise is due on its date until its grace days are over; unpaid then, it
                    -- broke the next day and stays until someone acts on the case.
                    SELECT p.tenant_id, p.case_id,
                           CASE WHEN \(dayParameter) <= p.deadline THEN p.due ELSE p.deadline + 1 END,
                           CASE WHEN \(dayParameter) <= p.deadline THEN 'promise' ELSE 'promise broken' END,
                           p.amount - p.paid, 2
                      FROM cobranza.promise_status p
                     WHERE p.paid < p.amount
                       AND (\(dayParameter) <= p.deadline
                            OR NOT EXISTS (SELECT 1 FROM cobranza.case_event e
                                            WHERE e.tenant_id = p.tenant_id AND e.case_id = p.case_id
                                              AND e.occurred_on > p.deadline AND e.occurred_on <= \(dayParameter)))
                    UNION ALL
                    SELECT i.tenant_id, i.case_id, i.due,
                           CASE WHEN i.sequence = 0 THEN 'down payment' ELSE 'instalment ' || i.sequence END
                           || CASE WHEN \(dayParameter) > i.due + s.default_days THEN ' (agreement in default)' ELSE '' END,
                           i.amount - i.cancelled - i.paid, 2
                      FROM cobranza.instalment_status i
                      JOIN cobranza.agreement_status s ON s.tenant_id = i.tenant_id AND s.id = i.agreement_id
                     WHERE i.status NOT IN ('paid', 'cancelled') AND s.status IN ('active', 'default')
                    UNION ALL
                    -- Tasks the strategy run gave the case (call, visit, referral review, authorisation).
                    SELECT k.tenant_id, k.case_id, k.due,
                           CASE k.kind WHEN 'authorisation' THEN 'obtain contact authorisation' ELSE k.kind END || ' (strategy)',
                           NULL, 2
                      FROM cobranza.case_task k WHERE k.done_on IS NULL
                    UNION ALL
                    SELECT p.tenant_id, p.case_id, p.withdrawal_due, 'withdraw posting', NULL, 1
                      FROM cobranza.posting p WHERE p.withdrawal_due IS NOT NULL AND p.withdrawn_on IS NULL
                    UNION ALL
                    -- An assigned open case nobody worked for the contract's follow-up days.
                    SELECT c.tenant_id, c.id, coalesce(w.last_on, c.opened_on) + k.days, format('no step in %s days', k.days), NULL, 4
                      FROM cobranza.collection_case c
                     CROSS JOIN LATERAL (SELECT max(e.occurred_on) AS last_on FROM cobranza.case_event e
                                          WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.occurred_on <= \(dayParameter)) w
                     CROSS JOIN LATERAL (SELECT coalesce((cobranza.contract_on(c.tenant_id, \(dayParameter))).follow_up_days, 7) AS days) k
                     WHERE c.stage <> 'closed' AND c.assigned_to IS NOT NULL) a
              JOIN cobranza.collection_case c ON c.tenant_id = a.tenant_id AND c.id = a.case_id
              JOIN cobranza.tenant t ON t.id = c.tenant_id
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
             WHERE \(conditions.joined(separator: " AND "))
               AND (c.stage <> 'closed' OR a.what = 'withdraw posting')
             ORDER BY a.due, a.rank, c.number, a.what
             LIMIT \(parameters.bind(limit))
            """
        return try connection.query(sql, parameters.values).rows.map { row in
            AgendaItem(due: try row.decode("due"), daysLate: try row.decode("days_late"), caseNumber: try row.decode("number"),
                       client: try row.decode("code"), debtorName: try row.decode("name"), what: try row.decode("what"),
                       amount: try row.decodeIfPresent("amount"), currency: try row.decode("currency"),
                       assignedTo: try row.decodeIfPresent("assigned_to"))
        }
    }
}

extension Session {
    public var agenda: Agenda { Agenda(session: self) }
}
