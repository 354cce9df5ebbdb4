import CobranzaCore
import CobranzaStore

/// Payments, fee invoices, statements and remittances: the money commands.
extension CommandRunner {
    func runPayments(_ invocation: Invocation) throws -> CommandOutput {
        let client = invocation.option("client")
        switch invocation.spec.name {
        case "payment record":
            let payment = try session.payments.record(Payments.NewPayment(
                caseNumber: invocation.argument("CASE")!, amount: invocation.argument("AMOUNT")!, date: invocation.option("date"),
                channel: invocation.option("channel"), method: invocation.option("method"), ref: invocation.option("ref")))
            var lines = ["Payment \(payment.id) recorded on \(payment.caseNumber): \(Self.money(payment.amount, payment.currency)) "
                + "(\(payment.channel), \(payment.method)); fee \(Self.money(payment.fee, payment.currency)) "
                + "at \(payment.rate) \(payment.stage), contract v\(payment.contractVersion)."]
            if let note = payment.feeNote { lines.append("note: \(note)") }
            let balances = try session.payments.balances(caseNumber: payment.caseNumber)
            let outstanding = balances.reduce(0) { $0 + $1.outstanding }
            lines.append(outstanding == 0
                ? "Case \(payment.caseNumber) is paid in full and closed."
                : "Outstanding on \(payment.caseNumber): \(Self.money(outstanding, payment.currency)).")
            return .message(lines.joined(separator: "\n"))
        case "payment import":
            let outcome = try session.payments.importFile(at: invocation.argument("FILE")!)
            var totals: [String: Int64] = [:]
            for payment in outcome.recorded { totals[payment.currency, default: 0] += payment.amount }
            let sums = totals.keys.sorted().map { Self.money(totals[$0]!, $0) }.joined(separator: ", ")
            var lines = ["Recorded \(outcome.recorded.count) payment(s)" + (sums.isEmpty ? "." : ": \(sums).")]
            if !outcome.alreadyRecorded.isEmpty {
                lines.append("Skipped \(outcome.alreadyRecorded.count) line(s) already recorded (same reference): "
                    + outcome.alreadyRecorded.prefix(10).map { "line \($0.line) \($0.ref)" }.joined(separator: ", ")
                    + (outcome.alreadyRecorded.count > 10 ? ", …" : "") + ".")
            }
            let closed = Set(outcome.recorded.map(\.caseNumber)).sorted().filter { number in
                (try? session.payments.balances(caseNumber: number).allSatisfy { $0.outstanding == 0 }) ?? false
            }
            if !closed.isEmpty { lines.append("Paid in full and closed: \(closed.joined(separator: ", ")).") }
            return .message(lines.joined(separator: "\n"))
        case "payment reverse":
            let id = try Self.number(invocation.argument("PAYMENT")!, field: "PAYMENT")
            let (reversal, creditNote) = try session.payments.reverse(id, reason: invocation.option("reason")!, date: invocation.option("date"))
            var text = "Payment \(id) reversed by \(reversal.id): \(Self.money(reversal.amount, reversal.currency)) and its fee "
                + "\(Self.money(reversal.fee, reversal.currency)) undone on \(reversal.caseNumber)."
            if let creditNote { text += "\nThe fee was already invoiced: credit note \(creditNote) issued." }
            return .message(text)
        case "payment list":
            let payments = try session.payments.list(client: client, caseNumber: invocation.option("case"), limit: try Self.limit(invocation))
            return .table(Self.paymentTable(payments))
        case "payment show":
            let payment = try session.payments.show(try Self.number(invocation.argument("PAYMENT")!, field: "PAYMENT"))
            var fields: [(String, String?)] = [
                ("payment", String(payment.id)), ("case", payment.caseNumber), ("client", payment.client), ("debtor", payment.debtorName),
                ("paid_on", payment.paidOn), ("amount", Self.money(payment.amount, payment.currency)), ("channel", payment.channel),
                ("method", payment.method), ("ref", payment.externalRef), ("stage", payment.stage),
                ("contract", "v\(payment.contractVersion)"), ("rate", payment.rate.description),
                ("fee", Self.money(payment.fee, payment.currency)), ("fee_note", payment.feeNote),
                ("invoiced_on", payment.billedOn), ("recorded_by", payment.recordedBy),
            ]
            if let reverses = payment.reverses { fields.insert(("reverses", String(reverses)), at: 1) }
            if let reversedBy = payment.reversedBy { fields.insert(("reversed_by", String(reversedBy)), at: 1) }
            if let reason = payment.reason { fields.append(("reason", reason)) }
            let balances = try session.payments.balances(caseNumber: payment.caseNumber)
            return .sections([
                .init("Payment", Self.record(fields.filter { $0.1 != nil })),
                .init("Invoices of \(payment.caseNumber), oldest due first", ResultTable(
                    columns: [.init("number"), .init("due"), .init("amount", .money), .init("paid", .money), .init("outstanding", .money)],
                    rows: balances.map { [$0.number, $0.due, Self.money($0.amount, $0.currency), Self.money($0.paid, $0.currency),
                                          Self.money($0.outstanding, $0.currency)] })),
            ])

        case "fee invoice issue":
            let all = invocation.switches.contains("all")
            guard all != (client != nil) else { throw UsageError("fee invoice issue: give --client CODE or --all (one of them)") }
            let period = invocation.option("period")!
            let issued = try session.feeInvoices.issue(client: client, period: period)
            guard !issued.isEmpty else {
                return .message("Nothing new to invoice up to the end of \(period)\(client.map { " for \($0.uppercased())" } ?? ""): no invoice issued.")
            }
            return .table(ResultTable(
                columns: [.init("invoice"), .init("client"), .init("lines", .number), .init("subtotal", .money), .init("vat", .money),
                          .init("total", .money)],
                rows: issued.map { [$0.number, $0.client, String($0.lines), Self.money($0.subtotal, $0.currency),
                                    Self.money($0.vat, $0.currency), Self.money($0.total, $0.currency)] }))
        case "fee invoice void":
            let number = invocation.argument("NUMBER")!.uppercased()
            let creditNote = try session.feeInvoices.void(number, reason: invocation.option("reason")!)
            return .message("Invoice \(number) voided by credit note \(creditNote); its fees will be billed again on the next issue.")
        case "fee invoice list":
            let documents = try session.feeInvoices.list(client: client, period: invocation.option("period"), limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("number"), .init("kind"), .init("client"), .init("currency"), .init("issued"), .init("period"), .init("lines", .number),
                          .init("subtotal", .money), .init("vat", .money), .init("total", .money), .init("status")],
                rows: documents.map { d in
                    [d.number, d.kind == "invoice" ? "invoice" : "credit note", d.client, d.currency, d.issuedOn, d.period, String(d.lines),
                     Self.money(d.subtotal, d.currency), Self.money(d.vat, d.currency), Self.money(d.total, d.currency),
                     Self.documentStatus(d)]
                }))
        case "fee invoice show":
            let (document, lines) = try session.feeInvoices.show(invocation.argument("NUMBER")!)
            var fields: [(String, String?)] = [
                (document.kind == "invoice" ? "invoice" : "credit_note", document.number),
                ("client", "\(document.clientName) (\(document.client), \(document.clientTaxID))"),
                ("issued", document.issuedOn), ("period", document.period), ("currency", document.currency),
                ("subtotal", Self.money(document.subtotal, document.currency)),
                ("vat", "\(Self.money(document.vat, document.currency)) (\(document.vatRate))"),
                ("total", Self.money(document.total, document.currency)), ("status", Self.documentStatus(document)),
                ("reason", document.reason), ("issued_by", document.issuedBy),
            ]
            fields = fields.filter { $0.1 != nil }
            return .sections([
                .init(document.kind == "invoice" ? "Fee invoice" : "Credit note", Self.record(fields)),
                .init("Lines", ResultTable(
                    columns: [.init("line", .number), .init("payment", .number), .init("case"), .init("debtor"), .init("paid_on"),
                              .init("recovered", .money), .init("stage"), .init("rate"), .init("fee", .money)],
                    rows: lines.map { l in
                        [String(l.lineNumber), String(l.payment), l.caseNumber, l.debtorName, l.paidOn,
                         Self.money(l.amount, document.currency), l.stage, l.rate.description, Self.money(l.fee, document.currency)]
                    })),
            ])

        case "statement":
            let period = invocation.option("period")!
            let statements = try session.statements.statement(client: client, period: period)
            guard !statements.isEmpty else {
                return .message("No payments or remittances for \(client?.uppercased() ?? session.identity.clientCode ?? "") up to the end of \(period).")
            }
            return .sections(statements.flatMap { s -> [CommandOutput.Section] in
                let m = { (value: Int64) in Self.money(value, s.currency) }
                let summary = Self.record([
                    ("client", s.client), ("period", s.period), ("currency", s.currency),
                    ("opening balance owed to client", m(s.openingBalance)),
                    ("collected by the agency", m(s.collectedByAgency)),
                    ("fees withheld (with VAT)", m(s.feesWithheld)),
                    ("net to remit", m(s.netToRemit)),
                    ("remitted to client", m(s.remitted)),
                    ("closing balance owed to client", m(s.closingBalance)),
                    ("paid directly to client", m(s.paidDirectly)),
                    ("fees to invoice (with VAT)", m(s.feesToInvoice)),
                ])
                return [.init("Statement \(s.period) \(s.currency)", summary),
                        .init("Payments \(s.period) \(s.currency)", Self.paymentTable(s.payments))]
            })

        case "remittance record":
            let remittance = try session.statements.remit(
                client: client!, amount: invocation.argument("AMOUNT")!, currency: invocation.option("currency"),
                date: invocation.option("date"), ref: invocation.option("ref"))
            return .message("Remittance \(remittance.id) of \(Self.money(remittance.amount, remittance.currency)) to \(remittance.client) recorded (\(remittance.paidOn)).")
        case "remittance list":
            let remittances = try session.statements.remittances(client: client, limit: try Self.limit(invocation))
            return .table(ResultTable(
                columns: [.init("id", .number), .init("client"), .init("paid_on"), .init("amount", .money), .init("ref"), .init("by")],
                rows: remittances.map { [String($0.id), $0.client, $0.paidOn, Self.money($0.amount, $0.currency), $0.externalRef, $0.recordedBy] }))
        default:
            return try runWorkflow(invocation)
        }
    }

    static func paymentTable(_ payments: [PaymentRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("payment", .number), .init("case"), .init("client"), .init("debtor"), .init("paid_on"), .init("amount", .money),
                      .init("channel"), .init("stage"), .init("rate"), .init("fee", .money), .init("ref"), .init("status")],
            rows: payments.map { p in
                let status: String? =
                    if let reverses = p.reverses { "reverses \(reverses)" }
                    else if let by = p.reversedBy { "reversed by \(by)" }
                    else { p.billedOn.map { "invoiced \($0)" } }
                return [String(p.id), p.caseNumber, p.client, p.debtorName, p.paidOn, money(p.amount, p.currency), p.channel, p.stage,
                        p.rate.description, money(p.fee, p.currency), p.externalRef, status]
            })
    }

    static func documentStatus(_ document: FeeDocumentRecord) -> String {
        if let voidedBy = document.voidedBy { return "void (\(voidedBy))" }
        if let voids = document.voids { return "voids \(voids)" }
        return document.kind == "invoice" ? "issued" : "correction"
    }
}
