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
            CommandTable.option("connections", "N", .count(1...100, unit: "sessions"),
                                help: "sessions the person may hold at once (default: client 4, collector and lawyer 10, admin 20)"),
        ],
        summary: "add a person who can log in (admins only)",
        examples: [
            "user add ana --role collector",
            "user add maria --role client --client ACME --password-file /run/secrets/maria",
            "user add batch --role collector --connections 30",
        ],
        fieldLabels: ["password": "--password-file"])
    ) { invocation, context in
        let name = invocation.argument("NAME")!
        let kind = PersonKind(rawValue: invocation.option("role")!.lowercased())!
        let password = try invocation.option("password-file").map(readPasswordFile) ?? context.askPassword(name)
        try context.session.users.add(name: name, kind: kind, clientCode: invocation.option("client"), password: password,
                                      connections: invocation.count("connections"))
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
        options: [CommandTable.option("reassign-to", "USER", .userName,
                                      help: "an enabled collector or lawyer who takes over the person's open cases, in the same transaction")],
        summary: "stop a person from logging in and end their sessions; refused while they hold open cases unless --reassign-to (admins only)",
        examples: ["user disable ana", "user disable ana --reassign-to pedro"])
    ) { invocation, context in
        let name = invocation.argument("NAME")!
        let moved = try context.session.users.disable(name: name, reassignTo: invocation.option("reassign-to"))
        let cases = moved.isEmpty ? "" : " Its \(moved.count) open case(s) (\(moved.joined(separator: ", "))) now belong to \(invocation.option("reassign-to")!)."
        return .message("User \(name) disabled: it can no longer log in.\(cases)")
    }

    static let enable = Command(CommandSpec(
        words: ["user", "enable"],
        arguments: [CommandTable.argument("NAME", .userName, help: "login name")],
        options: [], summary: "let a disabled person log in again (admins only)",
        examples: ["user enable ana"])
    ) { invocation, context in
        let name = invocation.argument("NAME")!
        try context.session.users.enable(name: name)
        return .message("User \(name) enabled: it can log in again.")
    }

    /// psql's `\\password`: the password is turned into a SCRAM verifier here and only that is
    /// sent, so it never appears in the server's log.
    static let password = Command(CommandSpec(
        words: ["password"],
        arguments: [CommandTable.argument("[NAME]", .userName, help: "whose password (default: yours; someone else's: admins only)")],
        options: [CommandTable.option("password-file", "FILE", .file, help: "read the new password from FILE instead of asking")],
        summary: "change your password, or (admins) someone else's",
        examples: ["password", "password ana --password-file /run/secrets/ana"],
        fieldLabels: ["password": "--password-file"])
    ) { invocation, context in
        let name = invocation.argument("NAME")
        let whose = name ?? context.session.identity.user
        let password = try invocation.option("password-file").map(readPasswordFile) ?? context.askPassword(whose)
        try context.session.users.setPassword(name: name, password: password)
        return .message("Password of \(whose) changed.")
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
