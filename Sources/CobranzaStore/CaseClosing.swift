import CobranzaCore
import Postgres

/// Closing a case by hand, and an admin's reopening of it. (A case also closes by itself: as
/// paid when nothing is owed, as settled when a discounted agreement is paid, as disputed when a
/// dispute is upheld.) The database refuses any step on a closed case (case_transition,
/// case_event_check).
extension Cases {
    /// Returns the withdrawal deadline when the case was posted and now must come off the registry.
    public func close(_ number: String, code: CloseCode, note: String?) throws -> (caseNumber: String, withdrawalDue: String?) {
        try session.requireStaff("close cases")
        return try connection.withTransaction { try closeLocked(number, code: code, note: note) }
    }

    private func closeLocked(_ number: String, code: CloseCode, note: String?) throws -> (caseNumber: String, withdrawalDue: String?) {
        let target = try WorkflowCase.load(session, number: number)
        try target.check(.close(code))
        if code == .paid, target.outstanding > 0 {
            throw StoreError(field: "code", value: "paid", "case \(target.number) still owes \(Money(minorUnits: target.outstanding, currency: target.currency).formatted); "
                + "record the payments (the case then closes by itself) or close it as settled")
        }
        try connection.query("""
            UPDATE cobranza.collection_case SET stage = 'closed', close_code = $3, closed_at = now() WHERE tenant_id = $1 AND id = $2
            """, [target.tenant, target.id, code.rawValue])
        try connection.query("""
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible) VALUES ($1, $2, 'closed', $3, $4, true)
            """, [target.tenant, target.id, code.rawValue, note])
        let due: String? = try connection.query("""
            SELECT withdrawal_due::text AS d FROM cobranza.posting WHERE tenant_id = $1 AND case_id = $2 AND withdrawn_on IS NULL
            """, [target.tenant, target.id]).first?.decodeIfPresent("d")
        return (target.number, due)
    }

    public func reopen(_ number: String, reason: String) throws -> (caseNumber: String, stage: String) {
        guard session.identity.kind == .admin else { throw StoreError("only an admin can reopen a closed case") }
        guard !reason.trimmingSpacesAndNewlines().isEmpty else { throw StoreError(field: "reason", "say why the case is reopened") }
        return try connection.withTransaction { try reopenLocked(number, reason: reason) }
    }

    private func reopenLocked(_ number: String, reason: String) throws -> (caseNumber: String, stage: String) {
        let target = try WorkflowCase.load(session, number: number)
        let next = try target.check(.reopen(byAdmin: true))
        do {
            try connection.query("""
                UPDATE cobranza.collection_case SET stage = $3, close_code = NULL, closed_at = NULL WHERE tenant_id = $1 AND id = $2
                """, [target.tenant, target.id, next.stage.rawValue])
        } catch {
            // (Typed-throws `catch … where` crashes Swift 6.3: see docs/architecture.md.)
            guard error.constraint == "collection_case_one_open_key" else { throw error }
            throw StoreError("case \(target.number): the debtor already has another open case in \(target.currency.code); add to that one instead")
        }
        try connection.query("""
            INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible) VALUES ($1, $2, 'reopened', $3, true)
            """, [target.tenant, target.id, reason])
        return (target.number, next.stage.rawValue)
    }
}
