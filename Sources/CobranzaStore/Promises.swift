import CobranzaCore
import Postgres

/// A debtor's promise to pay, kept or broken by the payments that follow (promise_status).
public struct PromiseRecord: Sendable, Equatable {
    /// The internal key; never shown (its agency-wide sequence would count other clients' rows).
    public var id: Int64
    /// Its number among its case's promises, 1, 2, … (counted by the database as it reads them; they
    /// are never deleted): what people read, since it counts nothing of other clients.
    public var number: Int64
    public var caseNumber: String
    public var client: String
    public var debtorName: String
    public var amount: Int64
    public var currency: String
    public var promisedOn: CalendarDate
    public var due: CalendarDate
    public var deadline: CalendarDate
    public var paid: Int64
    /// pending, kept or broken.
    public var status: String
    public var note: String?
}

public struct Promises {
    let session: Session
    var connection: Connection { session.connection }

    public func add(caseNumber: String, amount: WrittenAmount, due dueDate: CalendarDate, note: String?) throws -> PromiseRecord {
        try session.requireStaff("record promises")
        return try connection.withTransaction {
            let target = try WorkflowCase.load(session, number: caseNumber)
            try target.check(.promise)
            let minor = try target.amount(amount, field: "amount")
            let today = try session.today()
            guard dueDate >= today else { throw StoreError(field: "due", "\(dueDate) is in the past") }
            // promise_prepare refuses more than the case owes too; asking first keeps the refused
            // promise from taking an id, so the promise numbers people quote have no gaps.
            guard minor <= target.outstanding else {
                throw StoreError(field: "amount", "\(Money(minorUnits: minor, currency: target.currency).formatted) is more than the "
                    + "\(Money(minorUnits: target.outstanding, currency: target.currency).formatted) outstanding on case \(target.number)")
            }
            let id: Int64 = try connection.query("""
                INSERT INTO cobranza.promise (tenant_id, case_id, amount, due, note) VALUES ($1, $2, $3, $4::date, $5) RETURNING id
                """, [target.tenant, target.id, minor, dueDate.description, note]).first!.decode("id")
            return try list(caseNumber: target.number, brokenOnly: false, client: nil, limit: 10_000).first { $0.id == id }!
        }
    }

    public func list(caseNumber: String?, brokenOnly: Bool, client: String?, limit: Int) throws -> [PromiseRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if let caseNumber { conditions.append("c.number = " + parameters.bind(caseNumber.trimmingSpacesAndNewlines().uppercased())) }
        if brokenOnly { conditions.append("s.status = 'broken'") }
        if client != nil || session.identity.clientCode != nil {
            conditions.append("s.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        let sql = """
            SELECT s.id, c.number, t.code,
                   (SELECT count(*) FROM cobranza.promise q
                     WHERE q.tenant_id = s.tenant_id AND q.case_id = s.case_id AND q.id <= s.id) AS promise_number, d.name, s.amount, s.currency, s.promised_on::text AS promised_on, s.due::text AS due,
                   s.deadline::text AS deadline, s.paid, s.status, s.note
              FROM cobranza.promise_status s
              JOIN cobranza.collection_case c ON c.tenant_id = s.tenant_id AND c.id = s.case_id
              JOIN cobranza.tenant t ON t.id = s.tenant_id
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
            """ + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY s.due, s.id LIMIT " + parameters.bind(limit)
        return try connection.query(sql, parameters.values).rows.map { row in
            PromiseRecord(id: try row.decode("id"), number: try row.decode("promise_number"), caseNumber: try row.decode("number"), client: try row.decode("code"),
                          debtorName: try row.decode("name"), amount: try row.decode("amount"), currency: try row.decode("currency"),
                          promisedOn: try row.decode("promised_on"), due: try row.decode("due"), deadline: try row.decode("deadline"),
                          paid: try row.decode("paid"), status: try row.decode("status"), note: try row.decodeIfPresent("note"))
        }
    }
}

extension Session {
    public var promises: Promises { Promises(session: self) }
}
