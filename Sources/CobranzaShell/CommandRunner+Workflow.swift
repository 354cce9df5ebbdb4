import CobranzaCore
import CobranzaStore

/// Working a case: steps and letters, promises, agreements, disputes, postings, referrals,
/// closing, and the agenda.
extension CommandRunner {
    func runWorkflow(_ invocation: Invocation) throws -> CommandOutput {
        let caseNumber = invocation.argument("CASE") ?? ""
        switch invocation.spec.name {
        case "step log":
            let logged = try session.steps.log(Steps.NewStep(
                caseNumber: caseNumber, kind: invocation.argument("KIND")!, outcome: invocation.option("outcome"),
                note: invocation.option("note"), clientVisible: invocation.switches.contains("client-visible"),
                nextAction: invocation.option("next-action"), level: invocation.option("level")))
            var text = "Logged \(logged.level.map { "level \($0.rawValue) letter" } ?? logged.kind.rawValue)"
                + (logged.outcome.map { " (\($0))" } ?? "") + " on \(logged.caseNumber)"
                + (invocation.switches.contains("client-visible") ? ", visible to the client" : "") + "."
            if let next = logged.nextAction { text += " Next action: \(next)." }
            if let letter = logged.letter {
                text += " Its text (\(letter.split(separator: "\n", omittingEmptySubsequences: false).count) lines) is kept on the timeline."
            }
            return .message(text)
        case "letter render":
            let level = try Letters.level(invocation.option("level"))
            return .message(try session.letters.render(caseNumber: caseNumber, level: level).trimmingTrailingNewlines())

        case "promise add":
            let promise = try session.promises.add(caseNumber: caseNumber, amount: invocation.option("amount")!,
                                                   due: invocation.option("due")!, note: invocation.option("note"))
            return .message("Promise \(promise.id) on \(promise.caseNumber): \(Self.money(promise.amount, promise.currency)) by \(promise.due) "
                + "(kept if paid by \(promise.deadline)).")
        case "promise list":
            let promises = try session.promises.list(caseNumber: invocation.option("case"), brokenOnly: invocation.switches.contains("broken"),
                                                     client: invocation.option("client"), limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("promise", .number), .init("case"), .init("client"), .init("debtor"), .init("promised_on"), .init("due"),
                          .init("deadline"), .init("amount", .money), .init("paid", .money), .init("status")],
                rows: promises.map { p in
                    [String(p.id), p.caseNumber, p.client, p.debtorName, p.promisedOn, p.due, p.deadline,
                     Self.money(p.amount, p.currency), Self.money(p.paid, p.currency), p.status]
                }))

        case "agreement create":
            let agreement = try session.agreements.create(Agreements.Terms(
                caseNumber: caseNumber, instalments: invocation.option("instalments")!, firstDue: invocation.option("first-due")!,
                every: invocation.option("every"), downPayment: invocation.option("down-payment"), discount: invocation.option("discount")))
            let discount = agreement.discount == .zero ? ""
                : " (\(agreement.discount) off \(Self.money(agreement.owed, agreement.currency)))"
            return .sections([
                .init("Agreement \(agreement.id) on \(agreement.caseNumber): \(Self.money(agreement.total, agreement.currency))\(discount)",
                      Self.scheduleTable(agreement)),
            ])
        case "agreement show":
            let agreements = try session.agreements.show(caseNumber: caseNumber)
            guard !agreements.isEmpty else { return .message("Case \(caseNumber.uppercased()) has no instalment agreement.") }
            return .sections(agreements.flatMap { a -> [CommandOutput.Section] in
                [.init("Agreement \(a.id)", Self.record([
                    ("case", a.caseNumber), ("agreed_on", a.agreedOn), ("owed_then", Self.money(a.owed, a.currency)),
                    ("discount", a.discount.description), ("total", Self.money(a.total, a.currency)),
                    ("down_payment", Self.money(a.downPayment, a.currency)), ("instalments", "\(a.instalmentCount) every \(a.every)"),
                    ("paid", Self.money(a.paid, a.currency)), ("status", a.status),
                 ])),
                 .init("Schedule of agreement \(a.id)", Self.scheduleTable(a))]
            })

        case "dispute open":
            let number = try session.disputes.open(caseNumber: caseNumber, reason: invocation.option("reason")!)
            return .message("Dispute opened on \(number): no posting or referral until it is resolved.")
        case "dispute resolve":
            let (number, closed) = try session.disputes.resolve(caseNumber: caseNumber, outcome: invocation.option("outcome")!,
                                                                 note: invocation.option("note"))
            return .message(closed ? "Dispute upheld: case \(number) is closed (disputed)." : "Dispute rejected: case \(number) goes on.")

        case "posting notify":
            let (number, allowed) = try session.postings.notify(caseNumber: caseNumber)
            return .message("Debtor of \(number) notified of the posting; it may be published from \(allowed).")
        case "posting publish":
            let number = try session.postings.publish(caseNumber: caseNumber, registry: invocation.option("registry")!,
                                                      reference: invocation.option("reference"))
            return .message("Debt of \(number) posted in \(invocation.option("registry")!).")
        case "posting withdraw":
            let number = try session.postings.withdraw(caseNumber: caseNumber)
            return .message("Posting of \(number) withdrawn.")
        case "posting list":
            let postings = try session.postings.list(withdrawalDue: invocation.switches.contains("withdrawal-due"),
                                                     client: invocation.option("client"), limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("posting", .number), .init("case"), .init("client"), .init("debtor"), .init("notified"), .init("registry"),
                          .init("published"), .init("withdrawal_due"), .init("days_left", .number)],
                rows: postings.map { p in
                    [String(p.id), p.caseNumber, p.client, p.debtorName, p.noticeOn, p.registry, p.publishedOn, p.withdrawalDue,
                     p.daysLeft.map(String.init)]
                }))

        case "referral file":
            let referral = try session.referrals.file(Referrals.Filing(
                caseNumber: caseNumber, lawyer: invocation.option("lawyer")!, court: invocation.option("court"),
                override: invocation.switches.contains("override"), reason: invocation.option("reason")))
            return .message("Case \(referral.caseNumber) referred to court (lawyer \(referral.lawyer)); it is now judicial and "
                + "payments from today earn the judicial rate.")
        case "referral update":
            let referral = try session.referrals.update(Referrals.Update(
                caseNumber: caseNumber, stage: invocation.option("stage"), docket: invocation.option("docket"),
                court: invocation.option("court"), cost: invocation.option("cost"), costNote: invocation.option("cost-note")))
            return .sections(Self.referralSections(referral))
        case "referral show":
            return .sections(Self.referralSections(try session.referrals.show(caseNumber: caseNumber)))

        case "case close":
            let (number, withdrawal) = try session.cases.close(caseNumber, code: invocation.option("code")!, note: invocation.option("note"))
            return .message("Case \(number) closed (\(invocation.option("code")!.lowercased()))."
                + (withdrawal.map { " Its posting must be withdrawn by \($0)." } ?? ""))
        case "case reopen":
            let (number, stage) = try session.cases.reopen(caseNumber, reason: invocation.option("reason")!)
            return .message("Case \(number) reopened (\(stage)).")

        case "agenda":
            let items = try session.agenda.items(person: invocation.option("collector"), on: invocation.option("date"),
                                                 limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("due"), .init("days_late", .number), .init("case"), .init("client"), .init("debtor"), .init("what"),
                          .init("amount", .money), .init("assigned_to")],
                rows: items.map { i in
                    [i.due, String(i.daysLate), i.caseNumber, i.client, i.debtorName, i.what, i.amount.map { Self.money($0, i.currency) },
                     i.assignedTo]
                }))
        default:
            throw UsageError("\(invocation.spec.name): not implemented")
        }
    }

    static func scheduleTable(_ agreement: AgreementRecord) -> ResultTable {
        ResultTable(
            columns: [.init("instalment", .number), .init("due"), .init("amount", .money), .init("paid", .money), .init("status")],
            rows: agreement.instalments.map { i in
                [i.sequence == 0 ? "down" : String(i.sequence), i.due, Self.money(i.amount, agreement.currency),
                 Self.money(i.paid, agreement.currency), i.status]
            })
    }

    static func referralSections(_ referral: ReferralRecord) -> [CommandOutput.Section] {
        var fields: [(String, String?)] = [
            ("case", referral.caseNumber), ("lawyer", referral.lawyer), ("court", referral.court), ("docket", referral.docket),
            ("stage", referral.stage), ("referred_on", referral.referredOn),
            ("owed_when_referred", Self.money(referral.outstanding, referral.currency)),
            ("judicial_threshold", Self.money(referral.threshold, referral.currency)),
        ]
        if let reason = referral.overrideReason { fields.append(("override", reason)) }
        let total = referral.costs.reduce(Int64(0)) { $0 + $1.amount }
        fields.append(("court_costs", Self.money(total, referral.currency)))
        var sections: [CommandOutput.Section] = [.init("Referral", Self.record(fields.filter { $0.1 != nil }))]
        if !referral.costs.isEmpty {
            sections.append(.init("Court costs", ResultTable(
                columns: [.init("date"), .init("amount", .money), .init("note"), .init("by")],
                rows: referral.costs.map { [$0.on, Self.money($0.amount, referral.currency), $0.note, $0.by] })))
        }
        return sections
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
