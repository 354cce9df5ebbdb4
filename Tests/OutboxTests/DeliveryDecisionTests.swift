import CobranzaCore
import Delivery
import Outbox
import Testing

/// The outbox's life decided without a socket: every branch of `DeliveryDecision`.
@Suite("Delivery decision")
struct DeliveryDecisionTests {
    let policy = RetryPolicy(maxAttempts: 4, baseMilliseconds: 1_000, capMilliseconds: 5_000)

    @Test func aRuleThatNamesAMomentDefersWhateverTheAttempts() {
        let settlement = DeliveryDecision.beforeSending(.refused(rule: "CO-HOURS (x)", allowedAt: "2026-12-07 12:00:00+00",
                                                                 localMoment: "Monday 2026-12-07 07:00 America/Bogota"))
        #expect(settlement == .requeue(notBefore: .at("2026-12-07 12:00:00+00"),
                                       reason: "deferred by CO-HOURS (x) until Monday 2026-12-07 07:00 America/Bogota", kind: .deferred))
    }

    @Test func aRuleThatSaysNeverOrAnOptOutFails() {
        #expect(DeliveryDecision.beforeSending(.refused(rule: "CO-AUTHORISED-CHANNELS (x)", allowedAt: nil))
                == .failed(reason: "refused by CO-AUTHORISED-CHANNELS (x): no moment allows it"))
        #expect(DeliveryDecision.beforeSending(.optedOut(reason: "opted out of sms")) == .failed(reason: "opted out of sms"))
    }

    @Test func aLostClaimWritesNothingAndAnOpenGateSends() {
        #expect(DeliveryDecision.beforeSending(.lost) == .abandoned)
        #expect(DeliveryDecision.Settlement.abandoned.status == nil)
        #expect(DeliveryDecision.beforeSending(.send) == nil)
    }

    @Test func aDeliveryIsSentWithItsReference() {
        #expect(DeliveryDecision.afterSending(.delivered(reference: "SM1"), channel: .sms, attempts: 1, policy: policy) == .sent(providerID: "SM1"))
    }

    @Test func aRetryableFailureBacksOffExponentiallyUpToTheCapThenFails() {
        let busy = DeliveryFailure(.retryable, "HTTP 500", serverCode: 500)
        let delays = (1...3).map { attempt -> DeliveryDecision.Moment? in
            if case .requeue(let moment, _, .retried) = DeliveryDecision.afterSending(.failed(busy), channel: .sms, attempts: attempt, policy: policy) {
                return moment
            }
            return nil
        }
        #expect(delays == [.after(milliseconds: 1_000), .after(milliseconds: 2_000), .after(milliseconds: 4_000)])
        #expect(policy.backoffMilliseconds(afterAttempt: 4) == 5_000, "capped")
        #expect(policy.backoffMilliseconds(afterAttempt: 500) == 5_000, "no overflow")
        #expect(DeliveryDecision.afterSending(.failed(busy), channel: .sms, attempts: 4, policy: policy)
                == .failed(reason: "gave up after 4 attempts: HTTP 500"))
    }

    @Test func aPermanentFailureFailsAtOnceAndARefusedMailboxBounces() {
        let rejected = DeliveryFailure(.permanent, "HTTP 400: invalid 'To' number", serverCode: 400)
        #expect(DeliveryDecision.afterSending(.failed(rejected), channel: .whatsapp, attempts: 1, policy: policy)
                == .failed(reason: "HTTP 400: invalid 'To' number"))
        let noMailbox = DeliveryFailure(.permanent, "SMTP 550: mailbox unavailable", serverCode: 550)
        #expect(DeliveryDecision.afterSending(.failed(noMailbox), channel: .email, attempts: 1, policy: policy)
                == .bounced(reason: "SMTP 550: mailbox unavailable"))
        let tooBig = DeliveryFailure(.permanent, "SMTP 552: too big", serverCode: 552)
        #expect(DeliveryDecision.afterSending(.failed(tooBig), channel: .email, attempts: 1, policy: policy) == .failed(reason: "SMTP 552: too big"))
    }
}
