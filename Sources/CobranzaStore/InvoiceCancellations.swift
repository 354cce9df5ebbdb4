import CobranzaCore
import Postgres

/// Cancelling one invoice of a case (issue 16, item 7): a client's own correction of what it
/// placed, made by the client's users or by staff. What was still unpaid is no longer owed, is
/// allocated no later payment and so earns no fee; what was already paid stays paid; the
/// invoice is kept, with its reason. When nothing else is owed the case closes as withdrawn.
/// An agreement in force asks less by what the invoice no longer owes, at its discount (0122).
/// The database holds the same rules for psql (invoice_cancelling, invoice_cancelled and the
/// invoice_client_cancel policy in 0031_invoice_disputes.sql, invoice_cancelled_under_agreement
/// in 0122).
public struct InvoiceCancellations {
    let session: Session
    var connection: Connection { session.connection }

    public struct Cancelled: Equatable, Sendable {
        public var caseNumber: String
        public var invoice: String
        /// What was written off, in the case's currency.
        public var amount: Money
        public var caseClosed: Bool
        /// Why the case closed: withdrawn (nothing else owed) or settled (an agreement the
        /// cancellation left paid in full, its discount forgiven).
        public var closeCode: String?
        /// The instalment agreement in force the invoice came off (0122).
        public var agreement: AgreementChange?
    }

    /// What a cancellation took off the agreement in force: its number in the case, what it asks
    /// less (the invoice's unpaid part less the agreed discount on it) and what it asks now.
    public struct AgreementChange: Equatable, Sendable {
        public var number: Int64
        public var less: Money
        public var total: Money
    }

    public func cancel(caseNumber: String, invoice: String, reason: String) throws -> Cancelled {
        switch session.identity.kind {
        case .admin, .collector, .client: break
        default: throw StoreError("only agency admins and collectors, or the client's own users, can cancel invoices")
        }
        let text = reason.trimmingSpacesAndNewlines()
        guard !text.isEmpty else { throw StoreError(field: "reason", "say why the invoice is cancelled") }
        return try connection.withTransaction { try cancel(CaseLookup.normalized(caseNumber), invoice.trimmingSpacesAndNewlines(), reason: text) }
    }

    private func cancel(_ caseNumber: String, _ invoice: String, reason: String) throws -> Cancelled {
        guard let found = try connection.query("""
            SELECT c.tenant_id, c.id AS case_id, c.number AS case_number, c.stage, c.currency, cur.exponent
              FROM cobranza.collection_case c JOIN cobranza.currency cur ON cur.code = c.currency
             WHERE c.number = $1
            """, [caseNumber]).first else { throw CaseLookup.notFound(caseNumber) }
        let tenant: Int64 = try found.decode("tenant_id")
        let caseID: Int64 = try found.decode("case_id")
        let currency = try CaseLookup.currency(found)
        guard let row = try connection.query("""
            SELECT i.id, i.number, i.cancelled_on::text AS cancelled_on, b.outstanding
              FROM cobranza.invoice i JOIN cobranza.invoice_balance b ON b.tenant_id = i.tenant_id AND b.invoice_id = i.id
             WHERE i.tenant_id = $1 AND i.case_id = $2 AND i.number = $3
            """, [tenant, caseID, invoice]).first
        else { throw StoreError(field: "NUMBER", value: invoice, "case \(caseNumber) has no invoice \(invoice)") }
        if let on: String = try row.decodeIfPresent("cancelled_on") {
            throw StoreError(field: "NUMBER", value: invoice, "invoice \(invoice) was already cancelled on \(on)")
        }
        guard try row.decode("outstanding", as: Int64.self) > 0 else {
            throw StoreError(field: "NUMBER", value: invoice, "invoice \(invoice) is paid in full: there is nothing left to cancel")
        }
        let invoiceID: Int64 = try row.decode("id")
        let written: Int64 = try connection.query("""
            UPDATE cobranza.invoice SET cancel_reason = $3 WHERE tenant_id = $1 AND id = $2 RETURNING cancelled_amount
            """, [tenant, invoiceID, reason]).first!.decode("cancelled_amount")
        let after = try connection.query("""
            SELECT c.stage, c.close_code, x.total AS less, s.total AS agreement_total,
                   (SELECT count(*) FROM cobranza.payment_agreement a
                     WHERE a.tenant_id = x.tenant_id AND a.case_id = c.id AND a.id <= x.agreement_id) AS agreement_number
              FROM cobranza.collection_case c
              LEFT JOIN cobranza.agreement_cancellation x ON x.tenant_id = c.tenant_id AND x.invoice_id = $3
              LEFT JOIN cobranza.agreement_status s ON s.tenant_id = x.tenant_id AND s.id = x.agreement_id
             WHERE c.tenant_id = $1 AND c.id = $2
            """, [tenant, caseID, invoiceID]).first!
        var agreement: AgreementChange?
        if let less: Int64 = try after.decodeIfPresent("less") {
            agreement = AgreementChange(number: try after.decode("agreement_number"), less: Money(minorUnits: less, currency: currency),
                                        total: Money(minorUnits: try after.decode("agreement_total"), currency: currency))
        }
        let closed = try found.decode("stage", as: String.self) != "closed" && after.decode("stage", as: String.self) == "closed"
        return Cancelled(caseNumber: try found.decode("case_number"), invoice: invoice,
                         amount: Money(minorUnits: written, currency: currency), caseClosed: closed,
                         closeCode: closed ? try after.decodeIfPresent("close_code") : nil, agreement: agreement)
    }
}

extension Session {
    public var invoiceCancellations: InvoiceCancellations { InvoiceCancellations(session: self) }
}
