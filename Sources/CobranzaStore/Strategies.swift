import CobranzaCore
import Postgres

/// What a strategy step does when its day comes.
public enum StrategyAction: String, Sendable, CaseIterable {
    case reminder, email, sms, whatsapp, call, visit, letter
    case postingNotice = "posting-notice"
    case referralReview = "referral-review"
}

/// What a step's day counts from: the oldest open invoice's due date, or the case's opening.
public enum StrategyAnchor: String, Sendable, CaseIterable {
    case due, opened
}

/// One step of a ladder, as `strategy show` lists it.
public struct StrategyStepRecord: Sendable, Equatable {
    public var day: Int
    public var action: String
    public var level: Int?
    public var from: String
    public var clientVisible: Bool
    public var addedBy: String
}

/// A strategy with its steps in the order the run climbs them.
public struct StrategyRecord: Sendable, Equatable {
    public var name: String
    public var isDefault: Bool
    /// The clients that follow it by name (the default also covers every client without one).
    public var clients: [String]
    public var steps: [StrategyStepRecord]
}

/// Collection strategies as data (issue 17): agency-wide ladders of steps, one of them the
/// default, each client following its own or the default. Admins write them; collectors read.
/// A step is never edited, only removed and added, so cases keep the steps they already did.
public struct Strategies {
    let session: Session
    var connection: Connection { session.connection }

    public struct NewStep: Sendable {
        public var strategy: String
        public var day: Int
        public var action: StrategyAction
        public var level: LetterLevel?
        public var from: StrategyAnchor
        public var clientVisible: Bool
        public init(strategy: String, day: Int, action: StrategyAction, level: LetterLevel? = nil, from: StrategyAnchor = .due,
                    clientVisible: Bool = false) {
            self.strategy = strategy
            self.day = day
            self.action = action
            self.level = level
            self.from = from
            self.clientVisible = clientVisible
        }
    }

    public func create(name: String, isDefault: Bool) throws -> String {
        try requireAdmin("create strategies")
        let trimmed = name.trimmingSpacesAndNewlines()
        guard (1...60).contains(trimmed.count) else { throw StoreError(field: "name", "1 to 60 characters") }
        return try connection.withTransaction {
            if try connection.query("SELECT 1 FROM cobranza.strategy WHERE lower(name) = lower($1)", [trimmed]).first != nil {
                throw StoreError(field: "name", "a strategy \"\(trimmed)\" already exists")
            }
            if isDefault { try connection.query("UPDATE cobranza.strategy SET is_default = false WHERE is_default") }
            try connection.query("INSERT INTO cobranza.strategy (name, is_default) VALUES ($1, $2)", [trimmed, isDefault])
            return trimmed
        }
    }

    /// Makes `name` the agency default (the one clients without their own follow).
    public func makeDefault(name: String) throws -> String {
        try requireAdmin("choose the default strategy")
        return try connection.withTransaction {
            let id = try strategyID(name)
            try connection.query("UPDATE cobranza.strategy SET is_default = false WHERE is_default AND id <> $1", [id])
            try connection.query("UPDATE cobranza.strategy SET is_default = true WHERE id = $1 AND NOT is_default", [id])
            return try connection.query("SELECT name FROM cobranza.strategy WHERE id = $1", [id]).first!.decode("name")
        }
    }

    public func addStep(_ step: NewStep) throws {
        try requireAdmin("change strategies")
        if step.action == .letter, step.level == nil { throw StoreError(field: "level", "a letter step needs its level, 1, 2 or 3") }
        if step.action != .letter, step.level != nil { throw StoreError(field: "level", "only letter steps have a level") }
        guard (-365...3650).contains(step.day) else { throw StoreError(field: "day", "from -365 to 3650") }
        if step.day < 0, step.from != .due {
            throw StoreError(field: "day", "a negative day counts back from the due date: use --from due")
        }
        try connection.withTransaction {
            let id = try strategyID(step.strategy)
            if try connection.query("""
                SELECT 1 FROM cobranza.strategy_step WHERE strategy_id = $1 AND day = $2::integer AND action = $3 AND removed_at IS NULL
                """, [id, step.day, step.action.rawValue]).first != nil {
                throw StoreError(fields: ["day", "action"], "the strategy already has a \(step.action.rawValue) on day \(step.day)")
            }
            try connection.query("""
                INSERT INTO cobranza.strategy_step (strategy_id, day, action, letter_level, from_point, client_visible)
                VALUES ($1, $2::integer, $3, $4::smallint, $5, $6)
                """, [id, step.day, step.action.rawValue, step.level.map { Int($0.rawValue) }, step.from.rawValue, step.clientVisible])
        }
    }

    /// Removes the step on `day` doing `action`; the cases that did it keep it on their record.
    public func removeStep(strategy: String, day: Int, action: StrategyAction) throws {
        try requireAdmin("change strategies")
        try connection.withTransaction {
            let id = try strategyID(strategy)
            let removed = try connection.query("""
                UPDATE cobranza.strategy_step SET removed_at = now()
                 WHERE strategy_id = $1 AND day = $2::integer AND action = $3 AND removed_at IS NULL RETURNING id
                """, [id, day, action.rawValue])
            if removed.rows.isEmpty { throw StoreError(fields: ["day", "action"], "the strategy has no \(action.rawValue) on day \(day)") }
        }
    }

    /// Has client `code` follow strategy `name` (nil: the agency default again).
    public func setForClient(code: String, strategy name: String?) throws -> (client: String, strategy: String?) {
        try requireAdmin("choose a client's strategy")
        return try connection.withTransaction {
            let scope = try TenantScope.resolve(session, client: code)
            if let name {
                let id = try strategyID(name)
                try connection.query("""
                    INSERT INTO cobranza.client_strategy (tenant_id, strategy_id) VALUES ($1, $2)
                    ON CONFLICT (tenant_id) DO UPDATE SET strategy_id = EXCLUDED.strategy_id, set_at = now(), set_by = session_user
                    """, [scope.id, id])
                return (scope.code, try connection.query("SELECT name FROM cobranza.strategy WHERE id = $1", [id]).first!.decode("name"))
            }
            try connection.query("DELETE FROM cobranza.client_strategy WHERE tenant_id = $1", [scope.id])
            return (scope.code, nil)
        }
    }

    public func list() throws -> [StrategyRecord] {
        try session.requireStaff("read strategies")
        return try connection.query("SELECT name FROM cobranza.strategy ORDER BY name").rows.map { try show(name: try $0.decode("name")) }
    }

    public func show(name: String) throws -> StrategyRecord {
        try session.requireStaff("read strategies")
        let id = try strategyID(name)
        let row = try connection.query("""
            SELECT s.name, s.is_default,
                   coalesce((SELECT array_agg(t.code ORDER BY t.code) FROM cobranza.client_strategy cs
                              JOIN cobranza.tenant t ON t.id = cs.tenant_id WHERE cs.strategy_id = s.id), '{}') AS clients
              FROM cobranza.strategy s WHERE s.id = $1
            """, [id]).first!
        let steps = try connection.query("""
            SELECT day, action, letter_level, from_point, client_visible, added_by::text AS added_by
              FROM cobranza.strategy_step WHERE strategy_id = $1 AND removed_at IS NULL ORDER BY day, id
            """, [id]).rows.map { row in
            StrategyStepRecord(day: try row.decode("day"), action: try row.decode("action"), level: try row.decodeIfPresent("letter_level"),
                               from: try row.decode("from_point"), clientVisible: try row.decode("client_visible"),
                               addedBy: try row.decode("added_by"))
        }
        return StrategyRecord(name: try row.decode("name"), isDefault: try row.decode("is_default"),
                              clients: try row.decode("clients"), steps: steps)
    }

    /// Strategy names, for tab completion.
    public func names() throws -> [String] {
        try connection.query("SELECT name FROM cobranza.strategy ORDER BY name").rows.map { try $0.decode("name") }
    }

    func strategyID(_ name: String) throws -> Int64 {
        let trimmed = name.trimmingSpacesAndNewlines()
        guard let row = try connection.query("SELECT id FROM cobranza.strategy WHERE lower(name) = lower($1)", [trimmed]).first else {
            throw StoreError(field: "strategy", "no strategy \"\(trimmed)\" (strategy list shows them)")
        }
        return try row.decode("id")
    }

    private func requireAdmin(_ what: String) throws {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can \(what)") }
    }
}

extension Session {
    public var strategies: Strategies { Strategies(session: self) }
}
