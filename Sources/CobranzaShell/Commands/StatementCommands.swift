import CobranzaCore
import CobranzaStore

/// What the agency owes each client: the monthly statement and the remittances that pay it.
enum StatementCommands {
    static let statement = Command(CommandSpec(
        words: ["statement"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("period", "YYYY-MM", .month, required: true, help: "the month")],
        summary: "remittance statement: collected, fees, net to remit, balance owed to the client (or by it), remittances",
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
            var fields: [(String, String?)] = [
                ("client", s.client), ("period", s.period), ("currency", s.currency),
                ("opening balance owed to client", m(s.openingBalance)),
                ("collected by the agency", m(s.collectedByAgency)),
                ("fees withheld (with VAT)", m(s.feesWithheld)),
                ("net to remit", m(s.netToRemit)),
                ("remitted to client", m(s.remitted)),
                ("closing balance owed to client", m(s.closingBalance)),
                ("paid directly to client", m(s.paidDirectly)),
                ("fees to invoice (with VAT)", m(s.feesToInvoice)),
            ]
            // Only when the debtor paid court costs through the agency: the agency's money.
            if s.courtCostsKept != 0 {
                fields.insert(("court costs recovered for the agency", m(s.courtCostsKept)), at: 6)
            }
            // A negative balance owed to the client is money the client owes: said in words.
            if s.closingBalance < 0 {
                fields.insert(("the client owes the agency", m(-s.closingBalance)), at: s.courtCostsKept != 0 ? 10 : 9)
            }
            let summary = Formatting.record(fields, money: ["the client owes the agency", "court costs recovered for the agency", "opening balance owed to client", "collected by the agency", "fees withheld (with VAT)", "net to remit",
                       "remitted to client", "closing balance owed to client", "paid directly to client", "fees to invoice (with VAT)"])
            var sections: [CommandOutput.Section] = [.init("Statement \(s.period) \(s.currency)", summary),
                                                     .init("Payments \(s.period) \(s.currency)", PaymentCommands.paymentTable(s.payments))]
            if !s.remittances.isEmpty {
                sections.append(.init("Remittances \(s.period) \(s.currency)", remittanceTable(s.remittances)))
            }
            if !s.courtCosts.isEmpty {
                let table = ReferralCommands.courtCostTable(s.courtCosts.map(\.cost), currency: s.currency)
                sections.append(.init("Court costs \(s.period) \(s.currency)", ResultTable(
                    columns: [.init("case")] + table.columns,
                    rows: zip(s.courtCosts, table.rows).map { [$0.0.caseNumber] + $0.1 })))
            }
            return sections
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
        return .message("Remittance \(remittance.reference) of \(Formatting.money(remittance.amount, remittance.currency)) to \(remittance.client) recorded (\(remittance.paidOn)).")
    }

    static let remittanceReverse = Command(CommandSpec(
        words: ["remittance", "reverse"],
        arguments: [CommandTable.argument("REMITTANCE", .reference, help: "the remittance to undo, as remittance list shows it (ACME-3)")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "why (returned by the bank, wrong account); shown on the statement")],
        summary: "undo a remittance by a negative one with a reason, once (admins)",
        examples: ["remittance reverse ACME-3 --reason 'returned by the bank: account closed'"])
    ) { invocation, context in
        let reversal = try context.session.statements.reverseRemittance(invocation.reference("REMITTANCE")!, reason: invocation.option("reason")!)
        return .message("Remittance \(reversal.reversesReference ?? "") to \(reversal.client) reversed by remittance \(reversal.reference) "
            + "(\(Formatting.money(reversal.amount, reversal.currency)), \(reversal.paidOn)): the statement owes it to the client again.")
    }

    static let remittanceList = Command(CommandSpec(
        words: ["remittance", "list"], arguments: [], options: [CommandTable.clientOption, CommandTable.limitOption],
        summary: "list remittances to clients and their reversals", examples: ["remittance list --client ACME"])
    ) { invocation, context in
        .table(remittanceTable(try context.session.statements.remittances(client: invocation.option("client"), limit: Formatting.limit(invocation))))
    }

    /// Remittances with what became of them: a reversal names the remittance it undoes and why.
    static func remittanceTable(_ remittances: [RemittanceRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("remittance"), .init("client"), .init("paid_on"), .init("currency"), .init("amount", .money), .init("ref"),
                      .init("by"), .init("status")],
            rows: remittances.map { r in
                let status = r.reversesReference.map { "reverses \($0): \(r.reason ?? "")" } ?? r.reversedByReference.map { "reversed by \($0)" }
                return [r.reference, r.client, r.paidOn.description, r.currency, Formatting.money(r.amount, r.currency), r.externalRef,
                        r.recordedBy, status]
            })
    }
}
