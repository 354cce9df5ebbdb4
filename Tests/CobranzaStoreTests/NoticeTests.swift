import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// Issue 18, items 1, 4 and 5: `notice send` renders templates/avisos with the case's own data
/// and queues one outbox row (no case event: the worker records the contact when it sends),
/// refusals name the flag, a debtor's opt-out is honoured (by the 0077 trigger too), the outbox is
/// staff's to read, and only a failed message goes back to the queue — for a psql user too.
@Suite("Notices")
struct NoticeTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    /// A case of ACME (invoices due 2025-10-31 and 2025-11-30) whose debtor has an email and a
    /// phone written as people write it.
    func reachableCase(amounts: [Int64] = [300_000, 150_000]) throws -> (number: String, taxID: String) {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: amounts)
        let taxID: String = try fixture.db.asSuperuser { su in
            try su.query("""
                UPDATE cobranza.debtor d SET email = 'pagos@example.cl', phone = '+56 9 5555 0000'
                  FROM cobranza.collection_case c WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                RETURNING d.tax_id
                """, [number]).first!.decode("tax_id")
        }
        return (number, taxID)
    }

    func storeError(_ body: () throws -> Void) -> StoreError? {
        do { try body(); return nil } catch let error as StoreError { return error } catch { Issue.record("\(error)"); return nil }
    }

    func message(_ id: Int64) throws -> Row {
        try fixture.db.asSuperuser { su in try su.query("SELECT * FROM cobranza.outbound_message WHERE id = $1", [id]).first! }
    }

    @Test func sendQueuesOneRenderedMessageAndNoEvent() throws {
        let (number, _) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        let events = { try self.fixture.db.asSuperuser { su in try su.query("SELECT count(*)::int AS n FROM cobranza.case_event").first!.decode("n", as: Int.self) } }
        let before = try events()
        let email = try ana.notices.send(caseNumber: number.lowercased(), channel: .email, template: nil, clientVisible: true)
        #expect(email.template == .reminder && email.address == "pagos@example.cl")
        let row = try message(email.id)
        #expect(try row.decode("status", as: String.self) == "queued")
        #expect(try row.decode("template", as: String.self) == "recordatorio")
        #expect(try row.decode("client_visible", as: Bool.self))
        #expect(try row.decode("subject", as: String.self).contains(number))
        let body: String = try row.decode("body")
        #expect(body.contains("$450.000 CLP") && body.contains("-1, vencida el 31-10-2025") && body.contains("BAJA"), "\(body)")
        // A phone as people type it goes out in E.164; each send has its own key.
        let whatsapp = try ana.notices.send(caseNumber: number, channel: .whatsapp, template: "recordatorio", clientVisible: false)
        #expect(whatsapp.address == "+56955550000")
        #expect(email.idempotencyKey != whatsapp.idempotencyKey && whatsapp.idempotencyKey.hasPrefix("notice-"))
        #expect(try events() == before, "queuing is not a contact")
        let listed = try ana.notices.list(caseNumber: number, status: "queued", channel: nil, limit: 50)
        #expect(listed.map(\.id) == [whatsapp.id, email.id])
        #expect(try ana.notices.list(caseNumber: nil, status: nil, channel: .whatsapp, limit: 50).map(\.id) == [whatsapp.id])
        let shown = try ana.notices.show(id: email.id)
        #expect(shown.body == body && shown.record.notBefore == "2026-04-02 12:00" && shown.zone == "America/Santiago")
    }

    @Test func refusalsNameTheFlag() throws {
        let (number, taxID) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        // No address for the channel.
        try fixture.db.asSuperuser { su in try su.query("UPDATE cobranza.debtor SET phone = NULL WHERE tax_id = $1", [taxID]) }
        let noPhone = storeError { _ = try ana.notices.send(caseNumber: number, channel: .sms, template: nil, clientVisible: false) }
        #expect(noPhone?.fields == ["channel"] && noPhone?.message.contains("no phone number") == true, "\(String(describing: noPhone))")
        // A phone without its country code cannot be sent to.
        try fixture.db.asSuperuser { su in try su.query("UPDATE cobranza.debtor SET phone = '2 2345 6789' WHERE tax_id = $1", [taxID]) }
        #expect(storeError { _ = try ana.notices.send(caseNumber: number, channel: .sms, template: nil, clientVisible: false) }?
            .message.contains("international form") == true)
        // Unknown template: the ones there are.
        let unknown = storeError { _ = try ana.notices.send(caseNumber: number, channel: .email, template: "saludo", clientVisible: false) }
        #expect(unknown?.fields == ["template"] && unknown?.message.contains("recordatorio, recordatorio-previo") == true)
        // A template the case has nothing for.
        #expect(storeError { _ = try ana.notices.send(caseNumber: number, channel: .email, template: "cuota", clientVisible: false) }?
            .message.contains("no agreement in force") == true)
        #expect(storeError { _ = try ana.notices.send(caseNumber: number, channel: .email, template: "recordatorio-previo", clientVisible: false) }?
            .message.contains("no invoice still to fall due") == true)
        // Opted out: refused by the shell's look first, and by the database for a psql user.
        _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(optOut: ["email"], source: "respondió BAJA"))
        let optedOut = storeError { _ = try ana.notices.send(caseNumber: number, channel: .email, template: nil, clientVisible: false) }
        #expect(optedOut?.fields == ["channel"] && optedOut?.message.contains("opted out of email") == true)
        let direct = try fixture.connect(fixture.collector)
        do {
            try direct.query("""
                INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key)
                SELECT c.tenant_id, c.id, c.debtor_id, 'email', 'x@example.cl', 's', 'b', 'psql-1' FROM cobranza.collection_case c WHERE c.number = $1
                """, [number])
            Issue.record("an opted-out channel was queued")
        } catch {
            #expect(error.constraint == "outbound_message_opt_out_check")
        }
        // Taking it back lets it go; the row's removal is audited.
        _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(optIn: ["email"]))
        _ = try ana.notices.send(caseNumber: number, channel: .email, template: nil, clientVisible: false)
        let audited: Int = try fixture.db.asSuperuser { su in
            try su.query("SELECT count(*)::int AS n FROM cobranza.audit_log WHERE table_name = 'debtor_opt_out' AND operation = 'DELETE'").first!.decode("n")
        }
        #expect(audited == 1)
        // A closed case.
        try fixture.db.asSuperuser { su in
            try su.query("UPDATE cobranza.collection_case SET stage = 'closed', close_code = 'uncollectible', closed_at = now() WHERE number = $1", [number])
        }
        #expect(storeError { _ = try ana.notices.send(caseNumber: number, channel: .email, template: nil, clientVisible: false) }?
            .message.contains("is closed") == true)
    }

    /// A message goes to its case's own debtor, at the address the debtor gave for the channel,
    /// and never on a closed case. With psql a collector could queue one naming another debtor
    /// (whose opt-outs were then the ones asked: an SMS the debtor refused went out), to any
    /// address (the debtor's employer), or on a closed case; the worker sent them (0126).
    @Test func aMessageGoesOnlyToItsCasesDebtorAtTheirAddress() throws {
        let (number, taxID) = try reachableCase()
        let (other, _) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(optOut: ["sms"], source: "respondió BAJA"))
        let sql = try fixture.connect(fixture.collector)
        func queue(_ debtorOf: String, _ channel: String, _ address: String, on caseNumber: String) -> PostgresError? {
            refusal(sql, """
                INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key)
                SELECT c.tenant_id, c.id, (SELECT debtor_id FROM cobranza.collection_case WHERE number = $1), $2, $3, 's', 'b',
                       'psql-' || md5(random()::text) FROM cobranza.collection_case c WHERE c.number = $4
                """, [debtorOf, channel, address, caseNumber])
        }
        // Another debtor's id, to slip past this debtor's SMS opt-out.
        let stranger = queue(other, "sms", "+56955550000", on: number)
        #expect(stranger?.constraint == "outbound_message_debtor_check" && stranger?.column == "debtor_id", "\(String(describing: stranger))")
        // Anyone's address.
        let boss = queue(number, "email", "jefe@empleador.example", on: number)
        #expect(boss?.constraint == "outbound_message_address_check" && boss?.column == "address", "\(String(describing: boss))")
        #expect(boss?.message.contains("pagos@example.cl") == true)
        // The debtor's own, as typed or as sent, goes.
        #expect(queue(number, "email", "pagos@example.cl", on: number) == nil)
        #expect(queue(other, "whatsapp", "+56955550000", on: other) == nil)
        // Nothing on a closed case.
        _ = try ana.cases.close(other, code: .uncollectible, note: "sin bienes")
        #expect(queue(other, "email", "pagos@example.cl", on: other)?.constraint == "outbound_message_case_open_check")
    }

    @Test func contactValidatesAndNormalises() throws {
        let (_, taxID) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        let changed = try ana.debtors.contact(taxID: taxID, client: "ACME",
                                              change: .init(email: " cobros@sur.cl ", phone: "+57 (601) 345-6789", optOut: ["sms,whatsapp"], source: "llamada"))
        #expect(changed.debtor.email == "cobros@sur.cl" && changed.debtor.phone == "+576013456789")
        #expect(changed.optOuts.map(\.channel) == ["sms", "whatsapp"] && changed.optOuts.allSatisfy { $0.source == "llamada" })
        #expect(storeError { _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(phone: "2 2345 6789")) }?.fields == ["phone"])
        #expect(storeError { _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(email: "no es correo")) }?.fields == ["email"])
        #expect(storeError { _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(optOut: ["fax"])) }?.fields == ["opt_out"])
        #expect(storeError { _ = try ana.debtors.contact(taxID: taxID, client: "ACME", change: .init(optOut: ["sms"], optIn: ["sms"])) } != nil)
        // The client reads its debtor's opt-outs; it cannot change them.
        let maria = try fixture.session(fixture.maria)
        #expect(try maria.debtors.optOuts(taxID: taxID, client: nil).count == 2)
        #expect(storeError { _ = try maria.debtors.contact(taxID: taxID, client: nil, change: .init(optIn: ["sms"])) } != nil)
    }

    /// The five kinds render with a case's real data: amounts, invoices, promise, instalment,
    /// posting date.
    @Test func everyKindRendersWithRealData() throws {
        let (number, _) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        var bodies: [NoticeKind: String] = [:]
        func send(_ kind: NoticeKind, _ channel: NoticeChannel = .whatsapp) throws {
            let queued = try ana.notices.send(caseNumber: number, channel: channel, template: kind.rawValue, clientVisible: false)
            #expect(queued.template == kind)
            bodies[kind] = try message(queued.id).decode("body")
        }
        try send(.reminder)
        #expect(bodies[.reminder]!.contains("*Total: $450.000 CLP*"))
        // An invoice not yet due (2026-05-31) on a case of its own.
        let later = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try fixture.db.asSuperuser { su in
            // (a placed invoice keeps its due date, 0120: the fixture's is rewritten with the triggers off)
            try su.withTransaction {
                try su.query("SET LOCAL session_replication_role = replica")
                try su.query("UPDATE cobranza.invoice SET due = '2026-05-31' WHERE case_id = (SELECT id FROM cobranza.collection_case WHERE number = $1)", [later])
            }
            try su.query("""
                UPDATE cobranza.debtor d SET phone = '+56955551111' FROM cobranza.collection_case c
                 WHERE c.number = $1 AND d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                """, [later])
        }
        let pre = try ana.notices.send(caseNumber: later, channel: .sms, template: nil, clientVisible: false)
        #expect(pre.template == .preDueReminder)
        #expect(try message(pre.id).decode("body", as: String.self).contains("31-05-2026"))
        // A promise: the default follows it.
        _ = try ana.promises.add(caseNumber: number, amount: WrittenAmount(String("200.000"))!, due: CalendarDate(year: 2026, month: 4, day: 10)!, note: nil)
        let promised = try ana.notices.send(caseNumber: number, channel: .whatsapp, template: nil, clientVisible: false)
        #expect(promised.template == .promiseReminder)
        bodies[.promiseReminder] = try message(promised.id).decode("body")
        #expect(bodies[.promiseReminder]!.contains("*$200.000 CLP* el 10-04-2026"))
        // A posting notified: the registry and the first day it may be published.
        try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent)
                VALUES ($1, 2, '2026-01-02', 1500, 2500, 1900, true)
                """, [fixture.acme])
            try su.query("INSERT INTO cobranza.posting (tenant_id, case_id, notice_on) SELECT tenant_id, id, '2026-04-01' FROM cobranza.collection_case WHERE number = $1", [number])
        }
        try send(.postingNotice, .email)
        #expect(bodies[.postingNotice]!.contains("Boletín Comercial") && bodies[.postingNotice]!.contains("2026"))
        // An agreement, on a case of its own: the next instalment.
        let (agreed, _) = try reachableCase()
        _ = try ana.agreements.create(.init(caseNumber: agreed, instalments: 3, firstDue: CalendarDate(year: 2026, month: 5, day: 2)!))
        let instalment = try ana.notices.send(caseNumber: agreed, channel: .whatsapp, template: nil, clientVisible: false)
        #expect(instalment.template == .instalmentDue)
        let text: String = try message(instalment.id).decode("body")
        #expect(text.contains("la cuota 1 de 3") && text.contains("02-05-2026"), "\(text)")
    }

    @Test func retryOnlyAFailedOneAndOnlyStaff() throws {
        let (number, _) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        let queued = try ana.notices.send(caseNumber: number, channel: .email, template: nil, clientVisible: true)
        #expect(storeError { _ = try ana.notices.retry(id: queued.id) }?.message.contains("only a failed notice") == true)
        // The worker's failure, played by the owner.
        try fixture.db.asSuperuser { su in
            try su.query("SET ROLE cobranza_owner")
            try su.query("""
                UPDATE cobranza.outbound_message SET status = 'sending', claimed_at = now(), attempts = 5 WHERE id = $1
                """, [queued.id])
            try su.query("UPDATE cobranza.outbound_message SET status = 'failed', claimed_at = NULL, last_error = '550 mailbox unavailable' WHERE id = $1", [queued.id])
            try su.query("RESET ROLE")
        }
        let shown = try ana.notices.show(id: queued.id)
        #expect(shown.record.status == "failed" && shown.lastError == "550 mailbox unavailable" && shown.record.attempts == 5)
        // The client: no outbox, not even its own case's, and no retry with plain SQL.
        let maria = try fixture.session(fixture.maria)
        #expect(storeError { _ = try maria.notices.list(caseNumber: nil, status: nil, channel: nil, limit: 5) } != nil)
        #expect(storeError { _ = try maria.notices.retry(id: queued.id) } != nil)
        let direct = try fixture.connect(fixture.maria)
        do {
            try direct.query("UPDATE cobranza.outbound_message SET status = 'queued' WHERE id = $1", [queued.id])
            Issue.record("a client moved a message")
        } catch {
            #expect(error.sqlState == SQLState(rawValue: "42501"), "\(error)")
        }
        // Staff with plain SQL: only failed → queued, and only those columns.
        let psql = try fixture.connect(fixture.collector)
        do {
            try psql.query("UPDATE cobranza.outbound_message SET body = 'otro texto' WHERE id = $1", [queued.id])
            Issue.record("staff rewrote a message")
        } catch {
            #expect(error.sqlState == SQLState(rawValue: "42501"), "\(error)")
        }
        let retried = try ana.notices.retry(id: queued.id)
        #expect(retried.status == "queued" && retried.attempts == 5)
        #expect(try psql.query("UPDATE cobranza.outbound_message SET status = 'failed' WHERE id = $1", [queued.id]).affectedRows == 0,
                "staff cannot fail a queued message by hand")
    }

    /// A sent notice is on the case's timeline through the worker's case event (simulated here as
    /// the worker does it), client-visible when the message is.
    @Test func aSentNoticeIsOnTheTimeline() throws {
        let (number, _) = try reachableCase()
        let ana = try fixture.session(fixture.collector)
        let queued = try ana.notices.send(caseNumber: number, channel: .email, template: nil, clientVisible: true)
        try fixture.db.asSuperuser { su in
            try su.query("SET ROLE cobranza_owner")
            try su.query("UPDATE cobranza.outbound_message SET status = 'sending', claimed_at = now(), attempts = 1 WHERE id = $1", [queued.id])
            try su.query("""
                WITH e AS (INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome, client_visible, created_by)
                           SELECT tenant_id, case_id, channel, 'sent', client_visible, created_by FROM cobranza.outbound_message WHERE id = $1
                           RETURNING tenant_id, id)
                UPDATE cobranza.outbound_message m SET status = 'sent', claimed_at = NULL, sent_at = cobranza.now(), provider_id = '<abc@x>',
                       event_id = e.id FROM e WHERE m.id = $1
                """, [queued.id])
            try su.query("RESET ROLE")
        }
        let shown = try ana.notices.show(id: queued.id)
        #expect(shown.record.status == "sent" && shown.providerID == "<abc@x>" && shown.contactAt != nil)
        let maria = try fixture.session(fixture.maria)
        let timeline = try maria.cases.show(number).events
        #expect(timeline.contains { $0.kind == "email" && $0.outcome == "sent" }, "the client sees the contact")
        #expect(try ana.cases.show(number).events.contains { $0.kind == "email" })
    }

    /// cobranza.phone_e164 (0085), for whoever queues from SQL, is ContactAddress.phone.
    @Test func phoneRuleIsTheSameInSQL() throws {
        var samples = ["+56 9 5555 1234", "+57 (601) 345-6789", " +52.55.1234.5678 ", "\t+56912345678\u{00A0}", "2 2345 6789", "+0 1234 5678",
                       "+56 9", "+5691234567890123", "+56 9 1234 567x", "+56\n912345678", "", "+", "++56912345678", "+56_912345678"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("+0123456789 ().-x\t")
        for _ in 0..<300 {
            samples.append(String((0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        let sql: [String?] = try fixture.db.asSuperuser { su in
            try su.query("SELECT cobranza.phone_e164(p) AS e FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n", [samples])
                .rows.map { try $0.decodeIfPresent("e") }
        }
        for (sample, database) in zip(samples, sql) {
            #expect(database == ContactAddress.phone(sample), "\(sample.debugDescription)")
        }
    }
}
