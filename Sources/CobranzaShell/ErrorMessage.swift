import Foundation
import Postgres
import CobranzaStore

/// Turns any failure into the one line a person sees: never a stack trace, never a bare
/// SQLSTATE. Server errors keep their message (our functions word them for people) and add
/// the detail when it helps.
///
/// Refusals quote what was typed or read (an unknown command, a file's unknown column, a bad
/// value, a server message quoting a stored value), so their control characters are escaped as
/// the renderer escapes data (`TerminalText`): an error line never recolours the terminal.
/// Line breaks the message is made of (a file's problems, one a line) stay.
public enum ErrorMessage {
    public static func line(for error: any Error) -> String {
        TerminalText.escaped(unescaped(error), keepingLineBreaks: true)
    }

    static func unescaped(_ error: any Error) -> String {
        switch error {
        case let usage as UsageError: return usage.message
        case let store as StoreError: return store.message
        case let refusal as Placements.Refusal:
            // Each problem on its own line; a line break inside one (a quoted field) is escaped.
            return ([refusal.headline + " (--skip-invalid imports the good rows)"] + refusal.listing.map { TerminalText.escaped($0) })
                .joined(separator: "\n  ")
        case let postgres as PostgresError: return postgresLine(for: postgres)
        default: return String(describing: error)
        }
    }

    static func postgresLine(for error: PostgresError) -> String {
        switch error.kind {
        case .connectionLost:
            return "connection to the database was lost: \(firstLine(error.message))"
        case .connect:
            return "could not connect: \(connectFailure(error.message))"
        case .client, .server:
            break
        }
        if error.sqlState == .queryCanceled { return "cancelled" }
        if error.sqlState == .lockNotAvailable { return lockWait(error) }
        if error.sqlState == .insufficientPrivilege {
            return "not allowed: \(firstLine(error.message)) (your role does not grant this)"
        }
        var text = firstLine(error.message)
        if let detail = error.detail, !detail.isEmpty { text += " (\(firstLine(detail)))" }
        return text
    }

    /// A lock wait that outlasted `lock_timeout`. Our functions say what they waited for in
    /// the message (billing); the server's own "canceling statement due to lock timeout" says
    /// it only in the context (`while locking tuple (0,1) in relation "collection_case"`).
    static func lockWait(_ error: PostgresError) -> String {
        let message = firstLine(error.message)
        guard message.hasPrefix("canceling statement due to lock timeout") else { return message }
        let relation = error.context.flatMap { context -> String? in
            guard let start = context.range(of: "relation \""),
                  let end = context[start.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(context[start.upperBound..<end])
        }
        return "gave up waiting for a lock another session holds" + (relation.map { " on \($0)" } ?? "") + "; try again"
    }

    /// Why a connect failed. libpq writes a line per host it tried (a multi-host conninfo, as
    /// in a failover: the first refused, the second still read-only), each with hint lines
    /// indented under it; each host's line is said, since the last is often the one that tells
    /// what to do. One host: its reason alone, as before.
    static func connectFailure(_ text: String) -> String {
        let attempts = text.split(separator: "\n").filter { $0.hasPrefix("connection to server ") }
        guard attempts.count > 1 else { return serverReason(firstLine(text)) }
        return attempts.joined(separator: "; ")
    }

    /// libpq prefixes the server's refusal with where it tried (`connection to server on socket
    /// "…" failed: FATAL:  …`); when the server answered, its reason is the useful part.
    static func serverReason(_ text: String) -> String {
        guard let range = text.range(of: "FATAL:") else { return text }
        return text[range.upperBound...].trimmingCharacters(in: .whitespaces)
    }

    private static func firstLine(_ text: String) -> String {
        let stripped = text.hasPrefix("ERROR:") ? String(text.dropFirst(6)).trimmingCharacters(in: .whitespaces) : text
        return stripped.split(separator: "\n").first.map(String.init) ?? stripped
    }

    /// Whether the failure means the connection is gone (exit code 2).
    public static func isConnectionLost(_ error: any Error) -> Bool {
        (error as? PostgresError)?.kind == .connectionLost
    }

    /// Ctrl-C, caught either between rows (`WorkCancelled`) or by the server's cancel request.
    /// A statement or lock timeout is also `query_canceled`, but it is a failure, not the user
    /// stopping the work: the server says "due to user request" only for a cancel request.
    public static func isCancellation(_ error: any Error) -> Bool {
        if error is WorkCancelled { return true }
        guard let postgres = error as? PostgresError, postgres.sqlState == .queryCanceled else { return false }
        return postgres.message.contains("user request")
    }
}
