import CobranzaStore

/// Runs one parsed domain command in the session: finds the command the invocation names and
/// hands it the session.
public struct CommandRunner {
    let context: CommandContext

    public init(session: Session, askPassword: @escaping (_ user: String) throws -> String) {
        context = CommandContext(session: session, askPassword: askPassword)
    }

    public func run(_ invocation: Invocation) throws -> CommandOutput {
        guard let command = CommandTable.byName[invocation.spec.name] else {
            throw UsageError("\(invocation.spec.name): not a command of this shell")
        }
        return try command.handler(invocation, context)
    }
}
