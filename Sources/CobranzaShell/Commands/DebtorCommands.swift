import CobranzaCore
import CobranzaStore

/// A client's debtors: who owes, and how to reach them.
enum DebtorCommands {
    static func details(nameRequired: Bool) -> [OptionSpec] {
        [
            CommandTable.option("name", "TEXT", required: nameRequired, help: "name or company name"),
            CommandTable.option("kind", "company|person", .choice(["company", "person"]), help: "default company"),
            CommandTable.option("salutation", "señor|señora", help: "how a letter addresses a person (unknown: Señor(a))"),
            CommandTable.option("email", "TEXT", help: "email address"),
            CommandTable.option("phone", "TEXT", help: "phone number"),
            CommandTable.option("address", "TEXT", help: "street address"),
            CommandTable.option("city", "TEXT", help: "city"),
            CommandTable.option("region", "TEXT", help: "region or state"),
            // Text, not a choice: zone names are mixed case, and the store names the country's own.
            CommandTable.option("time-zone", "ZONE", help: "the debtor's zone for contact hours, one of its country's "
                                + "(default: its country's main zone, e.g. America/Santiago)"),
        ]
    }

    static let add = Command(CommandSpec(
        words: ["debtor", "add"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's RUT, NIT or RFC (the client's country)")],
        options: details(nameRequired: true) + [CommandTable.clientOption],
        summary: "add a debtor of a client",
        examples: ["debtor add 96.543.210-8 --name 'Ferretería Sur Ltda' --city Temuco --client ACME",
                   "debtor add 96.543.210-8 --name 'Pesquera Austral' --city 'Punta Arenas' --time-zone America/Punta_Arenas --client ACME"],
        fieldLabels: ["time_zone": "--time-zone"])
    ) { invocation, context in
        let debtor = try context.session.debtors.add(
            taxID: invocation.argument("TAX_ID")!, details: details(invocation), client: invocation.option("client"))
        return .message("Debtor \(debtor.taxID) \(debtor.name) added for client \(debtor.client).")
    }

    static let edit = Command(CommandSpec(
        words: ["debtor", "edit"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's tax id")],
        options: details(nameRequired: false) + [CommandTable.clientOption],
        summary: "change a debtor's name or contact details (staff)",
        examples: ["debtor edit 96.543.210-8 --phone '+56 9 1234 5678' --client ACME"],
        fieldLabels: ["time_zone": "--time-zone"])
    ) { invocation, context in
        let debtor = try context.session.debtors.edit(
            taxID: invocation.argument("TAX_ID")!, details: details(invocation), client: invocation.option("client"))
        return .table(debtorTable([debtor]))
    }

    static let show = Command(CommandSpec(
        words: ["debtor", "show"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's tax id")],
        options: [CommandTable.clientOption], summary: "show one debtor; for admins and collectors with its payment grade A-D (debtor history)",
        examples: ["debtor show 96.543.210-8 --client ACME"])
    ) { invocation, context in
        let debtor = try context.session.debtors.show(taxID: invocation.argument("TAX_ID")!, client: invocation.option("client"))
        var table = debtorTable([debtor])
        // The grade is the agency's credit check across clients: never an SME's to read.
        if [.admin, .collector].contains(context.session.identity.kind),
           let id = Country(code: debtor.country).flatMap({ try? TaxID.parse(debtor.taxID, country: $0).get() }) {
            table.columns.append(.init("grade"))
            table.rows[0].append(try context.session.debtors.grade(id) ?? "-")
        }
        table.columns.append(.init("time_zone"))
        table.rows[0].append(debtor.timeZone)
        var sections: [CommandOutput.Section] = []
        // The channels it authorised (what Colombia's rules let the agency use): staff only.
        if [.admin, .collector].contains(context.session.identity.kind) {
            let channels = try context.session.debtors.authorisations(taxID: invocation.argument("TAX_ID")!, client: invocation.option("client"))
            if !channels.isEmpty {
                sections.append(.init("Authorised channels", ResultTable(
                    columns: [.init("channel"), .init("authorised_on"), .init("source")],
                    rows: channels.map { [$0.channel, $0.on, $0.source] })))
            }
        }
        // The channels it refused: its client reads them too (0077), so it knows why a notice did not go.
        let optOuts = context.session.identity.kind == .lawyer ? []
            : try context.session.debtors.optOuts(taxID: invocation.argument("TAX_ID")!, client: invocation.option("client"))
        if !optOuts.isEmpty { sections.append(optOutSection(optOuts)) }
        return sections.isEmpty ? .table(table) : .sections([.init("Debtor", table)] + sections)
    }

    static func optOutSection(_ optOuts: [DebtorOptOut]) -> CommandOutput.Section {
        .init("Opted out", ResultTable(columns: [.init("channel"), .init("opted_out_on"), .init("source")],
                                       rows: optOuts.map { [$0.channel, $0.on.description, $0.source] }))
    }

    static let contact = Command(CommandSpec(
        words: ["debtor", "contact"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's tax id")],
        options: [CommandTable.option("email", "ADDR", help: "the address notices by email go to"),
                  CommandTable.option("phone", "NUMBER", help: "for SMS and WhatsApp, in international form (+56 9 1234 5678)"),
                  CommandTable.option("opt-out", "CHANNEL[,CHANNEL…]", help: "channels the debtor refused: email, sms, whatsapp (nothing is sent through them)"),
                  CommandTable.option("opt-in", "CHANNEL[,CHANNEL…]", help: "channels the debtor takes back"),
                  CommandTable.option("source", "TEXT", help: "where the debtor refused a channel, kept with --opt-out (a reply BAJA, a call)"),
                  CommandTable.clientOption],
        summary: "set how notices reach a debtor: email, phone, channels refused (staff)",
        examples: ["debtor contact 96.543.210-8 --email pagos@sur.cl --phone '+56 9 5555 1234' --client ACME",
                   "debtor contact 96.543.210-8 --opt-out sms,whatsapp --source 'respondió BAJA' --client ACME",
                   "debtor contact 96.543.210-8 --opt-in sms --client ACME"])
    ) { invocation, context in
        let split = { (name: String) in (invocation.option(name) ?? "").split(separator: ",").map(String.init) }
        let result = try context.session.debtors.contact(
            taxID: invocation.argument("TAX_ID")!, client: invocation.option("client"),
            change: Debtors.ContactChange(email: invocation.option("email"), phone: invocation.option("phone"),
                                          optOut: split("opt-out"), optIn: split("opt-in"), source: invocation.option("source")))
        let table = debtorTable([result.debtor])
        // After an --opt-out or --opt-in, the channels refused now, even none.
        let changedChannels = invocation.option("opt-out") != nil || invocation.option("opt-in") != nil
        return result.optOuts.isEmpty && !changedChannels ? .table(table) : .sections([.init("Debtor", table), optOutSection(result.optOuts)])
    }

    static let authorize = Command(CommandSpec(
        words: ["debtor", "authorize"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's tax id")],
        options: [CommandTable.option("channel", "CHANNEL", .choice(ContactKinds.channels), required: true,
                                      help: ContactKinds.channels.joined(separator: "|")),
                  CommandTable.option("on", "DATE", .date, required: true, help: "the day the debtor authorised it"),
                  CommandTable.option("source", "TEXT", required: true, help: "where the authorisation is recorded (a signed form, a call recording)"),
                  CommandTable.clientOption],
        summary: "record a channel the debtor authorised (Colombia contacts only through these; staff)",
        examples: ["debtor authorize 900.123.456-8 --channel email --on 2026-11-02 --source 'formulario firmado 2026-11-02' --client ANDES"],
        fieldLabels: ["authorised_on": "--on"])
    ) { invocation, context in
        let channel: String = invocation.option("channel")!
        try context.session.debtors.authorize(taxID: invocation.argument("TAX_ID")!, client: invocation.option("client"), channel: channel,
                                              on: invocation.date("on")!, source: invocation.option("source")!)
        return .message("Debtor \(invocation.argument("TAX_ID")!) authorised \(channel) on \(invocation.date("on")!).")
    }

    static let list = Command(CommandSpec(
        words: ["debtor", "list"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("search", "TEXT", help: "name or tax id contains TEXT"), CommandTable.limitOption],
        summary: "list debtors", examples: ["debtor list --client ACME --search sur"])
    ) { invocation, context in
        .table(debtorTable(try context.session.debtors.list(
            client: invocation.option("client"), search: invocation.option("search"), limit: Formatting.limit(invocation))))
    }

    static func debtorTable(_ debtors: [DebtorRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("client"), .init("tax_id"), .init("name"), .init("kind"), .init("salutation"), .init("email"), .init("phone"), .init("city"),
                      .init("region"), .init("open_cases", .number)],
            rows: debtors.map { [$0.client, $0.taxID, $0.name, $0.kind, $0.salutation, $0.email, $0.phone, $0.city, $0.region, String($0.openCases)] })
    }

    static func details(_ invocation: Invocation) -> Debtors.Details {
        Debtors.Details(
            name: invocation.option("name"), kind: invocation.option("kind")?.lowercased(), email: invocation.option("email"),
            phone: invocation.option("phone"), address: invocation.option("address"), city: invocation.option("city"),
            region: invocation.option("region"), salutation: invocation.option("salutation"), timeZone: invocation.option("time-zone"))
    }
}
