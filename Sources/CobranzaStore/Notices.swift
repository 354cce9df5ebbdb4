import CobranzaCore
import Foundation
import Postgres

/// One message of the outbox as `notice list` shows it.
public struct NoticeRecord: Sendable, Equatable {
    /// The outbox row's id: staff only read the outbox, so its agency-wide count reveals nothing.
    public var id: Int64
    public var caseNumber: String
    public var client: String
    public var channel: String
    /// The templates/avisos kind that rendered it; nil for the strategy run's own text.
    public var template: String?
    public var address: String
    /// queued, sending, sent, failed or bounced.
    public var status: String
    public var attempts: Int
    /// The first moment it may go, on the debtor's clock (`2026-12-07 08:00`).
    public var notBefore: String
    /// When it was sent, on the debtor's clock.
    public var sentAt: String?
}

/// A message whole: what `notice show` prints.
public struct NoticeDetail: Sendable, Equatable {
    public var record: NoticeRecord
    public var subject: String
    /// The text sent (or to be sent), exactly as written when it was queued.
    public var body: String
    public var idempotencyKey: String
    public var clientVisible: Bool
    public var lastError: String?
    public var providerID: String?
    /// The debtor's zone the moments are read in.
    public var zone: String
    public var queuedBy: String
    /// The moment of the contact on the case's timeline (the worker's case event), once sent.
    public var contactAt: String?
}

/// Notices by hand (`notice send`) and the outbox seen by staff (`notice list`, `show`, `retry`).
///
/// A notice is rendered from `templates/avisos` (CobranzaCore's `NoticeRenderer`) with the case's
/// invoices, and written to `cobranza.outbound_message` as `queued` in the command's one
/// transaction. It writes no case event: a message is a contact when it is sent (0077), and the
/// delivery worker records it then, through the contact rules. So `notice send` does not ask the
/// contact rules either — the worker defers a message the hour or the count forbids.
///
/// SME users read no outbox row (0051, kept by 0085): they see a sent notice on the case's
/// timeline when it is marked client-visible.
public struct Notices {
    let session: Session
    var connection: Connection { session.connection }

    /// The folder of the notice templates, `avisos/CHANNEL/KIND.txt`, beside the letters'.
    public static func directory() throws -> URL {
        try Letters.directory().deletingLastPathComponent().appendingPathComponent("avisos")
    }

    /// The kinds with a template for `channel` in the templates folder, in `NoticeKind` order.
    public static func available(_ channel: NoticeChannel) throws -> [NoticeKind] {
        let folder = try directory()
        return NoticeKind.allCases.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(channel.rawValue)/\($0.rawValue).txt").path) }
    }

    // MARK: - Sending

    /// What `notice send` did: the queued message.
    public struct Queued: Sendable, Equatable {
        public var id: Int64
        public var caseNumber: String
        public var channel: NoticeChannel
        public var template: NoticeKind
        public var address: String
        public var idempotencyKey: String
    }

    /// Renders `template` (default: the one the case's state calls for) for `channel` and queues
    /// it to the debtor's address in one transaction.
    public func send(caseNumber: String, channel: NoticeChannel, template: String?, clientVisible: Bool) throws -> Queued {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors send notices")
        }
        var kind: NoticeKind?
        if let template {
            let available = try Self.available(channel)
            guard let chosen = NoticeKind(rawValue: template.trimmingSpacesAndNewlines().lowercased()), available.contains(chosen) else {
                throw StoreError(field: "template", value: String(template.prefix(80)),
                                 "no such \(channel.rawValue) template: one of \(available.map(\.rawValue).joined(separator: ", "))")
            }
            kind = chosen
        }
        do {
            return try connection.withTransaction { try send(caseNumber, channel: channel, kind: kind, clientVisible: clientVisible) }
        } catch {
            guard let failure = error as? PostgresError else { throw error }
            // The database has the last word on an opted-out channel (a debtor who opted out
            // between our look and the insert, or a psql user): in the command's words.
            if failure.constraint == "outbound_message_opt_out_check" {
                throw StoreError(field: "channel", "the debtor opted out of \(channel.rawValue): nothing is sent to it through that channel "
                                 + "(debtor contact --opt-in \(channel.rawValue) records that it takes it back)")
            }
            if failure.sqlState == .uniqueViolation {
                throw StoreError(field: "case", "another notice was queued for case \(CaseLookup.normalized(caseNumber)) at the same moment: send again")
            }
            throw error
        }
    }

    private func send(_ caseNumber: String, channel: NoticeChannel, kind chosen: NoticeKind?, clientVisible: Bool) throws -> Queued {
        let target = try WorkflowCase.load(session, number: caseNumber)
        if target.state.stage == .closed {
            throw StoreError(field: "case", "case \(target.number) is closed: no notice is sent on a closed case")
        }
        let debtor = try connection.query("""
            SELECT d.id, d.email, d.phone,
                   (SELECT o.opted_out_on::text || ', ' || o.source FROM cobranza.debtor_opt_out o
                     WHERE o.tenant_id = d.tenant_id AND o.debtor_id = d.id AND o.channel = $3) AS opted_out
              FROM cobranza.collection_case c
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
             WHERE c.tenant_id = $1 AND c.id = $2
            """, [target.tenant, target.id, channel.rawValue]).first!
        if let optedOut: String = try debtor.decodeIfPresent("opted_out") {
            throw StoreError(field: "channel", "the debtor of case \(target.number) opted out of \(channel.rawValue) (\(optedOut)): "
                             + "send through another channel, or record with debtor contact --opt-in \(channel.rawValue) that it takes it back")
        }
        let address = try Self.address(channel: channel, email: try debtor.decodeIfPresent("email"), phone: try debtor.decodeIfPresent("phone"),
                                       caseNumber: target.number)
        let kind = try chosen ?? defaultKind(target)
        let content = try content(target, kind: kind)
        let path = try Self.directory().appendingPathComponent("\(channel.rawValue)/\(kind.rawValue).txt").path
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("notice template \(path) cannot be read") }
        let rendered: RenderedNotice
        switch NoticeRenderer.render(String(decoding: data, as: UTF8.self), channel: channel, content: content) {
        case .success(let value): rendered = value
        case .failure(let refusal): throw StoreError("notice template \(channel.rawValue)/\(kind.rawValue).txt: \(refusal.message)")
        }
        let subject = rendered.subject ?? "\(Self.title(kind)): caso \(target.number)"
        let row = try connection.query("""
            INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key, template, client_visible)
            SELECT $1, $2, $3, $4, $5, $6, $7,
                   format('notice-%s-%s-%s', $1::bigint, $2::bigint,
                          (SELECT count(*) + 1 FROM cobranza.outbound_message m
                            WHERE m.tenant_id = $1 AND m.case_id = $2 AND m.idempotency_key LIKE 'notice-%')),
                   $8, $9
            RETURNING id, idempotency_key
            """, [target.tenant, target.id, try debtor.decode("id", as: Int64.self), channel.rawValue, address, subject, rendered.body,
                  kind.rawValue, clientVisible]).first!
        return Queued(id: try row.decode("id"), caseNumber: target.number, channel: channel, template: kind, address: address,
                      idempotencyKey: try row.decode("idempotency_key"))
    }

    /// The debtor's address for `channel`, in the form the channel's provider takes.
    static func address(channel: NoticeChannel, email: String?, phone: String?, caseNumber: String) throws -> String {
        switch channel {
        case .email:
            guard let email, !email.isEmpty else {
                throw StoreError(field: "channel", "the debtor of case \(caseNumber) has no email address (debtor contact --email records one)")
            }
            guard let address = ContactAddress.email(email) else {
                throw StoreError(field: "channel", "the debtor of case \(caseNumber) has the email \"\(email)\", which is not an address mail can go to "
                                 + "(debtor contact --email corrects it)")
            }
            return address
        case .sms, .whatsapp:
            guard let phone, !phone.isEmpty else {
                throw StoreError(field: "channel", "the debtor of case \(caseNumber) has no phone number for \(channel.rawValue) (debtor contact --phone records one)")
            }
            guard let number = ContactAddress.phone(phone) else {
                throw StoreError(field: "channel", "the debtor of case \(caseNumber) has the phone \"\(phone)\", not a number in international form "
                                 + "such as +56 9 1234 5678 (debtor contact --phone corrects it)")
            }
            return number
        }
    }

    /// What a case calls for when no template is named: the instalment that falls due under an
    /// agreement in force, a pending promise, a posting notified and not yet published, the
    /// invoices about to fall due when none is overdue, else the reminder of the overdue ones.
    func defaultKind(_ target: WorkflowCase) throws -> NoticeKind {
        let row = try connection.query("""
            SELECT EXISTS (SELECT 1 FROM cobranza.agreement_status a WHERE a.tenant_id = $1 AND a.case_id = $2 AND a.status = 'active') AS agreement,
                   EXISTS (SELECT 1 FROM cobranza.promise_status p WHERE p.tenant_id = $1 AND p.case_id = $2 AND p.status = 'pending') AS promise,
                   EXISTS (SELECT 1 FROM cobranza.posting p WHERE p.tenant_id = $1 AND p.case_id = $2
                              AND p.published_on IS NULL AND p.withdrawn_on IS NULL) AS noticed,
                   EXISTS (SELECT 1 FROM cobranza.invoice_balance b WHERE b.tenant_id = $1 AND b.case_id = $2
                              AND b.outstanding > 0 AND b.due < cobranza.today()) AS overdue
            """, [target.tenant, target.id]).first!
        if try row.decode("agreement") { return .instalmentDue }
        if try row.decode("promise") { return .promiseReminder }
        if try row.decode("noticed") { return .postingNotice }
        if !(try row.decode("overdue", as: Bool.self)) { return .preDueReminder }
        return .reminder
    }

    /// The typed content of `kind` for the case: the undisputed invoices still owed (the overdue
    /// ones for a reminder, those not yet due before they are), and the promise, instalment or
    /// posting the notice is about.
    func content(_ target: WorkflowCase, kind: NoticeKind) throws -> NoticeContent {
        let today = try session.today()
        let owed = try connection.query("""
            SELECT b.number, b.due::text AS due, b.outstanding
              FROM cobranza.invoice_balance b
             WHERE b.tenant_id = $1 AND b.case_id = $2 AND b.outstanding > 0
               AND NOT cobranza.invoice_disputed(b.tenant_id, b.invoice_id)
             ORDER BY b.due, b.invoice_id
            """, [target.tenant, target.id]).rows.map { row in
            NoticeContent.Invoice(number: try row.decode("number"), due: try row.decode("due"), outstandingMinorUnits: try row.decode("outstanding"))
        }
        var invoices = owed
        switch kind {
        case .reminder: invoices = owed.filter { $0.due < today }
        case .preDueReminder: invoices = owed.filter { $0.due >= today }
        default: break
        }
        guard !invoices.isEmpty else {
            if owed.isEmpty {
                throw StoreError("case \(target.number): " + (target.outstanding > 0 ? "every invoice still owed is disputed" : "nothing is owed")
                                 + ", so there is no notice to send")
            }
            throw StoreError(field: "template", kind == .reminder
                ? "case \(target.number) has no overdue invoice yet: recordatorio-previo reminds before the due date"
                : "case \(target.number) has no invoice still to fall due: recordatorio names the overdue ones")
        }
        var content = NoticeContent(caseNumber: target.number, debtorName: target.debtorName, clientName: target.clientName,
                                    currency: target.currency, invoices: invoices, agency: try agency(target))
        switch kind {
        case .reminder, .preDueReminder: break
        case .promiseReminder:
            guard let row = try connection.query("""
                SELECT p.due::text AS due, p.amount FROM cobranza.promise_status p
                 WHERE p.tenant_id = $1 AND p.case_id = $2 AND p.status = 'pending' ORDER BY p.due DESC, p.id DESC LIMIT 1
                """, [target.tenant, target.id]).first else {
                throw StoreError(field: "template", "case \(target.number) has no pending promise to remind of")
            }
            content.promise = (try row.decode("due"), try row.decode("amount"))
        case .instalmentDue:
            guard let row = try connection.query("""
                SELECT i.sequence, a.instalments, i.due::text AS due, i.amount - i.cancelled - i.paid AS left_to_pay
                  FROM cobranza.agreement_status a
                  JOIN cobranza.instalment_status i ON i.tenant_id = a.tenant_id AND i.agreement_id = a.id
                 WHERE a.tenant_id = $1 AND a.case_id = $2 AND a.status = 'active' AND i.sequence >= 1
                   AND i.status NOT IN ('paid', 'cancelled')
                 ORDER BY i.sequence LIMIT 1
                """, [target.tenant, target.id]).first else {
                throw StoreError(field: "template", "case \(target.number) has no agreement in force with an instalment to pay")
            }
            content.instalment = (try row.decode("sequence"), try row.decode("instalments"), try row.decode("due"), try row.decode("left_to_pay"))
        case .postingNotice:
            guard let row = try connection.query("""
                SELECT p.notice_on::text AS notice_on, coalesce((cobranza.contract_on(p.tenant_id, cobranza.today())).posting_notice_days, 15) AS days
                  FROM cobranza.posting p
                 WHERE p.tenant_id = $1 AND p.case_id = $2 AND p.published_on IS NULL AND p.withdrawn_on IS NULL
                 ORDER BY p.id DESC LIMIT 1
                """, [target.tenant, target.id]).first else {
                throw StoreError(field: "template", "case \(target.number) has no posting notified (posting notify comes first)")
            }
            let from = PostingRules.earliestPublication(noticeOn: try row.decode("notice_on"), country: target.debtorCountry,
                                                        contractDays: try row.decode("days"))
            content.posting = (content.agency["registro_publicacion"] ?? Self.registry(target.debtorCountry), from)
        }
        return content
    }

    /// agencia.conf for the debtor's country and the case's currency, as letters read it.
    func agency(_ target: WorkflowCase) throws -> [String: String] {
        let path = try Letters.directory().appendingPathComponent("agencia.conf").path
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("\(path) cannot be read") }
        let code = target.currency.code.rawValue
        let fields = LetterTemplate.settings(String(decoding: data, as: UTF8.self), sections: [target.debtorCountry.code, code])
        guard fields["instrucciones_pago"] != nil else {
            throw StoreError("\(path) has no instrucciones_pago under [\(code)] or [\(target.debtorCountry.code)]: "
                             + "a debtor is told where to pay in its own currency, never another's")
        }
        return fields
    }

    /// The commercial registry a posting notice names, unless agencia.conf says
    /// `registro_publicacion`.
    static func registry(_ country: Country) -> String {
        switch country.code {
        case "CO": "Datacrédito"
        case "MX": "Buró de Crédito"
        default: "Boletín Comercial"
        }
    }

    /// The subject of an SMS or WhatsApp row (the outbox keeps one for every channel).
    static func title(_ kind: NoticeKind) -> String {
        switch kind {
        case .reminder: "Recordatorio de pago"
        case .preDueReminder: "Aviso de vencimiento"
        case .promiseReminder: "Recordatorio de promesa de pago"
        case .instalmentDue: "Cuota de convenio"
        case .postingNotice: "Aviso previo de publicación"
        }
    }

    // MARK: - Reading

    private func requireReader() throws {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors read the notices queue; a client sees a sent notice on its case's timeline")
        }
    }

    private static let select = """
        SELECT m.id, c.number, t.code, m.channel, m.template, m.address, m.status, m.attempts,
               to_char(m.not_before AT TIME ZONE z.zone, 'YYYY-MM-DD HH24:MI') AS not_before,
               to_char(m.sent_at AT TIME ZONE z.zone, 'YYYY-MM-DD HH24:MI') AS sent_at,
               m.subject, m.body, m.idempotency_key, m.client_visible, m.last_error, m.provider_id, m.created_by, z.zone,
               to_char(e.occurred_at AT TIME ZONE z.zone, 'YYYY-MM-DD HH24:MI') AS contact_at
          FROM cobranza.outbound_message m
          JOIN cobranza.collection_case c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
          JOIN cobranza.tenant t ON t.id = m.tenant_id
          JOIN cobranza.debtor d ON d.tenant_id = m.tenant_id AND d.id = m.debtor_id
          CROSS JOIN LATERAL (SELECT cobranza.debtor_time_zone(d.country, d.time_zone) AS zone) z
          LEFT JOIN cobranza.case_event e ON e.tenant_id = m.tenant_id AND e.id = m.event_id
        """

    /// The outbox, newest first, narrowed by case, status and channel.
    public func list(caseNumber: String?, status: String?, channel: NoticeChannel?, limit: Int) throws -> [NoticeRecord] {
        try requireReader()
        var conditions: [String] = []
        var parameters = SQLParameters()
        return try connection.withTransaction {
            if let caseNumber {
                let number = CaseLookup.normalized(caseNumber)
                guard try connection.query("SELECT 1 FROM cobranza.collection_case WHERE number = $1", [number]).first != nil else {
                    throw CaseLookup.notFound(number)
                }
                conditions.append("c.number = " + parameters.bind(number))
            }
            if let status { conditions.append("m.status = " + parameters.bind(status)) }
            if let channel { conditions.append("m.channel = " + parameters.bind(channel.rawValue)) }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try connection.query(Self.select + filter + " ORDER BY m.id DESC LIMIT " + parameters.bind(limit), parameters.values)
                .rows.map(Self.record)
        }
    }

    public func show(id: Int64) throws -> NoticeDetail {
        try requireReader()
        guard let row = try connection.query(Self.select + " WHERE m.id = $1", [id]).first else {
            throw StoreError(field: "id", "no notice \(id)")
        }
        return NoticeDetail(
            record: try Self.record(row), subject: try row.decode("subject"), body: try row.decode("body"),
            idempotencyKey: try row.decode("idempotency_key"), clientVisible: try row.decode("client_visible"),
            lastError: try row.decodeIfPresent("last_error"), providerID: try row.decodeIfPresent("provider_id"),
            zone: try row.decode("zone"), queuedBy: try row.decode("created_by"), contactAt: try row.decodeIfPresent("contact_at"))
    }

    /// A failed message back to the queue, due now: the same text under the same key, so the
    /// provider still sees one message. Only `failed` may be retried (0085's policy says so for
    /// a psql user too).
    public func retry(id: Int64) throws -> NoticeRecord {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors retry notices")
        }
        return try connection.withTransaction {
            // Only a failed row passes 0085's policy, so the UPDATE names the state it moves from.
            let moved = try connection.query("""
                UPDATE cobranza.outbound_message SET status = 'queued', not_before = cobranza.now() WHERE id = $1 AND status = 'failed'
                """, [id]).affectedRows
            guard moved == 1 else {
                guard let status: String = try connection.query("SELECT status FROM cobranza.outbound_message WHERE id = $1", [id]).first?.decode("status") else {
                    throw StoreError(field: "id", "no notice \(id)")
                }
                throw StoreError(field: "id", "notice \(id) is \(status): only a failed notice is retried"
                                 + (status == "queued" || status == "sending" ? " (this one is still on its way)" : ""))
            }
            return try Self.record(connection.query(Self.select + " WHERE m.id = $1", [id]).first!)
        }
    }

    static func record(_ row: Row) throws -> NoticeRecord {
        NoticeRecord(id: try row.decode("id"), caseNumber: try row.decode("number"), client: try row.decode("code"),
                     channel: try row.decode("channel"), template: try row.decodeIfPresent("template"), address: try row.decode("address"),
                     status: try row.decode("status"), attempts: try row.decode("attempts"), notBefore: try row.decode("not_before"),
                     sentAt: try row.decodeIfPresent("sent_at"))
    }
}

extension Session {
    public var notices: Notices { Notices(session: self) }
}
