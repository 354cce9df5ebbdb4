/// Why a case was closed. `paid` is also the automatic close when nothing is owed any more.
public enum CloseCode: String, CaseIterable, Sendable {
    case paid, settled, uncollectible, withdrawn, prescribed, disputed

    /// Closes after which a public posting must be withdrawn: the debt is gone or contested.
    /// An uncollectible debt is still owed, so its posting may stand.
    public var requiresWithdrawal: Bool { self != .uncollectible }
}

/// What staff log against a case (`step log CASE KIND`).
public enum StepKind: String, CaseIterable, Sendable {
    case reminder, call, letter, visit, email, sms, whatsapp, note
}

/// How a call went. Required for calls, so the agenda and reports can count them.
public enum CallOutcome: String, CaseIterable, Sendable {
    case noAnswer = "no-answer", wrongNumber = "wrong-number", promise, refused, dispute
    case paidClaimed = "paid-claimed", callback
}

/// The three letters of rising firmness.
public enum LetterLevel: Int, CaseIterable, Sendable, Comparable {
    case friendly = 1, firm = 2, lastNotice = 3
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The public posting of a debt in a commercial registry, as far as the case's life is concerned.
public enum PostingState: Equatable, Sendable {
    case none
    case noticed
    case published
}

/// Everything about a case that decides which moves are allowed next.
public struct CaseState: Equatable, Sendable {
    public enum Stage: String, CaseIterable, Sendable { case extrajudicial, judicial, closed }

    public var stage: Stage
    public var closeCode: CloseCode?
    /// An open dispute covers the whole case (it names no invoices, or all still owed). A
    /// dispute of some invoices leaves this off: the rest of the case goes on, and only the
    /// amounts leave those invoices out (issue 16, item 7; `case_undisputed_outstanding`).
    public var disputed: Bool
    public var posting: PostingState
    /// Set when a posted case closes in a way that takes the debt off the registry.
    public var withdrawalDue: Bool
    public var referred: Bool
    /// The highest letter level sent so far (nil: none yet).
    public var lastLetter: LetterLevel?

    public init(stage: Stage = .extrajudicial, closeCode: CloseCode? = nil, disputed: Bool = false, posting: PostingState = .none,
                withdrawalDue: Bool = false, referred: Bool = false, lastLetter: LetterLevel? = nil) {
        self.stage = stage
        self.closeCode = closeCode
        self.disputed = disputed
        self.posting = posting
        self.withdrawalDue = withdrawalDue
        self.referred = referred
        self.lastLetter = lastLetter
    }

    public static let opened = CaseState()
}

/// A move on a case. Who makes it matters only for reopening.
public enum CaseAction: Equatable, Sendable {
    case step(StepKind)
    case letter(LetterLevel)
    case promise
    case agreement
    case openDispute
    case resolveDispute(upheld: Bool)
    case notifyPosting
    case publishPosting
    case withdrawPosting
    case refer
    case updateReferral
    case close(CloseCode)
    case reopen(byAdmin: Bool)
}

/// A refused move, worded for the person who tried it.
public struct WorkflowRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The term the refusal is about (`instalments`), when it is about one.
    public var field: String?
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

/// The life of a collection case, written once: which moves each state allows and where they
/// lead. The database enforces the same rules again in its triggers (0005_workflow.sql), so no
/// client can make an illegal move; this copy lets the shell refuse early and is what the
/// transition tests pin down.
public enum CaseWorkflow {
    public static func apply(_ action: CaseAction, to state: CaseState) -> Result<CaseState, WorkflowRefusal> {
        var next = state
        if state.stage == .closed {
            switch action {
            case .reopen(let byAdmin):
                guard byAdmin else { return .failure(WorkflowRefusal("the case is closed: only an admin can reopen it")) }
                next.stage = state.referred ? .judicial : .extrajudicial
                next.closeCode = nil
                return .success(next)
            case .withdrawPosting:
                // Withdrawing a posting is exactly what a closed case may still need.
                return withdraw(state)
            case .resolveDispute:
                // So is settling a dispute left open when the case closed: nothing else could
                // ever resolve it. The case stays closed as it was (the database does the same).
                guard state.disputed else { return .failure(WorkflowRefusal("the case has no open dispute")) }
                next.disputed = false
                return .success(next)
            default:
                return .failure(WorkflowRefusal("the case is closed (\(state.closeCode?.rawValue ?? "closed")): it takes no new steps; an admin may reopen it"))
            }
        }
        switch action {
        case .step(let kind):
            guard kind != .letter else { return .failure(WorkflowRefusal("a letter needs its level (1, 2 or 3)")) }
            return .success(next)
        case .letter(let level):
            if level.rawValue > 1, (state.lastLetter?.rawValue ?? 0) < level.rawValue - 1 {
                return .failure(WorkflowRefusal("a level \(level.rawValue) letter needs a level \(level.rawValue - 1) letter sent before"))
            }
            next.lastLetter = max(state.lastLetter ?? level, level)
            return .success(next)
        case .promise:
            return .success(next)
        case .agreement:
            // Instalments on a debt the debtor contests would prejudge the dispute.
            guard !state.disputed else { return .failure(WorkflowRefusal("the case is disputed: resolve the dispute before agreeing instalments")) }
            return .success(next)
        case .updateReferral:
            guard state.referred else { return .failure(WorkflowRefusal("the case has not been referred to court")) }
            return .success(next)
        case .openDispute:
            guard !state.disputed else { return .failure(WorkflowRefusal("the case already has an open dispute")) }
            next.disputed = true
            return .success(next)
        case .resolveDispute(let upheld):
            guard state.disputed else { return .failure(WorkflowRefusal("the case has no open dispute")) }
            next.disputed = false
            return upheld ? close(next, .disputed) : .success(next)
        case .notifyPosting:
            guard !state.disputed else { return .failure(WorkflowRefusal("a disputed case cannot be posted")) }
            guard state.posting == .none else { return .failure(WorkflowRefusal("the case already has a posting under way")) }
            next.posting = .noticed
            return .success(next)
        case .publishPosting:
            guard !state.disputed else { return .failure(WorkflowRefusal("a disputed case cannot be posted")) }
            switch state.posting {
            case .none: return .failure(WorkflowRefusal("the debtor must be notified first (posting notify)"))
            case .published: return .failure(WorkflowRefusal("the debt is already posted"))
            case .noticed:
                next.posting = .published
                return .success(next)
            }
        case .withdrawPosting:
            return withdraw(state)
        case .refer:
            guard !state.disputed else { return .failure(WorkflowRefusal("a disputed case cannot be referred to court")) }
            guard state.stage == .extrajudicial else { return .failure(WorkflowRefusal("the case is already judicial")) }
            next.stage = .judicial
            next.referred = true
            return .success(next)
        case .close(let code):
            return close(state, code)
        case .reopen:
            return .failure(WorkflowRefusal("the case is open"))
        }
    }

    private static func close(_ state: CaseState, _ code: CloseCode) -> Result<CaseState, WorkflowRefusal> {
        var next = state
        next.stage = .closed
        next.closeCode = code
        if state.posting == .published && code.requiresWithdrawal { next.withdrawalDue = true }
        return .success(next)
    }

    private static func withdraw(_ state: CaseState) -> Result<CaseState, WorkflowRefusal> {
        guard state.posting != .none else { return .failure(WorkflowRefusal("the case has no posting to withdraw")) }
        var next = state
        next.posting = .none
        next.withdrawalDue = false
        return .success(next)
    }
}
