import CobranzaCore

/// Every move and every state of `CaseWorkflow`, taken from Core itself so the parity test
/// cannot fall behind it: actions are built from Core's `allCases`, and states are everything
/// Core's own machine reaches from a new case. A state Core cannot reach is no state a case can
/// be in, so there is nothing to compare there.
enum WorkflowSpace {
    /// Every action. `close(.paid)` goes last so that paths to states prefer a close a person
    /// can make by hand (a case closes as paid only when its payments cover it).
    static let actions: [CaseAction] = {
        let all = StepKind.allCases.map(CaseAction.step)
            + LetterLevel.allCases.map(CaseAction.letter)
            + [.promise, .agreement, .openDispute]
            + [true, false].map(CaseAction.resolveDispute(upheld:))
            + [.notifyPosting, .publishPosting, .withdrawPosting, .refer, .updateReferral]
            + CloseCode.allCases.map(CaseAction.close)
            + [true, false].map(CaseAction.reopen(byAdmin:))
        precondition(all.allSatisfy(listed), "unreachable: listed(_:) is exhaustive")
        return all.filter { $0 != .close(.paid) } + [.close(.paid)]
    }()

    /// Exhaustive on purpose: a new kind of `CaseAction` stops this from compiling until its
    /// variants are added to `actions` above.
    private static func listed(_ action: CaseAction) -> Bool {
        switch action {
        case .step, .letter, .promise, .agreement, .openDispute, .resolveDispute, .notifyPosting, .publishPosting,
             .withdrawPosting, .refer, .updateReferral, .close, .reopen:
            return true
        }
    }

    /// A state and the shortest sequence of moves that reaches it from a new case.
    struct Reached: Sendable {
        var state: CaseState
        var path: [CaseAction]
    }

    /// Breadth first from `CaseState.opened` through `CaseWorkflow.apply`.
    static let states: [Reached] = {
        var reached = [Reached(state: .opened, path: [])]
        var next = 0
        while next < reached.count {
            let from = reached[next]
            next += 1
            for action in actions {
                guard case .success(let state) = CaseWorkflow.apply(action, to: from.state),
                      !reached.contains(where: { $0.state == state }) else { continue }
                reached.append(Reached(state: state, path: from.path + [action]))
            }
        }
        return reached
    }()

    static var longestPath: Int { states.map(\.path.count).max() ?? 0 }
}

/// Short enough to read in a test report: `judicial disputed published letter2 withdrawal-due`.
func describe(_ state: CaseState) -> String {
    var words = [state.stage == .closed ? "closed(\(state.closeCode?.rawValue ?? "?"))" : state.stage.rawValue]
    if state.referred && state.stage != .judicial { words.append("referred") }
    if state.disputed { words.append("disputed") }
    switch state.posting {
    case .none: break
    case .noticed: words.append("noticed")
    case .published: words.append("published")
    }
    if state.withdrawalDue { words.append("withdrawal-due") }
    if let letter = state.lastLetter { words.append("letter\(letter.rawValue)") }
    return words.joined(separator: " ")
}

func describe(_ action: CaseAction) -> String {
    switch action {
    case .step(let kind): "step \(kind.rawValue)"
    case .letter(let level): "letter \(level.rawValue)"
    case .promise: "promise"
    case .agreement: "agreement"
    case .openDispute: "dispute open"
    case .resolveDispute(let upheld): "dispute resolve \(upheld ? "upheld" : "rejected")"
    case .notifyPosting: "posting notify"
    case .publishPosting: "posting publish"
    case .withdrawPosting: "posting withdraw"
    case .refer: "referral file"
    case .updateReferral: "referral update"
    case .close(let code): "close \(code.rawValue)"
    case .reopen(let byAdmin): "reopen by \(byAdmin ? "admin" : "collector")"
    }
}
