import CobranzaCore
import Postgres

/// Staff stop a case's strategy until a date, with a reason (`case hold`), or let it go on
/// (`case release`). The run re-weighs a held case every day; placing and releasing land on the
/// case's timeline as internal notes (case_hold_check, 0050).
public struct CaseHolds {
    let session: Session
    var connection: Connection { session.connection }

    public func hold(caseNumber: String, until: CalendarDate, reason: String) throws -> String {
        try session.requireStaff("hold cases")
        let trimmed = reason.trimmingSpacesAndNewlines()
        guard !trimmed.isEmpty else { throw StoreError(field: "reason", "say why the case is held") }
        guard trimmed.count <= 500 else { throw StoreError(field: "reason", "at most 500 characters") }
        return try connection.withTransaction {
            let target = try WorkflowCase.load(session, number: caseNumber)
            guard until >= (try session.today()) else { throw StoreError(field: "until", "\(until) is in the past") }
            try connection.query("INSERT INTO cobranza.case_hold (tenant_id, case_id, until, reason) VALUES ($1, $2, $3::date, $4)",
                                 [target.tenant, target.id, until.description, trimmed])
            return target.number
        }
    }

    public func release(caseNumber: String) throws -> String {
        try session.requireStaff("release cases")
        return try connection.withTransaction {
            let target = try WorkflowCase.load(session, number: caseNumber)
            let released = try connection.query("""
                UPDATE cobranza.case_hold SET released_on = cobranza.today()
                 WHERE tenant_id = $1 AND case_id = $2 AND released_on IS NULL AND until >= cobranza.today() RETURNING id
                """, [target.tenant, target.id])
            if released.rows.isEmpty { throw StoreError(field: "case", "case \(target.number) is not on hold") }
            return target.number
        }
    }
}

extension Session {
    public var caseHolds: CaseHolds { CaseHolds(session: self) }
}
