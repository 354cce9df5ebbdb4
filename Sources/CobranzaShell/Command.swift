import CobranzaStore

/// A domain command: what it accepts and the code that runs it, as one value (the way
/// argument-parser's `ParsableCommand` carries its `run()`), so no command can be listed
/// without a handler, and its name leads straight to the file that runs it.
public struct Command: Sendable {
    public typealias Handler = @Sendable (_ invocation: Invocation, _ context: CommandContext) throws -> CommandOutput

    public let spec: CommandSpec
    let handler: Handler

    init(_ spec: CommandSpec, run handler: @escaping Handler) {
        self.spec = spec
        self.handler = handler
    }
}

/// What a handler works with. Each command is one transaction inside the store, so a handler
/// that throws has changed nothing.
public struct CommandContext {
    public let session: Session
    /// Asks for a new password (a new person's, or `password`'s); the shell supplies a no-echo
    /// prompt or refuses.
    let askPassword: (_ user: String) throws -> String
    /// Writes output as it is made, before the command returns (`case export`, which streams
    /// every row rather than hold them for one table); the shell's standard output.
    let write: (String) -> Void
    /// A long command's progress report counting `unit` (`rows`): the shell draws it on a
    /// terminal and throws `WorkCancelled` from it after Ctrl-C.
    let progress: (_ unit: String) -> WorkProgress.Handler

    var isStaff: Bool { session.identity.kind.isStaff }
}
