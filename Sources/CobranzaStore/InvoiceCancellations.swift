import CobranzaCore
import Postgres

/// Cancelling one invoice of a case (issue 16, item 7): a client's own correction of what it
/// placed, made by the client's users or by staff. What was still unpaid is no longer owed, is
/// allocated no later payment and so earns no fee; what was already paid stays paid; the
/// invoice is kept, with its reason. When nothing else is owed the case closes as withdrawn.
/// The database holds the same rules for psql (invoice_cancelling, invoice_cancelled and the
/// invoice_client_cancel policy in 0031_invoice_disputes.sql).
public struct InvoiceCancellations {
    let session: Session
    var connection: Connection { session.connection }

    public struct Cancelled: Equatable, Sendable {
        public var caseNumber: String
        public var invoice: String
        /// What was written off, in the case's currency.
        public var amount: Money
        public var caseClosed: Bool
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
        let written: Int64 = try connection.query("""
            UPDATE cobranza.invoice SET cancel_reason = $3 WHERE tenant_id = $1 AND id = $2 RETURNING cancelled_amount
            """, [tenant, try row.decode("id", as: Int64.self), reason]).first!.decode("cancelled_amount")
        let stage: String = try connection.query("SELECT stage FROM cobranza.collection_case WHERE tenant_id = $1 AND id = $2",
                                                 [tenant, caseID]).first!.decode("stage")
        return Cancelled(caseNumber: try found.decode("case_number"), invoice: invoice,
                         amount: Money(minorUnits: written, currency: currency),
                         caseClosed: try found.decode("stage", as: String.self) != "closed" && stage == "closed")
    }
}

extension Session {
    public var invoiceCancellations: InvoiceCancellations { InvoiceCancellations(session: self) }
}
