import CobranzaCore

/// Every domain command the shell knows, in the order `help` lists them. A command lives in
/// its domain's file under `Commands/` (spec and handler side by side); adding one means
/// writing it there and naming it here. Help, parsing, completion and dispatch all follow.
public enum CommandTable {
    public static let commands: [Command] = [
        ClientCommands.add, ClientCommands.list, ClientCommands.show, ClientCommands.edit, ClientCommands.contractSet, ClientCommands.contractShow,
        UserCommands.add, UserCommands.list, UserCommands.disable, UserCommands.enable, UserCommands.password,
        DebtorCommands.add, DebtorCommands.edit, DebtorCommands.show, DebtorCommands.list, DebtorCommands.authorize, DebtorCommands.contact,
        SubmissionCommands.submitInvoice, SubmissionCommands.submitImport,
        SubmissionCommands.list, SubmissionCommands.show, SubmissionCommands.reject, SubmissionCommands.importPlacement,
        CaseCommands.open, CaseCommands.assign, CaseCommands.list, CaseCommands.export, CaseCommands.show, CaseCommands.portfolio,
        PaymentCommands.record, PaymentCommands.importFile, PaymentCommands.reverse, PaymentCommands.list, PaymentCommands.show,
        FeeInvoiceCommands.issue, FeeInvoiceCommands.void, FeeInvoiceCommands.list, FeeInvoiceCommands.show,
        StatementCommands.statement, StatementCommands.remittanceRecord, StatementCommands.remittanceReverse, StatementCommands.remittanceList,
        WorkflowCommands.stepLog, WorkflowCommands.letterRender, WorkflowCommands.letterShow,
        WorkflowCommands.promiseAdd, WorkflowCommands.promiseList,
        WorkflowCommands.agreementCreate, WorkflowCommands.agreementShow,
        WorkflowCommands.disputeOpen, WorkflowCommands.disputeResolve, InvoiceCommands.cancel,
        PostingCommands.notify, PostingCommands.publish, PostingCommands.withdraw, PostingCommands.list,
        ReferralCommands.file, ReferralCommands.update, ReferralCommands.show,
        CaseCommands.close, CaseCommands.reopen, CaseCommands.hold, CaseCommands.release,
        StrategyCommands.create, StrategyCommands.makeDefault, StrategyCommands.stepAdd, StrategyCommands.stepRemove,
        StrategyCommands.show, StrategyCommands.list, StrategyCommands.clientSet, StrategyCommands.run, StrategyCommands.log,
        NoticeCommands.send, NoticeCommands.list, NoticeCommands.show, NoticeCommands.retry,
        WorkflowCommands.agenda,
        ContactRuleCommands.show, HolidayCommands.list, HolidayCommands.add, HolidayCommands.remove,
        ReportCommands.aging, ReportCommands.summary, ReportCommands.recovery, ReportCommands.collectors, ReportCommands.debtors, ReportCommands.debtorHistory,
        UserCommands.whoami,
        HelpCommand.help,
    ]

    /// The specs alone: what the parser, help and completion read.
    public static let all: [CommandSpec] = commands.map(\.spec)

    static let byName: [String: Command] = Dictionary(commands.map { ($0.spec.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// The distinct first words, for suggestions and completion.
    public static var topics: [String] {
        var seen: [String] = []
        for spec in all where !seen.contains(spec.words[0]) { seen.append(spec.words[0]) }
        return seen
    }

    // MARK: - Building specs

    static func option(_ name: String, _ value: String? = nil, _ kind: ValueKind = .text, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: value, kind: kind, isRequired: required, help: help)
    }

    static func argument(_ name: String, _ kind: ValueKind = .text, help: String) -> ArgumentSpec {
        ArgumentSpec(name: name, kind: kind, help: help)
    }

    static let caseArgument = argument("CASE", .caseNumber, help: "case number")
    static let clientOption = option("client", "CODE", .clientCode, help: "the client (staff; SME users act for their own)")
    static let limitOption = option("limit", "N", .count(1...10_000, unit: nil), help: "at most N rows (default 50)")
}
