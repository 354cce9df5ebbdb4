import CobranzaCore
import Delivery
import Foundation
import Outbox
import Postgres
import TestSupport
import Testing

/// Issue 18, items 2 and 6: the worker against the real database and real servers on 127.0.0.1.
@Suite("Delivery worker")
struct DeliveryWorkerTests {
    @Test("a queued email and a WhatsApp message are sent once each, recorded sent with their ids, and on the case's timeline")
    func sendsEmailAndWhatsApp() throws {
        let world = try OutboxWorld()
        let first = try world.openCase(), second = try world.openCase()
        let mail = try world.queue(.email, to: "deudor@example.cl", on: first, key: "k-mail", clientVisible: true)
        let chat = try world.queue(.whatsapp, to: "+56912345678", on: second, key: "k-chat")

        let summary = try world.deliveryWorker().deliverDue()
        #expect(summary.line == "sent 2, deferred 0, retried 0, failed 0")

        #expect(try world.mailMessageIDs() == ["<cobranza.k-mail@cobranza-andina.cl>"])
        #expect(try world.providerCreated() == ["k-chat"])
        let sentMail = try world.message(mail), sentChat = try world.message(chat)
        #expect(sentMail.status == "sent" && sentMail.providerID == "<cobranza.k-mail@cobranza-andina.cl>" && sentMail.attempts == 1)
        #expect(sentChat.status == "sent" && sentChat.providerID == "SM000001")
        #expect(try world.events(first.caseID) == ["email sent | email to deudor@example.cl: Aviso de deuda | visible"])
        #expect(try world.events(second.caseID) == ["whatsapp sent | whatsapp to +56912345678 | internal"])
        let linked: Int64 = try world.db.asSuperuser { su in
            try su.query("SELECT count(*) AS n FROM cobranza.outbound_message m JOIN cobranza.case_event e ON e.tenant_id = m.tenant_id AND e.id = m.event_id WHERE m.id IN ($1, $2)",
                         [mail, chat]).first!.decode("n")
        }
        #expect(linked == 2, "each message links its contact's event")

        // Nothing is due any more: a second pass sends nothing.
        #expect(try world.deliveryWorker().deliverDue() == DeliveryWorker.Summary())
        #expect(try world.mailMessageIDs().count == 1)
    }

    @Test("a provider's 500 is retried and sent once; a 400 fails at once with the reason")
    func retriesAndFailures() throws {
        let flaky = try OutboxWorld(smsPath: "flaky", whatsappPath: "rechazo")
        let target = try flaky.openCase(), other = try flaky.openCase()
        let sms = try flaky.queue(.sms, to: "+56912345678", on: target, key: "k-flaky")
        let rejected = try flaky.queue(.whatsapp, to: "+56900000000", on: other, key: "k-rejected")

        let summary = try flaky.deliveryWorker().deliverDue()
        #expect(summary.line == "sent 1, deferred 0, retried 1, failed 1")
        let retried = try flaky.message(sms)
        #expect(retried.status == "sent" && retried.attempts == 2 && retried.providerID == "SM000001")
        let requests = try flaky.provider.records().filter { $0["key"] as? String == "k-flaky" }.map { $0["status"] as? Int }
        #expect(requests == [500, 201], "one failure, one message")
        let failed = try flaky.message(rejected)
        #expect(failed.status == "failed" && failed.attempts == 1)
        #expect(failed.lastError?.contains("invalid 'To' number") == true, "\(failed.lastError ?? "")")
        #expect(try flaky.events(other.caseID) == [], "a failed message is no contact")
    }

    @Test("a retryable failure is tried again after a backoff, up to the limit of attempts, then failed")
    func backoffThenGiveUp() throws {
        let world = try OutboxWorld()
        let target = try world.openCase()
        let busy = try world.queue(.email, to: "ocupado@example.cl", on: target, key: "k-busy")
        let options = DeliveryWorker.Options(retry: RetryPolicy(maxAttempts: 2, baseMilliseconds: 3_600_000))
        #expect(try world.deliveryWorker(options: options).deliverDue().line == "sent 0, deferred 0, retried 1, failed 0")
        let waiting = try world.message(busy)
        #expect(waiting.status == "queued" && waiting.notBefore == "2026-12-07 11:00", "an hour after the pinned 10:00")
        #expect(waiting.lastError?.contains("SMTP 451") == true, "\(waiting.lastError ?? "")")
        #expect(try world.deliveryWorker(asOf: "2026-12-07T10:59", options: options).deliverDue() == DeliveryWorker.Summary(), "not yet due")
        #expect(try world.deliveryWorker(asOf: "2026-12-07T11:00", options: options).deliverDue().line == "sent 0, deferred 0, retried 0, failed 1")
        let failed = try world.message(busy)
        #expect(failed.status == "failed" && failed.attempts == 2 && failed.lastError?.hasPrefix("gave up after 2 attempts") == true)
        // A mailbox the server refuses bounced, at once.
        let refused = try world.queue(.email, to: "rechazo@example.cl", on: world.openCase(), key: "k-refused")
        #expect(try world.deliveryWorker(options: options).deliverDue().failed == 1)
        #expect(try world.message(refused).status == "bounced")
    }

    @Test("a slow provider does not hold the other messages past its timeout")
    func slowReply() throws {
        let world = try OutboxWorld(smsPath: "lento", providerTimeout: "800ms")
        let slow = try world.queue(.sms, to: "+56912345678", on: world.openCase(), key: "k-slow")
        let fast = try world.queue(.whatsapp, to: "+56912345679", on: world.openCase(), key: "k-fast")
        let fastMail = try world.queue(.email, to: "a@example.cl", on: world.openCase(), key: "k-fast-mail")
        let worker = try world.deliveryWorker(options: .init(retry: RetryPolicy(baseMilliseconds: 60_000)))
        let started = Date()
        let summary = try worker.deliverDue()
        let elapsed = Date().timeIntervalSince(started)
        #expect(summary.line == "sent 2, deferred 0, retried 1, failed 0")
        #expect(elapsed < 2.5, "the slow reply (3 s) was cut at 0.8 s: \(elapsed) s")
        #expect(try world.message(fast).status == "sent" && world.message(fastMail).status == "sent")
        let waiting = try world.message(slow)
        #expect(waiting.status == "queued" && waiting.lastError?.lowercased().contains("time") == true, "\(waiting.lastError ?? "")")
    }

    @Test("a message due on a Sunday for a Colombian debtor waits until Monday 07:00 Bogotá; an unauthorised channel or an opt-out fails")
    func colombianSunday() throws {
        let world = try OutboxWorld()
        let target = try world.openCase(tenant: world.colombia, country: "CO")
        try world.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.contact_authorisation (tenant_id, debtor_id, channel, authorised_on, source)
                VALUES ($1, $2, 'email', '2026-12-01', 'formulario firmado')
                """, [world.colombia, target.debtorID])
        }
        let sunday = "2026-12-06T10:00-05"
        let mail = try world.queue(.email, to: "deudor@example.co", tenant: world.colombia, on: target, key: "k-sunday", notBefore: sunday)
        #expect(try world.deliveryWorker(asOf: sunday).deliverDue().line == "sent 0, deferred 1, retried 0, failed 0")
        let deferred = try world.message(mail, zone: "America/Bogota")
        #expect(deferred.status == "queued" && deferred.notBefore == "2026-12-07 07:00")
        #expect(deferred.lastError?.hasPrefix("deferred by CO-HOURS") == true, "\(deferred.lastError ?? "")")
        #expect(deferred.lastError?.hasSuffix(" until Monday 2026-12-07 07:00 America/Bogota") == true, "\(deferred.lastError ?? "")")
        #expect(try world.mailMessageIDs() == [], "nothing left on Sunday")
        #expect(try world.deliveryWorker(asOf: "2026-12-07T06:59-05").deliverDue() == DeliveryWorker.Summary(), "not before 07:00")
        #expect(try world.deliveryWorker(asOf: "2026-12-07T07:00-05").deliverDue().sent == 1)
        #expect(try world.message(mail).status == "sent")
        #expect(try world.mailMessageIDs() == ["<cobranza.k-sunday@cobranza-andina.cl>"])
        #expect(try world.events(target.caseID).count == 1)

        // WhatsApp was never authorised: no moment allows it. An opt-out fails it too.
        let other = try world.openCase(tenant: world.colombia, country: "CO")
        let chat = try world.queue(.whatsapp, to: "+573001234567", tenant: world.colombia, on: other, key: "k-never")
        let chile = try world.openCase()
        let sms = try world.queue(.sms, to: "+56912345678", on: chile, key: "k-opt-out")
        try world.db.asSuperuser { su in
            try su.query("INSERT INTO cobranza.debtor_opt_out (tenant_id, debtor_id, channel, source) VALUES ($1, $2, 'sms', 'respondió NO')",
                         [world.chile, chile.debtorID])
        }
        #expect(try world.deliveryWorker(asOf: "2026-12-09T10:00-05").deliverDue().failed == 2)
        #expect(try world.message(chat).lastError?.hasPrefix("refused by CO-AUTHORISED-CHANNELS") == true)
        #expect(try world.message(sms).lastError?.hasPrefix("the debtor opted out of sms") == true)
        #expect(try world.providerCreated() == [])
    }

    @Test("two workers at once never send one message twice")
    func twoWorkers() throws {
        let world = try OutboxWorld()
        var ids: [Int64] = []
        for index in 0..<40 {
            ids.append(try world.queue(index % 2 == 0 ? .email : .sms, to: index % 2 == 0 ? "d\(index)@example.cl" : "+569\(10_000_000 + index)",
                                       on: try world.openCase(), key: "k-two-\(index)"))
        }
        let summaries = Locked<[DeliveryWorker.Summary]>([])
        let errors = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let summary = try world.deliveryWorker(options: .init(batch: 3)).deliverDue()
                summaries.mutate { $0.append(summary) }
            } catch {
                errors.mutate { $0.append("\(error)") }
            }
        }
        #expect(errors.value == [])
        #expect(summaries.value.map(\.sent).reduce(0, +) == 40)
        // Not asserted: that each worker sent some. On a loaded machine one may claim every batch
        // before the other connects, which is correct behaviour; what must hold is below.
        #expect(summaries.value.count == 2)
        let mail = try world.mailMessageIDs()
        #expect(mail.count == 20 && Set(mail).count == 20)
        let created = try world.providerCreated()
        #expect(created.count == 20 && Set(created).count == 20)
        #expect(try world.provider.records().count == 20, "no second request either")
        #expect(try ids.allSatisfy { try world.message($0).status == "sent" })
    }

    @Test("a worker may do nothing but deliver: no table, and no one else may call its functions")
    func theWorkersPrivileges() throws {
        let world = try OutboxWorld()
        let worker = try world.connectWorker()
        for sql in ["SELECT 1 FROM cobranza.outbound_message", "SELECT 1 FROM cobranza.case_event", "SELECT 1 FROM cobranza.debtor",
                    "UPDATE cobranza.outbound_message SET status = 'sent'"] {
            #expect(throws: (any Error).self, "\(sql)") { try worker.query(sql) }
        }
        #expect(throws: (any Error).self) { try worker.query("SELECT cobranza.create_worker('other_worker', 'password-123')") }
        let collector = try world.db.connect(as: world.db.addPerson("ana", kind: "collector"))
        #expect(throws: (any Error).self) { try collector.query("SELECT * FROM cobranza.outbox_claim(ARRAY['email'], 10, interval '1 minute')") }
    }
}

/// A value several threads update under a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
