import CobranzaCore
import CobranzaStore
import Foundation

/// The people who log in: each one a PostgreSQL role of one kind, and who you are now.
enum UserCommands {
    static let add = Command(CommandSpec(
        words: ["user", "add"],
        arguments: [CommandTable.argument("NAME", help: "login name: lowercase letters, digits, _")],
        options: [
            CommandTable.option("role", "admin|collector|lawyer|client", .choice(PersonKind.allCases.map(\.rawValue)), required: true, help: "what the person is"),
            CommandTable.option("client", "CODE", .clientCode, help: "the SME an SME user belongs to (role client only)"),
            CommandTable.option("password-file", "FILE", .file, help: "read the password from FILE instead of asking"),
        ],
        summary: "add a person who can log in (admins only)",
        examples: [
            "user add ana --role collector",
            "user add maria --role client --client ACME --password-file /run/secrets/maria",
        ])
    ) { invocation, context in
        let name = invocation.argument("NAME")!
        let kind = PersonKind(rawValue: invocation.option("role")!.lowercased())!
        let password = try invocation.option("password-file").map(readPasswordFile) ?? context.askPassword(name)
        try context.session.users.add(name: name, kind: kind, clientCode: invocation.option("client"), password: password)
        let scope = invocation.option("client").map { " for client \($0.uppercased())" } ?? ""
        return .message("User \(name) added as \(kind.rawValue)\(scope).")
    }

    static let list = Command(CommandSpec(
        words: ["user", "list"], arguments: [], options: [],
        summary: "list people (an SME user sees its own colleagues)", examples: ["user list"])
    ) { _, context in
        let people = try context.session.users.list()
        return .table(ResultTable(
            columns: [.init("user"), .init("role"), .init("client"), .init("disabled", .boolean), .init("added_by")],
            rows: people.map { [$0.name, $0.kind.rawValue, $0.clientCode, $0.disabled ? "yes" : "no", $0.createdBy] }))
    }

    static let disable = Command(CommandSpec(
        words: ["user", "disable"],
        arguments: [CommandTable.argument("NAME", .userName, help: "login name")],
        options: [], summary: "stop a person from logging in (admins only)",
        examples: ["user disable ana"])
    ) { invocation, context in
        let name = invocation.argument("NAME")!
        try context.session.users.disable(name: name)
        return .message("User \(name) disabled: it can no longer log in.")
    }

    static let whoami = Command(CommandSpec(
        words: ["whoami"], arguments: [], options: [],
        summary: "show who you are logged in as", examples: ["whoami"])
    ) { _, context in
        let me = context.session.identity
        return .table(ResultTable(
            columns: [.init("user"), .init("role"), .init("client"), .init("client_name")],
            rows: [[me.user, me.kind.rawValue, me.clientCode ?? "agency", me.clientName]]))
    }

    /// The first line of the file: a password never comes from the command line itself,
    /// where history and `ps` would keep it.
    static func readPasswordFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("--password-file: cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
