import CobranzaCore
import CobranzaStore

/// What the agency owes each client: the monthly statement and the remittances that pay it.
enum StatementCommands {
    static let statement = Command(CommandSpec(
        words: ["statement"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("period", "YYYY-MM", .month, required: true, help: "the month")],
        summary: "remittance statement: collected, fees, net to remit, balance owed to the client",
        examples: ["statement --client ACME --period 2026-03", "statement --period 2026-03"])
    ) { invocation, context in
        let client = invocation.option("client")
        let period = invocation.month("period")!
        let statements = try context.session.statements.statement(client: client, period: period)
        guard !statements.isEmpty else {
            return .message("No payments or remittances for \(client?.uppercased() ?? context.session.identity.clientCode ?? "") up to the end of \(period).")
        }
        return .sections(statements.flatMap { s -> [CommandOutput.Section] in
            let m = { (value: Int64) in Formatting.money(value, s.currency) }
            let summary = Formatting.record([
                ("client", s.client), ("period", s.period), ("currency", s.currency),
                ("opening balance owed to client", m(s.openingBalance)),
                ("collected by the agency", m(s.collectedByAgency)),
                ("fees withheld (with VAT)", m(s.feesWithheld)),
                ("net to remit", m(s.netToRemit)),
                ("remitted to client", m(s.remitted)),
                ("closing balance owed to client", m(s.closingBalance)),
                ("paid directly to client", m(s.paidDirectly)),
                ("fees to invoice (with VAT)", m(s.feesToInvoice)),
            ], money: ["opening balance owed to client", "collected by the agency", "fees withheld (with VAT)", "net to remit",
                       "remitted to client", "closing balance owed to client", "paid directly to client", "fees to invoice (with VAT)"])
            return [.init("Statement \(s.period) \(s.currency)", summary),
                    .init("Payments \(s.period) \(s.currency)", PaymentCommands.paymentTable(s.payments))]
        })
    }

    static let remittanceRecord = Command(CommandSpec(
        words: ["remittance", "record"],
        arguments: [CommandTable.argument("AMOUNT", .amount, help: "amount paid over to the client")],
        options: [CommandTable.option("client", "CODE", .clientCode, required: true, help: "the client"),
                  CommandTable.option("currency", "CODE", help: "default: the client's"),
                  CommandTable.option("date", "DATE", .date, help: "default today"),
                  CommandTable.option("ref", "TEXT", help: "the transfer's reference (never recorded twice)")],
        summary: "record money the agency paid over to a client (admins)",
        examples: ["remittance record 1.500.000 --client ACME --ref TRF-2026-0412"])
    ) { invocation, context in
        let remittance = try context.session.statements.remit(
            client: invocation.option("client")!, amount: invocation.amount("AMOUNT")!, currency: invocation.option("currency"),
            date: invocation.date("date"), ref: invocation.option("ref"))
        return .message("Remittance \(remittance.id) of \(Formatting.money(remittance.amount, remittance.currency)) to \(remittance.client) recorded (\(remittance.paidOn)).")
    }

    static let remittanceList = Command(CommandSpec(
        words: ["remittance", "list"], arguments: [], options: [CommandTable.clientOption, CommandTable.limitOption],
        summary: "list remittances to clients", examples: ["remittance list --client ACME"])
    ) { invocation, context in
        let remittances = try context.session.statements.remittances(client: invocation.option("client"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("id", .number), .init("client"), .init("paid_on"), .init("amount", .money), .init("ref"), .init("by")],
            rows: remittances.map { [String($0.id), $0.client, $0.paidOn.description, Formatting.money($0.amount, $0.currency), $0.externalRef, $0.recordedBy] }))
    }
}
