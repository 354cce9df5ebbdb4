import Delivery
import Foundation
import Testing
import TestSupport

/// SMS and WhatsApp through libcurl to a fake Twilio-style provider (scripts/test-provider-server.py)
/// on 127.0.0.1, which records every request with its Idempotency-Key.
@Suite("HTTP provider client against a fake provider on loopback")
struct ProviderClientTests {
    static func client(_ server: LoopbackServer, path: String, channel: ProviderSettings.Channel = .sms, password: String = "tok-ñ",
                       timeoutMilliseconds: Int = 5000) -> ProviderClient {
        let sender = channel == .whatsapp ? "whatsapp:+56221234567" : "+56221234567"
        return ProviderClient(settings: ProviderSettings(channel: channel, url: "http://127.0.0.1:\(server.port)\(path)", user: "AC0001",
                                                         secretFile: "(given)", sender: sender, timeoutMilliseconds: timeoutMilliseconds),
                              secret: Secret(password))
    }

    static func provider() throws -> LoopbackServer {
        try LoopbackServer(script: "test-provider-server.py", arguments: ["--user", "AC0001", "--password", "tok-ñ"])
    }

    static let message = ProviderClient.ShortMessage(to: "+56912345678", body: "Cobranza Andina: caso C-2026-000123, debe $1.234.567 CLP. Responda BAJA para no recibir SMS.",
                                                      idempotencyKey: "outbox-501")

    @Test("the provider gets basic auth, the Idempotency-Key and the JSON body; its id comes back")
    func sends() throws {
        let server = try Self.provider()
        let receipt = try Self.client(server, path: "/ok").send(Self.message)
        #expect(receipt.providerID == "SM000001")
        #expect(receipt.status == 201)
        let request = try #require(try server.records().first)
        #expect(request["user"] as? String == "AC0001")
        #expect(request["password_ok"] as? Bool == true)
        #expect(request["key"] as? String == "outbox-501")
        let body = try #require(request["body"] as? [String: String])
        #expect(body == ["to": "+56912345678", "from": "+56221234567", "body": Self.message.body, "channel": "sms"])
    }

    @Test("WhatsApp says so in the body and uses whatsapp: addresses")
    func whatsapp() throws {
        let server = try Self.provider()
        var message = Self.message
        message.to = "whatsapp:+56912345678"
        _ = try Self.client(server, path: "/ok", channel: .whatsapp).send(message)
        let body = try #require(try server.records().first?["body"] as? [String: String])
        #expect(body["channel"] == "whatsapp")
        #expect(body["from"] == "whatsapp:+56221234567")
    }

    @Test("500 is retryable; the retry with the same key creates exactly one message")
    func serverErrorThenSuccess() throws {
        let server = try Self.provider()
        let client = Self.client(server, path: "/flaky")
        do {
            _ = try client.send(Self.message)
            Issue.record("500 was taken as sent")
        } catch {
            #expect(error.disposition == .retryable)
            #expect(error.serverCode == 500)
        }
        let first = try client.send(Self.message)
        let again = try client.send(Self.message)
        #expect(first.providerID == again.providerID)
        let requests = try server.records()
        #expect(requests.map { $0["status"] as? Int } == [500, 201, 201])
        #expect(requests.allSatisfy { $0["key"] as? String == "outbox-501" })
        #expect(requests.filter { $0["new"] as? Bool == true }.count == 1)
    }

    @Test("400 is permanent, with the provider's words")
    func refused() throws {
        let server = try Self.provider()
        do {
            _ = try Self.client(server, path: "/rechazo").send(Self.message)
            Issue.record("400 was taken as sent")
        } catch {
            #expect(error.disposition == .permanent)
            #expect(error.serverCode == 400)
            #expect(error.reason.contains("invalid 'To' number"))
        }
    }

    @Test("a wrong secret is refused by the provider (401, permanent) and never appears in the error")
    func wrongSecret() throws {
        let server = try Self.provider()
        do {
            _ = try Self.client(server, path: "/ok", password: "not-the-token").send(Self.message)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.disposition == .permanent)
            #expect(error.serverCode == 401)
            #expect(!error.description.contains("not-the-token"))
        }
    }

    @Test("a reply slower than the timeout is a retryable failure, after about the timeout")
    func slowReply() throws {
        let server = try Self.provider()
        let start = Date()
        do {
            _ = try Self.client(server, path: "/lento", timeoutMilliseconds: 500).send(Self.message)
            Issue.record("the slow reply was waited for")
        } catch {
            #expect(error.disposition == .retryable)
            #expect(error.reason.lowercased().contains("timeout") || error.reason.lowercased().contains("timed out"))
        }
        #expect(Date().timeIntervalSince(start) < 2.5)
    }

    @Test("a provider that is not there is retryable")
    func connectionRefused() throws {
        let server = try Self.provider()
        let client = Self.client(server, path: "/ok")
        server.stop()
        #expect { try client.send(Self.message) } throws: { ($0 as? DeliveryFailure)?.disposition == .retryable }
    }

    @Test("a number with a line break or a bad key never reaches the provider")
    func injectionRefused() throws {
        let server = try Self.provider()
        let client = Self.client(server, path: "/ok")
        for to in ["+56912345678\r\nIdempotency-Key: other", "+569123\n45678"] {
            var message = Self.message
            message.to = to
            #expect(throws: DeliveryFailure.self) { try client.send(message) }
        }
        var message = Self.message
        message.idempotencyKey = "k\r\nX-Injected: 1"
        #expect(throws: DeliveryFailure.self) { try client.send(message) }
        #expect(try server.records().isEmpty)
    }
}
