import CobranzaCore
import Postgres

/// A group of invoices of one debtor in one currency, handed over together and reviewed as one.
public struct SubmissionRecord: Sendable, Equatable {
    public var id: Int64
    public var client: String
    public var debtorName: String
    public var debtorTaxID: String
    public var currency: String
    public var invoices: Int
    public var total: Int64
    public var status: String
    public var submittedOn: CalendarDate
    public var caseNumber: String?
    public var rejectReason: String?
    public var note: String?
}

public struct InvoiceRecord: Sendable, Equatable {
    public var number: String
    public var issued: CalendarDate
    public var due: CalendarDate
    public var daysOverdue: Int
    public var amount: Int64
    public var currency: String
    public var caseNumber: String?
}

public struct Submissions {
    let session: Session
    var connection: Connection { session.connection }

    static let select = """
        SELECT s.id, t.code, d.name, d.tax_id, d.country, s.currency, s.status, s.submitted_on::text AS submitted_on,
               s.reject_reason, s.note, c.number AS case_number,
               (SELECT count(*) FROM cobranza.invoice i WHERE i.tenant_id = s.tenant_id AND i.submission_id = s.id) AS invoices,
               (SELECT coalesce(sum(i.amount), 0) FROM cobranza.invoice i WHERE i.tenant_id = s.tenant_id AND i.submission_id = s.id) AS total
        FROM cobranza.submission s
        JOIN cobranza.tenant t ON t.id = s.tenant_id
        JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id
        LEFT JOIN cobranza.collection_case c ON c.tenant_id = s.tenant_id AND c.id = s.case_id
        """

    public func list(client: String?, pendingOnly: Bool, limit: Int) throws -> [SubmissionRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            conditions.append("s.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        if pendingOnly { conditions.append("s.status = 'pending'") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try connection.query(Self.select + filter + " ORDER BY s.id LIMIT " + parameters.bind(limit), parameters.values).rows.map(Self.record)
    }

    public func show(_ id: Int64) throws -> (SubmissionRecord, [InvoiceRecord]) {
        guard let row = try connection.query(Self.select + " WHERE s.id = $1", [id]).first else {
            throw StoreError("submission \(id) does not exist")
        }
        let invoices = try connection.query("""
            SELECT i.number, i.issued::text AS issued, i.due::text AS due, cobranza.today() - i.due AS overdue,
                   i.amount, i.currency, c.number AS case_number
            FROM cobranza.invoice i
            JOIN cobranza.submission s ON s.tenant_id = i.tenant_id AND s.id = i.submission_id
            LEFT JOIN cobranza.collection_case c ON c.tenant_id = i.tenant_id AND c.id = i.case_id
            WHERE s.id = $1 ORDER BY i.due, i.number
            """, [id]).rows.map(Self.invoice)
        return (try Self.record(row), invoices)
    }

    /// Staff refuse a submission with a reason the SME will read.
    public func reject(_ id: Int64, reason: String) throws {
        let reason = reason.trimmingSpacesAndNewlines()
        guard !reason.isEmpty else { throw StoreError(field: "reason", "must not be empty (the client reads it)") }
        try connection.withTransaction {
            let status = try Self.lockedStatus(connection, id)
            guard status == "pending" else { throw StoreError("submission \(id) is \(status), only pending submissions can be rejected") }
            try connection.query("""
                UPDATE cobranza.submission SET status = 'rejected', reject_reason = $2,
                    reviewed_by = session_user, reviewed_at = now()
                WHERE id = $1
                """, [id, reason])
        }
    }

    static func lockedStatus(_ connection: Connection, _ id: Int64) throws -> String {
        do {
            guard let row = try connection.query("SELECT status FROM cobranza.submission WHERE id = $1 FOR UPDATE", [id]).first else {
                throw StoreError("submission \(id) does not exist")
            }
            return try row.decode("status")
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw StoreError("only agency staff can review submissions")
        }
    }

    static func record(_ row: Row) throws -> SubmissionRecord {
        let country = Country(code: try row.decode("country")) ?? .chile
        let stored: String = try row.decode("tax_id")
        return SubmissionRecord(
            id: try row.decode("id"), client: try row.decode("code"), debtorName: try row.decode("name"),
            debtorTaxID: (try? TaxID.parse(stored, country: country).get())?.formatted ?? stored,
            currency: try row.decode("currency"), invoices: try row.decode("invoices"), total: try row.decode("total"),
            status: try row.decode("status"), submittedOn: try row.decode("submitted_on"),
            caseNumber: try row.decodeIfPresent("case_number"), rejectReason: try row.decodeIfPresent("reject_reason"),
            note: try row.decodeIfPresent("note"))
    }

    static func invoice(_ row: Row) throws -> InvoiceRecord {
        InvoiceRecord(
            number: try row.decode("number"), issued: try row.decode("issued"), due: try row.decode("due"),
            daysOverdue: try row.decode("overdue"), amount: try row.decode("amount"), currency: try row.decode("currency"),
            caseNumber: try row.decodeIfPresent("case_number"))
    }
}

extension String {
    func trimmingSpacesAndNewlines() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
