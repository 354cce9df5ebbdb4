import CobranzaCore
import CobranzaStore
import Foundation

/// Executes one parsed domain command in the session and describes the result. Each command
/// is one transaction (inside the store), so a failure changes nothing.
public struct CommandRunner {
    let session: Session
    /// Asks for a new person's password; the shell supplies a no-echo prompt or refuses.
    let askPassword: (_ user: String) throws -> String

    public init(session: Session, askPassword: @escaping (_ user: String) throws -> String) {
        self.session = session
        self.askPassword = askPassword
    }

    public func run(_ invocation: Invocation) throws -> CommandOutput {
        switch invocation.spec.name {
        case "client add":
            let client = try session.clients.add(Clients.NewClient(
                code: invocation.argument("CODE")!, legalName: invocation.option("name")!,
                taxID: invocation.option("tax-id")!, country: invocation.option("country")!,
                currency: invocation.option("currency")))
            return .message("Client \(client.code) added (\(client.legalName), \(client.country), \(client.currency)).")
        case "client list":
            return .table(Self.clientTable(try session.clients.list()))
        case "client show":
            return .table(Self.clientTable([try session.clients.show(invocation.argument("CODE")!)]))
        case "user add":
            let name = invocation.argument("NAME")!
            let kind = PersonKind(rawValue: invocation.option("role")!.lowercased())!
            let password = try invocation.option("password-file").map(Self.readPasswordFile) ?? askPassword(name)
            try session.users.add(name: name, kind: kind, clientCode: invocation.option("client"), password: password)
            let scope = invocation.option("client").map { " for client \($0.uppercased())" } ?? ""
            return .message("User \(name) added as \(kind.rawValue)\(scope).")
        case "user list":
            let people = try session.users.list()
            return .table(ResultTable(
                columns: [.init("user"), .init("role"), .init("client"), .init("disabled", .boolean), .init("added_by")],
                rows: people.map { [$0.name, $0.kind.rawValue, $0.clientCode, $0.disabled ? "yes" : "no", $0.createdBy] }))
        case "user disable":
            let name = invocation.argument("NAME")!
            try session.users.disable(name: name)
            return .message("User \(name) disabled: it can no longer log in.")
        case "whoami":
            let me = session.identity
            return .table(ResultTable(
                columns: [.init("user"), .init("role"), .init("client"), .init("client_name")],
                rows: [[me.user, me.kind.rawValue, me.clientCode ?? "agency", me.clientName]]))
        case "help":
            if let topic = invocation.argument("COMMAND") {
                guard let text = HelpText.detail(topic) else {
                    let hint = Suggestion.nearest(to: topic, in: CommandTable.topics).map { " (did you mean \"\($0)\"?)" } ?? ""
                    throw UsageError("help: no command \"\(topic)\"\(hint)")
                }
                return .message(String(text.dropLast()))
            }
            return .message(String(HelpText.overview().dropLast()))
        default:
            return try runIntake(invocation)
        }
    }

    static func clientTable(_ clients: [ClientRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("code"), .init("name"), .init("tax_id"), .init("country"), .init("currency"), .init("users", .number)],
            rows: clients.map { [$0.code, $0.legalName, $0.taxID, $0.country, $0.currency, String($0.userCount)] })
    }

    static func readPasswordFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("--password-file: cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
