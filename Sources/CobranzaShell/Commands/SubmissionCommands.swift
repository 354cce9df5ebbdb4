import CobranzaCore
import CobranzaStore

/// Invoices handed to the agency: one at a time or by file, and their review.
enum SubmissionCommands {
    static let submitInvoice = Command(CommandSpec(
        words: ["submit", "invoice"], arguments: [],
        options: [
            CommandTable.option("debtor-tax-id", "ID", required: true, help: "the debtor's RUT, NIT or RFC"),
            CommandTable.option("debtor-name", "TEXT", required: true, help: "the debtor's name (used if the debtor is new)"),
            CommandTable.option("number", "TEXT", required: true, help: "invoice number, unique per client"),
            CommandTable.option("issued", "DATE", required: true, help: "issue date (2026-01-31 or 31/01/2026)"),
            CommandTable.option("due", "DATE", required: true, help: "due date (not in the future)"),
            CommandTable.option("amount", "AMOUNT", required: true, help: "amount as written locally: 1.190.000 (CLP), 1.234,56 (COP), 1,234.56 (MXN)"),
            CommandTable.option("currency", "CODE", help: "currency (default: the client's)"),
            CommandTable.option("note", "TEXT", help: "a note for the agency"),
            CommandTable.clientOption,
        ],
        summary: "hand one overdue invoice to the agency",
        examples: ["submit invoice --debtor-tax-id 96.543.210-8 --debtor-name 'Ferretería Sur' --number F-1001 --issued 2025-11-02 --due 2025-12-02 --amount 1.190.000"])
    ) { invocation, context in
        let outcome = try context.session.placements.submit(.init(
            debtorTaxID: invocation.option("debtor-tax-id")!, debtorName: invocation.option("debtor-name")!,
            number: invocation.option("number")!, issued: invocation.option("issued")!, due: invocation.option("due")!,
            amount: invocation.option("amount")!, currency: invocation.option("currency"), note: invocation.option("note")),
            client: invocation.option("client"))
        let warnings = outcome.warnings.map { "warning: " + $0.replacingOccurrences(of: "line 1: ", with: "") }
        return .message((["Invoice \(invocation.option("number")!) submitted as submission \(outcome.submissions.first ?? "?") (pending review)."] + warnings).joined(separator: "\n"))
    }

    static let submitImport = Command(CommandSpec(
        words: ["submit", "import"],
        arguments: [CommandTable.argument("FILE", .file, help: "CSV with header debtor_tax_id,debtor_name,number,issued,due,amount[,currency,…]")],
        options: [CommandTable.option("skip-invalid", help: "import the good rows and list the bad ones"), CommandTable.clientOption],
        summary: "hand over overdue invoices from a CSV file (all or nothing by default)",
        examples: ["submit import facturas.csv", "submit import facturas.csv --skip-invalid"]),
        run: importFile)

    static let importPlacement = Command(CommandSpec(
        words: ["submission", "import"],
        arguments: [CommandTable.argument("FILE", .file, help: "placement CSV (same format as submit import)")],
        options: [CommandTable.option("client", "CODE", .clientCode, required: true, help: "the client placing the debts"),
                  CommandTable.option("skip-invalid", help: "import the good rows and list the bad ones")],
        summary: "bulk placement for a client (staff; streams any size)",
        examples: ["submission import placement-2026-03.csv --client ACME"]),
        run: importFile)

    /// `submit import` (an SME's own file) and `submission import` (staff placing for a
    /// client) are one import: the database decides who may place for whom.
    @Sendable static func importFile(_ invocation: Invocation, _ context: CommandContext) throws -> CommandOutput {
        let outcome = try context.session.placements.importFile(
            at: invocation.argument("FILE")!, client: invocation.option("client"), skipInvalid: invocation.switches.contains("skip-invalid"),
            progress: context.progress("rows"))
        var lines = ["Imported \(outcome.invoices) invoice(s) in \(outcome.submissions.count) submission(s)"
            + (outcome.newDebtors > 0 ? ", \(outcome.newDebtors) new debtor(s)" : "")
            + (outcome.batch.map { " (batch \($0))" } ?? "") + "."]
        if !outcome.skipped.isEmpty {
            let badLines = Set(outcome.skipped.map(\.line)).count
            lines.append("Skipped \(badLines) row(s):")
            lines += outcome.skipped.prefix(50).map { "  \($0)" }
            if outcome.skipped.count > 50 { lines.append("  … and \(outcome.skipped.count - 50) more") }
        }
        lines += outcome.warnings.map { "warning: \($0)" }
        if outcome.warningCount > outcome.warnings.count {
            lines.append("warning: … and \(outcome.warningCount - outcome.warnings.count) more invoices at risk of prescription")
        }
        return .message(lines.joined(separator: "\n"))
    }

    static let list = Command(CommandSpec(
        words: ["submission", "list"], arguments: [],
        options: [CommandTable.clientOption, CommandTable.option("pending", help: "only those waiting for review"), CommandTable.limitOption],
        summary: "list submissions", examples: ["submission list --pending"])
    ) { invocation, context in
        let submissions = try context.session.submissions.list(
            client: invocation.option("client"), pendingOnly: invocation.switches.contains("pending"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("submission"), .init("client"), .init("debtor"), .init("tax_id"), .init("invoices", .number),
                      .init("total", .money), .init("status"), .init("submitted"), .init("case"), .init("reason")],
            rows: submissions.map { s in
                [s.reference, s.client, s.debtorName, s.debtorTaxID, String(s.invoices), Formatting.money(s.total, s.currency),
                 s.status, s.submittedOn.description, s.caseNumber, s.rejectReason]
            }))
    }

    static let show = Command(CommandSpec(
        words: ["submission", "show"],
        arguments: [CommandTable.argument("SUBMISSION", .reference, help: "the client's submission number (12); staff: CODE-NUMBER (ACME-12)")],
        options: [], summary: "show a submission and its invoices", examples: ["submission show 12", "submission show ACME-12"])
    ) { invocation, context in
        let (submission, invoices) = try context.session.submissions.show(invocation.reference("SUBMISSION")!)
        var header: [(String, String?)] = [
            ("submission", submission.reference), ("client", submission.client),
            ("debtor", "\(submission.debtorName) (\(submission.debtorTaxID))"), ("status", submission.status),
            ("submitted", submission.submittedOn.description), ("currency", submission.currency),
            ("total", Formatting.money(submission.total, submission.currency)),
        ]
        if let number = submission.caseNumber { header.append(("case", number)) }
        if let reason = submission.rejectReason { header.append(("reason", reason)) }
        if let note = submission.note { header.append(("note", note)) }
        return .sections([
            .init("Submission", Formatting.record(header, money: ["total"])),
            .init("Invoices", Formatting.invoiceTable(invoices)),
        ])
    }

    static let reject = Command(CommandSpec(
        words: ["submission", "reject"],
        arguments: [CommandTable.argument("[SUBMISSION]", .reference, help: "a pending submission: CODE-NUMBER, e.g. ACME-12")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "why (the client reads it)"),
                  CommandTable.option("batch", "CODE-NUMBER", .reference, help: "instead of one submission: every pending one of this import batch")],
        summary: "refuse a pending submission, or a whole batch's (staff)",
        examples: ["submission reject ACME-12 --reason 'invoice already paid per client ledger'",
                   "submission reject --batch ACME-1 --reason 'placed by mistake'"])
    ) { invocation, context in
        if let batch = invocation.reference("batch") {
            if invocation.reference("SUBMISSION") != nil { throw StoreError(field: "batch", "give a submission or --batch, not both") }
            let (shown, rejected) = try context.session.submissions.reject(batch: batch, reason: invocation.option("reason")!)
            if rejected.isEmpty { return .message("nothing to reject in batch \(shown)") }
            return .message("Rejected \(rejected.count) submission(s) of batch \(shown): \(rejected.joined(separator: ", ")); the client will see the reason.")
        }
        guard let submission = invocation.reference("SUBMISSION") else {
            throw StoreError("say which submission (submission reject ACME-12) or which batch (--batch ACME-1)")
        }
        let reference = try context.session.submissions.reject(submission, reason: invocation.option("reason")!)
        return .message("Submission \(reference) rejected; the client will see the reason.")
    }
}
