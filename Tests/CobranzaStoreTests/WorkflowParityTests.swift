import CobranzaCore
import Postgres
import Testing

/// The case workflow is written twice: `CaseWorkflow` (what the shell asks first) and the
/// 0005 triggers (what psql cannot get past). These tests put a case into every state Core can
/// reach, with plain SQL, and try every move on it as a staff person would in psql: the database
/// must allow exactly what Core allows, and leave the case where Core says it goes.
@Suite("Workflow parity: CaseWorkflow and the triggers")
struct WorkflowParityTests {
    /// One state of `WorkflowSpace.states`, named for the report.
    struct StateArgument: Sendable, CustomTestStringConvertible {
        var index: Int
        var testDescription: String { "#\(index) \(describe(WorkflowSpace.states[index].state))" }
    }

    /// One (state, action) pair.
    struct Pair: Sendable, CustomTestStringConvertible {
        var state: Int
        var action: CaseAction
        var testDescription: String { "#\(state) \(describe(WorkflowSpace.states[state].state)) × \(describe(action))" }
    }

    static let stateArguments = WorkflowSpace.states.indices.map(StateArgument.init(index:))
    static let pairs = WorkflowSpace.states.indices.flatMap { state in WorkflowSpace.actions.map { Pair(state: state, action: $0) } }

    /// Where Core and SQL answer differently on purpose. Each says what the database answers
    /// there, so an exception is checked too, and goes stale loudly (`everyExceptionStillApplies`).
    struct Exception: Sendable {
        var name: String
        var reason: String
        var applies: @Sendable (CaseState, CaseAction) -> Bool
        /// Core's answer there.
        var coreAllows: Bool
        /// The constraint the database refuses with there.
        var sqlRefusal: String
    }

    static let exceptions: [Exception] = [
        Exception(
            name: "closing as paid by hand",
            reason: """
                CaseState holds no money. The database refuses a close as paid while anything is owed \
                (case_transition), and a case that owes nothing has already closed itself as paid (payment_prepare); \
                the store checks the amount before it runs SQL. Every case here owes money, so SQL refuses.
                """,
            applies: { state, action in action == .close(.paid) && state.stage != .closed },
            coreAllows: true,
            sqlRefusal: "collection_case_close_code_check"),
    ]

    func world() throws -> WorkflowParityWorld { try WorkflowParityWorld.shared.get() }

    /// SQL walks Core's path to each state and lands in that state.
    @Test(arguments: stateArguments)
    func everyStateIsReachedWithPlainSQL(_ argument: StateArgument) throws {
        let world = try world()
        let id = try world.cases[argument.index].get()
        let expected = WorkflowSpace.states[argument.index].state
        #expect(try world.currentState(of: id) == expected)
    }

    /// The same answer, and the same next state, for every move from every state.
    @Test(arguments: pairs)
    func theDatabaseAllowsExactlyWhatCoreAllows(_ pair: Pair) throws {
        let world = try world()
        let state = WorkflowSpace.states[pair.state].state
        let id = try world.cases[pair.state].get()
        let core = CaseWorkflow.apply(pair.action, to: state)
        let sql = try world.attempt(pair.action, on: id)
        let coreAllows: Bool
        let coreSays: String
        switch core {
        case .success(let next): (coreAllows, coreSays) = (true, "allowed, to \(describe(next))")
        case .failure(let refusal): (coreAllows, coreSays) = (false, "refused: \(refusal.message)")
        }
        let sqlSays: String
        switch sql {
        case .refused(let error): sqlSays = "refused (\(error.constraint ?? error.sqlState?.rawValue ?? "?")): \(error.message)"
        case .nothingToChange: sqlSays = "found nothing to change"
        case .made(let after): sqlSays = "allowed, to \(describe(after))"
        }

        if let exception = Self.exceptions.first(where: { $0.applies(state, pair.action) }) {
            #expect(coreAllows == exception.coreAllows, "exception \"\(exception.name)\": Core \(coreSays)")
            guard case .refused(let error) = sql else {
                Issue.record("exception \"\(exception.name)\" no longer holds: SQL \(sqlSays)")
                return
            }
            #expect(error.constraint == exception.sqlRefusal, "exception \"\(exception.name)\": SQL \(sqlSays)")
            return
        }

        let sqlAllows: Bool
        if case .made = sql { sqlAllows = true } else { sqlAllows = false }
        #expect(sqlAllows == coreAllows, "Core \(coreSays); SQL \(sqlSays)")
        if case .success(let next) = core, case .made(let after) = sql {
            #expect(after == next, "Core goes to \(describe(next)); SQL went to \(describe(after))")
        }
    }

    /// A value of the state that no reachable state takes would be a rule never compared.
    @Test func theStatesCoverEveryValueCoreKnows() {
        let states = WorkflowSpace.states.map(\.state)
        #expect(Set(states.map(\.stage)) == Set(CaseState.Stage.allCases))
        #expect(Set(states.compactMap(\.closeCode)) == Set(CloseCode.allCases))
        #expect(Set(states.compactMap(\.lastLetter)) == Set(LetterLevel.allCases))
        #expect(states.contains { $0.lastLetter == nil })
        for posting in [PostingState.none, .noticed, .published] { #expect(states.contains { $0.posting == posting }) }
        for flag in [true, false] {
            #expect(states.contains { $0.disputed == flag })
            #expect(states.contains { $0.referred == flag })
            #expect(states.contains { $0.withdrawalDue == flag })
        }
        #expect(Self.pairs.count == WorkflowSpace.states.count * WorkflowSpace.actions.count)
    }

    /// An exception nothing needs any more is a rule compared nowhere: remove it.
    @Test func everyExceptionStillApplies() {
        for exception in Self.exceptions {
            #expect(Self.pairs.contains { exception.applies(WorkflowSpace.states[$0.state].state, $0.action) }, "\(exception.name)")
        }
    }
}
