import CobranzaCore
import Postgres

/// A client's remittance statement for one month in one currency.
///
/// The balance owed to the client moves with every payment the agency collects (less, in net
/// mode, the fee and its VAT it withholds) and every remittance it pays over. VAT is taken per
/// payment at the rate of the contract version the payment was charged under, so each figure is
/// a plain sum of rows and one month's closing balance is the next month's opening, to the unit.
public struct RemittanceStatement: Sendable, Equatable {
    public var client: String
    public var period: String
    public var currency: String
    public var openingBalance: Int64
    public var collectedByAgency: Int64
    public var feesWithheld: Int64
    public var netToRemit: Int64
    public var remitted: Int64
    public var closingBalance: Int64
    public var paidDirectly: Int64
    /// Fees (with VAT) the agency invoices rather than withholds: direct payments, gross mode.
    public var feesToInvoice: Int64
    public var payments: [PaymentRecord]
    /// The month's remittances and their reversals.
    public var remittances: [RemittanceRecord] = []
    /// What the agency collected for court costs the debtor bears: the agency's money (it
    /// advanced them), neither the client's nor earning a fee (0036).
    public var courtCostsKept: Int64 = 0
    /// The court costs recorded in the month on the client's cases, with who bears each.
    public var courtCosts: [StatementCourtCost] = []
}

/// A court cost on a statement: the case it was recorded on, and the cost.
public struct StatementCourtCost: Sendable, Equatable {
    public var caseNumber: String
    public var cost: CourtCost
}

/// A transfer of collected money from the agency to a client, or (negative) its reversal.
public struct RemittanceRecord: Sendable, Equatable {
    /// The internal key; never shown (its agency-wide sequence would count other clients' rows).
    public var id: Int64
    /// What the viewer reads and types: the remittance's number among its client's, 1, 2, …
    /// (counted by the database as it reads them; remittances are never deleted), alone for the
    /// client's users, `ACME-3` for staff.
    public var reference: String
    public var client: String
    public var amount: Int64
    public var currency: String
    public var paidOn: CalendarDate
    public var externalRef: String?
    public var recordedBy: String
    /// For a reversal: the remittance it undoes (its key and its reference), and why.
    public var reverses: Int64? = nil
    public var reversesReference: String? = nil
    public var reason: String? = nil
    /// For a reversed remittance: its reversal.
    public var reversedBy: Int64? = nil
    public var reversedByReference: String? = nil
}

public struct Statements {
    let session: Session
    var connection: Connection { session.connection }

    /// One statement per currency the client has money in.
    public func statement(client: String?, period month: CalendarMonth) throws -> [RemittanceStatement] {
        let period = month.description
        let scope = try TenantScope.resolve(session, client: client)
        let (start, end) = (month.firstDay, month.lastDay)
        let rows = try connection.query("""
            WITH p AS (
                SELECT p.currency, p.paid_on, p.channel, p.amount, k.remittance, p.court_costs,
                       p.fee + cobranza.apply_rate(k.vat_bp, p.fee) AS fee_with_vat
                  FROM cobranza.payment p
                  JOIN cobranza.contract k ON k.tenant_id = p.tenant_id AND k.version = p.contract_version
                 WHERE p.tenant_id = $1 AND p.paid_on <= $3::date
            ),
            owed AS (
                SELECT currency, paid_on,
                       -- Money for the debtor's court costs is the agency's: kept when the agency
                       -- collects it, owed by the client when the debtor paid the client.
                       CASE WHEN channel = 'agency' THEN amount - court_costs - CASE WHEN remittance = 'net' THEN fee_with_vat ELSE 0 END
                            ELSE -court_costs END AS owed
                  FROM p
                UNION ALL
                SELECT currency, paid_on, -amount FROM cobranza.remittance WHERE tenant_id = $1 AND paid_on <= $3::date
            ),
            balances AS (
                SELECT currency,
                       coalesce(sum(owed) FILTER (WHERE paid_on < $2::date), 0)::bigint AS opening,
                       sum(owed)::bigint AS closing
                  FROM owed GROUP BY currency
            ),
            month AS (
                SELECT currency,
                       coalesce(sum(amount) FILTER (WHERE channel = 'agency'), 0)::bigint AS collected,
                       coalesce(sum(fee_with_vat) FILTER (WHERE channel = 'agency' AND remittance = 'net'), 0)::bigint AS withheld,
                       coalesce(sum(court_costs) FILTER (WHERE channel = 'agency'), 0)::bigint AS costs_kept,
                       coalesce(sum(amount) FILTER (WHERE channel = 'direct'), 0)::bigint AS direct,
                       coalesce(sum(fee_with_vat) FILTER (WHERE channel = 'direct' OR remittance = 'gross'), 0)::bigint AS to_invoice
                  FROM p WHERE paid_on >= $2::date GROUP BY currency
            ),
            remitted AS (
                SELECT currency, sum(amount)::bigint AS remitted FROM cobranza.remittance
                 WHERE tenant_id = $1 AND paid_on BETWEEN $2::date AND $3::date GROUP BY currency
            )
            SELECT b.currency, b.opening, b.closing, coalesce(m.collected, 0) AS collected, coalesce(m.withheld, 0) AS withheld,
                   coalesce(m.costs_kept, 0) AS costs_kept,
                   coalesce(m.direct, 0) AS direct, coalesce(m.to_invoice, 0) AS to_invoice, coalesce(r.remitted, 0) AS remitted
              FROM balances b
              LEFT JOIN month m ON m.currency = b.currency
              LEFT JOIN remitted r ON r.currency = b.currency
             ORDER BY b.currency
            """, [scope.id, start.description, end.description]).rows
        let payments = try connection.query(Payments.select + """
             WHERE p.tenant_id = $1 AND p.paid_on BETWEEN $2::date AND $3::date ORDER BY p.paid_on, p.id
            """, [scope.id, start.description, end.description]).rows.map(Payments.record)
        let remittances = try connection.query(Self.remittanceSelect + """
             WHERE r.tenant_id = $1 AND r.paid_on BETWEEN $2::date AND $3::date ORDER BY r.paid_on, r.id
            """, [scope.id, start.description, end.description]).rows.map(remittance)
        let costs = try connection.query("""
            SELECT c.number, c.tenant_id, c.id FROM cobranza.collection_case c
             WHERE c.tenant_id = $1 AND EXISTS (SELECT 1 FROM cobranza.court_cost k WHERE k.tenant_id = c.tenant_id AND k.case_id = c.id
                                                   AND k.incurred_on BETWEEN $2::date AND $3::date)
             ORDER BY c.number
            """, [scope.id, start.description, end.description]).rows.flatMap { row in
            let number: String = try row.decode("number")
            return try Referrals.costs(connection, tenant: try row.decode("tenant_id"), caseID: try row.decode("id"))
                .filter { $0.on >= start.description && $0.on <= end.description }
                .map { StatementCourtCost(caseNumber: number, cost: $0) }
        }
        let costCurrencies = try Dictionary(uniqueKeysWithValues: connection.query(
            "SELECT DISTINCT c.number, c.currency FROM cobranza.collection_case c WHERE c.tenant_id = $1", [scope.id]).rows.map {
                (try $0.decode("number", as: String.self), try $0.decode("currency", as: String.self))
            })
        return try rows.map { row in
            let currency: String = try row.decode("currency")
            let collected: Int64 = try row.decode("collected"), withheld: Int64 = try row.decode("withheld")
            let kept: Int64 = try row.decode("costs_kept")
            return RemittanceStatement(
                client: scope.code, period: period, currency: currency, openingBalance: try row.decode("opening"),
                collectedByAgency: collected, feesWithheld: withheld,
                netToRemit: try MoneyArithmetic.subtract(try MoneyArithmetic.subtract(collected, withheld), kept),
                remitted: try row.decode("remitted"), closingBalance: try row.decode("closing"),
                paidDirectly: try row.decode("direct"), feesToInvoice: try row.decode("to_invoice"),
                payments: payments.filter { $0.currency == currency }, remittances: remittances.filter { $0.currency == currency },
                courtCostsKept: kept, courtCosts: costs.filter { costCurrencies[$0.caseNumber] == currency })
        }
    }

    /// Records money paid over to a client (admins).
    @discardableResult
    public func remit(client: String, amount written: WrittenAmount, currency: String?, date: CalendarDate?, ref: String?) throws -> RemittanceRecord {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can record remittances") }
        let scope = try TenantScope.resolve(session, client: client)
        let code = try currency.map { text in
            guard let code = CurrencyCode(rawValue: text) else { throw StoreError(field: "currency", "\"\(text)\" is not a currency code") }
            return code
        } ?? scope.currency
        guard let known = try session.currencies()[code] else { throw StoreError(field: "currency", "\(code) is not a known currency") }
        let amount = try Payments.minorUnits(written, currency: known, field: "amount")
        let on = date?.description
        let reference = try Payments.reference(ref)
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                INSERT INTO cobranza.remittance (tenant_id, amount, currency, paid_on, external_ref)
                VALUES ($1, $2, $3, coalesce($4::date, cobranza.today()), $5)
                RETURNING id
                """, [scope.id, amount, code.rawValue, on, reference])
        } catch {
            guard error.constraint == "remittance_tenant_id_external_ref_key" else { throw error }
            throw StoreError(field: "ref", "\(ref ?? "") is already recorded as a remittance to \(scope.code)")
        }
        return try read(try inserted.first!.decode("id", as: Int64.self))
    }

    /// Reverses a remittance (returned by the bank, sent to the wrong account): a row of its
    /// own, negated by the database, with the reason (admins; once per remittance). Named as
    /// people see it: `ACME-3`, the client's third remittance.
    @discardableResult
    public func reverseRemittance(_ reference: ClientReference, reason: String) throws -> RemittanceRecord {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can reverse remittances") }
        let reason = reason.trimmingSpacesAndNewlines()
        guard (1...500).contains(reason.count) else { throw StoreError(field: "reason", "must be 1 to 500 characters") }
        guard let code = reference.clientCode else {
            throw StoreError("say whose remittance \(reference.number) is: CODE-\(reference.number), e.g. ACME-\(reference.number)")
        }
        guard let original = try connection.query("""
            SELECT r.tenant_id, r.id FROM cobranza.tenant t
              JOIN LATERAL (SELECT q.tenant_id, q.id FROM cobranza.remittance q WHERE q.tenant_id = t.id
                             ORDER BY q.id OFFSET $2 - 1 LIMIT 1) r ON true
             WHERE t.code = $1
            """, [code, reference.number]).first else {
            throw StoreError("remittance \(reference) does not exist")
        }
        let tenant: Int64 = try original.decode("tenant_id")
        let id: Int64 = try original.decode("id")
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                INSERT INTO cobranza.remittance (tenant_id, amount, currency, reverses_id, reason)
                SELECT tenant_id, -amount, currency, id, $2 FROM cobranza.remittance WHERE tenant_id = $3 AND id = $1
                RETURNING id
                """, [id, reason, tenant])
        } catch {
            // remittance_prepare names the first reversal; a session that raced past its look
            // meets the key instead.
            guard error.constraint == "remittance_reverses_once_key", !error.message.contains("already reversed") else { throw error }
            throw StoreError("remittance \(reference) is already reversed")
        }
        return try read(try inserted.first!.decode("id", as: Int64.self))
    }

    private func read(_ id: Int64) throws -> RemittanceRecord {
        try remittance(try connection.query(Self.remittanceSelect + " WHERE r.id = $1", [id]).first!)
    }

    /// A remittance with its number among its client's (counted as read: remittances are never
    /// deleted) and those of the remittance it reverses or that reverses it.
    static let remittanceSelect = """
        SELECT r.id, t.code, r.amount, r.currency, r.paid_on::text AS paid_on, r.external_ref, r.created_by,
               r.reverses_id, r.reason, x.id AS reversed_by,
               (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = r.tenant_id AND q.id <= r.id) AS number,
               CASE WHEN r.reverses_id IS NOT NULL THEN
                   (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = r.tenant_id AND q.id <= r.reverses_id) END AS reverses_number,
               CASE WHEN x.id IS NOT NULL THEN
                   (SELECT count(*) FROM cobranza.remittance q WHERE q.tenant_id = r.tenant_id AND q.id <= x.id) END AS reversed_by_number
          FROM cobranza.remittance r JOIN cobranza.tenant t ON t.id = r.tenant_id
          LEFT JOIN cobranza.remittance x ON x.tenant_id = r.tenant_id AND x.reverses_id = r.id
        """

    func remittance(_ row: Row) throws -> RemittanceRecord {
        let client: String = try row.decode("code")
        let shown = { (number: Int64) in session.reference(client: client, number: number) }
        return RemittanceRecord(
            id: try row.decode("id"), reference: shown(try row.decode("number")), client: client, amount: try row.decode("amount"),
            currency: try row.decode("currency"), paidOn: try row.decode("paid_on"),
            externalRef: try row.decodeIfPresent("external_ref"), recordedBy: try row.decode("created_by"),
            reverses: try row.decodeIfPresent("reverses_id"), reversesReference: try row.decodeIfPresent("reverses_number", as: Int64.self).map(shown),
            reason: try row.decodeIfPresent("reason"),
            reversedBy: try row.decodeIfPresent("reversed_by"), reversedByReference: try row.decodeIfPresent("reversed_by_number", as: Int64.self).map(shown))
    }

    public func remittances(client: String?, limit: Int) throws -> [RemittanceRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            conditions.append("r.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try connection.query(Self.remittanceSelect + filter + " ORDER BY r.id LIMIT " + parameters.bind(limit), parameters.values)
            .rows.map(remittance)
    }

}

extension Session {
    public var statements: Statements { Statements(session: self) }
}
