import CobranzaCore
import CobranzaStore

/// Reports a manager supervises with and an SME reads: tables for every format, and under them
/// in aligned output a bar chart of the same numbers (csv and json carry the tables only). What
/// a person sees is what the database's row security lets them read: staff every client, an
/// SME its own.
enum ReportCommands {
    static let asOfOption = CommandTable.option("as-of", "DATE", .date, help: "as it stood at the end of that day (default today)")

    static let aging = Command(CommandSpec(
        words: ["report", "aging"], arguments: [],
        options: [CommandTable.clientOption,
                  CommandTable.option("collector", "USER", .userName, help: "only cases assigned to this collector or lawyer (staff)"),
                  CommandTable.option("currency", "CODE", help: "only this currency"),
                  CommandTable.option("by", "WHAT", .choice(AgingReport.Grouping.allCases.map(\.rawValue)),
                                      help: "a line per client (default) or per collector (staff)"),
                  asOfOption],
        summary: "money outstanding on open invoices by days past due (not due, 0-30 … >365), counts and amounts, with totals and a chart",
        examples: ["report aging", "report aging --by collector --currency CLP", "report aging --client ACME --as-of 2026-03-31"])
    ) { invocation, context in
        let report = try context.session.reports.aging(
            client: invocation.option("client"), collector: invocation.option("collector"), currency: invocation.option("currency"),
            grouping: invocation.choice("by") ?? .client, asOf: invocation.date("as-of"))
        guard !report.totals.isEmpty else { return .message("No money outstanding on open invoices on \(report.asOf).") }
        return .sections([.init("Aging on \(report.asOf) by \(report.grouping.rawValue)", agingTable(report))]
            + report.totals.flatMap { bucketSections($0, on: report.asOf) })
    }

    static let summary = Command(CommandSpec(
        words: ["report", "summary"], arguments: [], options: [CommandTable.clientOption, asOfOption],
        summary: "a client's placed, recovered, fees, remitted this month and this year, what is outstanding, and its aging chart",
        examples: ["report summary", "report summary --client ACME --as-of 2026-03-31"])
    ) { invocation, context in
        let summary = try context.session.reports.summary(client: invocation.option("client"), asOf: invocation.date("as-of"))
        guard !summary.figures.isEmpty else { return .message("Nothing placed with the agency for \(summary.client) up to \(summary.asOf).") }
        let monthName = String(summary.asOf.description.prefix(7))
        return .sections(summary.figures.flatMap { f -> [CommandOutput.Section] in
            let m = { (value: Int64) in Formatting.money(value, f.currency) }
            let table = ResultTable(
                columns: [.init("measure"), .init("month", .money), .init("year_to_date", .money)],
                rows: [["placed", m(f.placed.month), m(f.placed.year)],
                       ["recovered", m(f.recovered.month), m(f.recovered.year)],
                       ["fees (before VAT)", m(f.fees.month), m(f.fees.year)],
                       ["net remitted", m(f.remitted.month), m(f.remitted.year)],
                       ["outstanding on \(summary.asOf)", m(f.outstanding), m(f.outstanding)]])
            var sections: [CommandOutput.Section] = [.init("\(summary.client) \(f.currency): \(monthName) and \(summary.asOf.year) to \(summary.asOf)", table)]
            if let line = summary.aging.totals.first(where: { $0.currency == f.currency }) {
                sections += bucketSections(line, on: summary.asOf)
            }
            return sections
        })
    }

    static let recovery = Command(CommandSpec(
        words: ["report", "recovery"], arguments: [],
        options: [CommandTable.clientOption,
                  CommandTable.option("from", "YYYY-MM", .month, help: "the first month of placement (cohort) shown"),
                  CommandTable.option("to", "YYYY-MM", .month, help: "the last month of placement shown"),
                  CommandTable.option("chart", "WHAT", .choice(["month"]),
                                      help: "month: each cohort's recovery curve, month by month (default: the rate per cohort)"),
                  asOfOption],
        summary: "by month of placement: placed, recovered each month since, rate, fees, closed cases by code; recoveries by stage and channel",
        examples: ["report recovery --from 2026-01 --to 2026-03", "report recovery --client ACME --from 2026-01 --to 2026-06 --chart month",
                   "report recovery --from 2026-01 --to 2026-01 --as-of 2026-02-28"])
    ) { invocation, context in
        guard let from = invocation.month("from") else { throw StoreError(field: "from", "is required: the first month of placement") }
        guard let to = invocation.month("to") else { throw StoreError(field: "to", "is required: the last month of placement") }
        let report = try context.session.reports.recovery(client: invocation.option("client"), from: from, to: to, asOf: invocation.date("as-of"))
        guard !report.cohorts.isEmpty || !report.splits.isEmpty else {
            return .message("Nothing placed from \(from) to \(to), and nothing recovered then, as of \(report.asOf).")
        }
        let m = Formatting.money
        var sections: [CommandOutput.Section] = [.init("Recovery by month of placement, \(from) to \(to), as of \(report.asOf)", ResultTable(
            columns: [.init("cohort"), .init("currency"), .init("cases", .number), .init("placed", .money), .init("recovered", .money),
                      .init("rate_pct", .number), .init("fees", .money), .init("closed")],
            rows: report.cohorts.map { c in
                [c.month.description, c.currency, String(c.cases), m(c.placed, c.currency), m(c.recovered, c.currency), percentNumber(c.rate),
                 m(c.fees, c.currency), c.closed.map { "\($0.code) \($0.cases)" }.joined(separator: ", ")]
            }))]
        sections.append(.init("Recovered by month since placement", ResultTable(
            columns: [.init("cohort"), .init("currency"), .init("month"), .init("months_after", .number), .init("recovered", .money),
                      .init("cumulative", .money), .init("cumulative_pct", .number)],
            rows: report.cohorts.flatMap { c in curve(c).map { point in
                [c.month.description, c.currency, point.month.description, String(point.after), m(point.amount, c.currency),
                 m(point.cumulative, c.currency), percentNumber(point.rate)]
            } })))
        if !report.splits.isEmpty {
            sections.append(.init("Recovered \(from) to \(to) by stage and channel", ResultTable(
                columns: [.init("by"), .init("value"), .init("currency"), .init("payments", .number), .init("recovered", .money), .init("fees", .money)],
                rows: report.splits.map { s in
                    [s.dimension.rawValue, s.value, s.currency, String(s.payments), m(s.recovered, s.currency), m(s.fees, s.currency)]
                })))
        }
        if invocation.option("chart") == "month" {
            for c in report.cohorts {
                sections.append(.chart("Recovery curve of \(c.month) \(c.currency): cumulative rate by month", curve(c).map { point in
                    BarChart.Bar(point.month.description, Int64(point.rate?.value ?? 0),
                                 caption: percent(point.rate) + " " + m(point.cumulative, c.currency))
                }))
            }
        } else if !report.cohorts.isEmpty {
            sections.append(.chart("Recovery rate by month of placement", report.cohorts.map { c in
                BarChart.Bar("\(c.month) \(c.currency)", Int64(c.rate?.value ?? 0), caption: percent(c.rate) + " of " + m(c.placed, c.currency))
            }))
        }
        return .sections(sections)
    }

    static let collectors = Command(CommandSpec(
        words: ["report", "collectors"], arguments: [],
        options: [CommandTable.option("from", "YYYY-MM-DD", .date, help: "the window's first day"),
                  CommandTable.option("to", "YYYY-MM-DD", .date, help: "the window's last day (or the report's day, if earlier)"),
                  asOfOption],
        summary: "per collector in a window: cases assigned, contacts by kind, promises kept and broken, agreements and defaults, "
            + "recovered and fees, cases closed paid or settled, days to first payment (admins and collectors)",
        examples: ["report collectors --from 2026-03-01 --to 2026-03-31", "report collectors --from 2026-01-01 --to 2026-03-31 --as-of 2026-02-28"])
    ) { invocation, context in
        guard let from = invocation.date("from") else { throw StoreError(field: "from", "is required: the window's first day") }
        guard let to = invocation.date("to") else { throw StoreError(field: "to", "is required: the window's last day") }
        let report = try context.session.reports.collectors(from: from, to: to, asOf: invocation.date("as-of"))
        let window = "\(from) to \(min(to, report.asOf))"
        guard !report.lines.isEmpty else { return .message("No collector, and nothing done from \(window).") }
        let lines = report.lines
        var sections: [CommandOutput.Section] = [
            .init("Work from \(window) (contacts by who logged them)", ResultTable(
                columns: [.init("collector"), .init("assigned", .number), .init("reminders", .number), .init("calls", .number),
                          .init("letters", .number), .init("visits", .number), .init("messages", .number), .init("contacts", .number)],
                rows: lines.map { l in
                    [l.collector, String(l.assigned), String(l.reminders), String(l.calls), String(l.letters), String(l.visits),
                     String(l.messages), String(l.reminders + l.calls + l.letters + l.visits + l.messages)]
                })),
            .init("Results from \(window), as of \(report.asOf) (closes and first payments by the case's assignee that day)", ResultTable(
                columns: [.init("collector"), .init("promises", .number), .init("kept", .number), .init("broken", .number),
                          .init("kept_pct", .number), .init("broken_pct", .number), .init("agreements", .number),
                          .init("in_default", .number), .init("closed_paid", .number), .init("closed_settled", .number),
                          .init("first_payments", .number), .init("avg_days_to_first_payment", .number)],
                rows: lines.map { l in
                    [l.collector, String(l.promises), String(l.promisesKept), String(l.promisesBroken), percentNumber(l.keptRate),
                     percentNumber(l.brokenRate), String(l.agreements), String(l.agreementsInDefault), String(l.closedPaid),
                     String(l.closedSettled), String(l.firstPayments),
                     l.averageDaysToFirstPaymentTenths.map { "\($0 / 10).\($0 % 10)" }]
                })),
        ]
        if !report.recovered.isEmpty {
            let m = Formatting.money
            sections.append(.init("Recovered from \(window) on each one's cases", ResultTable(
                columns: [.init("collector"), .init("currency"), .init("payments", .number), .init("recovered", .money), .init("fees", .money)],
                rows: report.recovered.map { r in
                    [r.collector, r.currency, String(r.payments), m(r.recovered, r.currency), m(r.fees, r.currency)]
                })))
        }
        return .sections(sections)
    }

    /// A cohort's months since placement: what came in, the running total and its rate.
    static func curve(_ c: RecoveryReport.Cohort) -> [(month: CalendarMonth, after: Int, amount: Int64, cumulative: Int64, rate: BasisPoints?)] {
        var month = c.month
        return c.byMonth.indices.map { after in
            defer { month = CalendarMonth(year: month.month == 12 ? month.year + 1 : month.year, month: month.month % 12 + 1) ?? month }
            return (month, after, c.byMonth[after], c.cumulative[after], RecoveryReport.rate(c.cumulative[after], of: c.placed))
        }
    }

    /// A rate as a percentage with one decimal (rounded toward zero, as the rate is): 1234 bp is
    /// `12.3`, a plain number for tables (csv and json read it as one); nil when nothing was placed.
    static func percentNumber(_ rate: BasisPoints?) -> String? {
        guard let rate else { return nil }
        let tenths = rate.value / 10
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// The same for a chart's caption: `12.3 %`, or `-` when nothing was placed.
    static func percent(_ rate: BasisPoints?) -> String { percentNumber(rate).map { $0 + " %" } ?? "-" }

    static let debtorHistory = Command(CommandSpec(
        words: ["debtor", "history"],
        arguments: [CommandTable.argument("TAX_ID", help: "the debtor's RUT, NIT or RFC. Its grade: " + DebtorHistory.gradeRule)],
        options: [CommandTable.option("country", "CL|CO|MX", .choice(["CL", "CO", "MX"]), help: "the tax id's country (default: the first whose rules it meets)")],
        summary: "every case of a debtor across all clients: paid how and when, promises broken, disputes, postings, and its grade A-D (admins and collectors)",
        examples: ["debtor history 96.543.210-8", "debtor history 800.197.268-4 --country CO"])
    ) { invocation, context in
        let history = try context.session.debtors.history(taxID: invocation.argument("TAX_ID")!, country: invocation.option("country"))
        guard !history.cases.isEmpty else { return .message("No case of \(history.taxID) (\(history.country)) with any client.") }
        let date = { (day: CalendarDate?) in day?.description }
        let table = ResultTable(
            columns: [.init("client"), .init("case"), .init("debtor"), .init("opened"), .init("stage"), .init("closed"), .init("currency"),
                      .init("placed", .money), .init("paid", .money), .init("outstanding", .money), .init("payments", .number),
                      .init("first_paid"), .init("last_paid"), .init("days_to_pay", .number), .init("promises", .number),
                      .init("broken", .number), .init("disputes", .number), .init("posted"), .init("withdrawn")],
            rows: history.cases.map { c in
                let m = { (value: Int64) in Formatting.money(value, c.currency) }
                return [c.client, c.caseNumber, c.debtorName, c.openedOn.description, c.stage + (c.closeCode.map { " (\($0))" } ?? ""),
                        date(c.closedOn), c.currency, m(c.placed), m(c.paid), m(c.outstanding), String(c.payments),
                        date(c.firstPaidOn), date(c.lastPaidOn), c.daysToPay.map(String.init), String(c.promises),
                        String(c.brokenPromises), String(c.disputes), date(c.postedOn), date(c.withdrawnOn)]
            })
        return .sections([.init("Debtor \(history.taxID) (\(history.country)): grade \(history.grade ?? "-")", table)])
    }

    static let debtors = Command(CommandSpec(
        words: ["report", "debtors"], arguments: [],
        options: [CommandTable.option("min-clients", "N", .count(1...1_000, unit: "clients"), help: "owing to at least N clients (default 2)"),
                  asOfOption, CommandTable.limitOption],
        summary: "debtors owing to several clients at once, most owed first (admins and collectors)",
        examples: ["report debtors", "report debtors --min-clients 3 --as-of 2026-03-31"])
    ) { invocation, context in
        let debtors = try context.session.debtors.shared(
            minClients: invocation.count("min-clients") ?? 2, asOf: invocation.date("as-of"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("tax_id"), .init("country"), .init("name"), .init("clients", .number), .init("client_codes"),
                      .init("open_cases", .number), .init("currency"), .init("outstanding", .money)],
            rows: debtors.map { d in
                [d.taxID, d.country, d.name, String(d.clients.count), d.clients.joined(separator: " "), String(d.openCases), d.currency,
                 Formatting.money(d.outstanding, d.currency)]
            }))
    }

    /// A line per group and currency, then the currency's total, amounts by bucket.
    static func agingTable(_ report: AgingReport) -> ResultTable {
        let lines = report.totals.flatMap { total in report.lines.filter { $0.currency == total.currency } + [total] }
        return ResultTable(
            columns: [.init(report.grouping.rawValue), .init("currency"), .init("invoices", .number)]
                + AgingReport.buckets.map { .init($0, .money) } + [.init("outstanding", .money)],
            rows: lines.map { line in
                [line.group ?? "total", line.currency, String(line.invoices)]
                    + line.amounts.map { Formatting.money($0, line.currency) } + [Formatting.money(line.outstanding, line.currency)]
            })
    }

    /// One currency's buckets, invoices and amounts, and the chart of the amounts.
    static func bucketSections(_ total: AgingReport.Line, on day: CalendarDate) -> [CommandOutput.Section] {
        let amounts = total.amounts.map { Formatting.money($0, total.currency) }
        let table = ResultTable(
            columns: [.init("days_past_due"), .init("invoices", .number), .init("outstanding", .money)],
            rows: AgingReport.buckets.indices.map { [AgingReport.buckets[$0], String(total.counts[$0]), amounts[$0]] })
        return [.init("Age buckets \(total.currency) on \(day)", table),
                .chart("Outstanding \(total.currency) by days past due",
                       AgingReport.buckets.indices.map { BarChart.Bar(AgingReport.buckets[$0], total.amounts[$0], caption: amounts[$0]) })]
    }
}
