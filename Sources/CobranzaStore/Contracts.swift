import CobranzaCore
import Postgres

/// One version of a client's fee terms, with the terms the workflow needs besides fees.
public struct ContractRecord: Sendable, Equatable {
    public var client: String
    public var currency: String
    public var terms: FeeContract
    public var postingConsent: Bool
    public var judicialThreshold: Int64
    public var workflow: WorkflowTerms
    /// Who bears the court costs of the client's referred cases, and whether a cost billed to
    /// the client carries VAT.
    public var courtCosts: CourtCostBearer = .client
    public var courtCostsVAT: Bool = false
    public var createdBy: String
}

/// Who pays a court cost recorded on a referral (the contract's `--court-costs`): the client,
/// billed at the next fee invoice (the usual pass-through, the default); the debtor, added to
/// what the case owes; or the agency, which absorbs it.
public enum CourtCostBearer: String, Sendable, Equatable, CaseIterable {
    case client, debtor, agency
}

/// The contract terms that govern a case's working life rather than its fees.
public struct WorkflowTerms: Sendable, Equatable {
    /// Days after a promise's due date in which a payment still keeps it.
    public var promiseGraceDays: Int = 3
    /// The largest discount an agreement may give without going back to the client.
    public var maxDiscount: BasisPoints = .zero
    /// Days of prior notice before a public posting (Chile and Mexico; Colombia's law says 20).
    public var postingNoticeDays: Int = 15
    /// Days an instalment may stay unpaid after it fell due before its agreement is in default.
    public var agreementDefaultDays: Int = 30
    /// Days an assigned open case may go without a step before it shows in the agenda.
    public var followUpDays: Int = 7
    /// Days before its due date an invoice may be placed (pre-collection, 0100): 0 admits only
    /// invoices already due.
    public var preDueDays: Int = 0
    public init() {}
}

/// Client contracts: admins add versions; nobody edits one. Unchanged terms carry over from the
/// version before, so `client contract set ACME --vat 16` is a complete new version.
public struct Contracts {
    let session: Session
    var connection: Connection { session.connection }

    public struct Changes: Sendable {
        public var extrajudicialRate: BasisPoints?
        public var judicialRate: BasisPoints?
        public var surcharge12: BasisPoints?
        public var surcharge24: BasisPoints?
        /// In the client's currency, as the two amounts below.
        public var minimumFee: WrittenAmount?
        public var vat: BasisPoints?
        public var directEarns: Bool?
        public var remittance: FeeContract.Remittance?
        public var postingConsent: Bool?
        public var judicialThreshold: WrittenAmount?
        public var effective: CalendarDate?
        public var promiseGraceDays: Int?
        public var maxDiscount: BasisPoints?
        public var postingNoticeDays: Int?
        public var agreementDefaultDays: Int?
        public var followUpDays: Int?
        public var preDueDays: Int?
        public var courtCosts: CourtCostBearer?
        public var courtCostsVAT: Bool?
        public init() {}
    }

    public func history(client: String) throws -> [ContractRecord] {
        let scope = try TenantScope.resolve(session, client: client)
        return try connection.query("""
            SELECT c.*, c.effective_on::text AS effective FROM cobranza.contract c WHERE tenant_id = $1 ORDER BY version
            """, [scope.id]).rows.map { try Self.record($0, scope: scope) }
    }

    private func latest(_ scope: TenantScope) throws -> ContractRecord? {
        try connection.query("""
            SELECT c.*, c.effective_on::text AS effective FROM cobranza.contract c WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1
            """, [scope.id]).first.map { try Self.record($0, scope: scope) }
    }

    @discardableResult
    public func set(client: String, _ changes: Changes) throws -> ContractRecord {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can set contracts") }
        return try connection.withTransaction {
            let scope = try TenantScope.resolve(session, client: client)
            let previous = try latest(scope)
            let currency = try session.currencies()[scope.currency] ?? Currency(code: scope.currency, exponent: 0)
            /// Zero is a term like any other here (no minimum fee, no threshold).
            func amount(_ written: WrittenAmount?, _ field: String) throws -> Int64? {
                guard let written else { return nil }
                if written.text.trimmingSpacesAndNewlines() == "0" { return 0 }
                return try Payments.minorUnits(written, currency: currency, field: field)
            }
            let effective = try changes.effective ?? session.today()
            let extrajudicial = changes.extrajudicialRate ?? previous?.terms.extrajudicialRate
            let judicial = changes.judicialRate ?? previous?.terms.judicialRate
            guard let extrajudicial, let judicial else {
                throw StoreError(fields: ["extrajudicial_rate", "judicial_rate"], "required for a client's first contract")
            }
            let terms = FeeContract(
                version: (previous?.terms.version ?? 0) + 1, effective: effective,
                extrajudicialRate: extrajudicial, judicialRate: judicial,
                surchargeOver12Months: changes.surcharge12 ?? previous?.terms.surchargeOver12Months ?? .zero,
                surchargeOver24Months: changes.surcharge24 ?? previous?.terms.surchargeOver24Months ?? .zero,
                minimumFee: try amount(changes.minimumFee, "minimum_fee") ?? previous?.terms.minimumFee ?? 0,
                vatRate: changes.vat ?? previous?.terms.vatRate ?? FeeContract.defaultVAT(for: scope.country),
                directPaymentsEarnFee: changes.directEarns ?? previous?.terms.directPaymentsEarnFee ?? true,
                remittance: changes.remittance ?? previous?.terms.remittance ?? .net)
            func days(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) throws -> Int? {
                guard let value else { return nil }
                guard range.contains(value) else {
                    throw StoreError(field: field, "must be a number of days from \(range.lowerBound) to \(range.upperBound)")
                }
                return value
            }
            var workflow = previous?.workflow ?? WorkflowTerms()
            workflow.promiseGraceDays = try days(changes.promiseGraceDays, "promise_grace", 0...60) ?? workflow.promiseGraceDays
            workflow.postingNoticeDays = try days(changes.postingNoticeDays, "posting_notice", 0...365) ?? workflow.postingNoticeDays
            workflow.agreementDefaultDays = try days(changes.agreementDefaultDays, "default_after", 1...365) ?? workflow.agreementDefaultDays
            workflow.followUpDays = try days(changes.followUpDays, "follow_up", 1...365) ?? workflow.followUpDays
            workflow.preDueDays = try days(changes.preDueDays, "pre_due", 0...60) ?? workflow.preDueDays
            if let discount = changes.maxDiscount {
                guard discount.value <= 10_000 else { throw StoreError(field: "max_discount", "at most 100") }
                workflow.maxDiscount = discount
            }
            let problems = terms.problems()
            if let refusal = StoreError(all: problems.map { StoreError(field: $0.field, $0.message) }) { throw refusal }
            // A version effective before the last is refused by contract_version_order.
            let inserted = try connection.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, surcharge_12m_bp,
                    surcharge_24m_bp, minimum_fee, vat_bp, direct_earns_fee, remittance, posting_consent, judicial_threshold,
                    promise_grace_days, max_discount_bp, posting_notice_days, agreement_default_days, follow_up_days,
                    court_costs, court_costs_vat, pre_due_days)
                VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::integer, $15::integer, $16::integer, $17::integer,
                        $18::integer, $19, $20, $21::integer)
                RETURNING *, effective_on::text AS effective
                """, [scope.id, terms.version, effective.description, terms.extrajudicialRate.value, terms.judicialRate.value,
                      terms.surchargeOver12Months.value, terms.surchargeOver24Months.value, terms.minimumFee, terms.vatRate.value,
                      terms.directPaymentsEarnFee, terms.remittance.rawValue,
                      changes.postingConsent ?? previous?.postingConsent ?? false,
                      try amount(changes.judicialThreshold, "judicial_threshold") ?? previous?.judicialThreshold ?? 0,
                      workflow.promiseGraceDays, workflow.maxDiscount.value, workflow.postingNoticeDays, workflow.agreementDefaultDays,
                      workflow.followUpDays, (changes.courtCosts ?? previous?.courtCosts ?? .client).rawValue,
                      changes.courtCostsVAT ?? previous?.courtCostsVAT ?? false, workflow.preDueDays])
            return try Self.record(inserted.first!, scope: scope)
        }
    }

    static func record(_ row: Row, scope: TenantScope) throws -> ContractRecord {
        let effectiveText: String = try row.decode("effective")
        guard let effective = CalendarDate(parsing: effectiveText) else {
            throw StoreError("contract of \(scope.code) has an unreadable effective date \(effectiveText)")
        }
        let terms = FeeContract(
            version: try row.decode("version"), effective: effective,
            extrajudicialRate: BasisPoints(try row.decode("extrajudicial_bp")), judicialRate: BasisPoints(try row.decode("judicial_bp")),
            surchargeOver12Months: BasisPoints(try row.decode("surcharge_12m_bp")),
            surchargeOver24Months: BasisPoints(try row.decode("surcharge_24m_bp")),
            minimumFee: try row.decode("minimum_fee"), vatRate: BasisPoints(try row.decode("vat_bp")),
            directPaymentsEarnFee: try row.decode("direct_earns_fee"),
            remittance: FeeContract.Remittance(rawValue: try row.decode("remittance")) ?? .net)
        return ContractRecord(
            client: scope.code, currency: scope.currency.rawValue, terms: terms, postingConsent: try row.decode("posting_consent"),
            judicialThreshold: try row.decode("judicial_threshold"), workflow: try workflow(row),
            courtCosts: CourtCostBearer(rawValue: try row.decode("court_costs")) ?? .client, courtCostsVAT: try row.decode("court_costs_vat"),
            createdBy: try row.decode("created_by"))
    }

    static func workflow(_ row: Row) throws -> WorkflowTerms {
        var terms = WorkflowTerms()
        terms.promiseGraceDays = try row.decode("promise_grace_days")
        terms.maxDiscount = BasisPoints(try row.decode("max_discount_bp"))
        terms.postingNoticeDays = try row.decode("posting_notice_days")
        terms.agreementDefaultDays = try row.decode("agreement_default_days")
        terms.followUpDays = try row.decode("follow_up_days")
        terms.preDueDays = try row.decode("pre_due_days")
        return terms
    }
}

extension Contracts {
    /// How many days ahead of its due date the client's contract in force today admits an
    /// invoice (0 without a contract): what intake validates against, as the database does. Read from the
    /// table, which an SME reads its own rows of (`contract_on` is staff's).
    static func preDueDays(_ connection: Connection, tenant: Int64) throws -> Int {
        try connection.query("""
            SELECT coalesce((SELECT k.pre_due_days FROM cobranza.contract k WHERE k.tenant_id = $1 AND k.effective_on <= cobranza.today()
                              ORDER BY k.version DESC LIMIT 1), 0) AS days
            """, [tenant]).first!.decode("days")
    }
}

extension Session {
    public var contracts: Contracts { Contracts(session: self) }
}
