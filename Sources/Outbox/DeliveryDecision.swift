import CobranzaCore
import Delivery

/// What becomes of a claimed message, decided without a socket or a database: the worker asks
/// `beforeSending` with the gate's verdict and, when it says send, `afterSending` with what the
/// channel answered; it then writes the `Settlement` it got back (`OutboxStore.settle`). Every
/// rule of the outbox's life that is not a database constraint lives here and is unit-tested.
public enum DeliveryDecision {
    /// The gate's answer (cobranza.outbox_gate), read under the debtor's contact lock.
    public enum Verdict: Sendable, Equatable {
        /// Nothing stops it: send now.
        case send
        /// The claim is no longer this worker's (it outlived its lease and was claimed again).
        case lost
        /// The debtor refused this channel; `reason` says when and where.
        case optedOut(reason: String)
        /// A contact rule refuses it now; `allowedAt` is the first moment it allows (the
        /// database's timestamptz text, handed back as it came), nil when no moment ever will;
        /// `localMoment` the same moment as the debtor's clock shows it, for people to read.
        case refused(rule: String, allowedAt: String?, localMoment: String? = nil)
    }

    /// How the channel answered the send.
    public enum Outcome: Sendable, Equatable {
        case delivered(reference: String)
        case failed(DeliveryFailure)
    }

    /// When a message put back in the queue may be tried again.
    public enum Moment: Sendable, Equatable {
        /// The moment a contact rule allows (timestamptz text from the gate).
        case at(String)
        /// This long after now (the session's clock).
        case after(milliseconds: Int)
    }

    /// What to write.
    public enum Settlement: Sendable, Equatable {
        /// Sent: the provider's id (or the Message-ID) is kept, the contact's event written.
        case sent(providerID: String)
        /// Back to the queue: a contact rule deferred it (never dropped), or a retry's backoff.
        case requeue(notBefore: Moment, reason: String, kind: Requeue)
        /// Never sendable as it stands: `reason` goes to last_error.
        case failed(reason: String)
        /// The recipient's server refused the recipient.
        case bounced(reason: String)
        /// Not this worker's any more: write nothing.
        case abandoned

        public enum Requeue: Sendable, Equatable { case deferred, retried }

        /// The status the database gets (nil: nothing written).
        public var status: String? {
            switch self {
            case .sent: "sent"
            case .requeue: "queued"
            case .failed: "failed"
            case .bounced: "bounced"
            case .abandoned: nil
            }
        }
    }

    /// Before the send: nil means "send it"; otherwise the settlement that replaces the send.
    /// A refusal by a rule that names a moment defers (whatever the attempts: a deferral is not
    /// a failure, and a message is never dropped for waiting); a rule that says never, or an
    /// opt-out, fails the message with the reason.
    public static func beforeSending(_ verdict: Verdict) -> Settlement? {
        switch verdict {
        case .send:
            return nil
        case .lost:
            return .abandoned
        case .optedOut(let reason):
            return .failed(reason: reason)
        case .refused(let rule, let allowedAt?, let localMoment):
            return .requeue(notBefore: .at(allowedAt), reason: "deferred by \(rule) until \(localMoment ?? allowedAt)", kind: .deferred)
        case .refused(let rule, nil, _):
            return .failed(reason: "refused by \(rule): no moment allows it")
        }
    }

    /// After the send. `attempts` counts this one (the claim added it).
    public static func afterSending(_ outcome: Outcome, channel: NoticeChannel, attempts: Int, policy: RetryPolicy) -> Settlement {
        switch outcome {
        case .delivered(let reference):
            return .sent(providerID: reference)
        case .failed(let failure) where failure.isRetryable:
            guard attempts < policy.maxAttempts else {
                return .failed(reason: "gave up after \(attempts) attempts: \(failure.reason)")
            }
            return .requeue(notBefore: .after(milliseconds: policy.backoffMilliseconds(afterAttempt: attempts)),
                            reason: "attempt \(attempts) failed, will retry: \(failure.reason)", kind: .retried)
        case .failed(let failure):
            if channel == .email, let code = failure.serverCode, recipientRejections.contains(code) {
                return .bounced(reason: failure.reason)
            }
            return .failed(reason: failure.reason)
        }
    }

    /// SMTP replies that refuse the mailbox itself (RFC 5321 §4.2.2: no such user, not local,
    /// mailbox name not allowed): the message bounced rather than failed.
    static let recipientRejections: Set<Int> = [550, 551, 553]
}

/// How often, and how far apart, a message whose send failed for a reason that may pass
/// (a server down, slow or saying "later") is tried again.
public struct RetryPolicy: Sendable, Equatable {
    /// The claims a message gets before a retryable failure becomes `failed` (a claim that
    /// was deferred by a contact rule counts: attempts only grow).
    public var maxAttempts: Int
    /// The wait after the first failed attempt; it doubles with each one after.
    public var baseMilliseconds: Int
    /// The longest wait between two attempts.
    public var capMilliseconds: Int

    public init(maxAttempts: Int = 8, baseMilliseconds: Int = 60_000, capMilliseconds: Int = 6 * 3_600_000) {
        self.maxAttempts = maxAttempts
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
    }

    /// base · 2^(attempts − 1), capped; never overflows.
    public func backoffMilliseconds(afterAttempt attempts: Int) -> Int {
        let exponent = max(0, attempts - 1)
        guard exponent < 62 else { return capMilliseconds }
        let (delay, overflow) = baseMilliseconds.multipliedReportingOverflow(by: 1 << exponent)
        return overflow ? capMilliseconds : min(delay, capMilliseconds)
    }
}
