import CCurl

/// Sends one email through an SMTP server with libcurl: `smtp://` upgraded with STARTTLS when
/// the server offers it (or required, per settings), `smtps://` for implicit TLS; AUTH when a
/// user is configured. One connection per message: the outbox worker's unit of retry is the
/// message, and a connection that broke mid-way must not take the next one with it.
public struct SMTPSender: Sendable {
    public var settings: EmailSettings
    /// The password, read from `settings.secretFile` by the caller; never logged.
    var secret: Secret?

    public init(settings: EmailSettings, secret: Secret?) {
        self.settings = settings
        self.secret = secret
    }

    /// A sender for `settings`, its password read now from `settings.secretFile` (when a user is
    /// configured): what the outbox worker makes once at start, so a missing file stops it there.
    public init(settings: EmailSettings) throws(DeliveryFailure) {
        var secret: Secret?
        if let file = settings.secretFile { secret = try Secret.read(file: file) }
        self.init(settings: settings, secret: secret)
    }

    /// The server's answer to a message it accepted.
    public struct Receipt: Sendable, Equatable {
        /// The `Message-ID` the message carried (`<cobranza.KEY@domain>`).
        public var messageID: String
        /// The server's last line ("250 OK queued as 4F2A"), for the outbox's record.
        public var serverReply: String?
    }

    /// Delivers `message` to its one recipient. Throws a `DeliveryFailure`: retryable when the
    /// server was unreachable, too slow or answered 4xx; permanent when it answered 5xx or the
    /// message cannot be written (a control character in an address or the subject).
    public func send(_ message: MailMessage) throws(DeliveryFailure) -> Receipt {
        let wire = try message.wireFormat()
        let messageID = try message.messageID()
        let sender = try ProtocolText.emailAddress(message.from, field: "from")
        let recipient = try ProtocolText.emailAddress(message.to, field: "to")
        let host = try ProtocolText.checked(settings.server, field: "email server")

        let transfer = try CurlTransfer()
        let scheme = settings.security == .implicitTLS ? "smtps" : "smtp"
        // The EHLO name: libcurl sends the URL's path as it, so the sender's domain, not "localhost".
        let helo = sender[sender.index(after: sender.lastIndex(of: "@")!)...]
        try transfer.set(CURLOPT_URL, "\(scheme)://\(Self.urlHost(host)):\(settings.port)/\(helo)")
        try transfer.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        switch settings.security {
        case .startTLSIfOffered: try transfer.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        case .startTLSRequired, .implicitTLS: try transfer.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let caFile = settings.caFile { try transfer.set(CURLOPT_CAINFO, caFile) }
        if let user = settings.user {
            try transfer.set(CURLOPT_USERNAME, try ProtocolText.checked(user, field: "email user"))
            try transfer.set(CURLOPT_PASSWORD, secret?.value ?? "")
        }
        try transfer.set(CURLOPT_MAIL_FROM, "<\(sender)>")
        try transfer.set(CURLOPT_MAIL_RCPT, list: ["<\(recipient)>"])
        try transfer.set(CURLOPT_CONNECTTIMEOUT_MS, settings.timeoutMilliseconds)
        try transfer.set(CURLOPT_TIMEOUT_MS, settings.timeoutMilliseconds)
        try transfer.upload(Array(wire.utf8))

        let code = transfer.perform()
        let reply = transfer.responseCode
        guard code == CURLE_OK else {
            throw Self.failure(code: code, reply: reply, serverLine: transfer.lastRefusalLine ?? transfer.lastServerLine,
                               explanation: transfer.explanation(code))
        }
        return Receipt(messageID: messageID, serverReply: transfer.lastServerLine)
    }

    /// SMTP's own rule (RFC 5321 §4.2.1): 4xx is "try again later", 5xx is "never like this".
    /// Without a reply, what libcurl hit decides: a server that cannot be reached or is slow may
    /// be back later; a TLS handshake that fails or a refused login will fail the same way again.
    static func failure(code: CURLcode, reply: Int, serverLine: String?, explanation: String) -> DeliveryFailure {
        let said = serverLine.map { " (server said: \($0))" } ?? ""
        switch reply {
        case 400..<500:
            return DeliveryFailure(.retryable, "SMTP \(reply): \(explanation)\(said)", serverCode: reply)
        case 500..<600:
            return DeliveryFailure(.permanent, "SMTP \(reply): \(explanation)\(said)", serverCode: reply)
        default:
            let retryable = CurlCodes.isTransient(code)
            return DeliveryFailure(retryable ? .retryable : .permanent, "SMTP: \(explanation)\(said)", serverCode: reply == 0 ? nil : reply)
        }
    }

    /// An IPv6 literal goes in brackets inside a URL.
    static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

/// libcurl results that say "the network, not the message": worth trying again later.
enum CurlCodes {
    static let transient: Set<UInt32> = [
        CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
        CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_AGAIN,
        CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM,
    ].reduce(into: Set<UInt32>()) { $0.insert($1.rawValue) }

    static func isTransient(_ code: CURLcode) -> Bool { transient.contains(code.rawValue) }
}
