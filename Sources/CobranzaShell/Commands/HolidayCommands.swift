import CobranzaCore
import CobranzaStore

/// The public holidays of each country (0055): what contact windows, the posting withdrawal
/// deadline and letters' reply dates skip. Staff read them; admins add a regional or decreed
/// holiday and remove one (the database allows only admins, and audits both).
enum HolidayCommands {
    static let countryOption = CommandTable.option("country", "CL|CO|MX", .choice(["CL", "CO", "MX"]), required: true, help: "the country")

    static func country(_ invocation: Invocation) -> Country {
        Country(code: invocation.option("country")!)!
    }

    static let list = Command(CommandSpec(
        words: ["holiday", "list"], arguments: [],
        options: [countryOption, CommandTable.option("year", "YYYY", .count(2000...2100, unit: "a year from 2000 to 2100"), help: "only this year")],
        summary: "list a country's public holidays",
        examples: ["holiday list --country CL --year 2026"])
    ) { invocation, context in
        let days = try context.session.holidays.list(country: country(invocation), year: invocation.count("year"))
        return .table(ResultTable(
            columns: [.init("day"), .init("weekday"), .init("name"), .init("source"), .init("added_by")],
            rows: days.map { [$0.day.description, weekday($0.day), $0.name, $0.source, $0.addedBy] }))
    }

    static let add = Command(CommandSpec(
        words: ["holiday", "add"],
        arguments: [CommandTable.argument("DATE", .date, help: "the day")],
        options: [countryOption, CommandTable.option("name", "TEXT", required: true, help: "the holiday's name"),
                  CommandTable.option("source", "TEXT", help: "the law or decree that makes it a holiday")],
        summary: "add a public holiday, e.g. a regional one (admins)",
        examples: ["holiday add 2026-06-07 --country CL --name 'Asalto y Toma del Morro de Arica' --source 'Ley 20.663 (Arica y Parinacota)'"],
        fieldLabels: ["day": "DATE"])
    ) { invocation, context in
        let day = try context.session.holidays.add(country: country(invocation), day: invocation.date("DATE")!,
                                                   name: invocation.option("name")!, source: invocation.option("source"))
        return .message("Holiday \(day.day) (\(weekday(day.day))) \(day.name) added for \(day.country).")
    }

    static let remove = Command(CommandSpec(
        words: ["holiday", "remove"],
        arguments: [CommandTable.argument("DATE", .date, help: "the day")],
        options: [countryOption],
        summary: "remove a public holiday (admins)",
        examples: ["holiday remove 2026-06-07 --country CL"],
        fieldLabels: ["day": "DATE"])
    ) { invocation, context in
        let day = try context.session.holidays.remove(country: country(invocation), day: invocation.date("DATE")!)
        return .message("Holiday \(day.day) \(day.name) removed for \(day.country).")
    }

    static func weekday(_ day: CalendarDate) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][day.isoWeekday - 1]
    }
}
