import CobranzaCore

/// Every domain command the shell knows. Adding a command means adding it here and to
/// `CommandRunner`; help, parsing and completion follow from this table.
public enum CommandTable {
    static func option(_ name: String, _ value: String? = nil, _ kind: ValueKind = .text, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: value, kind: kind, isRequired: required, help: help)
    }

    static let roles = PersonKind.allCases.map(\.rawValue)
    static let countries = Country.allCases.map(\.code)

    public static let all: [CommandSpec] = [
        CommandSpec(
            words: ["client", "add"],
            arguments: [ArgumentSpec(name: "CODE", kind: .text, help: "short code for the client, e.g. ACME")],
            options: [
                option("name", "TEXT", required: true, help: "legal name"),
                option("tax-id", "ID", required: true, help: "RUT (CL), NIT (CO) or RFC (MX), check digit included"),
                option("country", "CL|CO|MX", .choice(countries), required: true, help: "country of the client"),
                option("currency", "CODE", help: "invoicing currency (default: the country's)"),
            ],
            summary: "add an SME client (admins only)",
            examples: ["client add ACME --name 'Acme SpA' --tax-id 76.123.456-0 --country CL"]),
        CommandSpec(
            words: ["client", "list"], arguments: [], options: [],
            summary: "list the clients you can see (an SME user sees its own)",
            examples: ["client list"]),
        CommandSpec(
            words: ["client", "show"],
            arguments: [ArgumentSpec(name: "CODE", kind: .clientCode, help: "client code")],
            options: [], summary: "show one client", examples: ["client show ACME"]),
        CommandSpec(
            words: ["user", "add"],
            arguments: [ArgumentSpec(name: "NAME", kind: .text, help: "login name: lowercase letters, digits, _")],
            options: [
                option("role", "admin|collector|lawyer|client", .choice(roles), required: true, help: "what the person is"),
                option("client", "CODE", .clientCode, help: "the SME an SME user belongs to (role client only)"),
                option("password-file", "FILE", .file, help: "read the password from FILE instead of asking"),
            ],
            summary: "add a person who can log in (admins only)",
            examples: [
                "user add ana --role collector",
                "user add maria --role client --client ACME --password-file /run/secrets/maria",
            ]),
        CommandSpec(
            words: ["user", "list"], arguments: [], options: [],
            summary: "list people (an SME user sees its own colleagues)", examples: ["user list"]),
        CommandSpec(
            words: ["user", "disable"],
            arguments: [ArgumentSpec(name: "NAME", kind: .userName, help: "login name")],
            options: [], summary: "stop a person from logging in (admins only)",
            examples: ["user disable ana"]),
        CommandSpec(
            words: ["whoami"], arguments: [], options: [],
            summary: "show who you are logged in as", examples: ["whoami"]),
        CommandSpec(
            words: ["help"],
            arguments: [ArgumentSpec(name: "[COMMAND]", kind: .text, help: "a command or its first word")],
            options: [], summary: "list commands, or explain one", examples: ["help", "help client add"]),
    ]

    /// The distinct first words, for suggestions and completion.
    public static var topics: [String] {
        var seen: [String] = []
        for spec in all where !seen.contains(spec.words[0]) { seen.append(spec.words[0]) }
        return seen
    }
}
