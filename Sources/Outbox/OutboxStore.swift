import CobranzaCore
import Delivery
import Postgres

/// The worker's SQL: the SECURITY DEFINER functions of 0080_delivery_worker.sql, which are all a
/// member of cobranza_worker may call. No table is read or written here directly.
public struct OutboxStore {
    public let connection: Connection

    public init(connection: Connection) { self.connection = connection }

    /// The NOTIFY channel an insert into the outbox (or a message back in the queue) wakes.
    public static let notifyChannel = "cobranza_outbox"

    /// One claimed message, as the claim returned it.
    public struct Claimed: Sendable, Equatable {
        public var tenantID: Int64
        public var id: Int64
        public var caseID: Int64
        public var channel: NoticeChannel
        public var address: String
        public var subject: String?
        public var body: String
        public var idempotencyKey: String
        /// Counting this claim.
        public var attempts: Int
        /// The claim's own mark (timestamptz text, exactly as stored): the gate and the
        /// settlement act only while the row still carries it.
        public var claim: String

        public var notice: NoticeDispatcher.Notice {
            NoticeDispatcher.Notice(channel: channel, address: address, subject: subject, body: body, idempotencyKey: idempotencyKey)
        }
    }

    /// Claims up to `limit` due messages of `channels` (committed on return: they are `sending`
    /// now, this worker's until `leaseSeconds` pass), after putting back in the queue those whose
    /// lease ran out.
    public func claim(channels: [NoticeChannel], limit: Int, leaseSeconds: Int) throws -> [Claimed] {
        try connection.query("""
            SELECT tenant_id, id, case_id, channel, address, subject, body, idempotency_key, attempts, claimed_at::text AS claim
              FROM cobranza.outbox_claim($1::text[], $2::integer, $3::bigint * interval '1 second')
            """, [channels.map(\.rawValue), Int64(limit), Int64(leaseSeconds)]).rows.map { row in
            let channel: String = try row.decode("channel")
            guard let kind = NoticeChannel(rawValue: channel) else { throw PostgresDecodingError(type: "channel", text: channel) }
            return Claimed(tenantID: try row.decode("tenant_id"), id: try row.decode("id"), caseID: try row.decode("case_id"),
                           channel: kind, address: try row.decode("address"), subject: try row.decodeIfPresent("subject"),
                           body: try row.decode("body"), idempotencyKey: try row.decode("idempotency_key"),
                           attempts: Int(try row.decode("attempts", as: Int64.self)), claim: try row.decode("claim"))
        }
    }

    /// The gate: takes the debtor's contact lock (held until the transaction ends) and says
    /// whether the message may go now. Call inside a transaction.
    public func gate(_ message: Claimed) throws -> DeliveryDecision.Verdict {
        let row = try connection.query("""
            SELECT verdict, rule, allowed_at::text AS allowed_at, reason FROM cobranza.outbox_gate($1, $2, $3::timestamptz)
            """, [message.tenantID, message.id, message.claim]).first!
        switch try row.decode("verdict", as: String.self) {
        case "send": return .send
        case "opted_out": return .optedOut(reason: try row.decodeIfPresent("reason") ?? "the debtor opted out")
        case "refused":
            return .refused(rule: try row.decode("rule"), allowedAt: try row.decodeIfPresent("allowed_at"), localMoment: try row.decodeIfPresent("reason"))
        default: return .lost
        }
    }

    /// Writes `settlement`; for a sent message also the contact's case event (its id returned).
    public func settle(_ message: Claimed, _ settlement: DeliveryDecision.Settlement) throws -> Int64? {
        guard let status = settlement.status else { return nil }
        var at: String?
        var after: Int64?
        var error: String?
        var provider: String?
        switch settlement {
        case .sent(let providerID): provider = providerID
        case .requeue(let moment, let reason, _):
            error = reason
            switch moment {
            case .at(let text): at = text
            case .after(let milliseconds): after = Int64(milliseconds)
            }
        case .failed(let reason), .bounced(let reason): error = reason
        case .abandoned: return nil
        }
        return try connection.query("""
            SELECT cobranza.outbox_settle($1, $2, $3::timestamptz, $4,
                                          coalesce($5::timestamptz, cobranza.now() + coalesce($6::bigint, 0) * interval '1 millisecond'),
                                          $7, $8) AS event_id
            """, [message.tenantID, message.id, message.claim, status, at, after, error.map(Self.oneLine), provider]).first?
            .decodeIfPresent("event_id")
    }

    /// Milliseconds until the next queued message of `channels` falls due (nil: none queued).
    public func millisecondsUntilDue(channels: [NoticeChannel]) throws -> Int? {
        try connection.query("SELECT cobranza.outbox_wait($1::text[]) AS wait", [channels.map(\.rawValue)]).first?
            .decodeIfPresent("wait", as: Int64.self).map { Int(clamping: $0) }
    }

    /// last_error holds one line of at most 2,000 characters (the column's own check).
    static func oneLine(_ text: String) -> String {
        let flat = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return String(flat.prefix(2000))
    }
}
