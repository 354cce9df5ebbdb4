import CobranzaCore
import CobranzaStore

/// The agency's clients (the SMEs) and the versions of their contracts.
enum ClientCommands {
    static let add = Command(CommandSpec(
        words: ["client", "add"],
        arguments: [CommandTable.argument("CODE", help: "short code for the client, e.g. ACME")],
        options: [
            CommandTable.option("name", "TEXT", required: true, help: "legal name"),
            CommandTable.option("tax-id", "ID", required: true, help: "RUT (CL), NIT (CO) or RFC (MX), check digit included"),
            CommandTable.option("country", "CL|CO|MX", .choice(Country.allCases.map(\.code)), required: true, help: "country of the client"),
            CommandTable.option("currency", "CODE", help: "invoicing currency (default: the country's)"),
        ],
        summary: "add an SME client (admins only)",
        examples: ["client add ACME --name 'Acme SpA' --tax-id 76.123.456-0 --country CL"])
    ) { invocation, context in
        let client = try context.session.clients.add(Clients.NewClient(
            code: invocation.argument("CODE")!, legalName: invocation.option("name")!,
            taxID: invocation.option("tax-id")!, country: invocation.option("country")!,
            currency: invocation.option("currency")))
        return .message("Client \(client.code) added (\(client.legalName), \(client.country), \(client.currency)).")
    }

    static let list = Command(CommandSpec(
        words: ["client", "list"], arguments: [], options: [],
        summary: "list the clients you can see (an SME user sees its own)",
        examples: ["client list"])
    ) { _, context in
        .table(clientTable(try context.session.clients.list()))
    }

    static let show = Command(CommandSpec(
        words: ["client", "show"],
        arguments: [CommandTable.argument("CODE", .clientCode, help: "client code")],
        options: [], summary: "show one client", examples: ["client show ACME"])
    ) { invocation, context in
        .table(clientTable([try context.session.clients.show(invocation.argument("CODE")!)]))
    }

    static let edit = Command(CommandSpec(
        words: ["client", "edit"],
        arguments: [CommandTable.argument("CODE", .clientCode, help: "client code")],
        options: [
            CommandTable.option("name", "TEXT", help: "legal name"),
            CommandTable.option("contact", "TEXT", help: "who to talk to at the client: name, email, phone"),
            CommandTable.option("tax-id", "ID", help: "corrects the tax id; only before the client's first case"),
        ],
        summary: "change a client's name, contact or (before its first case) tax id (admins only)",
        examples: ["client edit ACME --contact 'Ana Pérez, ana@acme.cl, +56 9 1234 5678'", "client edit ACME --name 'Acme Distribuidora SpA'"])
    ) { invocation, context in
        .table(clientTable([try context.session.clients.edit(invocation.argument("CODE")!, changes: Clients.Changes(
            legalName: invocation.option("name"), contact: invocation.option("contact"), taxID: invocation.option("tax-id")))]))
    }

    static let contractSet = Command(CommandSpec(
        words: ["client", "contract", "set"],
        arguments: [CommandTable.argument("CODE", .clientCode, help: "client code")],
        options: [
            CommandTable.option("extrajudicial-rate", "PCT", .percent, help: "fee on money recovered before court, e.g. 15 (required the first time)"),
            CommandTable.option("judicial-rate", "PCT", .percent, help: "fee once the case is judicial, e.g. 25 (required the first time)"),
            CommandTable.option("surcharge-12m", "PCT", .percent, help: "added to the rate on the part of a payment allocated to an invoice over 12 calendar months overdue when placed"),
            CommandTable.option("surcharge-24m", "PCT", .percent, help: "added instead for an invoice over 24 months overdue when placed"),
            CommandTable.option("minimum-fee", "AMOUNT", .amount, help: "least fee per payment, in the client's currency; any fee is capped at half of its payment (rounded down)"),
            CommandTable.option("vat", "PCT", .percent, help: "VAT on the fee (default by country: CL 19, CO 19, MX 16)"),
            CommandTable.option("direct-payments-earn", "yes|no", .choice(["yes", "no"]), help: "payments made straight to the client earn the fee (default yes)"),
            CommandTable.option("remittance", "net|gross", .choice(FeeContract.Remittance.allCases.map(\.rawValue)), help: "net: keep the fee from collections; gross: remit all, invoice the fee"),
            CommandTable.option("posting-consent", "yes|no", .choice(["yes", "no"]), help: "the client allows public debt posting"),
            CommandTable.option("judicial-threshold", "AMOUNT", .amount, help: "smallest debt that may go to court without an override"),
            CommandTable.option("promise-grace", "DAYS", .count(0...60, unit: "days"), help: "days after a promise's due date a payment still keeps it (default 3)"),
            CommandTable.option("max-discount", "PCT", .percent, help: "largest discount an instalment agreement may give (default 0)"),
            CommandTable.option("posting-notice", "DAYS", .count(0...365, unit: "days"), help: "days of notice before posting a Chilean or Mexican debtor (default 15; Colombia is 20 by law)"),
            CommandTable.option("default-after", "DAYS", .count(1...365, unit: "days"), help: "days an instalment may stay unpaid before its agreement is in default (default 30)"),
            CommandTable.option("follow-up", "DAYS", .count(1...365, unit: "days"), help: "days an assigned open case may go without a step before it shows in the agenda (default 7)"),
            CommandTable.option("pre-due", "DAYS", .count(0...60, unit: "days"), help: "pre-collection: invoices due within the next DAYS days may be placed, so a ladder's pre-due reminder is sent (default 0: only invoices already due)"),
            CommandTable.option("court-costs", "client|debtor|agency", .choice(CourtCostBearer.allCases.map(\.rawValue)), help: "who bears court costs recorded on a referral: client (default; billed as their own lines on the next fee invoice), debtor (added to what the case owes, collected after the invoices, earning no fee) or agency (absorbed)"),
            CommandTable.option("court-costs-vat", "yes|no", .choice(["yes", "no"]), help: "court costs billed to the client carry VAT (default no: a pass-through)"),
            CommandTable.option("effective", "DATE", .date, help: "when the version takes effect (default today; never before the last one)"),
        ],
        summary: "add a version of a client's contract; unchanged terms carry over (admins)",
        examples: ["client contract set ACME --extrajudicial-rate 15 --judicial-rate 25 --minimum-fee 5.000",
                   "client contract set ACME --vat 19 --effective 2026-07-01", "client contract set ACME --pre-due 5"],
        fieldLabels: ["client": "CODE", "effective_on": "--effective"])
    ) { invocation, context in
        var changes = Contracts.Changes()
        changes.extrajudicialRate = invocation.percent("extrajudicial-rate")
        changes.judicialRate = invocation.percent("judicial-rate")
        changes.surcharge12 = invocation.percent("surcharge-12m")
        changes.surcharge24 = invocation.percent("surcharge-24m")
        changes.minimumFee = invocation.amount("minimum-fee")
        changes.vat = invocation.percent("vat")
        changes.directEarns = invocation.option("direct-payments-earn").map { $0.lowercased() == "yes" }
        changes.remittance = invocation.choice("remittance")
        changes.postingConsent = invocation.option("posting-consent").map { $0.lowercased() == "yes" }
        changes.judicialThreshold = invocation.amount("judicial-threshold")
        changes.effective = invocation.date("effective")
        changes.promiseGraceDays = invocation.count("promise-grace")
        changes.maxDiscount = invocation.percent("max-discount")
        changes.postingNoticeDays = invocation.count("posting-notice")
        changes.agreementDefaultDays = invocation.count("default-after")
        changes.followUpDays = invocation.count("follow-up")
        changes.preDueDays = invocation.count("pre-due")
        changes.courtCosts = invocation.choice("court-costs")
        changes.courtCostsVAT = invocation.option("court-costs-vat").map { $0.lowercased() == "yes" }
        let contract = try context.session.contracts.set(client: invocation.argument("CODE")!, changes)
        return .message("Contract version \(contract.terms.version) for \(contract.client), effective \(contract.terms.effective): "
            + "\(contract.terms.extrajudicialRate) extrajudicial, \(contract.terms.judicialRate) judicial, VAT \(contract.terms.vatRate).")
    }

    static let contractShow = Command(CommandSpec(
        words: ["client", "contract", "show"],
        arguments: [CommandTable.argument("CODE", .clientCode, help: "client code")],
        options: [], summary: "a client's contract versions, newest last", examples: ["client contract show ACME"],
        fieldLabels: ["client": "CODE"])
    ) { invocation, context in
        let versions = try context.session.contracts.history(client: invocation.argument("CODE")!)
        guard !versions.isEmpty else { return .message("Client \(invocation.argument("CODE")!.uppercased()) has no contract yet (client contract set).") }
        let money = Formatting.money
        return .table(ResultTable(
            columns: [.init("version", .number), .init("effective"), .init("currency"), .init("extrajudicial"), .init("judicial"),
                      .init("surcharge_12m"), .init("surcharge_24m"), .init("minimum_fee", .money), .init("vat"), .init("direct_earns"),
                      .init("remittance"), .init("posting"), .init("judicial_threshold", .money), .init("promise_grace", .number),
                      .init("max_discount"), .init("posting_notice", .number), .init("default_after", .number),
                      .init("follow_up", .number), .init("pre_due", .number), .init("court_costs"), .init("court_costs_vat"), .init("set_by")],
            rows: versions.map { v in
                let t = v.terms
                return [String(t.version), t.effective.description, v.currency, t.extrajudicialRate.description, t.judicialRate.description,
                        t.surchargeOver12Months.description, t.surchargeOver24Months.description, money(t.minimumFee, v.currency),
                        t.vatRate.description, t.directPaymentsEarnFee ? "yes" : "no", t.remittance.rawValue,
                        v.postingConsent ? "yes" : "no", money(v.judicialThreshold, v.currency),
                        String(v.workflow.promiseGraceDays), v.workflow.maxDiscount.description,
                        String(v.workflow.postingNoticeDays), String(v.workflow.agreementDefaultDays),
                        String(v.workflow.followUpDays), String(v.workflow.preDueDays), v.courtCosts.rawValue, v.courtCostsVAT ? "yes" : "no", v.createdBy]
            }))
    }

    static func clientTable(_ clients: [ClientRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("code"), .init("name"), .init("tax_id"), .init("country"), .init("currency"), .init("users", .number), .init("contact")],
            rows: clients.map { [$0.code, $0.legalName, $0.taxID, $0.country, $0.currency, String($0.userCount), $0.contact] })
    }
}
