import CobranzaCore
import Delivery
import Foundation
import Postgres

/// What sends a notice: the agency's `NoticeDispatcher`, or a stand-in in a test.
public protocol NoticeSending: Sendable {
    func supports(_ channel: NoticeChannel) -> Bool
    func send(_ notice: NoticeDispatcher.Notice) throws(DeliveryFailure) -> NoticeDispatcher.Receipt
}

extension NoticeDispatcher: NoticeSending {}

/// The delivery loop, thin I/O around `DeliveryDecision`: claim a batch (committed), then for
/// each message one transaction — the gate under the debtor's contact lock, the send while that
/// lock is held, the settlement (for a sent one, the contact's case event) — and commit.
///
/// Crash safety: a worker that dies after its claim leaves the message `sending`; once the lease
/// passes, any worker puts it back in the queue and sends it again under the same idempotency key
/// (the provider's Idempotency-Key, the email's Message-ID). Between the server's acceptance and
/// the commit of `sent` a crash can therefore make a second delivery of the same message: a
/// provider that honours the key answers the first message's id; an SMTP server, which knows no
/// such key, delivers a second copy carrying the same Message-ID (which mail clients and the
/// test server count as one message).
public final class DeliveryWorker {
    public struct Options: Sendable {
        /// Messages claimed at once.
        public var batch: Int
        /// How long a claim stays this worker's before another may take the message back.
        public var leaseSeconds: Int
        public var retry: RetryPolicy
        /// The longest sleep between looks at the queue when nothing wakes the worker.
        public var idleMilliseconds: Int

        public init(batch: Int = 10, leaseSeconds: Int = 300, retry: RetryPolicy = RetryPolicy(), idleMilliseconds: Int = 60_000) {
            self.batch = batch
            self.leaseSeconds = leaseSeconds
            self.retry = retry
            self.idleMilliseconds = idleMilliseconds
        }
    }

    /// What a run did.
    public struct Summary: Sendable, Equatable {
        public var sent = 0
        public var deferred = 0
        public var retried = 0
        /// Failed or bounced.
        public var failed = 0
        /// Claims lost to another worker after the lease.
        public var lost = 0

        public init() {}

        public var line: String { "sent \(sent), deferred \(deferred), retried \(retried), failed \(failed)" }

        mutating func count(_ settlement: DeliveryDecision.Settlement) {
            switch settlement {
            case .sent: sent += 1
            case .requeue(_, _, .deferred): deferred += 1
            case .requeue(_, _, .retried): retried += 1
            case .failed, .bounced: failed += 1
            case .abandoned: lost += 1
            }
        }
    }

    let store: OutboxStore
    let sender: any NoticeSending
    public let options: Options
    let channels: [NoticeChannel]

    public init(connection: Connection, sender: any NoticeSending, options: Options = Options()) {
        store = OutboxStore(connection: connection)
        self.sender = sender
        self.options = options
        channels = NoticeChannel.allCases.filter { sender.supports($0) }
    }

    /// Delivers everything due now, batch after batch, until a claim finds nothing (or `stop`
    /// says so, between messages: the rest of the batch goes back to the queue at once).
    public func deliverDue(stop: () -> Bool = { false }) throws -> Summary {
        var summary = Summary()
        guard !channels.isEmpty else { return summary }
        while !stop() {
            let batch = try store.claim(channels: channels, limit: options.batch, leaseSeconds: options.leaseSeconds)
            if batch.isEmpty { break }
            for (index, message) in batch.enumerated() {
                if stop() {
                    try release(batch[index...])
                    return summary
                }
                summary.count(try deliver(message))
            }
        }
        return summary
    }

    /// One message, in one transaction.
    func deliver(_ message: OutboxStore.Claimed) throws -> DeliveryDecision.Settlement {
        let connection = store.connection
        return try connection.withTransaction {
            let settlement: DeliveryDecision.Settlement
            if let instead = DeliveryDecision.beforeSending(try store.gate(message)) {
                settlement = instead
            } else {
                let outcome: DeliveryDecision.Outcome
                do {
                    outcome = .delivered(reference: try sender.send(message.notice).reference)
                } catch {
                    outcome = .failed(error as? DeliveryFailure ?? DeliveryFailure(.retryable, "\(error)"))
                }
                settlement = DeliveryDecision.afterSending(outcome, channel: message.channel, attempts: message.attempts, policy: options.retry)
            }
            _ = try store.settle(message, settlement)
            return settlement
        }
    }

    /// Claimed messages this worker will not get to: back in the queue now, not after the lease.
    func release(_ messages: ArraySlice<OutboxStore.Claimed>) throws {
        for message in messages {
            _ = try store.settle(message, .requeue(notBefore: .after(milliseconds: 0), reason: "released by a worker that stopped", kind: .deferred))
        }
    }

    /// Runs until `stop`: delivers what is due, then sleeps until a NOTIFY, the next message's
    /// moment, a lease that may run out, or `idleMilliseconds` — in slices of at most half a
    /// second, so a stop request is seen promptly. `report` gets each round's summary.
    public func run(stop: () -> Bool, report: (Summary) -> Void) throws {
        try store.connection.listen(OutboxStore.notifyChannel)
        while !stop() {
            let summary = try deliverDue(stop: stop)
            if summary != Summary() { report(summary) }
            var sleep = options.idleMilliseconds
            if let due = try store.millisecondsUntilDue(channels: channels) { sleep = min(sleep, due) }
            // A message another worker left `sending` becomes claimable when its lease ends.
            sleep = min(sleep, options.leaseSeconds * 1000)
            let deadline = Date().addingTimeInterval(Double(sleep) / 1000)
            while !stop() {
                let left = Int(deadline.timeIntervalSinceNow * 1000)
                if left <= 0 { break }
                if !(try store.connection.waitForNotifications(milliseconds: min(left, 500))).isEmpty { break }
            }
        }
    }
}
