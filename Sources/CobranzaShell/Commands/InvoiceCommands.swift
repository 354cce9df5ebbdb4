import CobranzaCore
import CobranzaStore

/// One placed invoice of a case: its cancellation, the client's own correction of its claim.
enum InvoiceCommands {
    static let cancel = Command(CommandSpec(
        words: ["invoice", "cancel"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number"),
                    CommandTable.argument("NUMBER", help: "the client's invoice number on that case")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "why the invoice is no longer owed (kept with it)")],
        summary: "cancel a placed invoice: what is unpaid on it is no longer owed and earns no fee; what was paid stays paid; "
            + "an agreement in force asks less by it, from its last instalment; "
            + "the case closes (withdrawn) if nothing else is owed (the client's own users, admins and collectors)",
        examples: ["invoice cancel C-2026-000123 F-1002 --reason 'credit note NC-88 issued to the debtor'"])
    ) { invocation, context in
        let done = try context.session.invoiceCancellations.cancel(
            caseNumber: invocation.argument("CASE")!, invoice: invocation.argument("NUMBER")!, reason: invocation.option("reason")!)
        let money = { (m: Money) in Formatting.money(m.minorUnits, m.currency.code.rawValue) }
        var text = "Invoice \(done.invoice) on \(done.caseNumber) cancelled: \(money(done.amount)) no longer owed."
        if let agreement = done.agreement {
            text += " Agreement \(agreement.number) asks \(money(agreement.less)) less: \(money(agreement.total)) in all."
        }
        switch (done.caseClosed, done.closeCode) {
        case (true, "settled"): text += " The agreement is paid in full: case \(done.caseNumber) is closed (settled)."
        case (true, _): text += " Nothing else is owed: case \(done.caseNumber) is closed (withdrawn)."
        default: break
        }
        return .message(text)
    }
}
