import CobranzaCore
import CobranzaStore

/// The judicial track: a case referred to a lawyer and court, its progress and its costs.
enum ReferralCommands {
    static let file = Command(CommandSpec(
        words: ["referral", "file"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("lawyer", "USER", .userName, required: true, help: "the lawyer who takes the case"),
                  CommandTable.option("court", "TEXT", help: "the court"),
                  CommandTable.option("override", help: "refer a debt below the client's judicial threshold (admins)"),
                  CommandTable.option("reason", "TEXT", help: "why, with --override")],
        summary: "refer a case to court: it becomes judicial and earns the judicial rate (staff)",
        examples: ["referral file C-2026-000123 --lawyer luis --court '3er Juzgado Civil de Santiago'"])
    ) { invocation, context in
        if invocation.option("reason") != nil, !invocation.switches.contains("override") {
            throw UsageError("--reason: goes with --override")
        }
        let referral = try context.session.referrals.file(Referrals.Filing(
            caseNumber: invocation.argument("CASE")!, lawyer: invocation.option("lawyer")!, court: invocation.option("court"),
            override: invocation.switches.contains("override"), reason: invocation.option("reason")))
        return .message("Case \(referral.caseNumber) referred to court (lawyer \(referral.lawyer)); it is now judicial and "
            + "payments from today earn the judicial rate.")
    }

    static let update = Command(CommandSpec(
        words: ["referral", "update"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")],
        options: [CommandTable.option("stage", "filed|served|judgment|enforcement|closed",
                                      .choice(ReferralStage.allCases.map(\.rawValue)),
                                      help: "the proceeding's stage (only forward)"),
                  CommandTable.option("docket", "TEXT", help: "the court's docket number (rol)"),
                  CommandTable.option("court", "TEXT", help: "the court"),
                  CommandTable.option("cost", "AMOUNT", .amount, help: "a court cost, in the case's currency"),
                  CommandTable.option("cost-note", "TEXT", help: "what the cost was for (with --cost)")],
        summary: "record the court proceeding's progress and costs (staff; lawyers on their cases)",
        examples: ["referral update C-2026-000123 --stage filed --docket C-1234-2026",
                   "referral update C-2026-000123 --cost 45.000 --cost-note 'receptor judicial'"])
    ) { invocation, context in
        guard ["stage", "docket", "court", "cost"].contains(where: { invocation.option($0) != nil }) else {
            throw UsageError("referral update: give --stage, --docket, --court or --cost")
        }
        let referral = try context.session.referrals.update(Referrals.Update(
            caseNumber: invocation.argument("CASE")!, stage: invocation.choice("stage"), docket: invocation.option("docket"),
            court: invocation.option("court"), cost: invocation.amount("cost"), costNote: invocation.option("cost-note")))
        return .sections(try sections(referral))
    }

    static let show = Command(CommandSpec(
        words: ["referral", "show"],
        arguments: [CommandTable.argument("CASE", .caseNumber, help: "case number")], options: [],
        summary: "a case's referral with its costs", examples: ["referral show C-2026-000123"])
    ) { invocation, context in
        .sections(try sections(try context.session.referrals.show(caseNumber: invocation.argument("CASE")!)))
    }

    static func sections(_ referral: ReferralRecord) throws -> [CommandOutput.Section] {
        let money = Formatting.money
        var fields: [(String, String?)] = [
            ("case", referral.caseNumber), ("lawyer", referral.lawyer), ("court", referral.court), ("docket", referral.docket),
            ("stage", referral.stage), ("referred_on", referral.referredOn.description), ("currency", referral.currency),
            ("owed_when_referred", referral.outstanding.map { money($0, referral.currency) }),
            ("judicial_threshold", referral.threshold.map { money($0, referral.currency) }),
        ]
        if let reason = referral.overrideReason { fields.append(("override", reason)) }
        fields.append(("court_costs", try costSummary(referral.costs, currency: referral.currency)))
        var sections: [CommandOutput.Section] = [.init("Referral", Formatting.record(fields.filter { $0.1 != nil },
                                                                                            money: ["owed_when_referred", "judicial_threshold"]))]
        if !referral.costs.isEmpty {
            sections.append(.init("Court costs", courtCostTable(referral.costs, currency: referral.currency)))
        }
        return sections
    }

    /// "$45.000 CLP (the client's: on the next fee invoice)": the total and who bears it; with
    /// more than one bearer, each one's amount.
    static func costSummary(_ costs: [CourtCost], currency: String) throws -> String {
        let money = { (minor: Int64) in Formatting.money(minor, currency) }
        let total = money(try MoneyArithmetic.sum(costs.map(\.amount)))
        let bearers = CourtCostBearer.allCases.filter { bearer in costs.contains { $0.borneBy == bearer } }
        guard !bearers.isEmpty else { return total }
        let parts = try bearers.map { bearer -> String in
            let borne = costs.filter { $0.borneBy == bearer }
            let amount = bearers.count > 1 ? " " + money(try MoneyArithmetic.sum(borne.map(\.amount))) : ""
            switch bearer {
            case .client:
                let unbilled = try MoneyArithmetic.sum(borne.filter { $0.invoice == nil }.map(\.amount))
                let billing = unbilled == 0 ? "invoiced"
                    : borne.allSatisfy({ $0.invoice == nil }) ? "on the next fee invoice" : "\(money(unbilled)) on the next fee invoice"
                return "the client's\(amount): \(billing)"
            case .debtor: return "the debtor's\(amount): owed with the case"
            case .agency: return "absorbed by the agency\(amount)"
            }
        }
        return "\(total) (\(parts.joined(separator: "; ")))"
    }

    /// Court costs with who bears each: the client (and the invoice that bills it, once
    /// issued), the debtor or the agency. Shared by `referral show` and `case show`.
    static func courtCostTable(_ costs: [CourtCost], currency: String) -> ResultTable {
        ResultTable(
            columns: [.init("date"), .init("amount", .money), .init("note"), .init("borne_by"), .init("invoice"), .init("by")],
            rows: costs.map { [$0.on, Formatting.money($0.amount, currency), $0.note, $0.borneBy.rawValue, $0.invoice, $0.by] })
    }
}
