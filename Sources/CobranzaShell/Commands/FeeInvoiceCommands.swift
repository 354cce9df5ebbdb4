import CobranzaCore
import CobranzaStore

/// The agency's success-fee invoices to its clients, and the credit notes that void them.
enum FeeInvoiceCommands {
    static let issue = Command(CommandSpec(
        words: ["fee", "invoice", "issue"], arguments: [],
        options: [CommandTable.option("client", "CODE", .clientCode, help: "one client (or --all)"),
                  CommandTable.option("all", help: "every client with fees not yet invoiced"),
                  CommandTable.option("period", "YYYY-MM", .month, required: true, help: "bill every fee earned up to the end of this month")],
        summary: "issue success-fee invoices, one per client and currency, with the court costs the client bears as their own lines (admins)",
        examples: ["fee invoice issue --client ACME --period 2026-03", "fee invoice issue --all --period 2026-03"])
    ) { invocation, context in
        let client = invocation.option("client")
        guard invocation.switches.contains("all") != (client != nil) else {
            throw UsageError("fee invoice issue: give --client CODE or --all (one of them)")
        }
        let period = invocation.month("period")!
        let issued = try context.session.feeInvoices.issue(client: client, period: period)
        guard !issued.isEmpty else {
            return .message("Nothing new to invoice up to the end of \(period)\(client.map { " for \($0.uppercased())" } ?? ""): no invoice issued.")
        }
        let money = Formatting.money
        // The court-cost column only when some invoice bills costs: most months none does.
        let withCosts = issued.contains { $0.costs != 0 }
        return .table(ResultTable(
            columns: [.init("invoice"), .init("client"), .init("lines", .number), .init("subtotal", .money)]
                + (withCosts ? [.init("court_costs", .money)] : []) + [.init("vat", .money), .init("total", .money)],
            rows: issued.map { [$0.number, $0.client, String($0.lines), money($0.subtotal, $0.currency)]
                + (withCosts ? [money($0.costs, $0.currency)] : []) + [money($0.vat, $0.currency), money($0.total, $0.currency)] }))
    }

    static let void = Command(CommandSpec(
        words: ["fee", "invoice", "void"],
        arguments: [CommandTable.argument("NUMBER", help: "invoice number, e.g. F-2026-000001")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "printed on the credit note")],
        summary: "void an invoice by issuing a credit note (admins)",
        examples: ["fee invoice void F-2026-000001 --reason 'wrong client tax id'"])
    ) { invocation, context in
        let number = invocation.argument("NUMBER")!.uppercased()
        let creditNote = try context.session.feeInvoices.void(number, reason: invocation.option("reason")!)
        return .message("Invoice \(number) voided by credit note \(creditNote); its fees (and court costs) will be billed again on the next issue.")
    }

    static let list = Command(CommandSpec(
        words: ["fee", "invoice", "list"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("period", "YYYY-MM", .month, help: "only invoices of this period"), CommandTable.limitOption],
        summary: "list fee invoices and credit notes", examples: ["fee invoice list --client ACME", "fee invoice list --period 2026-03"])
    ) { invocation, context in
        let documents = try context.session.feeInvoices.list(
            client: invocation.option("client"), period: invocation.month("period"), limit: Formatting.limit(invocation))
        let money = Formatting.money
        let withCosts = documents.contains { $0.costs != 0 }
        return .table(ResultTable(
            columns: [.init("number"), .init("kind"), .init("client"), .init("currency"), .init("issued"), .init("period"), .init("lines", .number),
                      .init("subtotal", .money)] + (withCosts ? [.init("court_costs", .money)] : [])
                + [.init("vat", .money), .init("total", .money), .init("status")],
            rows: documents.map { d in
                [d.number, d.kind == "invoice" ? "invoice" : "credit note", d.client, d.currency, d.issuedOn.description, d.period, String(d.lines),
                 money(d.subtotal, d.currency)] + (withCosts ? [money(d.costs, d.currency)] : [])
                    + [money(d.vat, d.currency), money(d.total, d.currency), status(d)]
            }))
    }

    static let show = Command(CommandSpec(
        words: ["fee", "invoice", "show"],
        arguments: [CommandTable.argument("NUMBER", help: "invoice or credit note number")],
        options: [], summary: "an invoice or credit note with its lines", examples: ["fee invoice show F-2026-000001"])
    ) { invocation, context in
        let (document, lines, costLines) = try context.session.feeInvoices.showWithCosts(invocation.argument("NUMBER")!)
        let money = Formatting.money
        let hasCosts = document.costs != 0
        let fields: [(String, String?)] = [
            (document.kind == "invoice" ? "invoice" : "credit_note", document.number),
            ("client", "\(document.clientName) (\(document.client), \(document.clientTaxIDFormatted))"),
            ("issued", document.issuedOn.description), ("period", document.period), ("currency", document.currency),
            ("subtotal", money(document.subtotal, document.currency)),
            ("court_costs", hasCosts ? money(document.costs, document.currency) : nil),
            ("court_costs_vat_rate", hasCosts ? document.costVATRate.description : nil),
            ("vat_rate", document.vatRate.description), ("vat", money(document.vat, document.currency)),
            ("total", money(document.total, document.currency)), ("status", status(document)),
            ("reason", document.reason), ("issued_by", document.issuedBy),
        ]
        var sections: [CommandOutput.Section] = [
            .init(document.kind == "invoice" ? "Fee invoice" : "Credit note", Formatting.record(fields.filter { $0.1 != nil },
                                                                                                      money: ["subtotal", "court_costs", "vat", "total"])),
            .init("Lines", ResultTable(
                columns: [.init("line", .number), .init("payment"), .init("case"), .init("debtor"), .init("paid_on"),
                          .init("recovered", .money), .init("stage"), .init("rate"), .init("fee", .money), .init("note")],
                rows: lines.map { l in
                    [String(l.lineNumber), l.payment.description, l.caseNumber, l.debtorName, l.paidOn.description,
                     money(l.amount, document.currency), l.stage, l.rate.description, money(l.fee, document.currency), l.note]
                })),
        ]
        if !costLines.isEmpty {
            // Their own lines: a pass-through of what the court charged, not a fee.
            sections.append(.init("Court costs", ResultTable(
                columns: [.init("line", .number), .init("case"), .init("debtor"), .init("incurred_on"), .init("amount", .money), .init("note")],
                rows: costLines.map { l in
                    [String(l.lineNumber), l.caseNumber, l.debtorName, l.incurredOn.description, money(l.amount, document.currency), l.note]
                })))
        }
        return .sections(sections)
    }

    static func status(_ document: FeeDocumentRecord) -> String {
        if let voidedBy = document.voidedBy { return "void (\(voidedBy))" }
        if let voids = document.voids { return "voids \(voids)" }
        if !document.corrects.isEmpty { return "corrects \(document.corrects.joined(separator: ", "))" }
        return document.kind == "invoice" ? "issued" : "correction"
    }
}
