import CobranzaCore
import Foundation
import Postgres
import TestSupport

/// One database holding a case in every state of `WorkflowSpace`, each put there by plain SQL
/// moves as the people who make them (a collector, an admin for reopening), the way psql would,
/// so the triggers see nothing the shell would not send. Built once per test process and shared
/// by the parity tests; every attempt runs in a transaction that is rolled back, so the cases
/// stay in their states.
final class WorkflowParityWorld: @unchecked Sendable {
    let db: TestDatabase
    let tenant: Int64
    let collector: String
    let admin: String
    let lawyer: String
    /// For each of `WorkflowSpace.states`, in order: its case, or why SQL could not build it.
    /// (Written once, by `init`, before the world is shared.)
    private(set) var cases: [Result<Int64, SetupFailure>] = []
    /// The day every attempt is made: after every move of every setup path.
    let today: CalendarDate

    struct SetupFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let shared: Result<WorkflowParityWorld, any Error> = Result { try WorkflowParityWorld() }

    /// Each move of a setup path happens 20 days after the one before, so a publication always
    /// comes after the notice period (15 days in this contract) and dates never go backwards.
    static let firstDay = CalendarDate(year: 2026, month: 2, day: 2)!
    static func day(ofMove index: Int) -> CalendarDate { firstDay.adding(days: 20 * index) }

    private init() throws {
        let db = try TestCluster.makeDatabase()
        try db.addClient("ACME")
        let su = try db.superuser()
        let tenant: Int64 = try su.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id")
        // Consent to posting, no judicial threshold: the rules compared here are the workflow's,
        // not the contract's.
        try su.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent,
                                           judicial_threshold, max_discount_bp)
            VALUES ($1, 1, '2026-01-01', 1500, 2500, 1900, true, 0, 1000)
            """, [tenant])
        self.db = db
        self.tenant = tenant
        collector = try db.addPerson("ana", kind: "collector")
        admin = try db.addPerson("admin", kind: "admin")
        lawyer = try db.addPerson("luis", kind: "lawyer")
        today = Self.day(ofMove: WorkflowSpace.longestPath + 1)

        let people = try People(world: (db, collector, admin))
        for (index, reached) in WorkflowSpace.states.enumerated() {
            let id: Int64 = try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                           VALUES ($1, 'CL', $3, 'Deudor ' || $2::text) RETURNING id),
                c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                      SELECT $1, id, 'CLP', '2026-01-15' FROM d RETURNING id, debtor_id),
                s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id)
                      SELECT $1, debtor_id, 'CLP', 'accepted', id FROM c RETURNING id, debtor_id, case_id),
                i AS (INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                      SELECT $1, s.id, s.debtor_id, 'F-' || $2::text, '2025-10-01', '2025-10-31', 1000000, 'CLP', s.case_id FROM s
                      RETURNING 1)
                SELECT id FROM c
                """, [tenant, String(index), TestCluster.rut(10_000_000 + index)]).first!.decode("id")
            cases.append(build(id, along: reached.path, people: people))
        }
        pool.give(people)
    }

    /// Walks the path one committed move at a time, each on its own day, as the person who makes
    /// it; the first refusal leaves the case unbuilt, with the reason.
    private func build(_ id: Int64, along path: [CaseAction], people: People) -> Result<Int64, SetupFailure> {
        for (index, action) in path.enumerated() {
            let connection = people.connection(for: action)
            let day = Self.day(ofMove: index)
            do {
                try connection.query("BEGIN")
                try connection.query("SELECT set_config('cobranza.as_of', $1, true)", [day.description])
                let made = action == .close(.paid) ? try payInFull(id, as: connection) : try perform(action, on: id, people: people, today: day)
                guard made else {
                    _ = try? connection.query("ROLLBACK")
                    return .failure(SetupFailure(description: "\(describe(action)) found nothing to change"))
                }
                try connection.query("COMMIT")
            } catch {
                _ = try? connection.query("ROLLBACK")
                let walk = path.map(describe).joined(separator: " → ")
                return .failure(SetupFailure(description: "SQL refused \(describe(action)) on the way \(walk): \(error)"))
            }
        }
        return .success(id)
    }

    /// How a case closes as paid: a payment of everything it owes (payment_prepare closes it).
    private func payInFull(_ id: Int64, as connection: Connection) throws -> Bool {
        let owed: Int64 = try connection.query("SELECT cobranza.case_outstanding($1, $2) AS owed", [tenant, id]).first!.decode("owed")
        try connection.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
            VALUES ($1, $2, $3, cobranza.today(), 'agency', 'transfer', 'parity-' || $2::text)
            """, [tenant, id, owed])
        return true
    }

    /// The move as a person writes it in psql. Returns false when the statement matched no row
    /// (psql's `UPDATE 0`): nothing was there to resolve, publish, withdraw or update, so no move
    /// was made. Throws the database's refusal.
    func perform(_ action: CaseAction, on id: Int64, people: People, today: CalendarDate) throws -> Bool {
        let connection = people.connection(for: action)
        let keys: [(any PostgresEncodable)?] = [tenant, id]
        func changed(_ sql: String, _ more: [(any PostgresEncodable)?] = []) throws -> Bool {
            try !connection.query(sql, keys + more).rows.isEmpty
        }
        switch action {
        case .step(let kind):
            try connection.query("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note) VALUES ($1, $2, $3, $4, 'parity')",
                                 keys + [kind.rawValue, kind == .call ? CallOutcome.noAnswer.rawValue : nil])
        case .letter(let level):
            try connection.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, letter_level, body)
                VALUES ($1, $2, 'letter', $3, $4::smallint, 'Estimado deudor: ...')
                """, keys + ["level \(level.rawValue)", level.rawValue])
        case .promise:
            try connection.query("INSERT INTO cobranza.promise (tenant_id, case_id, amount, due) VALUES ($1, $2, 1000, $3::date)",
                                 keys + [today.adding(days: 10).description])
        case .agreement:
            let due = today.adding(days: 30).description
            let row = try connection.query("""
                INSERT INTO cobranza.payment_agreement (tenant_id, case_id, instalments, first_due) VALUES ($1, $2, 1, $3::date)
                RETURNING id, total
                """, keys + [due]).first!
            try connection.query("INSERT INTO cobranza.instalment (tenant_id, agreement_id, sequence, due, amount) VALUES ($1, $2, 1, $3::date, $4)",
                                 [tenant, try row.decode("id", as: Int64.self), due, try row.decode("total", as: Int64.self)])
            // The schedule is checked at commit; check it now, inside the attempt.
            try connection.query("SET CONSTRAINTS ALL IMMEDIATE")
        case .openDispute:
            try connection.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'no reconoce la deuda')", keys)
        case .resolveDispute(let upheld):
            return try changed("""
                UPDATE cobranza.dispute SET outcome = $3, resolution_note = 'parity'
                 WHERE tenant_id = $1 AND case_id = $2 AND outcome IS NULL RETURNING id
                """, [upheld ? "upheld" : "rejected"])
        case .notifyPosting:
            try connection.query("INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", keys)
        case .publishPosting:
            return try changed("""
                UPDATE cobranza.posting SET published_on = cobranza.today(), registry = 'Boletín Comercial'
                 WHERE tenant_id = $1 AND case_id = $2 AND withdrawn_on IS NULL RETURNING id
                """)
        case .withdrawPosting:
            return try changed("""
                UPDATE cobranza.posting SET withdrawn_on = cobranza.today()
                 WHERE tenant_id = $1 AND case_id = $2 AND withdrawn_on IS NULL RETURNING id
                """)
        case .refer:
            try connection.query("INSERT INTO cobranza.judicial_referral (tenant_id, case_id, lawyer) VALUES ($1, $2, $3)", keys + [lawyer])
        case .updateReferral:
            return try changed("UPDATE cobranza.judicial_referral SET stage = 'filed' WHERE tenant_id = $1 AND case_id = $2 RETURNING id")
        case .close(let code):
            try connection.query("""
                UPDATE cobranza.collection_case SET stage = 'closed', close_code = $3, closed_at = now() WHERE tenant_id = $1 AND id = $2
                """, keys + [code.rawValue])
            try connection.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, note, client_visible) VALUES ($1, $2, 'closed', $3, 'parity', true)
                """, keys + [code.rawValue])
        case .reopen:
            // Back to the stage it had: judicial if it was ever referred.
            try connection.query("""
                UPDATE cobranza.collection_case
                   SET stage = CASE WHEN EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = $1 AND r.case_id = $2)
                                    THEN 'judicial' ELSE 'extrajudicial' END,
                       close_code = NULL, closed_at = NULL
                 WHERE tenant_id = $1 AND id = $2
                """, keys)
            try connection.query("""
                INSERT INTO cobranza.case_event (tenant_id, case_id, kind, note, client_visible) VALUES ($1, $2, 'reopened', 'parity', true)
                """, keys)
        }
        return true
    }

    /// The case's `CaseState` as the database holds it (what `WorkflowCase.load` reads).
    func state(of id: Int64, on connection: Connection) throws -> CaseState {
        let row = try connection.query("""
            SELECT c.stage, c.close_code, c.disputed,
                   (SELECT max(e.letter_level) FROM cobranza.case_event e
                     WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'letter')::integer AS last_letter,
                   CASE WHEN p.id IS NULL THEN NULL WHEN p.published_on IS NULL THEN 'noticed' ELSE 'published' END AS posting,
                   coalesce(p.withdrawal_due IS NOT NULL, false) AS withdrawal_due,
                   EXISTS (SELECT 1 FROM cobranza.judicial_referral r WHERE r.tenant_id = c.tenant_id AND r.case_id = c.id) AS referred
              FROM cobranza.collection_case c
              LEFT JOIN cobranza.posting p ON p.tenant_id = c.tenant_id AND p.case_id = c.id AND p.withdrawn_on IS NULL
             WHERE c.tenant_id = $1 AND c.id = $2
            """, [tenant, id]).first!
        let posting: String? = try row.decodeIfPresent("posting")
        let lastLetter: Int? = try row.decodeIfPresent("last_letter")
        return CaseState(
            stage: try CaseState.Stage(rawValue: row.decode("stage"))!,
            closeCode: try row.decodeIfPresent("close_code", as: String.self).map { CloseCode(rawValue: $0)! },
            disputed: try row.decode("disputed"),
            posting: posting == "published" ? .published : posting == "noticed" ? .noticed : .none,
            withdrawalDue: try row.decode("withdrawal_due"),
            referred: try row.decode("referred"),
            lastLetter: lastLetter.map { LetterLevel(rawValue: $0)! })
    }

    /// The case's state now, outside any attempt.
    func currentState(of id: Int64) throws -> CaseState {
        let people = try pool.take(orMake: { try People(world: (self.db, self.collector, self.admin)) })
        defer { pool.give(people) }
        return try state(of: id, on: people.collector)
    }

    /// What happened when `action` was tried on a case: the database's refusal, nothing to
    /// change, or the state it left the case in (read before the attempt is rolled back).
    enum Outcome {
        case refused(PostgresError)
        case nothingToChange
        case made(CaseState)
    }

    /// Tries `action` on the case as psql would and rolls it back.
    func attempt(_ action: CaseAction, on id: Int64) throws -> Outcome {
        let people = try pool.take(orMake: { try People(world: (self.db, self.collector, self.admin)) })
        defer { pool.give(people) }
        let connection = people.connection(for: action)
        try connection.query("BEGIN")
        defer { _ = try? connection.query("ROLLBACK") }
        // Parallel attempts on one case would deadlock each other (a posting's row, then its
        // case's; a case's, then its posting's): one attempt per case at a time.
        try connection.query("SELECT pg_advisory_xact_lock(7319, $1::integer)", [id])
        try connection.query("SELECT set_config('cobranza.as_of', $1, true)", [today.description])
        do {
            guard try perform(action, on: id, people: people, today: today) else { return .nothingToChange }
            return .made(try state(of: id, on: connection))
        } catch {
            // A refusal is the server's answer to the statement, not a broken connection or a deadlock.
            guard let refusal = error as? PostgresError, refusal.kind == .server, refusal.sqlState?.rawValue != "40P01" else { throw error }
            return .refused(refusal)
        }
    }

    private let pool = Pool()
}

/// A collector's and an admin's sessions on the parity database.
struct People {
    let collector: Connection
    let admin: Connection

    init(world: (db: TestDatabase, collector: String, admin: String)) throws {
        collector = try world.db.connect(as: world.collector)
        admin = try world.db.connect(as: world.admin)
    }

    /// Reopening is the one move whose rule is about who makes it.
    func connection(for action: CaseAction) -> Connection {
        action == .reopen(byAdmin: true) ? admin : collector
    }
}

/// Sessions reused across attempts: opening one per attempt would spend most of the test on
/// SCRAM handshakes.
private final class Pool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [People] = []

    func take(orMake make: () throws -> People) throws -> People {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        return try reused ?? make()
    }

    func give(_ people: People) {
        lock.lock()
        idle.append(people)
        lock.unlock()
    }
}
