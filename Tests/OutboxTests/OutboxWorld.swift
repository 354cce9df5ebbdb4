import CobranzaCore
import Delivery
import Foundation
import Outbox
import Postgres
import TestSupport
import Testing

/// One test's database with a client, a delivery worker's login (made by create_worker, and in
/// cobranza_clock as every test group is, so its clock can be pinned), cases with a debtor each
/// (the contact rules count a debtor's contacts: separate debtors keep one message from
/// deferring another), the test servers on 127.0.0.1 and a canales.conf pointing at them.
final class OutboxWorld: @unchecked Sendable {
    let db: TestDatabase
    let worker: String
    let chile: Int64
    let colombia: Int64
    let smtp: LoopbackServer
    let provider: LoopbackServer
    let conf: URL
    private var nextTaxID = Int.random(in: 10_000_000...60_000_000)

    /// `smsPath` / `whatsappPath`: the provider's behaviour per channel (/ok, /flaky, /rechazo, /lento).
    init(smsPath: String = "ok", whatsappPath: String = "ok", providerTimeout: String = "10") throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("COL", taxID: "900123456-8", country: "CO")
        (chile, colombia) = try db.asSuperuser { su in
            (try su.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id"),
             try su.query("SELECT id FROM cobranza.tenant WHERE code = 'COL'").first!.decode("id"))
        }
        let login = "worker_\(TestCluster.uniqueSuffix())"
        try db.asSuperuser { try $0.query("SELECT cobranza.create_worker($1, $2)", [login, TestDatabase.password]) }
        worker = login
        smtp = try LoopbackServer(python: LoopbackServer.aiosmtpdPython, script: "test-smtp-server.py")
        provider = try LoopbackServer(script: "test-provider-server.py", arguments: ["--user", "AC0001", "--password", "tok"])
        let secret = provider.directory.appendingPathComponent("clave")
        try Data("tok\n".utf8).write(to: secret)
        conf = provider.directory.appendingPathComponent("canales.conf")
        try Data("""
            [email]
            servidor = 127.0.0.1
            puerto = \(smtp.port)
            remitente = avisos@cobranza-andina.cl
            tiempo_maximo = 10
            [sms]
            url = http://127.0.0.1:\(provider.port)/\(smsPath)
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = +56221234567
            tiempo_maximo = \(providerTimeout)
            [whatsapp]
            url = http://127.0.0.1:\(provider.port)/\(whatsappPath)
            usuario = AC0001
            archivo_clave = \(secret.path)
            remitente = whatsapp:+56221234567
            tiempo_maximo = \(providerTimeout)

            """.utf8).write(to: conf)
    }

    func dispatcher() throws -> NoticeDispatcher {
        try NoticeDispatcher(settings: ChannelSettings.load(environment: [ChannelSettings.fileVariable: conf.path]))
    }

    /// The worker's session, its clock pinned to `asOf` (a Santiago local time unless it has an offset).
    func connectWorker(asOf: String? = "2026-12-07T10:00") throws -> Connection {
        let connection = try db.connect(as: worker)
        if let asOf { try connection.query("SELECT set_config('cobranza.as_of', $1, false)", [asOf]) }
        return connection
    }

    func deliveryWorker(asOf: String? = "2026-12-07T10:00", options: DeliveryWorker.Options = .init(retry: RetryPolicy(baseMilliseconds: 0))) throws -> DeliveryWorker {
        DeliveryWorker(connection: try connectWorker(asOf: asOf), sender: try dispatcher(), options: options)
    }

    /// A case of a new debtor of `tenant`.
    func openCase(tenant: Int64? = nil, country: String = "CL") throws -> (caseID: Int64, debtorID: Int64) {
        nextTaxID += 1
        let taxID = country == "CL" ? TestCluster.rut(nextTaxID) : "9\(nextTaxID)-\(TaxID.nitCheckDigit("9\(nextTaxID)"))"
        return try db.asSuperuser { su in
            let debtor: Int64 = try su.query("""
                INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, $2, $3, 'Deudor') RETURNING id
                """, [tenant ?? chile, country, taxID]).first!.decode("id")
            let caseID: Int64 = try su.query("""
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on) VALUES ($1, $2, 'CLP', '2026-01-15') RETURNING id
                """, [tenant ?? chile, debtor]).first!.decode("id")
            return (caseID, debtor)
        }
    }

    /// Queues a message as the strategy run or `notice send` would (as the superuser here).
    @discardableResult
    func queue(_ channel: NoticeChannel, to address: String, tenant: Int64? = nil, on target: (caseID: Int64, debtorID: Int64),
               key: String? = nil, notBefore: String? = nil, clientVisible: Bool = false) throws -> Int64 {
        try db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.outbound_message (tenant_id, case_id, debtor_id, channel, address, subject, body, idempotency_key,
                                                       client_visible, not_before)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, cobranza.now()))
                RETURNING id
                """, [tenant ?? chile, target.caseID, target.debtorID, channel.rawValue, address,
                      "Aviso de deuda", "Su deuda vence. Para no recibir más avisos responda NO.",
                      key ?? "test-\(UUID().uuidString.prefix(8))", clientVisible, notBefore]).first!.decode("id")
        }
    }

    struct Message {
        var status: String
        var attempts: Int64
        var providerID: String?
        var eventID: Int64?
        var lastError: String?
        var notBefore: String
        var key: String
    }

    /// A message's delivery columns; not_before read on `zone`'s clock.
    func message(_ id: Int64, zone: String = "America/Santiago") throws -> Message {
        try db.asSuperuser { su in
            let row = try su.query("""
                SELECT status, attempts::bigint AS attempts, provider_id, event_id, last_error, idempotency_key,
                       to_char(not_before AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') AS not_before
                  FROM cobranza.outbound_message WHERE id = $1
                """, [id, zone]).first!
            return Message(status: try row.decode("status"), attempts: try row.decode("attempts"), providerID: try row.decodeIfPresent("provider_id"),
                           eventID: try row.decodeIfPresent("event_id"), lastError: try row.decodeIfPresent("last_error"),
                           notBefore: try row.decode("not_before"), key: try row.decode("idempotency_key"))
        }
    }

    /// The case's contact events: "kind outcome note client_visible".
    func events(_ caseID: Int64) throws -> [String] {
        try db.asSuperuser { su in
            try su.query("""
                SELECT kind || ' ' || outcome || ' | ' || note || ' | ' || CASE WHEN client_visible THEN 'visible' ELSE 'internal' END AS line
                  FROM cobranza.case_event WHERE case_id = $1 AND kind IN ('email', 'sms', 'whatsapp') ORDER BY id
                """, [caseID]).rows.map { try $0.decode("line") }
        }
    }

    /// The Message-IDs the SMTP server accepted, one per accepted message (a .eml appears whole).
    func mailMessageIDs() throws -> [String] {
        try smtp.files(endingWith: ".eml").map { eml -> String in
            let json = eml.deletingPathExtension().appendingPathExtension("json")
            let data = try #require(FileManager.default.contents(atPath: json.path))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return object["message_id"] as? String ?? ""
        }
    }

    /// The provider's requests that created a message, by idempotency key.
    func providerCreated() throws -> [String] {
        try provider.records().filter { $0["new"] as? Bool == true }.map { $0["key"] as? String ?? "" }
    }
}
