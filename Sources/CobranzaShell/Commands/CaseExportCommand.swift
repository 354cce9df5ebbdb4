import CobranzaCore
import CobranzaStore

extension CaseCommands {
    /// `case export`: every case as csv, whatever the output format, written row by row as the
    /// database sends them (`Cases.export`, single-row mode): no 10,000 limit, and memory stays
    /// flat however large the book. The columns are `case list`'s, amounts as plain numbers.
    static let export = Command(CommandSpec(
        words: ["case", "export"], arguments: [],
        options: [CommandTable.clientOption,
                  CommandTable.option("stage", "extrajudicial|judicial|closed", .choice(CaseState.Stage.allCases.map(\.rawValue)), help: "only this stage")],
        summary: "every case as csv, written row by row as it is read (no row limit), for a file: cobranza -c 'case export' > cases.csv",
        examples: ["case export", "case export --client ACME --stage judicial"])
    ) { invocation, context in
        let staff = context.isStaff
        var header = true
        var rows = 0
        let progress = context.progress("cases")
        try context.session.cases.export(client: invocation.option("client"), stage: invocation.choice("stage")) { summary in
            let text = Renderer.csvText(caseTable([summary], staff: staff))
            // Each row's table repeats the header: write it once.
            context.write(header ? text : String(text[text.index(after: text.firstIndex(of: "\n")!)...]))
            header = false
            rows += 1
            try progress(WorkProgress(done: rows))
        }
        if header { context.write(Renderer.csvText(caseTable([], staff: staff))) }
        return .nothing
    }
}
