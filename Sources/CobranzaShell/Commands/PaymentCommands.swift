import CobranzaCore
import CobranzaStore

/// Money the debtors pay: recorded one at a time or from a bank file, reversed when it bounces.
enum PaymentCommands {
    static let record = Command(CommandSpec(
        words: ["payment", "record"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number"),
                    CommandTable.argument("AMOUNT", .amount, help: "amount as written locally, in the case's currency")],
        options: [
            CommandTable.option("date", "DATE", .date, help: "when the debtor paid (default today; not in the future)"),
            CommandTable.option("channel", "agency|direct", .choice(PaymentChannel.allCases.map(\.rawValue)), help: "paid to the agency (default) or straight to the client"),
            CommandTable.option("method", "transfer|cash|check|card|other", .choice(PaymentMethod.allCases.map(\.rawValue)), help: "how (default transfer)"),
            CommandTable.option("ref", "TEXT", help: "the bank's reference; the same one is never recorded twice"),
        ],
        summary: "record a payment: allocated oldest due first, fee frozen, case closed when paid or its discounted agreement is (staff)",
        examples: ["payment record C-2026-000123 300.000 --date 2026-03-02 --ref TRX-88121",
                   "payment record C-2026-000123 150.000 --channel direct --method check"],
        fieldLabels: ["paid_on": "--date", "external_ref": "--ref"])
    ) { invocation, context in
        let payment = try context.session.payments.record(Payments.NewPayment(
            caseNumber: invocation.argument("CASE")!, amount: invocation.amount("AMOUNT")!, date: invocation.date("date"),
            channel: invocation.choice("channel") ?? .agency, method: invocation.choice("method") ?? .transfer, ref: invocation.option("ref")))
        let money = Formatting.money
        var lines = ["Payment \(payment.reference) recorded: \(money(payment.amount, payment.currency)) "
            + "(\(payment.channel), \(payment.method)); fee \(money(payment.fee, payment.currency)) "
            + "at \(payment.rate) \(payment.stage), contract v\(payment.contractVersion)."]
        if let note = payment.feeNote { lines.append("note: \(note)") }
        let outstanding = payment.caseOutstanding ?? 0
        if payment.caseCloseCode == "settled" {
            lines.append("Case \(payment.caseNumber) is closed as settled: its agreement is paid in full and nothing is outstanding"
                + (payment.forgiven.map { " (\(money($0, payment.currency)) forgiven)" } ?? "") + ".")
        } else if outstanding == 0 {
            lines.append("Case \(payment.caseNumber) is paid in full and closed.")
        } else {
            lines.append("Outstanding on \(payment.caseNumber): \(money(outstanding, payment.currency))"
                + (payment.agreementExpects.map { "; the agreement expects \(money($0, payment.currency)) more" } ?? "") + ".")
        }
        return .message(lines.joined(separator: "\n"))
    }

    static let importFile = Command(CommandSpec(
        words: ["payment", "import"],
        arguments: [CommandTable.argument("FILE", .file, help: "bank CSV with header case,amount,date,ref[,channel,method]")],
        options: [],
        summary: "record every payment of a bank file, all or nothing; lines already recorded are skipped (staff)",
        examples: ["payment import banco-2026-03.csv"])
    ) { invocation, context in
        let payments = context.session.payments
        let outcome: Payments.ImportOutcome
        do {
            outcome = try payments.importFile(at: invocation.argument("FILE")!, progress: context.progress("lines"))
        } catch let refusal as Payments.ImportRefusal {
            // Each line is judged as `payment record` would judge it: name its fields alike.
            throw UsageError(refusal.described(record.spec.label))
        }
        let sums = outcome.totals.keys.sorted().map { Formatting.money(outcome.totals[$0]!, $0) }.joined(separator: ", ")
        var lines = ["Recorded \(outcome.recorded) payment(s)" + (sums.isEmpty ? "." : ": \(sums).")]
        if outcome.alreadyRecordedCount > 0 {
            lines.append("Skipped \(outcome.alreadyRecordedCount) line(s) already recorded (same reference): "
                + outcome.alreadyRecorded.prefix(10).map { "line \($0.line) \($0.ref)" }.joined(separator: ", ")
                + (outcome.alreadyRecordedCount > 10 ? ", …" : "") + ".")
        }
        // The cases the file paid off: each closed by its last payment.
        if !outcome.closedCases.isEmpty { lines.append("Paid in full and closed: \(outcome.closedCases.joined(separator: ", ")).") }
        return .message(lines.joined(separator: "\n"))
    }

    static let reverse = Command(CommandSpec(
        words: ["payment", "reverse"],
        arguments: [CommandTable.argument("PAYMENT", .paymentReference, help: "the payment: its case and its number there (C-2026-000123/2)")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "why, e.g. cheque bounced"),
                  CommandTable.option("date", "DATE", .date, help: "date of the reversal (default today)")],
        summary: "undo a payment (a bounced cheque); a billed fee gets a credit note",
        examples: ["payment reverse C-2026-000123/2 --reason 'cheque devuelto sin fondos'"],
        fieldLabels: ["paid_on": "--date"])
    ) { invocation, context in
        let payment = invocation.paymentReference("PAYMENT")!
        let (reversal, creditNote) = try context.session.payments.reverse(payment, reason: invocation.option("reason")!, date: invocation.date("date"))
        var text = "Payment \(payment) reversed by \(reversal.reference): \(Formatting.money(reversal.amount, reversal.currency)) and its fee "
            + "\(Formatting.money(reversal.fee, reversal.currency)) undone."
        if let creditNote { text += "\nThe fee was already invoiced: credit note \(creditNote) issued." }
        return .message(text)
    }

    static let list = Command(CommandSpec(
        words: ["payment", "list"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("case", "CASE", .caseNumber, help: "only this case's payments"), CommandTable.limitOption],
        summary: "list payments with their fees", examples: ["payment list --case C-2026-000123"])
    ) { invocation, context in
        .table(paymentTable(try context.session.payments.list(
            client: invocation.option("client"), caseNumber: invocation.option("case"), limit: Formatting.limit(invocation))))
    }

    static let show = Command(CommandSpec(
        words: ["payment", "show"],
        arguments: [CommandTable.argument("PAYMENT", .paymentReference, help: "the payment: its case and its number there (C-2026-000123/2)")],
        options: [], summary: "a payment, its fee and how its case's invoices stand", examples: ["payment show C-2026-000123/2"])
    ) { invocation, context in
        let payment = try context.session.payments.show(invocation.paymentReference("PAYMENT")!)
        let money = Formatting.money
        var fields: [(String, String?)] = [
            ("payment", payment.reference.description), ("case", payment.caseNumber), ("client", payment.client), ("debtor", payment.debtorName),
            ("paid_on", payment.paidOn.description), ("currency", payment.currency), ("amount", money(payment.amount, payment.currency)), ("channel", payment.channel),
            ("method", payment.method), ("ref", payment.externalRef), ("stage", payment.stage),
            ("contract", "v\(payment.contractVersion)"), ("rate", payment.rate.description),
            ("fee", money(payment.fee, payment.currency)), ("fee_note", payment.feeNote),
            ("invoiced_on", payment.billedOn), ("recorded_by", payment.recordedBy),
        ]
        if let reverses = payment.reverses { fields.insert(("reverses", reverses.description), at: 1) }
        if let reversedBy = payment.reversedBy { fields.insert(("reversed_by", reversedBy.description), at: 1) }
        if let reason = payment.reason { fields.append(("reason", reason)) }
        let balances = try context.session.payments.balances(caseNumber: payment.caseNumber)
        return .sections([
            .init("Payment", Formatting.record(fields.filter { $0.1 != nil }, money: ["amount", "fee"])),
            .init("Invoices of \(payment.caseNumber), oldest due first", ResultTable(
                columns: [.init("number"), .init("due"), .init("amount", .money), .init("paid", .money), .init("outstanding", .money)],
                rows: balances.map { [$0.number, $0.due.description, money($0.amount, $0.currency), money($0.paid, $0.currency),
                                      money($0.outstanding, $0.currency)] })),
        ])
    }

    static func paymentTable(_ payments: [PaymentRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("payment"), .init("case"), .init("client"), .init("debtor"), .init("paid_on"), .init("amount", .money),
                      .init("channel"), .init("stage"), .init("rate"), .init("fee", .money), .init("ref"), .init("status")],
            rows: payments.map { p in
                let status: String? =
                    if let reverses = p.reverses { "reverses \(reverses)" }
                    else if let by = p.reversedBy { "reversed by \(by)" }
                    else { p.billedOn.map { "invoiced \($0)" } }
                return [p.reference.description, p.caseNumber, p.client, p.debtorName, p.paidOn.description, Formatting.money(p.amount, p.currency), p.channel, p.stage,
                        p.rate.description, Formatting.money(p.fee, p.currency), p.externalRef, status]
            })
    }
}
