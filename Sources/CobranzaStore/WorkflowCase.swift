import CobranzaCore
import Postgres

/// A case as the workflow commands see it: its keys, and its `CaseState` for the pure state
/// machine. Every workflow command asks `CaseWorkflow` first, so a refused move is explained in
/// the shell's words before any SQL runs; the database's triggers then check the same rules
/// again and have the last word.
struct WorkflowCase {
    var tenant: Int64
    var id: Int64
    var number: String
    var client: String
    var clientName: String
    var currency: Currency
    var debtorName: String
    var debtorCountry: Country
    var state: CaseState
    var outstanding: Int64
    /// What is owed outside the open dispute (all of `outstanding` when none is open).
    var undisputedOutstanding: Int64
    /// An open dispute, whether it covers the whole case (`state.disputed`) or named invoices.
    var openDispute: Bool

    /// Posting and referral wait while everything still owed is disputed: the whole case, or
    /// every owed invoice by name (issue 16, item 7). The rest of a case goes on.
    var everythingOwedDisputed: Bool {
        state.disputed || (openDispute && undisputedOutstanding == 0 && outstanding > 0)
    }

    static func load(_ session: Session, number: String) throws -> WorkflowCase {
        let normalized = CaseLookup.normalized(number)
        guard let row = try session.connection.query("""
            SELECT c.tenant_id, c.id, c.number, c.currency, cur.exponent, c.stage, c.close_code, c.disputed,
                   t.code, t.legal_name, d.name AS debtor_name, d.country,
                   cobranza.case_outstanding(c.tenant_id, c.id) AS outstanding,
                   cobranza.case_undisputed_outstanding(c.tenant_id, c.id) AS undisputed_outstanding,
                   EXISTS (SELECT 1 FROM cobranza.dispute x WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                              AND x.outcome IS NULL) AS open_dispute,
                   (SELECT max(e.letter_level) FROM cobranza.case_event e
                     WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id AND e.kind = 'letter') AS last_letter,
                   CASE WHEN p.id IS NULL THEN NULL WHEN p.published_on IS NULL THEN 'noticed' ELSE 'published' END AS posting,
                   p.withdrawal_due IS NOT NULL AS withdrawal_due,
                   EXISTS (SELECT 1 FROM cobranza.judicial_referral r
                            WHERE r.tenant_id = c.tenant_id AND r.case_id = c.id) AS referred
            """ + CaseLookup.from + """
              LEFT JOIN cobranza.posting p ON p.tenant_id = c.tenant_id AND p.case_id = c.id AND p.withdrawn_on IS NULL
            """ + CaseLookup.byNumber, [normalized]).first
        else { throw CaseLookup.notFound(normalized) }
        let lastLetter: Int? = try row.decodeIfPresent("last_letter")
        let posting: String? = try row.decodeIfPresent("posting")
        let state = CaseState(
            stage: CaseState.Stage(rawValue: try row.decode("stage")) ?? .extrajudicial,
            closeCode: try row.decodeIfPresent("close_code", as: String.self).flatMap(CloseCode.init(rawValue:)),
            disputed: try row.decode("disputed"),
            posting: posting == "published" ? .published : posting == "noticed" ? .noticed : .none,
            withdrawalDue: try row.decode("withdrawal_due"),
            referred: try row.decode("referred"),
            lastLetter: lastLetter.flatMap(LetterLevel.init(rawValue:)))
        return WorkflowCase(
            tenant: try row.decode("tenant_id"), id: try row.decode("id"), number: try row.decode("number"),
            client: try row.decode("code"), clientName: try row.decode("legal_name"),
            currency: try CaseLookup.currency(row),
            debtorName: try row.decode("debtor_name"), debtorCountry: Country(code: try row.decode("country")) ?? .chile,
            state: state, outstanding: try row.decode("outstanding"),
            undisputedOutstanding: try row.decode("undisputed_outstanding"), openDispute: try row.decode("open_dispute"))
    }

    /// The state after `action`, or the Core's refusal naming the case.
    @discardableResult
    func check(_ action: CaseAction) throws -> CaseState {
        switch CaseWorkflow.apply(action, to: state) {
        case .success(let next): return next
        case .failure(let refusal): throw StoreError("case \(number): \(refusal.message)")
        }
    }

    func amount(_ amount: WrittenAmount, field: String) throws -> Int64 {
        try Payments.minorUnits(amount, currency: currency, field: field)
    }
}

/// Finding a case by the number people quote: the joins and the refusal every command by case
/// number shares (`Payments`, `WorkflowCase`).
enum CaseLookup {
    /// The case `c` with its currency `cur`, client `t` and debtor `d`.
    static let from = """
          FROM cobranza.collection_case c
          JOIN cobranza.currency cur ON cur.code = c.currency
          JOIN cobranza.tenant t ON t.id = c.tenant_id
          JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id

        """
    static let byNumber = " WHERE c.number = $1"

    static func normalized(_ number: String) -> String { number.trimmingSpacesAndNewlines().uppercased() }

    static func notFound(_ normalized: String) -> StoreError {
        StoreError(field: "case", "no case \(normalized.isEmpty ? "(empty)" : normalized)")
    }

    static func currency(_ row: Row) throws -> Currency {
        Currency(code: CurrencyCode(rawValue: try row.decode("currency")) ?? "CLP", exponent: Int(try row.decode("exponent", as: Int.self)))
    }
}

extension Session {
    /// Staff only (admins and collectors; lawyers where `lawyers` says so): SME users read.
    func requireStaff(_ what: String, lawyers: Bool = false) throws {
        switch identity.kind {
        case .admin, .collector: return
        case .lawyer where lawyers: return
        case .lawyer: throw StoreError("only agency admins and collectors can \(what)")
        default: throw StoreError("only agency staff can \(what)")
        }
    }

    /// The date given, or today (the database's) when none is.
    func dateOrToday(_ date: CalendarDate?) throws -> CalendarDate {
        try date ?? today()
    }
}
