/// Why a notice did not leave, and whether trying again later may help. The outbox worker
/// decides from `disposition` alone: a retryable failure goes back to the queue with a backoff,
/// a permanent one marks the message `failed` with `reason`.
public struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Disposition: String, Sendable, Equatable {
        /// The server was unreachable, slow, or said "not now" (SMTP 4xx, HTTP 5xx, 429).
        case retryable
        /// The server refused this message (SMTP 5xx, HTTP 4xx) or it cannot be written at all
        /// (an address that would inject a header, a missing setting): the same attempt fails again.
        case permanent
    }

    public var disposition: Disposition
    /// One line for the outbox's `last_error`: what failed, with the server's own words when it
    /// gave any. Never holds a secret.
    public var reason: String
    /// The SMTP reply code or HTTP status the server answered with, when it answered.
    public var serverCode: Int?

    public init(_ disposition: Disposition, _ reason: String, serverCode: Int? = nil) {
        self.disposition = disposition
        self.reason = reason
        self.serverCode = serverCode
    }

    public var isRetryable: Bool { disposition == .retryable }

    public var description: String { "\(disposition.rawValue): \(reason)" }

    static func permanent(_ reason: String) -> DeliveryFailure { DeliveryFailure(.permanent, reason) }
}
