import CobranzaStore
import Postgres

/// Runs one parsed domain command in the session: finds the command the invocation names and
/// hands it the session.
public struct CommandRunner {
    let context: CommandContext

    public init(session: Session, write: @escaping (String) -> Void = { _ in },
                progress: @escaping (_ unit: String) -> WorkProgress.Handler = { _ in WorkProgress.ignore },
                askPassword: @escaping (_ user: String) throws -> String) {
        context = CommandContext(session: session, askPassword: askPassword, write: write, progress: progress)
    }

    public func run(_ invocation: Invocation) throws -> CommandOutput {
        guard let command = CommandTable.byName[invocation.spec.name] else {
            throw UsageError("\(invocation.spec.name): not a command of this shell")
        }
        do {
            return try command.handler(invocation, context)
        } catch let refusal as StoreError where !refusal.fields.isEmpty || !refusal.others.isEmpty || !refusal.mentions.isEmpty {
            throw UsageError(refusal.labelled(invocation.spec.label))
        } catch let error as PostgresError where error.kind == .server && error.column != nil {
            // A database rule that names its column: point at the flag that set it instead.
            let refusal = StoreError(refusing: error)
            guard !refusal.fields.isEmpty else { throw error }
            throw UsageError(refusal.labelled(invocation.spec.label) + (error.detail.map { " (\($0))" } ?? ""))
        }
    }
}
