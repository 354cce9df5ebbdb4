import CobranzaCore
import Foundation
import Outbox
import Postgres
import TestSupport
import Testing

/// `cobranza worker` as a real process: killed with SIGKILL mid-send and started again, and
/// `--once` against a database that is not there.
@Suite("Delivery worker process")
struct WorkerProcessTests {
    func environment(_ world: OutboxWorld, asOf: String = "2026-12-07T10:00") -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "COBRANZA_CHANNELS_CONF": world.conf.path,
         "COBRANZA_WORKER_AS_OF": asOf, "NO_COLOR": "1"]
    }

    func conninfo(_ world: OutboxWorld) throws -> String {
        let s = try TestCluster.settings()
        return "host=\(s.host) port=\(s.port) dbname=\(world.db.name) user=\(world.worker) password=\(TestDatabase.password)"
    }

    /// The worker killed with SIGKILL while it sends, then started again: every message is
    /// delivered, and none twice as the receivers count them — the provider by Idempotency-Key
    /// (it answers a repeated key with the first message's id and creates nothing), the SMTP
    /// server by Message-ID.
    ///
    /// What a crash can do, honestly: SMTP has no idempotency key. A kill after the server's
    /// "250 queued" and before the worker's COMMIT of `sent` leaves the message `sending`; after
    /// the lease it is sent again, and the server holds a second copy with the same Message-ID
    /// (a mail client shows one message; the receiving server sees two deliveries). The test
    /// allows at most that one repeated Message-ID per kill, and no message missing.
    @Test("kill -9 mid-send, restart: each message delivered exactly once by Message-ID and idempotency key")
    func killNine() throws {
        let world = try OutboxWorld()
        let count = 60
        var ids: [Int64] = []
        for index in 0..<count {
            let email = index % 2 == 0
            ids.append(try world.queue(email ? .email : .whatsapp, to: email ? "d\(index)@example.cl" : "+569\(20_000_000 + index)",
                                       on: try world.openCase(), key: "k-kill-\(index)"))
        }
        let argv = [Subprocess.cobranzaBinary, "worker", "-d", try conninfo(world), "--lease", "2", "--batch", "4"]
        let first = try BackgroundProcess(argv, environment: environment(world))
        let midway = waitUntil(timeout: .seconds(60)) {
            (try? world.mailMessageIDs().count + world.providerCreated().count) ?? 0 >= count / 3
        }
        first.kill()
        _ = try first.wait(seconds: 10)
        #expect(midway, "the first worker was sending when it was killed")
        let sendingAtKill: Int64 = try world.db.asSuperuser { su in
            try su.query("SELECT count(*) AS n FROM cobranza.outbound_message WHERE status <> 'sent'").first!.decode("n")
        }
        #expect(sendingAtKill > 0, "the kill left messages undelivered")

        // Started again (after the lease, so the dead worker's claims are taken back).
        sleep(3)
        let second = try Subprocess.run(argv + ["--once"], environment: environment(world))
        #expect(second.status == 0, "\(second.output)")

        #expect(try ids.allSatisfy { try world.message($0).status == "sent" })
        let mail = try world.mailMessageIDs()
        let expectedMail = Set((0..<count).filter { $0 % 2 == 0 }.map { "<cobranza.k-kill-\($0)@cobranza-andina.cl>" })
        #expect(Set(mail) == expectedMail, "every email arrived")
        #expect(mail.count - Set(mail).count <= 1, "at most the one in flight at the kill arrived twice: \(mail.count) for \(Set(mail).count)")
        let created = try world.providerCreated()
        #expect(created.count == count / 2 && Set(created) == Set((0..<count).filter { $0 % 2 == 1 }.map { "k-kill-\($0)" }),
                "the provider created each WhatsApp message once")
        // Each message recorded one contact.
        let events: Int64 = try world.db.asSuperuser { su in
            try su.query("SELECT count(*) AS n FROM cobranza.case_event WHERE kind IN ('email', 'whatsapp') AND outcome = 'sent'").first!.decode("n")
        }
        #expect(events == Int64(count))
    }

    @Test("--once prints its summary and exits 0; with the database unreachable it exits 2")
    func onceAndUnreachable() throws {
        let world = try OutboxWorld()
        try world.queue(.email, to: "d@example.cl", on: world.openCase(), key: "k-once")
        let done = try Subprocess.run([Subprocess.cobranzaBinary, "worker", "--once", "-d", try conninfo(world)], environment: environment(world))
        #expect(done.status == 0)
        #expect(done.output.contains("worker: sent 1, deferred 0, retried 0, failed 0\n"), "\(done.output)")
        let unreachable = try Subprocess.run([Subprocess.cobranzaBinary, "worker", "--once", "-d", "host=/nonexistent port=1 dbname=x user=y"],
                                             environment: environment(world))
        #expect(unreachable.status == 2)
        #expect(unreachable.output.contains("cobranza worker: cannot reach the database"), "\(unreachable.output)")
    }

    @Test("a running worker is woken by NOTIFY when a message is queued, and stops on SIGTERM")
    func wokenByNotify() throws {
        let world = try OutboxWorld()
        let argv = [Subprocess.cobranzaBinary, "worker", "-d", try conninfo(world)]
        let running = try BackgroundProcess(argv, environment: environment(world))
        defer { running.kill() }
        sleep(1)
        let started = Date()
        try world.queue(.email, to: "d@example.cl", on: world.openCase(), key: "k-notify")
        // The idle sleep is a minute: only the NOTIFY wakes it this soon.
        #expect(waitUntil(timeout: .seconds(20)) { (try? world.mailMessageIDs().count) == 1 })
        #expect(Date().timeIntervalSince(started) < 10)
        kill(running.pid, SIGTERM)
        #expect(try running.wait(seconds: 10) == 0, "a clean stop")
    }

    @Test("a running worker whose connection is cut connects again and goes on delivering")
    func reconnects() throws {
        let world = try OutboxWorld()
        let running = try BackgroundProcess([Subprocess.cobranzaBinary, "worker", "-d", try conninfo(world)], environment: environment(world))
        defer { running.kill() }
        let worker = world.worker
        #expect(waitUntil(timeout: .seconds(20)) {
            (try? world.db.asSuperuser { su in try su.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1", [worker]).first != nil }) == true
        })
        try world.db.asSuperuser { su in _ = try su.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [worker]) }
        try world.queue(.email, to: "d@example.cl", on: world.openCase(), key: "k-after-cut")
        #expect(waitUntil(timeout: .seconds(30)) { (try? world.mailMessageIDs().count) == 1 }, "delivered by the reconnected worker")
        #expect(running.isRunning)
    }

    @Test("the embedded database has a worker of its own: `cobranza worker --once` works with nothing configured")
    func embeddedWorker() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-embedded-\(TestCluster.uniqueSuffix())")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let conf = data.appendingPathComponent("canales.conf")
        try Data("# no channel configured yet\n".utf8).write(to: conf)
        var environment = ["PATH": "/usr/bin:/bin", "HOME": data.path, "COBRANZA_DATA": data.path, "COBRANZA_CHANNELS_CONF": conf.path]
        if let bindir = TestCluster.environment["COBRANZA_PG_BINDIR"] { environment["COBRANZA_PG_BINDIR"] = bindir }
        defer {
            _ = try? Subprocess.run([Subprocess.cobranzaBinary, "db", "stop"], environment: environment)
            try? FileManager.default.removeItem(at: data)
        }
        let first = try Subprocess.run([Subprocess.cobranzaBinary, "worker", "--once"], environment: environment)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("created the delivery worker \"worker\""), "\(first.output)")
        #expect(first.output.contains("worker: sent 0, deferred 0, retried 0, failed 0"), "\(first.output)")
        let secret = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("worker.password").path)
        #expect((secret[.posixPermissions] as? Int) == 0o600)
        // It is a delivery worker and nothing else: no person, no table.
        let who = try Subprocess.run([Subprocess.cobranzaBinary, "-c", "user list"], environment: environment)
        #expect(who.status == 0 && !who.output.contains("worker"), "\(who.output)")
    }
}
