import CobranzaCore
import CobranzaStore

/// Public debt posting in a commercial registry: notice first, then publish, withdraw when
/// the case closes.
enum PostingCommands {
    static let notify = Command(CommandSpec(
        words: ["posting", "notify"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")], options: [],
        summary: "record the prior notice to the debtor that its debt will be posted (staff)",
        examples: ["posting notify C-2026-000123"])
    ) { invocation, context in
        let (number, allowed) = try context.session.postings.notify(caseNumber: invocation.argument("CASE")!)
        return .message("Debtor of \(number) notified of the posting; it may be published from \(allowed).")
    }

    static let publish = Command(CommandSpec(
        words: ["posting", "publish"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("registry", "NAME", required: true, help: "e.g. 'Boletín Comercial' or Datacrédito"),
                  CommandTable.option("reference", "TEXT", help: "the registry's reference")],
        summary: "post the debt publicly once the law allows: consent, no dispute, notice period, age (staff)",
        examples: ["posting publish C-2026-000123 --registry 'Boletín Comercial' --reference BC-99812"])
    ) { invocation, context in
        let number = try context.session.postings.publish(
            caseNumber: invocation.argument("CASE")!, registry: invocation.option("registry")!, reference: invocation.option("reference"))
        return .message("Debt of \(number) posted in \(invocation.option("registry")!).")
    }

    static let withdraw = Command(CommandSpec(
        words: ["posting", "withdraw"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")], options: [],
        summary: "take the debt off the registry (staff)", examples: ["posting withdraw C-2026-000123"])
    ) { invocation, context in
        let number = try context.session.postings.withdraw(caseNumber: invocation.argument("CASE")!)
        return .message("Posting of \(number) withdrawn.")
    }

    static let list = Command(CommandSpec(
        words: ["posting", "list"], arguments: [],
        options: [CommandTable.option("withdrawal-due", help: "only postings that must be withdrawn (the case closed), most urgent first"),
                  CommandTable.clientOption, CommandTable.limitOption],
        summary: "postings under way", examples: ["posting list --withdrawal-due"])
    ) { invocation, context in
        let postings = try context.session.postings.list(
            withdrawalDue: invocation.switches.contains("withdrawal-due"), client: invocation.option("client"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("posting", .number), .init("case"), .init("client"), .init("debtor"), .init("notified"), .init("registry"),
                      .init("published"), .init("withdrawal_due"), .init("days_left", .number)],
            rows: postings.map { p in
                [String(p.number), p.caseNumber, p.client, p.debtorName, p.noticeOn.description, p.registry, p.publishedOn?.description, p.withdrawalDue?.description,
                 p.daysLeft.map(String.init)]
            }))
    }
}
