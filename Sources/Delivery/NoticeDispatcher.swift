import CobranzaCore

/// The one call the outbox worker makes per message: the channel's sender, chosen from the
/// agency's canales.conf, with secrets read once when the dispatcher is made (so a missing
/// secret file stops the worker at start, not at the first message).
public struct NoticeDispatcher: Sendable {
    let email: SMTPSender?
    let sms: ProviderClient?
    let whatsapp: ProviderClient?

    public init(settings: ChannelSettings) throws(DeliveryFailure) {
        email = try settings.email.map { (email) throws(DeliveryFailure) in try SMTPSender(settings: email) }
        sms = try settings.sms.map { (sms) throws(DeliveryFailure) in try ProviderClient(settings: sms) }
        whatsapp = try settings.whatsapp.map { (whatsapp) throws(DeliveryFailure) in try ProviderClient(settings: whatsapp) }
    }

    /// Whether canales.conf has a section for `channel`: the worker leaves the messages of an
    /// unconfigured channel queued rather than failing them.
    public func supports(_ channel: NoticeChannel) -> Bool {
        switch channel {
        case .email: email != nil
        case .sms: sms != nil
        case .whatsapp: whatsapp != nil
        }
    }

    /// One message of the outbox.
    public struct Notice: Sendable, Equatable {
        public var channel: NoticeChannel
        /// An email address, or a phone in E.164 (`whatsapp:` is added for WhatsApp when missing).
        public var address: String
        /// Email only.
        public var subject: String?
        public var body: String
        public var idempotencyKey: String

        public init(channel: NoticeChannel, address: String, subject: String?, body: String, idempotencyKey: String) {
            self.channel = channel
            self.address = address
            self.subject = subject
            self.body = body
            self.idempotencyKey = idempotencyKey
        }
    }

    /// What to store with a sent message.
    public struct Receipt: Sendable, Equatable {
        /// The email's `Message-ID`, or the provider's message id.
        public var reference: String
        /// The server's last words, when it said any worth keeping.
        public var serverReply: String?
    }

    /// Sends `notice` on its channel; a `DeliveryFailure` says whether to retry.
    public func send(_ notice: Notice) throws(DeliveryFailure) -> Receipt {
        switch notice.channel {
        case .email:
            guard let email else { throw DeliveryFailure.permanent("channel email is not configured (no [email] in canales.conf)") }
            let receipt = try email.send(MailMessage(from: email.settings.sender, fromName: email.settings.senderName, to: notice.address,
                                                     subject: notice.subject ?? "", body: notice.body, idempotencyKey: notice.idempotencyKey))
            return Receipt(reference: receipt.messageID, serverReply: receipt.serverReply)
        case .sms, .whatsapp:
            let whatsappChannel = notice.channel == .whatsapp
            guard let client = whatsappChannel ? whatsapp : sms else {
                throw DeliveryFailure.permanent("channel \(notice.channel.rawValue) is not configured (no [\(notice.channel.rawValue)] in canales.conf)")
            }
            let to = whatsappChannel && !notice.address.hasPrefix("whatsapp:") ? "whatsapp:" + notice.address : notice.address
            let receipt = try client.send(ProviderClient.ShortMessage(to: to, body: notice.body, idempotencyKey: notice.idempotencyKey))
            return Receipt(reference: receipt.providerID, serverReply: nil)
        }
    }
}
