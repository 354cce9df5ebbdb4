import CobranzaCore
import CobranzaStore

/// Working a case day to day: steps and letters, promises, instalment agreements, disputes,
/// and the agenda of what is due.
enum WorkflowCommands {
    static let stepLog = Command(CommandSpec(
        words: ["step", "log"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number"),
                    CommandTable.argument("KIND", .choice(StepKind.allCases.map(\.rawValue)),
                                          help: "reminder, call, letter, visit, email, sms, whatsapp or note")],
        options: [
            CommandTable.option("outcome", "TEXT", help: "how it went; a call needs one of " + CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")),
            CommandTable.option("note", "TEXT", help: "what happened (internal unless --client-visible)"),
            CommandTable.option("client-visible", help: "the client sees this step in its case view"),
            CommandTable.option("next-action", "DATE", .date, help: "when to act on the case next (it shows in the agenda)"),
            CommandTable.option("level", "1|2|3", .choice(["1", "2", "3"]), help: "a letter's level; stores the exact text sent"),
            CommandTable.option("override", "REASON", help: "let this one contact through the country's contact rules, with the reason (admins; audited)"),
        ],
        summary: "log a step on a case's timeline, within the debtor's country's contact rules (staff; lawyers on their cases)",
        examples: ["step log C-2026-000123 call --outcome no-answer --next-action 2026-04-06",
                   "step log C-2026-000123 letter --level 1 --client-visible",
                   "step log C-2026-000123 note --note 'debtor says the goods arrived damaged'",
                   "step log C-2026-000123 call --outcome promise --override 'debtor asked to be called back tonight'"],
        fieldLabels: ["letter_level": "--level", "rule_override": "--override"])
    ) { invocation, context in
        let logged = try context.session.steps.log(Steps.NewStep(
            caseNumber: invocation.argument("CASE")!, kind: invocation.choice("KIND")!, outcome: invocation.option("outcome"),
            note: invocation.option("note"), clientVisible: invocation.switches.contains("client-visible"),
            nextAction: invocation.date("next-action"), level: letterLevel(invocation), ruleOverride: invocation.option("override")))
        var text = "Logged \(logged.level.map { "level \($0.rawValue) letter" } ?? logged.kind.rawValue)"
            + (logged.outcome.map { " (\($0))" } ?? "") + " on \(logged.caseNumber)"
            + (invocation.switches.contains("client-visible") ? ", visible to the client" : "")
            + (invocation.option("override") != nil ? ", through the contact rules by override" : "") + "."
        if let next = logged.nextAction { text += " Next action: \(next)." }
        if let letter = logged.letter {
            text += " Its text (\(letter.split(separator: "\n", omittingEmptySubsequences: false).count) lines) is kept on the timeline."
        }
        return .message(text)
    }

    static let letterRender = Command(CommandSpec(
        words: ["letter", "render"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("level", "1|2|3", .choice(["1", "2", "3"]), required: true, help: "1 friendly, 2 firm, 3 last notice")],
        summary: "print a collection letter in Spanish from templates/cartas, without sending it (staff)",
        examples: ["letter render C-2026-000123 --level 3"])
    ) { invocation, context in
        let level = letterLevel(invocation)!
        return .message(try context.session.letters.render(caseNumber: invocation.argument("CASE")!, level: level).trimmingTrailingNewlines())
    }

    static let letterShow = Command(CommandSpec(
        words: ["letter", "show"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("level", "1|2|3", .choice(["1", "2", "3"]), help: "which letter (default: the last one sent)")],
        summary: "print a letter exactly as it was sent (staff; an SME the client-visible letters of its cases)",
        examples: ["letter show C-2026-000123", "letter show C-2026-000123 --level 1"])
    ) { invocation, context in
        let sent = try context.session.letters.show(caseNumber: invocation.argument("CASE")!, level: letterLevel(invocation))
        let heading = "Level \(sent.level.rawValue) letter on \(sent.caseNumber), sent on \(sent.sentOn)"
            + (sent.sentBy.map { " by \($0)" } ?? "") + (context.isStaff ? (sent.clientVisible ? ", visible to the client" : ", internal") : "") + ":"
        return .message(heading + "\n\n" + sent.text.trimmingTrailingNewlines())
    }

    static let promiseAdd = Command(CommandSpec(
        words: ["promise", "add"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("amount", "AMOUNT", .amount, required: true, help: "what the debtor promised to pay"),
                  CommandTable.option("due", "DATE", .date, required: true, help: "by when"),
                  CommandTable.option("note", "TEXT", help: "context")],
        summary: "record a promise to pay; kept if payments cover it by the due date plus the contract's grace days (staff)",
        examples: ["promise add C-2026-000123 --amount 200.000 --due 2026-04-10"])
    ) { invocation, context in
        let promise = try context.session.promises.add(caseNumber: invocation.argument("CASE")!, amount: invocation.amount("amount")!,
                                                       due: invocation.date("due")!, note: invocation.option("note"))
        return .message("Promise \(promise.number) on \(promise.caseNumber): \(Formatting.money(promise.amount, promise.currency)) by \(promise.due) "
            + "(kept if paid by \(promise.deadline)).")
    }

    static let promiseList = Command(CommandSpec(
        words: ["promise", "list"], arguments: [],
        options: [CommandTable.option("case", "CASE", .caseNumber, help: "only this case"), CommandTable.option("broken", help: "only broken promises"),
                  CommandTable.clientOption, CommandTable.limitOption],
        summary: "promises with their status (pending, kept, broken)", examples: ["promise list --broken"])
    ) { invocation, context in
        let promises = try context.session.promises.list(
            caseNumber: invocation.option("case"), brokenOnly: invocation.switches.contains("broken"),
            client: invocation.option("client"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("promise", .number), .init("case"), .init("client"), .init("debtor"), .init("promised_on"), .init("due"),
                      .init("deadline"), .init("amount", .money), .init("paid", .money), .init("status")],
            rows: promises.map { p in
                [String(p.number), p.caseNumber, p.client, p.debtorName, p.promisedOn.description, p.due.description, p.deadline.description,
                 Formatting.money(p.amount, p.currency), Formatting.money(p.paid, p.currency), p.status]
            }))
    }

    static let agreementCreate = Command(CommandSpec(
        words: ["agreement", "create"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("instalments", "N", .count(1...InstalmentSchedule.maximumInstalments, unit: "instalments"),
                                      required: true, help: "how many instalments"),
                  CommandTable.option("first-due", "DATE", .date, required: true, help: "when the first falls due"),
                  CommandTable.option("every", "month|2weeks", .choice(InstalmentSchedule.Frequency.allCases.map(\.rawValue)), help: "default month"),
                  CommandTable.option("down-payment", "AMOUNT", .amount, help: "paid today, before the instalments"),
                  CommandTable.option("discount", "PCT", .percent, help: "off what is owed, up to the client's authorised maximum")],
        summary: "agree instalments for what the case owes; the schedule sums exactly to the total (staff)",
        examples: ["agreement create C-2026-000123 --instalments 6 --first-due 2026-05-05 --down-payment 100.000",
                   "agreement create C-2026-000123 --instalments 3 --first-due 2026-05-05 --every 2weeks --discount 10"],
        fieldLabels: ["discount_bp": "--discount"])
    ) { invocation, context in
        let agreement = try context.session.agreements.create(Agreements.Terms(
            caseNumber: invocation.argument("CASE")!, instalments: invocation.count("instalments")!, firstDue: invocation.date("first-due")!,
            every: invocation.choice("every") ?? .month, downPayment: invocation.amount("down-payment"),
            discount: invocation.percent("discount") ?? .zero))
        let discount = agreement.discount == .zero ? ""
            : " (\(agreement.discount) off \(Formatting.money(agreement.owed, agreement.currency)))"
        return .sections([
            .init("Agreement \(agreement.number) on \(agreement.caseNumber): \(Formatting.money(agreement.total, agreement.currency))\(discount)",
                  scheduleTable(agreement)),
        ])
    }

    static let agreementShow = Command(CommandSpec(
        words: ["agreement", "show"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")], options: [],
        summary: "a case's agreements, their schedules and status", examples: ["agreement show C-2026-000123"])
    ) { invocation, context in
        let caseNumber = invocation.argument("CASE")!
        let agreements = try context.session.agreements.show(caseNumber: caseNumber)
        guard !agreements.isEmpty else { return .message("Case \(caseNumber.uppercased()) has no instalment agreement.") }
        let money = Formatting.money
        return .sections(try agreements.flatMap { a -> [CommandOutput.Section] in
            // What was agreed; and, once invoices under it were cancelled, what they took off
            // and what it asks now (0122).
            let agreed = a.cancelled == 0 ? [("total", money(a.total, a.currency))]
                : [("total", money(try MoneyArithmetic.add(a.total, a.cancelled), a.currency)), ("cancelled", money(a.cancelled, a.currency)),
                   ("total_now", money(a.total, a.currency))]
            return [.init("Agreement \(a.number)", Formatting.record([
                ("case", a.caseNumber), ("agreed_on", a.agreedOn.description), ("currency", a.currency),
                ("owed_then", money(try MoneyArithmetic.add(a.owed, a.cancelledOwed), a.currency)), ("discount", a.discount.description)] + agreed + [
                ("down_payment", money(a.downPayment, a.currency)), ("instalments", "\(a.instalmentCount) every \(a.every)"),
                ("paid", money(a.paid, a.currency)), ("status", a.status),
             ], money: ["owed_then", "total", "cancelled", "total_now", "down_payment", "paid"])),
             .init("Schedule of agreement \(a.number)", scheduleTable(a))]
        })
    }

    static let disputeOpen = Command(CommandSpec(
        words: ["dispute", "open"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("reason", "TEXT", required: true, help: "what the debtor disputes"),
                  CommandTable.option("invoice", "NUMBER[,NUMBER…]", help: "the invoices disputed, comma-separated (default: all of them)")],
        summary: "record a dispute of some invoices or of all: they are left out of posting, referral and letters while it is open; "
            + "the rest of the case goes on (staff)",
        examples: ["dispute open C-2026-000123 --reason 'goods returned on 2026-02-10'",
                   "dispute open C-2026-000123 --reason 'never delivered' --invoice F-1002,F-1003"])
    ) { invocation, context in
        let invoices = invocation.option("invoice").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        let opened = try context.session.disputes.open(caseNumber: invocation.argument("CASE")!, reason: invocation.option("reason")!,
                                                       invoices: invoices)
        if opened.invoices.isEmpty {
            return .message("Dispute opened on \(opened.caseNumber): no posting or referral until it is resolved.")
        }
        return .message("Dispute opened on \(opened.caseNumber) for invoice\(opened.invoices.count == 1 ? "" : "s") "
            + "\(opened.invoices.joined(separator: ", ")): left out of posting, referral and letters until it is resolved; the rest goes on.")
    }

    static let disputeResolve = Command(CommandSpec(
        words: ["dispute", "resolve"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("outcome", "upheld|rejected", .choice(DisputeOutcome.allCases.map(\.rawValue)), required: true,
                                      help: "upheld cancels the disputed invoices (what is unpaid on them) and closes the case if nothing else is owed"),
                  CommandTable.option("note", "TEXT", help: "why")],
        summary: "resolve a case's open dispute (staff)",
        examples: ["dispute resolve C-2026-000123 --outcome rejected --note 'delivery receipt signed'"])
    ) { invocation, context in
        let resolved = try context.session.disputes.resolve(
            caseNumber: invocation.argument("CASE")!, outcome: invocation.choice("outcome")!, note: invocation.option("note"))
        let number = resolved.caseNumber
        let goesOn = resolved.wasClosed ? "stays closed" : "goes on"
        guard invocation.option("outcome")!.lowercased() == DisputeOutcome.upheld.rawValue else {
            return .message("Dispute rejected: case \(number) \(goesOn).")
        }
        let cancelled = resolved.cancelled.isEmpty ? ""
            : " Invoice\(resolved.cancelled.count == 1 ? "" : "s") \(resolved.cancelled.joined(separator: ", ")) cancelled (what was unpaid is no longer owed)."
        return .message(resolved.closed ? "Dispute upheld: case \(number) is closed (disputed).\(cancelled)"
                                        : "Dispute upheld: case \(number) \(resolved.wasClosed ? "stays closed" : "goes on for what else is owed").\(cancelled)")
    }

    static let agenda = Command(CommandSpec(
        words: ["agenda"], arguments: [],
        options: [CommandTable.option("collector", "USER", .userName, help: "whose cases (default: yours; an admin sees everyone's)"),
                  CommandTable.option("date", "DATE", .date, help: "as of this day (default today)"), CommandTable.limitOption],
        summary: "what is due: next actions, promises (broken ones until acted on), instalments, posting withdrawals, cases idle past the contract's follow-up days, most urgent first (staff)",
        examples: ["agenda", "agenda --collector ana --date 2026-04-30"])
    ) { invocation, context in
        let items = try context.session.agenda.items(
            person: invocation.option("collector"), on: invocation.date("date"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("due"), .init("days_late", .number), .init("case"), .init("client"), .init("debtor"), .init("what"),
                      .init("amount", .money), .init("assigned_to")],
            rows: items.map { i in
                [i.due.description, String(i.daysLate), i.caseNumber, i.client, i.debtorName, i.what, i.amount.map { Formatting.money($0, i.currency) },
                 i.assignedTo]
            }))
    }

    /// `--level 1|2|3`, already held to those by the parser.
    static func letterLevel(_ invocation: Invocation) -> LetterLevel? {
        invocation.option("level").flatMap { Int($0) }.flatMap(LetterLevel.init(rawValue:))
    }

    /// The schedule; a `cancelled` column only once cancelled invoices took something off it.
    static func scheduleTable(_ agreement: AgreementRecord) -> ResultTable {
        let cancelled = agreement.cancelled != 0
        return ResultTable(
            columns: [.init("instalment", .number), .init("due"), .init("amount", .money), .init("paid", .money)]
                + (cancelled ? [.init("cancelled", .money)] : []) + [.init("status")],
            rows: agreement.instalments.map { i in
                [i.sequence == 0 ? "down" : String(i.sequence), i.due.description, Formatting.money(i.amount, agreement.currency),
                 Formatting.money(i.paid, agreement.currency)]
                    + (cancelled ? [Formatting.money(i.cancelled, agreement.currency)] : []) + [i.status]
            })
    }
}
