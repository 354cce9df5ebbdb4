import Foundation
import CobranzaCore
import CobranzaStore

/// Collection cases: opened from submissions, assigned, listed, shown, closed and reopened.
enum CaseCommands {
    static let open = Command(CommandSpec(
        words: ["case", "open"],
        arguments: [CommandTable.argument("[SUBMISSION]", .reference, help: "a pending submission: CODE-NUMBER, e.g. ACME-12")],
        options: [CommandTable.option("assign", "USER", .userName, help: "assign to this collector or lawyer"),
                  CommandTable.option("batch", "CODE-NUMBER", .reference, help: "open every pending submission of this import batch, e.g. ACME-1"),
                  CommandTable.option("assign-to", "USER,USER", .userNames, help: "with --batch: the collectors or lawyers to share the new cases among"),
                  CommandTable.option("assign-by", "round-robin|load", .choice(Cases.AssignRule.allCases.map(\.rawValue)),
                                      help: "with --batch: in turn by submission number (default), or to the one with the fewest open cases"),
                  CommandTable.option("all-or-nothing", help: "with --batch: open nothing if any submission is refused")],
        summary: "accept a submission, or a whole batch, into each debtor's open case or a new case (staff)",
        examples: ["case open ACME-12 --assign ana", "case open --batch ACME-1 --assign-to ana,sofia --assign-by round-robin"],
        fieldLabels: ["assigned_to": "--assign", "batch": "--batch"])
    ) { invocation, context in
        if let batch = invocation.reference("batch") { return try openBatch(batch, invocation, context) }
        guard let submission = invocation.reference("SUBMISSION") else {
            throw StoreError("say which submission (case open ACME-12) or which batch (case open --batch ACME-1)")
        }
        for flag in ["assign-to", "assign-by"] where invocation.option(flag) != nil {
            throw StoreError(field: flag.replacingOccurrences(of: "-", with: "_"), "only with --batch (one submission takes --assign)")
        }
        if invocation.switches.contains("all-or-nothing") { throw StoreError(field: "all_or_nothing", "only with --batch") }
        let opened = try context.session.cases.open(submission: submission, assignTo: invocation.option("assign"))
        let what = opened.joinedExisting ? "joined case" : "opened case"
        let assigned = invocation.option("assign").map { ", assigned to \($0)" } ?? ""
        return .message("Submission \(opened.submission) \(what) \(opened.caseNumber) for \(opened.debtorName): "
            + "\(opened.invoices) invoice(s), \(Formatting.money(opened.total, opened.currency))\(assigned).")
    }

    /// `case open --batch`: the submissions opened, each with its case and assignee, and the
    /// ones refused with the reason.
    static func openBatch(_ batch: ClientReference, _ invocation: Invocation, _ context: CommandContext) throws -> CommandOutput {
        if invocation.reference("SUBMISSION") != nil { throw StoreError(field: "batch", "give a submission or --batch, not both") }
        if invocation.option("assign") != nil { throw StoreError(field: "assign", "with --batch, name the collectors with --assign-to") }
        let collectors = (invocation.option("assign-to") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if invocation.option("assign-by") != nil && collectors.isEmpty {
            throw StoreError(field: "assign_by", "needs --assign-to with the collectors to share the cases among")
        }
        let result = try context.session.cases.open(
            batch: batch, assignTo: collectors, rule: invocation.choice("assign-by") ?? .roundRobin,
            allOrNothing: invocation.switches.contains("all-or-nothing"),
            progress: context.progress("submissions"))
        if result.opened.isEmpty && result.refused.isEmpty { return .message("nothing to open in batch \(result.batch)") }
        let opened = ResultTable(
            columns: [.init("submission"), .init("case"), .init("debtor"), .init("joined", .boolean), .init("invoices", .number),
                      .init("total", .money), .init("assigned_to")],
            rows: result.opened.map { o, who in
                [o.submission, o.caseNumber, o.debtorName, o.joinedExisting ? "yes" : "no", String(o.invoices),
                 Formatting.money(o.total, o.currency), who]
            })
        let refused = ResultTable(columns: [.init("submission"), .init("reason")], rows: result.refused.map { [$0.submission, $0.reason] })
        return .sections([.init("Opened from batch \(result.batch)", opened)] + (result.refused.isEmpty ? [] : [.init("Refused", refused)]))
    }

    static let assign = Command(CommandSpec(
        words: ["case", "assign"],
        arguments: [CommandTable.argument("[CASE]", .caseNumber, help: "case number, e.g. C-2026-000123")],
        options: [CommandTable.option("to", "USER", .userName, required: true, help: "a collector or lawyer"),
                  CommandTable.option("from", "USER", .userName, help: "instead of one case: move every open case this person holds")],
        summary: "assign a case, or move a person's open cases to another (staff)",
        examples: ["case assign C-2026-000123 --to ana", "case assign --from ana --to sofia"],
        fieldLabels: ["assigned_to": "--to"])
    ) { invocation, context in
        let to = invocation.option("to")!
        if let from = invocation.option("from") {
            if invocation.argument("CASE") != nil { throw StoreError(field: "from", "give a case or --from, not both") }
            if from == to { throw StoreError(fields: ["from", "to"], "name two different people") }
            let moved = try context.session.cases.reassign(from: from, to: to)
            if moved.isEmpty { return .message("\(from) holds no open case; nothing moved.") }
            let shown = moved.prefix(20).joined(separator: ", ") + (moved.count > 20 ? " and \(moved.count - 20) more" : "")
            return .message("Moved \(moved.count) open case(s) from \(from) to \(to): \(shown).")
        }
        guard let number = invocation.argument("CASE") else { throw StoreError("say which case (case assign C-2026-000123 --to ana) or whose (--from ana)") }
        try context.session.cases.assign(number, to: to)
        return .message("Case \(number.uppercased()) assigned to \(to).")
    }

    static let list = Command(CommandSpec(
        words: ["case", "list"], arguments: [],
        options: [
            CommandTable.clientOption,
            CommandTable.option("stage", "extrajudicial|judicial|closed", .choice(CaseState.Stage.allCases.map(\.rawValue)), help: "only this stage"),
            CommandTable.option("collector", "USER", .userName, help: "only cases assigned to USER (staff)"),
            CommandTable.option("debtor", "TEXT", help: "debtor name or tax id contains TEXT"),
            CommandTable.option("min-amount", "AMOUNT", help: "total at least AMOUNT whole units of the case currency"),
            CommandTable.option("overdue-days", "N", .count(0...1_000_000, unit: "days"), help: "oldest invoice at least N days overdue"),
            CommandTable.option("sort", "number|amount|overdue|opened|client", .choice(Cases.Sort.allCases.map(\.rawValue)), help: "order (default number)"),
            CommandTable.limitOption,
        ],
        summary: "list cases", examples: ["case list --collector ana --overdue-days 90 --sort amount"])
    ) { invocation, context in
        let cases = try context.session.cases.list(Cases.Filter(
            client: invocation.option("client"), stage: invocation.choice("stage"), collector: invocation.option("collector"),
            debtor: invocation.option("debtor"),
            minAmount: try invocation.option("min-amount").map { try Formatting.wholeUnits($0) },
            overdueDays: invocation.count("overdue-days"),
            sort: invocation.choice("sort") ?? .number, limit: Formatting.limit(invocation)))
        return .table(caseTable(cases, staff: context.isStaff))
    }

    static let show = Command(CommandSpec(
        words: ["case", "show"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [], summary: "a case: client, debtor, invoices, totals, timeline", examples: ["case show C-2026-000123"])
    ) { invocation, context in
        let detail = try context.session.cases.show(invocation.argument("CASE")!)
        let c = detail.summary
        let staff = context.isStaff
        var header: [(String, String?)] = [
            ("case", c.number), ("client", c.client), ("debtor", "\(c.debtorName) (\(c.debtorTaxID))"),
            ("stage", c.stage + (c.closeCode.map { " (\($0))" } ?? "")), ("opened", c.openedOn.description),
            ("currency", c.currency), ("total", Formatting.money(c.total, c.currency)), ("paid", Formatting.money(detail.paid, c.currency)),
            ("outstanding", Formatting.money(detail.outstanding, c.currency)), ("days_overdue", String(c.daysOverdue)),
        ]
        // Beside the original balance, what a settlement forgave or an agreement still expects.
        if detail.forgiven != 0 { header.insert(("forgiven", Formatting.money(detail.forgiven, c.currency)), at: header.count - 1) }
        if let agreement = detail.agreement {
            header.insert(("agreement_expects", Formatting.money(agreement.expects, c.currency)), at: header.count - 1)
            header.insert(("agreement", "\(agreement.id) (\(agreement.status)): \(Formatting.money(agreement.paid, c.currency)) paid of "
                + "\(Formatting.money(agreement.total, c.currency)) agreed"), at: header.count - 1)
        }
        if staff { header.insert(("assigned_to", c.assignedTo ?? "(nobody)"), at: 4) }
        if !c.flags.isEmpty { header.append(("flags", c.flags.joined(separator: ", "))) }
        if let court = detail.court { header.append(("court", court)) }
        if !detail.courtCosts.isEmpty { header.append(("court_costs", try ReferralCommands.costSummary(detail.courtCosts, currency: c.currency))) }
        if let posting = detail.posting { header.append(("posting", posting)) }
        if let next = detail.nextAction { header.append(("next_action", next)) }
        let timeline = ResultTable(
            columns: [.init("date"), .init("event"), .init("outcome"), .init("note")] + (staff ? [.init("by"), .init("client_sees", .boolean)] : []),
            rows: detail.events.map { e in
                [e.on, e.kind, e.outcome, e.note] + (staff ? [e.by, e.clientVisible ? "yes" : "no"] : [])
            })
        let letters = ResultTable(
            columns: [.init("sent_on"), .init("level", .number), .init("client_sees", .boolean)] + (staff ? [.init("by")] : []) + [.init("text")],
            rows: detail.letters.map { l in
                [l.sentOn.description, String(l.level.rawValue), l.clientVisible ? "yes" : "no"] + (staff ? [l.sentBy] : []) + [l.text]
            })
        return .sections([
            .init("Case", Formatting.record(header, money: ["total", "paid", "outstanding", "forgiven", "agreement_expects"])),
            .init("Invoices", Formatting.invoiceTable(detail.invoices)),
            .init("Timeline", timeline),
        ] + (detail.courtCosts.isEmpty ? [] : [.init("Court costs", ReferralCommands.courtCostTable(detail.courtCosts, currency: c.currency))])
          + [.init("Letters", letters, forProgramsOnly: true)])
    }

    static let portfolio = Command(CommandSpec(
        words: ["portfolio"], arguments: [], options: [CommandTable.clientOption],
        summary: "how much has been got back: by stage and currency, cases, placed, recovered, outstanding, fees (before VAT) "
            + "and net (recovered less fees); and what was remitted to the client, per currency",
        examples: ["portfolio", "portfolio --client ACME"])
    ) { invocation, context in
        let (lines, remitted) = try context.session.cases.portfolio(client: invocation.option("client"))
        let byStage = ResultTable(
            columns: [.init("stage"), .init("currency"), .init("cases", .number), .init("placed", .money), .init("recovered", .money),
                      .init("outstanding", .money), .init("fees", .money), .init("net", .money)],
            rows: lines.map { l in
                [l.stage, l.currency, String(l.cases)] + [l.placed, l.recovered, l.outstanding, l.fees, l.net].map { Formatting.money($0, l.currency) }
            })
        let remittances = ResultTable(
            columns: [.init("currency"), .init("remittances", .number), .init("remitted", .money)],
            rows: remitted.map { [$0.currency, String($0.remittances), Formatting.money($0.amount, $0.currency)] })
        return .sections([.init("Portfolio", byStage), .init("Remitted", remittances)])
    }

    static let hold = Command(CommandSpec(
        words: ["case", "hold"],
        arguments: [CommandTable.caseArgument],
        options: [CommandTable.option("until", "DATE", .date, required: true, help: "the last day the strategy waits"),
                  CommandTable.option("reason", "TEXT", required: true, help: "why the case is held")],
        summary: "stop a case's strategy until a date (staff)",
        examples: ["case hold C-2026-000123 --until 2026-12-20 --reason 'cliente negocia directamente'"])
    ) { invocation, context in
        let number = try context.session.caseHolds.hold(caseNumber: invocation.argument("CASE")!, until: invocation.date("until")!,
                                                        reason: invocation.option("reason")!)
        return .message("Case \(number) on hold until \(invocation.date("until")!): its strategy waits.")
    }

    static let release = Command(CommandSpec(
        words: ["case", "release"],
        arguments: [CommandTable.caseArgument], options: [],
        summary: "end a case's hold: its strategy goes on at the next run (staff)",
        examples: ["case release C-2026-000123"])
    ) { invocation, context in
        let number = try context.session.caseHolds.release(caseNumber: invocation.argument("CASE")!)
        return .message("Case \(number) released: its strategy goes on at the next run.")
    }

    static let close = Command(CommandSpec(
        words: ["case", "close"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("code", "CODE", .choice(CloseCode.allCases.map(\.rawValue)), required: true,
                                      help: "paid, settled, uncollectible, withdrawn, prescribed or disputed"),
                  CommandTable.option("note", "TEXT", help: "why (the client sees it)")],
        summary: "close a case; it takes no new steps afterwards (staff)",
        examples: ["case close C-2026-000123 --code uncollectible --note 'debtor company dissolved'"])
    ) { invocation, context in
        let (number, withdrawal) = try context.session.cases.close(
            invocation.argument("CASE")!, code: invocation.choice("code")!, note: invocation.option("note"))
        return .message("Case \(number) closed (\(invocation.option("code")!.lowercased()))."
            + (withdrawal.map { " Its posting must be withdrawn by \($0)." } ?? ""))
    }

    static let reopen = Command(CommandSpec(
        words: ["case", "reopen"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "why (audited)")],
        summary: "reopen a closed case (admins)", examples: ["case reopen C-2026-000123 --reason 'closed by mistake'"])
    ) { invocation, context in
        let (number, stage) = try context.session.cases.reopen(invocation.argument("CASE")!, reason: invocation.option("reason")!)
        return .message("Case \(number) reopened (\(stage)).")
    }

    static func caseTable(_ cases: [CaseSummary], staff: Bool) -> ResultTable {
        ResultTable(
            columns: [.init("case"), .init("client"), .init("debtor"), .init("stage")] + (staff ? [.init("assigned_to")] : [])
                + [.init("invoices", .number), .init("total", .money), .init("recovered", .money), .init("outstanding", .money),
                   .init("days_overdue", .number), .init("opened")],
            rows: cases.map { c in
                [c.number, c.client, c.debtorName, c.stage + (c.closeCode.map { " (\($0))" } ?? "")] + (staff ? [c.assignedTo] : [])
                    + [String(c.invoices), Formatting.money(c.total, c.currency), Formatting.money(c.recovered, c.currency),
                       Formatting.money(c.outstanding, c.currency), String(c.daysOverdue), c.openedOn.description]
            })
    }
}
