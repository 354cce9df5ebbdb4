import CobranzaCore
import CobranzaStore

/// Notices by email, SMS and WhatsApp (issue 18): queue one by hand from templates/avisos, and
/// follow the outbox the delivery worker empties. Staff only; a client sees a sent notice on
/// its case's timeline (`case show`) when it is client-visible.
enum NoticeCommands {
    static let channelNames = NoticeChannel.allCases.map(\.rawValue)
    static let statuses = ["queued", "sending", "sent", "failed", "bounced"]

    static let send = Command(CommandSpec(
        words: ["notice", "send"],
        arguments: [CommandTable.caseArgument],
        options: [CommandTable.option("channel", channelNames.joined(separator: "|"), .choice(channelNames), required: true,
                                      help: "how it goes: to the debtor's email or phone"),
                  CommandTable.option("template", "NAME", .choice(NoticeKind.allCases.map(\.rawValue)),
                                      help: NoticeKind.allCases.map(\.rawValue).joined(separator: "|")
                                        + " (default: what the case calls for — an instalment due, a pending promise, a posting notified, "
                                        + "invoices about to fall due, else recordatorio)"),
                  CommandTable.option("client-visible", help: "once sent, the client sees it on the case's timeline")],
        summary: "queue a notice to the debtor from templates/avisos; the worker sends it and records the contact (staff)",
        examples: ["notice send C-2026-000123 --channel email",
                   "notice send C-2026-000123 --channel whatsapp --template recordatorio-promesa --client-visible"])
    ) { invocation, context in
        let channel: NoticeChannel = invocation.choice("channel")!
        let queued = try context.session.notices.send(caseNumber: invocation.argument("CASE")!, channel: channel,
                                                      template: invocation.option("template"),
                                                      clientVisible: invocation.switches.contains("client-visible"))
        return .message("Notice \(queued.id) queued: \(queued.template.rawValue) by \(channel.rawValue) to \(queued.address) "
                        + "on case \(queued.caseNumber) (key \(queued.idempotencyKey)).")
    }

    static let list = Command(CommandSpec(
        words: ["notice", "list"], arguments: [],
        options: [CommandTable.option("case", "CASE", .caseNumber, help: "one case's notices"),
                  CommandTable.option("status", statuses.joined(separator: "|"), .choice(statuses), help: "only notices in this state"),
                  CommandTable.option("channel", channelNames.joined(separator: "|"), .choice(channelNames), help: "only this channel"),
                  CommandTable.limitOption],
        summary: "list the notices queue, newest first; times on the debtor's clock (staff)",
        examples: ["notice list --status failed", "notice list --case C-2026-000123 --channel whatsapp"])
    ) { invocation, context in
        let notices = try context.session.notices.list(caseNumber: invocation.option("case"), status: invocation.option("status")?.lowercased(),
                                                        channel: invocation.choice("channel"), limit: Formatting.limit(invocation))
        return .table(ResultTable(
            columns: [.init("id", .number), .init("case"), .init("client"), .init("channel"), .init("template"), .init("address"),
                      .init("status"), .init("attempts", .number), .init("not_before"), .init("sent_at")],
            rows: notices.map { [String($0.id), $0.caseNumber, $0.client, $0.channel, $0.template, $0.address, $0.status,
                                 String($0.attempts), $0.notBefore, $0.sentAt] }))
    }

    static let show = Command(CommandSpec(
        words: ["notice", "show"],
        arguments: [CommandTable.argument("ID", .id, help: "the notice's id (notice list)")],
        options: [],
        summary: "one notice: its text, state, attempts, last error, provider id (staff)",
        examples: ["notice show 12"])
    ) { invocation, context in
        let notice = try context.session.notices.show(id: invocation.id("ID")!)
        let record = notice.record
        let fields: [(String, String?)] = [
            ("id", String(record.id)), ("case", record.caseNumber), ("client", record.client), ("channel", record.channel),
            ("template", record.template), ("address", record.address), ("status", record.status), ("attempts", String(record.attempts)),
            ("not_before", record.notBefore + " " + notice.zone), ("sent_at", record.sentAt.map { $0 + " " + notice.zone }),
            ("contact_on_timeline", notice.contactAt.map { $0 + " " + notice.zone }),
            ("last_error", notice.lastError), ("provider_id", notice.providerID), ("idempotency_key", notice.idempotencyKey),
            ("client_visible", notice.clientVisible ? "yes" : "no"), ("queued_by", notice.queuedBy), ("subject", notice.subject),
        ]
        let text = ResultTable(columns: [.init("text")], rows: notice.body.split(separator: "\n", omittingEmptySubsequences: false).map { [String($0)] })
        return .sections([.init("Notice \(record.id)", Formatting.record(fields)), .init("Text", text)])
    }

    static let retry = Command(CommandSpec(
        words: ["notice", "retry"],
        arguments: [CommandTable.argument("ID", .id, help: "the failed notice's id")],
        options: [],
        summary: "send a failed notice again: back to the queue, due now, same text and key (staff)",
        examples: ["notice retry 12"])
    ) { invocation, context in
        let notice = try context.session.notices.retry(id: invocation.id("ID")!)
        return .message("Notice \(notice.id) queued again (\(notice.attempts) attempt\(notice.attempts == 1 ? "" : "s") so far), due \(notice.notBefore).")
    }
}
