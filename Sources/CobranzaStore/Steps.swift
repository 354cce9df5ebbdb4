import CobranzaCore
import Postgres

/// The work done on a case, step by step: calls, reminders, visits, messages, notes and the
/// three letters. Each step lands on the case's timeline with who and when (case_event).
public struct Steps {
    let session: Session
    var connection: Connection { session.connection }

    public static let callOutcomes = CallOutcome.allCases.map(\.rawValue)

    public struct NewStep: Sendable {
        public var caseNumber: String
        public var kind: StepKind
        public var outcome: String?
        public var note: String?
        public var clientVisible: Bool
        public var nextAction: CalendarDate?
        /// A letter's level; a letter without one is refused.
        public var level: LetterLevel?
        /// An admin's reason for letting this contact through the country's contact rules
        /// (case_event.rule_override, which only admins may write; audited with the row).
        public var ruleOverride: String?
        public init(caseNumber: String, kind: StepKind, outcome: String? = nil, note: String? = nil, clientVisible: Bool = false,
                    nextAction: CalendarDate? = nil, level: LetterLevel? = nil, ruleOverride: String? = nil) {
            self.ruleOverride = ruleOverride
            self.caseNumber = caseNumber
            self.kind = kind
            self.outcome = outcome
            self.note = note
            self.clientVisible = clientVisible
            self.nextAction = nextAction
            self.level = level
        }
    }

    public struct Logged: Sendable, Equatable {
        public var caseNumber: String
        public var kind: StepKind
        public var outcome: String?
        public var level: LetterLevel?
        public var nextAction: CalendarDate?
        /// The exact text of a letter sent.
        public var letter: String?
    }

    public func log(_ step: NewStep) throws -> Logged {
        try session.requireStaff("log steps", lawyers: true)
        let kind = step.kind
        // A call without one of its outcomes is refused by case_event_check.
        var outcome = step.outcome?.trimmingSpacesAndNewlines().lowercased()
        if outcome?.isEmpty == true { outcome = nil }
        if kind == .letter, step.level == nil { throw StoreError(field: "level", "a letter needs its level, 1, 2 or 3") }
        let level = kind == .letter ? step.level : nil
        if kind != .letter, step.level != nil { throw StoreError(field: "level", "only letters have a level") }
        if let note = step.note, note.count > 4000 { throw StoreError(field: "note", "at most 4000 characters") }
        let ruleOverride = step.ruleOverride?.trimmingSpacesAndNewlines()
        if let ruleOverride {
            guard session.identity.kind == .admin else { throw StoreError(field: "rule_override", "only an admin may let a contact through the contact rules") }
            guard !ruleOverride.isEmpty, ruleOverride.count <= 500 else { throw StoreError(field: "rule_override", "a reason of 1 to 500 characters") }
            guard ContactKinds.all.contains(kind.rawValue) else { throw StoreError(field: "rule_override", "only a contact is let through the contact rules") }
        }
        return try connection.withTransaction {
            let target = try WorkflowCase.load(session, number: step.caseNumber)
            try target.check(level.map { .letter($0) } ?? .step(kind))
            let today = try session.today()
            var nextAction: CalendarDate?
            if let date = step.nextAction {
                guard date >= today else { throw StoreError(field: "next_action", "\(date) is in the past") }
                nextAction = date
            }
            let letter = try level.map { try Letters(session: session).render(target, level: $0) }
            // The case row first (its lock), then the event, which only shares it.
            if let nextAction {
                try connection.query("UPDATE cobranza.collection_case SET next_action_date = $3::date WHERE tenant_id = $1 AND id = $2",
                                     [target.tenant, target.id, nextAction.description])
            }
            var parameters: [(any PostgresEncodable)?] = [
                target.tenant, target.id, kind.rawValue, level.map { "level \($0.rawValue)" } ?? outcome, step.note, step.clientVisible,
                level.map { Int($0.rawValue) }, letter]
            if let ruleOverride { parameters.append(ruleOverride) }
            try connection.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible, letter_level, body\(ruleOverride == nil ? "" : ", rule_override"))
                VALUES ($1, $2, $3, $4, $5, $6, $7::smallint, $8\(ruleOverride == nil ? "" : ", $9"))
                """, parameters)
            // A call or visit logged by hand closes the strategy's open task of that kind.
            if kind == .call || kind == .visit {
                try connection.query("""
                    UPDATE cobranza.case_task SET done_on = cobranza.today()
                     WHERE tenant_id = $1 AND case_id = $2 AND kind = $3 AND done_on IS NULL
                    """, [target.tenant, target.id, kind.rawValue])
            }
            return Logged(caseNumber: target.number, kind: kind, outcome: outcome, level: level, nextAction: nextAction, letter: letter)
        }
    }
}

extension Session {
    public var steps: Steps { Steps(session: self) }
}
