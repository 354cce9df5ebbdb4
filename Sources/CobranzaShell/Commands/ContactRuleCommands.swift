import CobranzaCore
import CobranzaStore

/// The country rule packs every contact is held to (0055), as data with their legal sources.
enum ContactRuleCommands {
    static let show = Command(CommandSpec(
        words: ["rules", "show"], arguments: [],
        options: [CommandTable.option("country", "CL|CO|MX", .choice(["CL", "CO", "MX"]), help: "one country (default: all three)")],
        summary: "print the contact rules in force for each country, with their sources (staff)",
        examples: ["rules show --country CO"])
    ) { invocation, context in
        let countries = invocation.option("country").flatMap { Country(code: $0) }.map { [$0] } ?? [.chile, .colombia, .mexico]
        let today = try context.session.today()
        var sections: [CommandOutput.Section] = []
        for country in countries {
            let pack = try context.session.contactRules.pack(country: country, on: today)
            let title = pack.first.map { "Contact rules for \(country.code) in force on \(today) (pack of \($0.effectiveFrom); hours in the debtor's time zone)" }
                ?? "No contact rules for \(country.code) in force on \(today)"
            sections.append(.init(title, ResultTable(
                columns: [.init("rule"), .init("contacts"), .init("limit"), .init("source"), .init("notes")],
                rows: pack.map { [$0.code, $0.kinds.joined(separator: ", "), $0.limit, $0.source, $0.notes] })))
        }
        return .sections(sections)
    }
}
