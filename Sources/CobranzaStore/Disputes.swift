import CobranzaCore
import Postgres

/// Disputes: while one is open the case can be neither posted nor referred; upheld, it closes
/// the case (dispute_opened and dispute_resolved in 0005_workflow.sql do the consequences).
public struct Disputes {
    let session: Session
    var connection: Connection { session.connection }

    public func open(caseNumber: String, reason: String) throws -> String {
        try session.requireStaff("open disputes")
        let text = reason.trimmingSpacesAndNewlines()
        guard !text.isEmpty else { throw StoreError(field: "reason", "say what the debtor disputes") }
        return try connection.withTransaction { try open(caseNumber, reason: text) }
    }

    private func open(_ caseNumber: String, reason: String) throws -> String {
        let target = try WorkflowCase.load(session, number: caseNumber)
        try target.check(.openDispute)
        try connection.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, $3)",
                             [target.tenant, target.id, reason])
        return target.number
    }

    /// Returns whether the case was closed (an upheld dispute).
    public func resolve(caseNumber: String, outcome: DisputeOutcome, note: String?) throws -> (caseNumber: String, closed: Bool) {
        try session.requireStaff("resolve disputes")
        return try connection.withTransaction { try resolve(caseNumber, outcome: outcome, note: note) }
    }

    private func resolve(_ caseNumber: String, outcome: DisputeOutcome, note: String?) throws -> (caseNumber: String, closed: Bool) {
        let target = try WorkflowCase.load(session, number: caseNumber)
        let next = try target.check(.resolveDispute(upheld: outcome == .upheld))
        try connection.query("""
            UPDATE cobranza.dispute SET outcome = $3, resolved_on = cobranza.today(), resolution_note = $4
             WHERE tenant_id = $1 AND case_id = $2 AND outcome IS NULL
            """, [target.tenant, target.id, outcome.rawValue, note])
        return (target.number, next.stage == .closed)
    }
}

extension Session {
    public var disputes: Disputes { Disputes(session: self) }
}
