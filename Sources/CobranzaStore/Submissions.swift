import CobranzaCore
import Postgres

/// A group of invoices of one debtor in one currency, handed over together and reviewed as one.
public struct SubmissionRecord: Sendable, Equatable {
    /// The client's own number for it (0019): 1, 2, 3 … per client.
    public var number: Int64
    /// What the viewer types for it: the number for the client's users, `ACME-12` for staff.
    public var reference: String
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
    /// The client's note on the invoice (`submit invoice --note`, CSV `note`).
    public var note: String? = nil
    /// A cancelled invoice is kept: when, what of it was no longer owed, and why (issue 16, item 7).
    public var cancellation: Cancellation? = nil

    public struct Cancellation: Sendable, Equatable {
        public var on: CalendarDate
        public var amount: Int64
        public var reason: String
    }
}

public struct Submissions {
    let session: Session
    var connection: Connection { session.connection }

    static let select = """
        SELECT s.number AS submission_number, t.code, d.name, d.tax_id, d.country, s.currency, s.status, s.submitted_on::text AS submitted_on,
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
        return try connection.query(Self.select + filter + " ORDER BY s.id LIMIT " + parameters.bind(limit), parameters.values).rows.map(record)
    }

    public func show(_ reference: ClientReference) throws -> (SubmissionRecord, [InvoiceRecord]) {
        let (tenant, id) = try Self.resolve(session, reference)
        guard let row = try connection.query(Self.select + " WHERE s.tenant_id = $1 AND s.id = $2", [tenant, id]).first else {
            throw StoreError("submission \(reference) does not exist")
        }
        let invoices = try connection.query("""
            SELECT i.number, i.issued::text AS issued, i.due::text AS due, cobranza.today() - i.due AS overdue,
                   i.amount, i.currency, c.number AS case_number, i.note,
                   i.cancelled_on::text AS cancelled_on, i.cancelled_amount, i.cancel_reason
            FROM cobranza.invoice i
            JOIN cobranza.submission s ON s.tenant_id = i.tenant_id AND s.id = i.submission_id
            LEFT JOIN cobranza.collection_case c ON c.tenant_id = i.tenant_id AND c.id = i.case_id
            WHERE s.tenant_id = $1 AND s.id = $2 ORDER BY i.due, i.number
            """, [tenant, id]).rows.map(Self.invoice)
        return (try record(row), invoices)
    }

    /// Staff refuse a submission with a reason the SME will read.
    /// Returns what the reviewer types for it (`ACME-12`).
    @discardableResult
    public func reject(_ reference: ClientReference, reason: String) throws -> String {
        let reason = reason.trimmingSpacesAndNewlines()
        guard !reason.isEmpty else { throw StoreError(field: "reason", "must not be empty (the client reads it)") }
        return try connection.withTransaction {
            let (tenant, id) = try Self.resolve(session, reference)
            let shown = try Self.lockedStatus(session, tenant: tenant, id: id, reference: reference)
            guard shown.status == "pending" else {
                throw StoreError("submission \(shown.reference) is \(shown.status), only pending submissions can be rejected")
            }
            try connection.query("""
                UPDATE cobranza.submission SET status = 'rejected', reject_reason = $3,
                    reviewed_by = session_user, reviewed_at = now()
                WHERE tenant_id = $1 AND id = $2
                """, [tenant, id, reason])
            return shown.reference
        }
    }

    /// Staff refuse every pending submission of an import batch (`ACME-1`) at once, with one
    /// reason the SME will read (issue 20, item 1). Returns what the reviewer calls the batch
    /// and the submissions rejected, by number; none when nothing was pending.
    public func reject(batch reference: ClientReference, reason: String) throws -> (batch: String, rejected: [String]) {
        try session.requireStaff("review submissions")
        let reason = reason.trimmingSpacesAndNewlines()
        guard !reason.isEmpty else { throw StoreError(field: "reason", "must not be empty (the client reads it)") }
        guard let code = reference.clientCode else {
            throw StoreError(field: "batch", "say whose batch \(reference.number) is: CODE-\(reference.number), e.g. ACME-\(reference.number)")
        }
        return try connection.withTransaction {
            guard let row = try connection.query("""
                SELECT b.tenant_id, b.id FROM cobranza.import_batch b JOIN cobranza.tenant t ON t.id = b.tenant_id
                 WHERE t.code = $1 AND b.number = $2
                """, [code, reference.number]).first else {
                throw StoreError(field: "batch", "batch \(reference) does not exist")
            }
            let rejected = try connection.query("""
                UPDATE cobranza.submission SET status = 'rejected', reject_reason = $3, reviewed_by = session_user, reviewed_at = now()
                 WHERE tenant_id = $1 AND batch_id = $2 AND status = 'pending' RETURNING number
                """, [try row.decode("tenant_id", as: Int64.self), try row.decode("id", as: Int64.self), reason]).rows
                .map { try $0.decode("number", as: Int64.self) }.sorted()
            return (session.reference(client: code, number: reference.number),
                    rejected.map { session.reference(client: code, number: $0) })
        }
    }

    /// The tenant and internal id of the submission a person named: `12` is the SME's own (or
    /// the `--client`'s, `client`), `ACME-12` is ACME's. Staff must say whose.
    static func resolve(_ session: Session, _ reference: ClientReference, client: String? = nil) throws -> (tenant: Int64, id: Int64) {
        let code = reference.clientCode ?? client ?? session.identity.clientCode
        guard let code else {
            throw StoreError("say whose submission \(reference.number) is: CODE-\(reference.number), e.g. ACME-\(reference.number)")
        }
        if let own = session.identity.clientCode, own != code.uppercased() {
            throw StoreError("submission \(reference) does not exist")
        }
        guard let row = try session.connection.query("""
            SELECT s.tenant_id, s.id FROM cobranza.submission s JOIN cobranza.tenant t ON t.id = s.tenant_id
             WHERE t.code = $1 AND s.number = $2
            """, [code.uppercased(), reference.number]).first else {
            throw StoreError("submission \(reference) does not exist")
        }
        return (try row.decode("tenant_id"), try row.decode("id"))
    }

    /// Locks the submission for review; its status and what the reviewer calls it.
    static func lockedStatus(_ session: Session, tenant: Int64, id: Int64, reference: ClientReference) throws -> (status: String, reference: String) {
        do {
            guard let row = try session.connection.query("""
                SELECT s.status, t.code, s.number FROM cobranza.submission s JOIN cobranza.tenant t ON t.id = s.tenant_id
                 WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE OF s
                """, [tenant, id]).first else {
                throw StoreError("submission \(reference) does not exist")
            }
            return (try row.decode("status"), session.reference(client: try row.decode("code"), number: try row.decode("number")))
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            throw StoreError("only agency staff can review submissions")
        }
    }

    func record(_ row: Row) throws -> SubmissionRecord {
        let client: String = try row.decode("code")
        let number: Int64 = try row.decode("submission_number")
        let country = Country(code: try row.decode("country")) ?? .chile
        let stored: String = try row.decode("tax_id")
        return SubmissionRecord(
            number: number, reference: session.reference(client: client, number: number), client: client, debtorName: try row.decode("name"),
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
            caseNumber: try row.decodeIfPresent("case_number"), note: try row.decodeIfPresent("note"),
            cancellation: try row.decodeIfPresent("cancelled_on", as: String.self).flatMap(CalendarDate.init(parsing:)).map {
                InvoiceRecord.Cancellation(on: $0, amount: try row.decode("cancelled_amount"), reason: try row.decode("cancel_reason"))
            })
    }
}

extension Session {
    /// What this session's person types for a record numbered per client (0019): the number
    /// alone for the client's own users, `CODE-number` for staff.
    public func reference(client: String, number: Int64) -> String {
        ClientReference.shown(client: client, number: number, viewerClient: identity.clientCode)
    }

    /// `ACME-` for staff, nothing for the client's own users: put before a number in SQL.
    func referencePrefix(client: String) -> String {
        identity.clientCode == nil ? client + "-" : ""
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
