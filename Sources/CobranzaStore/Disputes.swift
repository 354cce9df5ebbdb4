import CobranzaCore
import Postgres

/// Disputes are about invoices (issue 16, item 7). A dispute names the invoices it covers, or
/// none for the whole case. While it is open those invoices are left out of what is posted,
/// referred and claimed in letters, and the rest of the case goes on; a dispute of the whole
/// case stops posting and referral altogether (`CaseState.disputed`, CaseWorkflow). Upheld, it
/// cancels what is still unpaid on the invoices it covers and closes the case as disputed only
/// if nothing else is owed. (dispute_opened, dispute_invoice_added and dispute_resolved in
/// 0005_workflow.sql and 0031_invoice_disputes.sql do the consequences.)
public struct Disputes {
    let session: Session
    var connection: Connection { session.connection }

    /// An opened dispute: its case and the invoices it covers (empty: the whole case).
    public struct Opened: Equatable, Sendable {
        public var caseNumber: String
        public var invoices: [String]
    }

    public func open(caseNumber: String, reason: String, invoices: [String] = []) throws -> Opened {
        try session.requireStaff("open disputes")
        let text = reason.trimmingSpacesAndNewlines()
        guard !text.isEmpty else { throw StoreError(field: "reason", "say what the debtor disputes") }
        var named: [String] = []
        for number in invoices.map({ $0.trimmingSpacesAndNewlines() }) where !named.contains(number) {
            guard !number.isEmpty else { throw StoreError(field: "invoice", "an invoice number is empty") }
            named.append(number)
        }
        return try connection.withTransaction { try open(caseNumber, reason: text, invoices: named) }
    }

    private func open(_ caseNumber: String, reason: String, invoices: [String]) throws -> Opened {
        let target = try WorkflowCase.load(session, number: caseNumber)
        try target.check(.openDispute)
        if target.openDispute {
            throw StoreError("case \(target.number): the case already has an open dispute")
        }
        // The invoices still owed (not cancelled); naming all of them is disputing the case.
        let owed: [(id: Int64, number: String)] = try connection.query("""
            SELECT id, number FROM cobranza.invoice WHERE tenant_id = $1 AND case_id = $2 AND cancel_reason IS NULL ORDER BY due, id
            """, [target.tenant, target.id]).rows.map { (try $0.decode("id"), try $0.decode("number")) }
        var covered: [(id: Int64, number: String)] = []
        for number in invoices {
            guard let invoice = owed.first(where: { $0.number == number }) else {
                throw StoreError(field: "invoice", value: number, "case \(target.number) has no invoice \(number) that is not cancelled")
            }
            covered.append(invoice)
        }
        let wholeCase = covered.isEmpty || covered.count == owed.count
        let dispute: Int64 = try connection.query("""
            INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, $3) RETURNING id
            """, [target.tenant, target.id, reason]).first!.decode("id")
        if !wholeCase {
            for invoice in covered {
                try connection.query("INSERT INTO cobranza.dispute_invoice (tenant_id, dispute_id, invoice_id) VALUES ($1, $2, $3)",
                                     [target.tenant, dispute, invoice.id])
            }
        }
        return Opened(caseNumber: target.number, invoices: wholeCase ? [] : covered.map(\.number))
    }

    /// What resolving did: whether the case closed, and the invoices an upheld dispute cancelled.
    public struct Resolved: Equatable, Sendable {
        public var caseNumber: String
        public var closed: Bool
        public var cancelled: [String]
        /// The case was closed before (a dispute left open when it closed): it stays closed.
        public var wasClosed: Bool = false
    }

    public func resolve(caseNumber: String, outcome: DisputeOutcome, note: String?) throws -> Resolved {
        try session.requireStaff("resolve disputes")
        return try connection.withTransaction { try resolve(caseNumber, outcome: outcome, note: note) }
    }

    private func resolve(_ caseNumber: String, outcome: DisputeOutcome, note: String?) throws -> Resolved {
        let target = try WorkflowCase.load(session, number: caseNumber)
        // A dispute of named invoices is not the case's state: CaseWorkflow judges only the
        // dispute of a whole case; the database closes a case with nothing else owed.
        if !(target.openDispute && !target.state.disputed) {
            try target.check(.resolveDispute(upheld: outcome == .upheld))
        }
        let resolved = try connection.query("""
            UPDATE cobranza.dispute SET outcome = $3, resolved_on = cobranza.today(), resolution_note = $4
             WHERE tenant_id = $1 AND case_id = $2 AND outcome IS NULL RETURNING id
            """, [target.tenant, target.id, outcome.rawValue, note]).first
        guard let resolved else { throw StoreError("case \(target.number): the case has no open dispute") }
        let cancelled = try connection.query("""
            SELECT number FROM cobranza.invoice WHERE tenant_id = $1 AND cancelled_by_dispute = $2 ORDER BY due, id
            """, [target.tenant, try resolved.decode("id", as: Int64.self)]).rows.map { try $0.decode("number", as: String.self) }
        let stage: String = try connection.query("SELECT stage FROM cobranza.collection_case WHERE tenant_id = $1 AND id = $2",
                                                 [target.tenant, target.id]).first!.decode("stage")
        return Resolved(caseNumber: target.number, closed: target.state.stage != .closed && stage == "closed", cancelled: cancelled,
                        wasClosed: target.state.stage == .closed)
    }
}

extension Session {
    public var disputes: Disputes { Disputes(session: self) }
}
