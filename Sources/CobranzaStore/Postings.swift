import CobranzaCore
import Postgres

/// A public posting of a debt, as listed by `posting list`.
public struct PostingRecord: Sendable, Equatable {
    /// The internal key; never shown (its agency-wide sequence would count other clients' rows).
    public var id: Int64
    /// Its number among its case's postings, 1, 2, … (counted by the database as it reads them; they
    /// are never deleted): what people read, since it counts nothing of other clients.
    public var number: Int64
    public var caseNumber: String
    public var client: String
    public var debtorName: String
    public var noticeOn: CalendarDate
    public var registry: String?
    public var reference: String?
    public var publishedOn: CalendarDate?
    public var withdrawalDue: CalendarDate?
    public var withdrawnOn: CalendarDate?
    /// Days until the withdrawal deadline (negative once past it).
    public var daysLeft: Int?
}

/// Posting a debt in a public commercial registry: notice to the debtor, publication once the
/// law allows (CobranzaCore.PostingRules, and posting_transition in the database), withdrawal.
public struct Postings {
    let session: Session
    var connection: Connection { session.connection }

    public func notify(caseNumber: String) throws -> (caseNumber: String, allowedFrom: CalendarDate) {
        try session.requireStaff("notify postings")
        return try connection.withTransaction { try notify(caseNumber) }
    }

    private func notify(_ caseNumber: String) throws -> (caseNumber: String, allowedFrom: CalendarDate) {
        let target = try WorkflowCase.load(session, number: caseNumber)
        return (target.number, try notify(target))
    }

    /// The notice for a loaded case (`posting notify`, and a strategy's posting-notice step):
    /// the first day publication is allowed.
    func notify(_ target: WorkflowCase) throws -> CalendarDate {
        try target.check(.notifyPosting)
        // A notice of a posting that could never be published would only frighten the debtor.
        let facts = try connection.query("""
            SELECT coalesce((cobranza.contract_on(c.tenant_id, cobranza.today())).posting_consent, false) AS consent,
                   (SELECT min(i.due)::text FROM cobranza.invoice i WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS oldest_due
              FROM cobranza.collection_case c WHERE c.tenant_id = $1 AND c.id = $2
            """, [target.tenant, target.id]).first!
        let barriers = PostingRules.barriers(
            on: try session.today(), country: target.debtorCountry, consent: try facts.decode("consent"), disputed: target.everythingOwedDisputed,
            oldestDue: try facts.decodeIfPresent("oldest_due", as: String.self).flatMap(CalendarDate.init(parsing:)))
        if !barriers.isEmpty {
            throw StoreError("case \(target.number) could never be posted, so no notice is sent: " + barriers.joined(separator: "; "))
        }
        try connection.query("INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [target.tenant, target.id])
        let days = try noticeDays(target)
        return PostingRules.earliestPublication(noticeOn: try session.today(), country: target.debtorCountry, contractDays: days)
    }

    public func publish(caseNumber: String, registry: String, reference: String?) throws -> String {
        try session.requireStaff("publish postings")
        let name = registry.trimmingSpacesAndNewlines()
        guard (1...100).contains(name.count) else { throw StoreError(field: "registry", "name the registry (1 to 100 characters)") }
        return try connection.withTransaction { try publish(caseNumber, registry: name, reference: reference) }
    }

    private func publish(_ caseNumber: String, registry: String, reference: String?) throws -> String {
        let target = try WorkflowCase.load(session, number: caseNumber)
        try target.check(.publishPosting)
        let facts = try connection.query("""
            SELECT p.notice_on::text AS notice_on, coalesce(k.posting_consent, false) AS consent,
                   coalesce(k.posting_notice_days, 15) AS notice_days,
                   (SELECT min(i.due)::text FROM cobranza.invoice i WHERE i.tenant_id = p.tenant_id AND i.case_id = p.case_id) AS oldest_due,
                   (SELECT max(i.due)::text FROM cobranza.invoice i
                     WHERE i.tenant_id = p.tenant_id AND i.case_id = p.case_id AND i.cancel_reason IS NULL) AS latest_due
              FROM cobranza.posting p
              LEFT JOIN LATERAL (SELECT (cobranza.contract_on(p.tenant_id, cobranza.today())).*) k ON true
             WHERE p.tenant_id = $1 AND p.case_id = $2 AND p.withdrawn_on IS NULL
            """, [target.tenant, target.id]).first!
        let refusals = PostingRules.refusals(
            on: try session.today(), country: target.debtorCountry, contractDays: try facts.decode("notice_days"), consent: try facts.decode("consent"),
            disputed: target.everythingOwedDisputed, noticeOn: CalendarDate(parsing: try facts.decode("notice_on")),
            oldestDue: try facts.decodeIfPresent("oldest_due", as: String.self).flatMap(CalendarDate.init(parsing:)),
            latestDue: try facts.decodeIfPresent("latest_due", as: String.self).flatMap(CalendarDate.init(parsing:)))
        if let first = refusals.first { throw StoreError("case \(target.number) cannot be posted yet: \(first)") }
        try connection.query("""
            UPDATE cobranza.posting SET published_on = cobranza.today(), registry = $3, reference = $4
             WHERE tenant_id = $1 AND case_id = $2 AND withdrawn_on IS NULL
            """, [target.tenant, target.id, registry, reference])
        return target.number
    }

    public func withdraw(caseNumber: String) throws -> String {
        try session.requireStaff("withdraw postings")
        return try connection.withTransaction { try withdraw(caseNumber) }
    }

    private func withdraw(_ caseNumber: String) throws -> String {
        let target = try WorkflowCase.load(session, number: caseNumber)
        try target.check(.withdrawPosting)
        try connection.query("""
            UPDATE cobranza.posting SET withdrawn_on = cobranza.today() WHERE tenant_id = $1 AND case_id = $2 AND withdrawn_on IS NULL
            """, [target.tenant, target.id])
        return target.number
    }

    /// Postings under way (or, with `withdrawalDue`, only those that must come off the registry:
    /// each falls due at most 7 business days after its case closed, or is already late), most
    /// urgent first.
    public func list(withdrawalDue: Bool, client: String?, limit: Int) throws -> [PostingRecord] {
        var conditions = ["p.withdrawn_on IS NULL"]
        var parameters = SQLParameters()
        if withdrawalDue { conditions.append("p.withdrawal_due IS NOT NULL") }
        if client != nil || session.identity.clientCode != nil {
            conditions.append("p.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        let sql = """
            SELECT p.id, c.number, t.code, d.name,
                   (SELECT count(*) FROM cobranza.posting q
                     WHERE q.tenant_id = p.tenant_id AND q.case_id = p.case_id AND q.id <= p.id) AS posting_number,
                   p.notice_on::text AS notice_on, p.registry, p.reference,
                   p.published_on::text AS published_on, p.withdrawal_due::text AS withdrawal_due, p.withdrawn_on::text AS withdrawn_on,
                   p.withdrawal_due - cobranza.today() AS days_left
              FROM cobranza.posting p
              JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
              JOIN cobranza.tenant t ON t.id = p.tenant_id
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
             WHERE \(conditions.joined(separator: " AND "))
             ORDER BY p.withdrawal_due NULLS LAST, p.notice_on, p.id LIMIT \(parameters.bind(limit))
            """
        return try connection.query(sql, parameters.values).rows.map { row in
            PostingRecord(id: try row.decode("id"), number: try row.decode("posting_number"), caseNumber: try row.decode("number"), client: try row.decode("code"),
                          debtorName: try row.decode("name"), noticeOn: try row.decode("notice_on"), registry: try row.decodeIfPresent("registry"),
                          reference: try row.decodeIfPresent("reference"), publishedOn: try row.decodeIfPresent("published_on"),
                          withdrawalDue: try row.decodeIfPresent("withdrawal_due"), withdrawnOn: try row.decodeIfPresent("withdrawn_on"),
                          daysLeft: try row.decodeIfPresent("days_left"))
        }
    }

    private func noticeDays(_ target: WorkflowCase) throws -> Int {
        let days: Int = try connection.query(
            "SELECT coalesce((cobranza.contract_on($1, cobranza.today())).posting_notice_days, 15) AS d", [target.tenant]).first!.decode("d")
        return PostingRules.noticeDays(country: target.debtorCountry, contractDays: days)
    }
}

extension Session {
    public var postings: Postings { Postings(session: self) }
}
