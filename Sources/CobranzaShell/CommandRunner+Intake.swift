import CobranzaCore
import CobranzaStore
import Foundation

/// Debtors, submissions and cases: the intake commands.
extension CommandRunner {
    func runIntake(_ invocation: Invocation) throws -> CommandOutput {
        let client = invocation.option("client")
        switch invocation.spec.name {
        case "debtor add":
            let debtor = try session.debtors.add(taxID: invocation.argument("TAX_ID")!, details: Self.details(invocation), client: client)
            return .message("Debtor \(debtor.taxID) \(debtor.name) added for client \(debtor.client).")
        case "debtor edit":
            let debtor = try session.debtors.edit(taxID: invocation.argument("TAX_ID")!, details: Self.details(invocation), client: client)
            return .table(Self.debtorTable([debtor]))
        case "debtor show":
            return .table(Self.debtorTable([try session.debtors.show(taxID: invocation.argument("TAX_ID")!, client: client)]))
        case "debtor list":
            return .table(Self.debtorTable(try session.debtors.list(client: client, search: invocation.option("search"), limit: try Self.limit(invocation))))

        case "submit invoice":
            let outcome = try session.placements.submit(.init(
                debtorTaxID: invocation.option("debtor-tax-id")!, debtorName: invocation.option("debtor-name")!,
                number: invocation.option("number")!, issued: invocation.option("issued")!, due: invocation.option("due")!,
                amount: invocation.option("amount")!, currency: invocation.option("currency"), note: invocation.option("note")), client: client)
            let warnings = outcome.warnings.map { "warning: " + $0.replacingOccurrences(of: "line 1: ", with: "") }
            return .message((["Invoice \(invocation.option("number")!) submitted as submission \(outcome.submissions.first.map(String.init) ?? "?") (pending review)."] + warnings).joined(separator: "\n"))
        case "submit import", "submission import":
            let outcome = try session.placements.importFile(at: invocation.argument("FILE")!, client: client, skipInvalid: invocation.switches.contains("skip-invalid"))
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

        case "submission list":
            let submissions = try session.submissions.list(client: client, pendingOnly: invocation.switches.contains("pending"), limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("id", .number), .init("client"), .init("debtor"), .init("tax_id"), .init("invoices", .number),
                          .init("total", .money), .init("status"), .init("submitted"), .init("case"), .init("reason")],
                rows: submissions.map { s in
                    [String(s.id), s.client, s.debtorName, s.debtorTaxID, String(s.invoices), Self.money(s.total, s.currency),
                     s.status, s.submittedOn, s.caseNumber, s.rejectReason]
                }))
        case "submission show":
            let (submission, invoices) = try session.submissions.show(try Self.number(invocation.argument("ID")!, field: "ID"))
            var header: [(String, String?)] = [
                ("submission", String(submission.id)), ("client", submission.client),
                ("debtor", "\(submission.debtorName) (\(submission.debtorTaxID))"), ("status", submission.status),
                ("submitted", submission.submittedOn), ("total", Self.money(submission.total, submission.currency)),
            ]
            if let number = submission.caseNumber { header.append(("case", number)) }
            if let reason = submission.rejectReason { header.append(("reason", reason)) }
            if let note = submission.note { header.append(("note", note)) }
            return .sections([
                .init("Submission", Self.record(header)),
                .init("Invoices", Self.invoiceTable(invoices)),
            ])
        case "submission reject":
            let id = try Self.number(invocation.argument("ID")!, field: "ID")
            try session.submissions.reject(id, reason: invocation.option("reason")!)
            return .message("Submission \(id) rejected; the client will see the reason.")

        case "case open":
            let opened = try session.cases.open(submission: try Self.number(invocation.argument("SUBMISSION")!, field: "SUBMISSION"), assignTo: invocation.option("assign"))
            let what = opened.joinedExisting ? "joined case" : "opened case"
            let assigned = invocation.option("assign").map { ", assigned to \($0)" } ?? ""
            return .message("Submission \(invocation.argument("SUBMISSION")!) \(what) \(opened.caseNumber) for \(opened.debtorName): \(opened.invoices) invoice(s), \(Self.money(opened.total, opened.currency))\(assigned).")
        case "case assign":
            try session.cases.assign(invocation.argument("CASE")!, to: invocation.option("to")!)
            return .message("Case \(invocation.argument("CASE")!.uppercased()) assigned to \(invocation.option("to")!).")
        case "case list":
            let cases = try session.cases.list(Cases.Filter(
                client: client, stage: invocation.option("stage")?.lowercased(), collector: invocation.option("collector"),
                debtor: invocation.option("debtor"),
                minAmount: try invocation.option("min-amount").map { try Self.wholeUnits($0) },
                overdueDays: try invocation.option("overdue-days").map { Int(try Self.number($0, field: "--overdue-days")) },
                sort: invocation.option("sort")?.lowercased() ?? "number", limit: try Self.limit(invocation)))
            return .table(Self.caseTable(cases, staff: session.identity.kind.isStaff))
        case "case show":
            let detail = try session.cases.show(invocation.argument("CASE")!)
            let c = detail.summary
            var header: [(String, String?)] = [
                ("case", c.number), ("client", c.client), ("debtor", "\(c.debtorName) (\(c.debtorTaxID))"),
                ("stage", c.stage + (c.closeCode.map { " (\($0))" } ?? "")), ("opened", c.openedOn),
                ("total", Self.money(c.total, c.currency)), ("paid", Self.money(detail.paid, c.currency)),
                ("outstanding", Self.money(c.total - detail.paid, c.currency)), ("days_overdue", String(c.daysOverdue)),
            ]
            if session.identity.kind.isStaff { header.insert(("assigned_to", c.assignedTo ?? "(nobody)"), at: 4) }
            if !c.flags.isEmpty { header.append(("flags", c.flags.joined(separator: ", "))) }
            if let court = detail.court { header.append(("court", court)) }
            if let posting = detail.posting { header.append(("posting", posting)) }
            if let next = detail.nextAction { header.append(("next_action", next)) }
            let staff = session.identity.kind.isStaff
            let timeline = ResultTable(
                columns: [.init("date"), .init("event"), .init("outcome"), .init("note")] + (staff ? [.init("by"), .init("client_sees", .boolean)] : []),
                rows: detail.events.map { e in
                    [e.on, e.kind, e.outcome, e.note] + (staff ? [e.by, e.clientVisible ? "yes" : "no"] : [])
                })
            return .sections([
                .init("Case", Self.record(header)),
                .init("Invoices", Self.invoiceTable(detail.invoices)),
                .init("Timeline", timeline),
            ])
        case "client contract set":
            var changes = Contracts.Changes()
            changes.extrajudicialRate = invocation.option("extrajudicial-rate")
            changes.judicialRate = invocation.option("judicial-rate")
            changes.surcharge12 = invocation.option("surcharge-12m")
            changes.surcharge24 = invocation.option("surcharge-24m")
            changes.minimumFee = invocation.option("minimum-fee")
            changes.vat = invocation.option("vat")
            changes.directEarns = invocation.option("direct-payments-earn").map { $0.lowercased() == "yes" }
            changes.remittance = invocation.option("remittance")
            changes.postingConsent = invocation.option("posting-consent").map { $0.lowercased() == "yes" }
            changes.judicialThreshold = invocation.option("judicial-threshold")
            changes.effective = invocation.option("effective")
            changes.promiseGraceDays = invocation.option("promise-grace")
            changes.maxDiscount = invocation.option("max-discount")
            changes.postingNoticeDays = invocation.option("posting-notice")
            changes.agreementDefaultDays = invocation.option("default-after")
            let contract = try session.contracts.set(client: invocation.argument("CODE")!, changes)
            return .message("Contract version \(contract.terms.version) for \(contract.client), effective \(contract.terms.effective): "
                + "\(contract.terms.extrajudicialRate) extrajudicial, \(contract.terms.judicialRate) judicial, VAT \(contract.terms.vatRate).")
        case "client contract show":
            let versions = try session.contracts.history(client: invocation.argument("CODE")!)
            guard !versions.isEmpty else { return .message("Client \(invocation.argument("CODE")!.uppercased()) has no contract yet (client contract set).") }
            return .table(ResultTable(
                columns: [.init("version", .number), .init("effective"), .init("extrajudicial"), .init("judicial"), .init("surcharge_12m"),
                          .init("surcharge_24m"), .init("minimum_fee", .number), .init("vat"), .init("direct_earns"), .init("remittance"),
                          .init("posting"), .init("judicial_threshold", .number), .init("promise_grace", .number),
                          .init("max_discount"), .init("posting_notice", .number), .init("default_after", .number), .init("set_by")],
                rows: versions.map { v in
                    let t = v.terms
                    return [String(t.version), t.effective.description, t.extrajudicialRate.description, t.judicialRate.description,
                            t.surchargeOver12Months.description, t.surchargeOver24Months.description, Self.money(t.minimumFee, v.currency),
                            t.vatRate.description, t.directPaymentsEarnFee ? "yes" : "no", t.remittance.rawValue,
                            v.postingConsent ? "yes" : "no", Self.money(v.judicialThreshold, v.currency),
                            String(v.workflow.promiseGraceDays), v.workflow.maxDiscount.description,
                            String(v.workflow.postingNoticeDays), String(v.workflow.agreementDefaultDays), v.createdBy]
                }))
        case "portfolio":
            let rows = try session.cases.portfolio(client: client)
            return .table(ResultTable(
                columns: [.init("stage"), .init("currency"), .init("cases", .number), .init("amount", .money)],
                rows: rows.map { [$0.stage, $0.currency, String($0.cases), Self.money($0.total, $0.currency)] }))
        default:
            return try runPayments(invocation)
        }
    }

    // MARK: - Formatting

    static func money(_ minor: Int64, _ code: String) -> String {
        let currency = CurrencyCode(rawValue: code).flatMap { Currency.known[$0] } ?? Currency(code: CurrencyCode(rawValue: code) ?? "CLP", exponent: 0)
        return Money(minorUnits: minor, currency: currency).formatted + (code == "CLF" ? "" : " " + code)
    }

    static func record(_ fields: [(String, String?)]) -> ResultTable {
        ResultTable(columns: [.init("field"), .init("value")], rows: fields.map { [$0.0, $0.1] })
    }

    static func invoiceTable(_ invoices: [InvoiceRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("number"), .init("issued"), .init("due"), .init("days_overdue", .number), .init("amount", .money)],
            rows: invoices.map { [$0.number, $0.issued, $0.due, String($0.daysOverdue), money($0.amount, $0.currency)] })
    }

    static func caseTable(_ cases: [CaseSummary], staff: Bool) -> ResultTable {
        ResultTable(
            columns: [.init("case"), .init("client"), .init("debtor"), .init("stage")] + (staff ? [.init("assigned_to")] : [])
                + [.init("invoices", .number), .init("total", .money), .init("days_overdue", .number), .init("opened")],
            rows: cases.map { c in
                [c.number, c.client, c.debtorName, c.stage + (c.closeCode.map { " (\($0))" } ?? "")] + (staff ? [c.assignedTo] : [])
                    + [String(c.invoices), money(c.total, c.currency), String(c.daysOverdue), c.openedOn]
            })
    }

    static func debtorTable(_ debtors: [DebtorRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("client"), .init("tax_id"), .init("name"), .init("kind"), .init("email"), .init("phone"), .init("city"),
                      .init("region"), .init("open_cases", .number)],
            rows: debtors.map { [$0.client, $0.taxID, $0.name, $0.kind, $0.email, $0.phone, $0.city, $0.region, String($0.openCases)] })
    }

    static func details(_ invocation: Invocation) -> Debtors.Details {
        Debtors.Details(
            name: invocation.option("name"), kind: invocation.option("kind")?.lowercased(), email: invocation.option("email"),
            phone: invocation.option("phone"), address: invocation.option("address"), city: invocation.option("city"),
            region: invocation.option("region"))
    }

    static func number(_ text: String, field: String) throws -> Int64 {
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw UsageError("\(field): \"\(text)\" is not a number")
        }
        return value
    }

    static func limit(_ invocation: Invocation) throws -> Int {
        guard let text = invocation.option("limit") else { return 50 }
        guard let value = Int(text), (1...10_000).contains(value) else { throw UsageError("--limit: must be a number from 1 to 10000") }
        return value
    }

    /// `--min-amount 1.000.000` or `1000000`: whole units, separators ignored.
    static func wholeUnits(_ text: String) throws -> Int64 {
        let digits = text.filter { $0 != "." && $0 != "," && $0 != " " && $0 != "$" }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let value = Int64(digits) else {
            throw UsageError("--min-amount: \"\(text)\" is not a whole amount")
        }
        return value
    }
}
