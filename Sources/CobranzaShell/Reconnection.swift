/// What the shell does when its server goes away (connected → lost → reconnecting →
/// connected | gave up), decided apart from the socket so every path
/// is tested without one (as `ConnectionPlan` decides where to connect without connecting).
///
/// As psql does: an interactive session says the connection was lost, tries once to open a new
/// one (same parameters, same person) and goes on; a script (`-c`, `-f`, piped stdin) stops
/// with exit 2, because its next lines may depend on what the lost one did. The command that
/// was running is never retried: it may or may not have committed, and only the person can
/// tell whether running it again is right.
public struct Reconnection: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case connected
        /// The loss was noticed and a new session is being opened; `duringCommand` when a
        /// command was running as it broke (it may or may not have committed).
        case reconnecting(duringCommand: Bool)
        case gaveUp
    }

    public enum Event: Equatable, Sendable {
        /// Found dead before a command was sent (the server restarted while the shell was idle).
        case lostWhileIdle
        /// A command failed because the connection broke under it.
        case lostDuringCommand
        case reconnected
        case reconnectFailed
    }

    /// What the caller must do next.
    public enum Action: Equatable, Sendable {
        /// Open a new session with the same parameters, then report `.reconnected` or `.reconnectFailed`.
        case reconnect
        /// Say this and carry on reading commands.
        case resume(message: String)
        /// Say this and exit 2.
        case exit(message: String)
        /// Nothing to do (an event that does not apply in this state).
        case none
    }

    public private(set) var state: State = .connected
    public let interactive: Bool

    public init(interactive: Bool) { self.interactive = interactive }

    static let lost = "connection to the server was lost"
    static let notCompleted = "the last command may not have completed"

    public mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.connected, .lostWhileIdle), (.connected, .lostDuringCommand):
            let duringCommand = event == .lostDuringCommand
            guard interactive else {
                state = .gaveUp
                return .exit(message: Self.lost)
            }
            state = .reconnecting(duringCommand: duringCommand)
            return .reconnect
        case (.reconnecting(let duringCommand), .reconnected):
            state = .connected
            return .resume(message: Self.lost + "; reconnected" + (duringCommand ? " (\(Self.notCompleted))" : ""))
        case (.reconnecting(let duringCommand), .reconnectFailed):
            state = .gaveUp
            return .exit(message: Self.lost + "; could not reconnect" + (duringCommand ? " (\(Self.notCompleted))" : ""))
        default:
            return .none
        }
    }
}
