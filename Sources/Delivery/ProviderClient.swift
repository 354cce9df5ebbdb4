import CCurl
import Foundation

/// Sends one SMS or WhatsApp message through an HTTP JSON provider, Twilio-style: a POST with
/// basic auth and the body `{"to", "from", "body", "channel"}`, answered with JSON carrying the
/// provider's id for the message (`"sid"` or `"id"`).
///
/// The `Idempotency-Key` header carries the outbox's key, so when a worker dies after the
/// provider accepted a message but before the outbox recorded it, the retry is recognised by the
/// provider as the same message instead of sending a second one.
public struct ProviderClient: Sendable {
    public var settings: ProviderSettings
    var secret: Secret?

    public init(settings: ProviderSettings, secret: Secret?) {
        self.settings = settings
        self.secret = secret
    }

    /// A client for `settings`, its token read now from `settings.secretFile` (when a user is
    /// configured).
    public init(settings: ProviderSettings) throws(DeliveryFailure) {
        var secret: Secret?
        if let file = settings.secretFile { secret = try Secret.read(file: file) }
        self.init(settings: settings, secret: secret)
    }

    /// One short message to one phone.
    public struct ShortMessage: Sendable, Equatable {
        public var to: String
        public var body: String
        public var idempotencyKey: String

        public init(to: String, body: String, idempotencyKey: String) {
            self.to = to
            self.body = body
            self.idempotencyKey = idempotencyKey
        }
    }

    /// The provider's answer to a message it accepted.
    public struct Receipt: Sendable, Equatable {
        /// The provider's id for the message, to store with it.
        public var providerID: String
        public var status: Int
    }

    /// Sends `message`. Throws a `DeliveryFailure`: retryable on a connection error, a timeout,
    /// 5xx or 429 (too many requests); permanent on any other 4xx (the provider refuses the
    /// message as written) or a reply without an id.
    public func send(_ message: ShortMessage) throws(DeliveryFailure) -> Receipt {
        let whatsapp = settings.channel == .whatsapp
        let to = try ProtocolText.phoneNumber(message.to, field: "to", whatsapp: whatsapp)
        let from = try ProtocolText.phoneNumber(settings.sender, field: "from", whatsapp: whatsapp)
        let key = try ProtocolText.idempotencyKey(message.idempotencyKey)
        let url = try ProtocolText.checked(settings.url, field: "provider url")
        let body = try Self.requestBody(to: to, from: from, body: message.body, channel: settings.channel)

        let transfer = try CurlTransfer()
        try transfer.set(CURLOPT_URL, url)
        try transfer.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try transfer.set(CURLOPT_POST, 1)
        try transfer.set(CURLOPT_COPYPOSTFIELDS, body)
        try transfer.set(CURLOPT_HTTPHEADER, list: [
            "Content-Type: application/json; charset=utf-8", "Accept: application/json", "Idempotency-Key: \(key)",
            // No "100-continue" round trip: the body is small.
            "Expect:",
        ])
        if let user = settings.user {
            try transfer.set(CURLOPT_HTTPAUTH, cobranza_curlauth_basic())
            try transfer.set(CURLOPT_USERNAME, try ProtocolText.checked(user, field: "provider user"))
            try transfer.set(CURLOPT_PASSWORD, secret?.value ?? "")
        }
        if let caFile = settings.caFile { try transfer.set(CURLOPT_CAINFO, caFile) }
        try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, settings.timeoutMilliseconds)
        try transfer.set(CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds)

        let code = transfer.perform()
        guard code == CURLE_OK else {
            let retryable = CurlCodes.isTransient(code)
            throw DeliveryFailure(retryable ? .retryable : .permanent, "provider: \(transfer.explanation(code))")
        }
        let status = transfer.responseCode
        let reply = transfer.response
        switch status {
        case 200..<300:
            guard let id = Self.providerID(in: reply) else {
                throw DeliveryFailure(.permanent, "provider answered \(status) without a message id: \(Self.excerpt(reply))", serverCode: status)
            }
            return Receipt(providerID: id, status: status)
        case 429, 500..<600:
            throw DeliveryFailure(.retryable, "provider answered \(status): \(Self.excerpt(reply))", serverCode: status)
        default:
            throw DeliveryFailure(.permanent, "provider answered \(status): \(Self.excerpt(reply))", serverCode: status)
        }
    }

    /// `{"to":…,"from":…,"body":…,"channel":"sms"}`, keys sorted so the same message is the
    /// same bytes on every attempt.
    static func requestBody(to: String, from: String, body: String, channel: ProviderSettings.Channel) throws(DeliveryFailure) -> String {
        let object = ["to": to, "from": from, "body": body, "channel": channel.rawValue]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw DeliveryFailure.permanent("the message cannot be written as JSON")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The message id in the provider's JSON reply: `sid` (Twilio) or `id`, a non-empty string
    /// of at most 200 characters without control characters.
    static func providerID(in reply: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(reply))) as? [String: Any] else { return nil }
        for key in ["sid", "id", "message_id"] {
            if let id = object[key] as? String, !id.isEmpty, id.count <= 200,
               !id.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                return id
            }
        }
        return nil
    }

    /// The first 200 characters of a reply, control characters shown as spaces, for `last_error`.
    static func excerpt(_ reply: [UInt8]) -> String {
        let text = String(decoding: reply.prefix(400), as: UTF8.self)
        let clean = String(text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? " " : Character($0) })
        let trimmed = clean.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "(empty reply)" : String(trimmed.prefix(200))
    }
}
