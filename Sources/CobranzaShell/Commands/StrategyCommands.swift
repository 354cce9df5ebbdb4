import CobranzaCore
import CobranzaStore

/// Collection strategies (issue 17): ladders of steps as data, the client's choice of one, the
/// daily run that drives every open case up its ladder, and the run's log.
enum StrategyCommands {
    static let strategyArgument = CommandTable.argument("NAME", help: "the strategy's name")

    static let create = Command(CommandSpec(
        words: ["strategy", "create"],
        arguments: [strategyArgument],
        options: [CommandTable.option("default", help: "make it the agency default, followed by clients without their own")],
        summary: "create an empty strategy; add its steps with strategy step add (admins)",
        examples: ["strategy create estandar --default", "strategy create 'pyme suave'"])
    ) { invocation, context in
        let name = try context.session.strategies.create(name: invocation.argument("NAME")!, isDefault: invocation.switches.contains("default"))
        return .message("Strategy \(name) created\(invocation.switches.contains("default") ? " (the agency default)" : "").")
    }

    static let makeDefault = Command(CommandSpec(
        words: ["strategy", "default"],
        arguments: [strategyArgument], options: [],
        summary: "make a strategy the agency default (admins)",
        examples: ["strategy default estandar"])
    ) { invocation, context in
        let name = try context.session.strategies.makeDefault(name: invocation.argument("NAME")!)
        return .message("Strategy \(name) is the agency default.")
    }

    static let stepAdd = Command(CommandSpec(
        words: ["strategy", "step", "add"],
        arguments: [strategyArgument],
        options: [CommandTable.option("day", "N", .count(-365...3650, unit: "days"), required: true,
                                      help: "days after the oldest open invoice's due date (negative: before it) or after the case opened"),
                  CommandTable.option("action", StrategyAction.allCases.map(\.rawValue).joined(separator: "|"),
                                      .choice(StrategyAction.allCases.map(\.rawValue)), required: true, help: "what the step does"),
                  CommandTable.option("level", "1|2|3", .count(1...3, unit: nil), help: "a letter's level (letters go 1, 2, 3)"),
                  CommandTable.option("from", "due|opened", .choice(StrategyAnchor.allCases.map(\.rawValue)),
                                      help: "what the day counts from (default due)"),
                  CommandTable.option("client-visible", help: "the client sees the step on the case's timeline")],
        summary: "add a step to a strategy's ladder (admins)",
        examples: ["strategy step add estandar --day -3 --action reminder", "strategy step add estandar --day 15 --action letter --level 1 --client-visible"],
        fieldLabels: ["letter_level": "--level", "from_point": "--from", "strategy": "NAME"])
    ) { invocation, context in
        let action: StrategyAction = invocation.choice("action")!
        let level = invocation.count("level").flatMap(LetterLevel.init(rawValue:))
        let day = invocation.count("day")!
        try context.session.strategies.addStep(Strategies.NewStep(
            strategy: invocation.argument("NAME")!, day: day, action: action, level: level,
            from: invocation.choice("from") ?? .due, clientVisible: invocation.switches.contains("client-visible")))
        return .message("Step added: day \(day), \(action.rawValue)\(level.map { " level \($0.rawValue)" } ?? "").")
    }

    static let stepRemove = Command(CommandSpec(
        words: ["strategy", "step", "remove"],
        arguments: [strategyArgument],
        options: [CommandTable.option("day", "N", .count(-365...3650, unit: "days"), required: true, help: "the step's day"),
                  CommandTable.option("action", StrategyAction.allCases.map(\.rawValue).joined(separator: "|"),
                                      .choice(StrategyAction.allCases.map(\.rawValue)), required: true, help: "the step's action")],
        summary: "remove a step; cases that did it keep it (admins)",
        examples: ["strategy step remove estandar --day 10 --action call"],
        fieldLabels: ["strategy": "NAME"])
    ) { invocation, context in
        let action: StrategyAction = invocation.choice("action")!
        try context.session.strategies.removeStep(strategy: invocation.argument("NAME")!, day: invocation.count("day")!, action: action)
        return .message("Step removed: day \(invocation.count("day")!), \(action.rawValue).")
    }

    static let show = Command(CommandSpec(
        words: ["strategy", "show"],
        arguments: [strategyArgument], options: [],
        summary: "a strategy's ladder and the clients that follow it (staff)",
        examples: ["strategy show estandar"],
        fieldLabels: ["strategy": "NAME"])
    ) { invocation, context in
        let strategy = try context.session.strategies.show(name: invocation.argument("NAME")!)
        let about = Formatting.record([("name", strategy.name), ("default", strategy.isDefault ? "yes" : "no"),
                                       ("clients", strategy.clients.isEmpty ? "-" : strategy.clients.joined(separator: ", "))])
        return .sections([.init("Strategy", about), .init("Steps", stepTable(strategy.steps))])
    }

    static let list = Command(CommandSpec(
        words: ["strategy", "list"], arguments: [], options: [],
        summary: "the strategies with their steps in order (staff)",
        examples: ["strategy list"])
    ) { _, context in
        let strategies = try context.session.strategies.list()
        return .table(ResultTable(
            columns: [.init("name"), .init("default", .boolean), .init("clients"), .init("steps")],
            rows: strategies.map { s in
                [s.name, s.isDefault ? "yes" : "no", s.clients.isEmpty ? nil : s.clients.joined(separator: ", "),
                 s.steps.map { "\($0.day) \($0.action)\($0.level.map { " \($0)" } ?? "")" }.joined(separator: ", ")]
            }))
    }

    static func stepTable(_ steps: [StrategyStepRecord]) -> ResultTable {
        ResultTable(columns: [.init("day", .number), .init("from"), .init("action"), .init("level", .number),
                              .init("client_visible", .boolean), .init("added_by")],
                    rows: steps.map { [String($0.day), $0.from, $0.action, $0.level.map(String.init), $0.clientVisible ? "yes" : "no", $0.addedBy] })
    }

    static let clientSet = Command(CommandSpec(
        words: ["client", "strategy", "set"],
        arguments: [CommandTable.argument("CODE", .clientCode, help: "the client"),
                    CommandTable.argument("[NAME]", help: "the strategy (none: back to the agency default)")],
        options: [],
        summary: "choose the strategy a client's cases follow (admins)",
        examples: ["client strategy set ACME estandar", "client strategy set ACME"],
        fieldLabels: ["strategy": "NAME", "client": "CODE"])
    ) { invocation, context in
        let set = try context.session.strategies.setForClient(code: invocation.argument("CODE")!, strategy: invocation.argument("NAME"))
        return .message(set.strategy.map { "Client \(set.client) follows strategy \($0)." }
                        ?? "Client \(set.client) follows the agency default strategy.")
    }

    static let run = Command(CommandSpec(
        words: ["strategy", "run"], arguments: [],
        options: [CommandTable.option("date", "DATE", .date, help: "the day run (default today; never after it)"),
                  CommandTable.clientOption,
                  CommandTable.option("dry-run", help: "print what would happen and why, changing nothing")],
        summary: "drive every open case one step up its ladder (admins; collectors: --client, their assigned cases)",
        examples: ["strategy run", "strategy run --client ACME --dry-run", "strategy run --date 2026-12-01"],
        fieldLabels: ["run_on": "--date"])
    ) { invocation, context in
        let report = try context.session.strategyRuns.run(on: invocation.date("date"), client: invocation.option("client"),
                                                           dryRun: invocation.switches.contains("dry-run"),
                                                           detailed: invocation.switches.contains("dry-run"))
        let summary = (report.dryRun ? "Dry run for \(report.on) (nothing changed): " : "Strategy run for \(report.on): ") + report.summary + "."
        guard report.dryRun, !report.decisions.isEmpty else { return .message(summary) }
        let table = ResultTable(
            columns: [.init("case"), .init("client"), .init("action"), .init("decision"), .init("reason")],
            rows: report.decisions.map { [$0.caseNumber, $0.client, $0.action + ($0.level.map { " \($0)" } ?? ""), $0.decision, $0.reason] })
        return .sections([.init("Would do", table), .init("Summary", Formatting.record([("summary", report.summary)]))])
    }

    static let log = Command(CommandSpec(
        words: ["strategy", "log"], arguments: [],
        options: [CommandTable.option("case", "CASE", .caseNumber, help: "one case's decisions"), CommandTable.limitOption],
        summary: "each decision of the strategy runs with its reason (staff)",
        examples: ["strategy log", "strategy log --case C-2026-000123"])
    ) { invocation, context in
        let entries = try context.session.strategyRuns.log(caseNumber: invocation.option("case"), limit: invocation.count("limit") ?? 50)
        return .table(ResultTable(
            columns: [.init("date"), .init("case"), .init("client"), .init("strategy"), .init("day", .number), .init("action"),
                      .init("decision"), .init("reason"), .init("by")],
            rows: entries.map { [$0.runOn.description, $0.caseNumber, $0.client, $0.strategy, String($0.day), $0.action, $0.decision,
                                 $0.reason, $0.by] }))
    }
}
