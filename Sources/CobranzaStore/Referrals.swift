import CobranzaCore
import Postgres

/// A case's referral to court.
public struct ReferralRecord: Sendable, Equatable {
    public var caseNumber: String
    public var lawyer: String
    public var court: String?
    public var docket: String?
    public var stage: String
    public var referredOn: CalendarDate
    /// Owed when referred and the contract's threshold then: staff only (an SME sees where its
    /// case stands in court, not why an admin overrode the threshold).
    public var outstanding: Int64?
    public var threshold: Int64?
    public var overrideReason: String?
    public var currency: String
    public var costs: [CourtCost]
}

public struct CourtCost: Sendable, Equatable {
    public var on: String
    public var amount: Int64
    public var note: String
    public var by: String
    /// Who bears it, frozen from the contract when it was recorded (court_cost_prepare).
    public var borneBy: CourtCostBearer
    /// For a cost the client bears: the fee invoice that bills it, once issued (nil for those
    /// who may not read fee documents, and before).
    public var invoice: String?
}

/// Judicial referral: the case goes to a lawyer and to court (referral_prepare and
/// referral_filed in 0005_workflow.sql move it to the judicial stage, so payments from then on
/// earn the judicial rate); the lawyer then records the proceeding's stages and its costs.
public struct Referrals {
    let session: Session
    var connection: Connection { session.connection }


    public struct Filing: Sendable {
        public var caseNumber: String
        public var lawyer: String
        public var court: String?
        public var override: Bool
        public var reason: String?
        public init(caseNumber: String, lawyer: String, court: String? = nil, override: Bool = false, reason: String? = nil) {
            self.caseNumber = caseNumber
            self.lawyer = lawyer
            self.court = court
            self.override = override
            self.reason = reason
        }
    }

    public func file(_ filing: Filing) throws -> ReferralRecord {
        try session.requireStaff("refer cases to court")
        if filing.override {
            guard session.identity.kind == .admin else { throw StoreError(field: "override", "only an admin can refer a case below the judicial threshold") }
            guard let reason = filing.reason, !reason.trimmingSpacesAndNewlines().isEmpty else {
                throw StoreError(field: "reason", "an override needs its reason")
            }
        } else if filing.reason != nil {
            throw StoreError(field: "reason", "only an override takes a reason")
        }
        return try connection.withTransaction { try file(locked: filing) }
    }

    private func file(locked filing: Filing) throws -> ReferralRecord {
        let target = try WorkflowCase.load(session, number: filing.caseNumber)
        try target.check(.refer)
        if target.everythingOwedDisputed {
            throw StoreError("case \(target.number): every invoice still owed is disputed: nothing to refer to court until the dispute is resolved")
        }
        let threshold: Int64 = try connection.query(
            "SELECT coalesce((cobranza.contract_on($1, cobranza.today())).judicial_threshold, 0) AS t", [target.tenant]).first!.decode("t")
        // Disputed invoices do not count towards the threshold (issue 16, item 7).
        if target.undisputedOutstanding < threshold, !filing.override {
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: target.currency).formatted }
            let owes = target.openDispute ? "owes \(money(target.undisputedOutstanding)) outside its dispute" : "owes \(money(target.outstanding))"
            var refusal = StoreError("case \(target.number) \(owes), below client \(target.client)'s judicial "
                + "threshold of \(money(threshold)): an admin may refer it with {override} {reason}")
            refusal.mentions = ["override", "reason"]
            throw refusal
        }
        try connection.query("""
            INSERT INTO cobranza.judicial_referral (tenant_id, case_id, lawyer, court, override_reason) VALUES ($1, $2, $3, $4, $5)
            """, [target.tenant, target.id, filing.lawyer.trimmingSpacesAndNewlines(), filing.court,
                  filing.override ? filing.reason : nil])
        return try show(caseNumber: target.number)
    }

    public struct Update: Sendable {
        public var caseNumber: String
        public var stage: ReferralStage?
        public var docket: String?
        public var court: String?
        /// In the case's currency.
        public var cost: WrittenAmount?
        public var costNote: String?
        public init(caseNumber: String, stage: ReferralStage? = nil, docket: String? = nil, court: String? = nil, cost: WrittenAmount? = nil,
                    costNote: String? = nil) {
            self.caseNumber = caseNumber
            self.stage = stage
            self.docket = docket
            self.court = court
            self.cost = cost
            self.costNote = costNote
        }
    }

    public func update(_ change: Update) throws -> ReferralRecord {
        try session.requireStaff("update referrals", lawyers: true)
        guard change.stage != nil || change.docket != nil || change.court != nil || change.cost != nil else {
            throw StoreError("nothing to update: give a stage, docket, court or cost")
        }
        if (change.cost == nil) != (change.costNote == nil) { throw StoreError(fields: ["cost", "cost_note"], "give both or neither") }
        return try connection.withTransaction { try update(locked: change) }
    }

    private func update(locked change: Update) throws -> ReferralRecord {
        let target = try WorkflowCase.load(session, number: change.caseNumber)
        if change.stage != nil || change.docket != nil || change.court != nil {
            try target.check(.updateReferral)
            try connection.query("""
                UPDATE cobranza.judicial_referral
                   SET stage = coalesce($3, stage), docket = coalesce($4, docket), court = coalesce($5, court)
                 WHERE tenant_id = $1 AND case_id = $2
                """, [target.tenant, target.id, change.stage?.rawValue, change.docket, change.court])
        } else if !target.state.referred {
            throw StoreError("case \(target.number): the case has not been referred to court")
        }
        if let cost = change.cost, let note = change.costNote {
            let amount = try target.amount(cost, field: "cost")
            try connection.query("INSERT INTO cobranza.court_cost (tenant_id, case_id, amount, note) VALUES ($1, $2, $3, $4)",
                                 [target.tenant, target.id, amount, note])
        }
        return try show(caseNumber: target.number)
    }

    public func show(caseNumber: String) throws -> ReferralRecord {
        let number = caseNumber.trimmingSpacesAndNewlines().uppercased()
        // An SME's grant on judicial_referral leaves out the amounts at referral and the
        // override's reason: asking for them was "permission denied" (issue 16, item 3).
        let staffColumns = session.identity.kind.isStaff
            ? "r.outstanding, r.threshold, r.override_reason"
            : "NULL::bigint AS outstanding, NULL::bigint AS threshold, NULL::text AS override_reason"
        guard let row = try connection.query("""
            SELECT r.tenant_id, r.case_id, c.number, r.lawyer, r.court, r.docket, r.stage, r.referred_on::text AS referred_on,
                   \(staffColumns), c.currency
              FROM cobranza.judicial_referral r
              JOIN cobranza.collection_case c ON c.tenant_id = r.tenant_id AND c.id = r.case_id
             WHERE c.number = $1
            """, [number]).first
        else { throw StoreError("case \(number) has not been referred to court (or is not yours to see)") }
        let costs = try Self.costs(connection, tenant: try row.decode("tenant_id"), caseID: try row.decode("case_id"))
        return ReferralRecord(
            caseNumber: try row.decode("number"), lawyer: try row.decode("lawyer"), court: try row.decodeIfPresent("court"),
            docket: try row.decodeIfPresent("docket"), stage: try row.decode("stage"), referredOn: try row.decode("referred_on"),
            outstanding: try row.decodeIfPresent("outstanding"), threshold: try row.decodeIfPresent("threshold"),
            overrideReason: try row.decodeIfPresent("override_reason"), currency: try row.decode("currency"), costs: costs)
    }

    /// A case's court costs, oldest first, with who bears each and the invoice that bills it.
    /// (billed_court_cost reads fee documents through the reader's policies: a lawyer sees none.)
    static func costs(_ connection: Connection, tenant: Int64, caseID: Int64) throws -> [CourtCost] {
        try connection.query("""
            SELECT k.incurred_on::text AS incurred_on, k.amount, k.note, k.created_by, k.borne_by,
                   (SELECT b.number FROM cobranza.billed_court_cost b WHERE b.tenant_id = k.tenant_id AND b.cost_id = k.id
                     LIMIT 1) AS invoice
              FROM cobranza.court_cost k
             WHERE k.tenant_id = $1 AND k.case_id = $2 ORDER BY k.incurred_on, k.id
            """, [tenant, caseID]).rows.map { c in
            CourtCost(on: try c.decode("incurred_on"), amount: try c.decode("amount"), note: try c.decode("note"), by: try c.decode("created_by"),
                      borneBy: CourtCostBearer(rawValue: try c.decode("borne_by")) ?? .client, invoice: try c.decodeIfPresent("invoice"))
        }
    }
}

extension Session {
    public var referrals: Referrals { Referrals(session: self) }
}
