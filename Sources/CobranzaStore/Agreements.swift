import CobranzaCore
import Postgres

/// An instalment agreement with its schedule and how far the payments since cover it.
public struct AgreementRecord: Sendable, Equatable {
    /// The internal key; never shown (its agency-wide sequence would count other clients' rows).
    public var id: Int64
    /// Its number among its case's agreements, 1, 2, … (counted by the database as it reads them; they
    /// are never deleted): what people read, since it counts nothing of other clients.
    public var number: Int64
    public var caseNumber: String
    public var currency: String
    public var agreedOn: CalendarDate
    /// What the agreement covers now: what was owed when agreed, less what cancelled invoices
    /// took off it (0122).
    public var owed: Int64
    public var discount: BasisPoints
    /// What the agreement asks now: the agreed total less `cancelled`.
    public var total: Int64
    /// What invoices cancelled under the agreement took off its total (their unpaid part less the
    /// agreed discount on it), and off what it covers (`cancelledOwed`): the agreed figures are
    /// `total + cancelled` and `owed + cancelledOwed`.
    public var cancelled: Int64
    public var cancelledOwed: Int64
    public var downPayment: Int64
    public var instalmentCount: Int
    public var every: String
    public var paid: Int64
    /// active, default, completed or superseded.
    public var status: String
    public var instalments: [InstalmentRecord]
}

public struct InstalmentRecord: Sendable, Equatable {
    public var sequence: Int
    public var due: CalendarDate
    public var amount: Int64
    public var paid: Int64
    /// What cancelled invoices took off it: they empty the instalments from the last.
    public var cancelled: Int64
    /// open, late, default, paid or cancelled.
    public var status: String
}

/// Instalment agreements: the schedule is CobranzaCore.InstalmentSchedule; the database
/// computes what is owed and the discount's limit again, and checks at commit that the schedule
/// sums to the agreed total (agreement_schedule_check).
public struct Agreements {
    let session: Session
    var connection: Connection { session.connection }

    public struct Terms: Sendable {
        public var caseNumber: String
        public var instalments: Int
        public var firstDue: CalendarDate
        public var every: InstalmentSchedule.Frequency
        /// In the case's currency.
        public var downPayment: WrittenAmount?
        public var discount: BasisPoints
        public init(caseNumber: String, instalments: Int, firstDue: CalendarDate, every: InstalmentSchedule.Frequency = .month,
                    downPayment: WrittenAmount? = nil, discount: BasisPoints = .zero) {
            self.caseNumber = caseNumber
            self.instalments = instalments
            self.firstDue = firstDue
            self.every = every
            self.downPayment = downPayment
            self.discount = discount
        }
    }

    public func create(_ terms: Terms) throws -> AgreementRecord {
        try session.requireStaff("make agreements")
        return try connection.withTransaction { try create(locked: terms) }
    }

    private func create(locked terms: Terms) throws -> AgreementRecord {
        let (count, frequency, discount) = (terms.instalments, terms.every, terms.discount)
        let target = try WorkflowCase.load(session, number: terms.caseNumber)
        try target.check(.agreement)
        // Instalments would fold the disputed invoices into what the debtor agrees to pay,
        // prejudging the dispute, whether it covers the whole case or some invoices.
        if target.openDispute {
            throw StoreError("case \(target.number): an invoice of the case is disputed: resolve the dispute before agreeing instalments")
        }
        // agreement_prepare refuses a discount above the contract's too; asking first keeps the
        // refused agreement from taking an id, so agreement numbers stay without gaps.
        let maxDiscount: Int = try connection.query(
            "SELECT coalesce((cobranza.contract_on($1, cobranza.today())).max_discount_bp, 0) AS m", [target.tenant]).first!.decode("m")
        guard discount.value <= maxDiscount else {
            throw StoreError(field: "discount", "\(discount) is more than the \(BasisPoints(maxDiscount)) client \(target.client) authorises")
        }
        let down = try terms.downPayment.map { try target.amount($0, field: "down_payment") } ?? 0
        let today = try session.today()
        let schedule: InstalmentSchedule
        switch InstalmentSchedule.make(owed: target.outstanding, discount: discount, downPayment: down, count: count, agreedOn: today,
                                       firstDue: terms.firstDue, every: frequency) {
        case .success(let value): schedule = value
        case .failure(let refusal): throw StoreError(fields: refusal.field.map { [$0] } ?? [], refusal.message)
        }
        let id: Int64 = try connection.query("""
            INSERT INTO cobranza.payment_agreement (tenant_id, case_id, discount_bp, down_payment, instalments, every, first_due)
            VALUES ($1, $2, $3::integer, $4, $5::integer, $6, $7::date) RETURNING id
            """, [target.tenant, target.id, discount.value, down, count, frequency.rawValue,
                  schedule.instalments.first { $0.sequence == 1 }!.due.description]).first!.decode("id")
        try connection.query("""
            INSERT INTO cobranza.instalment (tenant_id, agreement_id, sequence, due, amount)
            SELECT $1, $2, s, d, a FROM unnest($3::integer[], $4::date[], $5::bigint[]) AS u(s, d, a)
            """, [target.tenant, id, schedule.instalments.map { String($0.sequence) },
                  schedule.instalments.map(\.due.description), schedule.instalments.map { String($0.amount) }])
        return try show(caseNumber: target.number).first { $0.id == id }!
    }

    /// The case's agreements, newest first, each with its schedule.
    public func show(caseNumber: String) throws -> [AgreementRecord] {
        let number = caseNumber.trimmingSpacesAndNewlines().uppercased()
        let agreements = try connection.query("""
            SELECT a.id, row_number() OVER (ORDER BY a.id) AS agreement_number, c.number, a.currency, a.agreed_on::text AS agreed_on, a.owed, a.discount_bp, a.total, a.down_payment,
                   a.instalments, a.every, a.paid, a.status, a.tenant_id, a.cancelled, a.cancelled_owed
              FROM cobranza.agreement_status a
              JOIN cobranza.collection_case c ON c.tenant_id = a.tenant_id AND c.id = a.case_id
             WHERE c.number = $1 ORDER BY a.id DESC
            """, [number]).rows
        return try agreements.map { row in
            let id: Int64 = try row.decode("id")
            let tenant: Int64 = try row.decode("tenant_id")
            let instalments = try connection.query("""
                SELECT sequence, due::text AS due, amount, paid, cancelled, status FROM cobranza.instalment_status
                 WHERE tenant_id = $1 AND agreement_id = $2 ORDER BY sequence
                """, [tenant, id]).rows.map { i in
                InstalmentRecord(sequence: try i.decode("sequence"), due: try i.decode("due"), amount: try i.decode("amount"),
                                 paid: try i.decode("paid"), cancelled: try i.decode("cancelled"), status: try i.decode("status"))
            }
            return AgreementRecord(
                id: id, number: try row.decode("agreement_number"), caseNumber: try row.decode("number"), currency: try row.decode("currency"), agreedOn: try row.decode("agreed_on"),
                owed: try row.decode("owed"), discount: BasisPoints(try row.decode("discount_bp")), total: try row.decode("total"),
                cancelled: try row.decode("cancelled"), cancelledOwed: try row.decode("cancelled_owed"),
                downPayment: try row.decode("down_payment"), instalmentCount: try row.decode("instalments"), every: try row.decode("every"),
                paid: try row.decode("paid"), status: try row.decode("status"), instalments: instalments)
        }
    }
}

extension Session {
    public var agreements: Agreements { Agreements(session: self) }
}
