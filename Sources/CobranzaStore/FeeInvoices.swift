import CobranzaCore
import Postgres

/// A success-fee invoice or credit note as issued: immutable once written.
public struct FeeDocumentRecord: Sendable, Equatable {
    public var number: String
    public var kind: String
    public var client: String
    public var clientName: String
    public var clientTaxID: String
    /// The client's country, whose way of writing tax ids the document uses.
    public var clientCountry: String
    public var currency: String
    public var issuedOn: CalendarDate
    public var period: String?
    public var subtotal: Int64
    public var vatRate: BasisPoints
    /// VAT of the fees and of the court costs together.
    public var vat: Int64
    public var total: Int64
    /// Court costs the document bills to the client (negative on a voiding credit note), and
    /// their VAT rate (zero unless the contract says court costs carry VAT).
    public var costs: Int64 = 0
    public var costVATRate: BasisPoints = .zero
    public var reason: String?
    /// For a voiding credit note: the invoice it voids.
    public var voids: String?
    /// For a voided invoice: the credit note that voids it.
    public var voidedBy: String?
    public var lines: Int
    public var issuedBy: String
    /// For a correction credit note (a billed payment reversed): the invoices whose lines it
    /// corrects, so the note names what it amends as a voiding note does.
    public var corrects: [String] = []

    /// The client's tax id as its country writes it on a document: `76.123.456-0` (RUT),
    /// `900.123.456-7` (NIT), the RFC as is.
    public var clientTaxIDFormatted: String {
        guard let country = Country(code: clientCountry),
              case .success(let id) = TaxID.parse(clientTaxID, country: country) else { return clientTaxID }
        return id.formatted
    }
}

public struct FeeDocumentLine: Sendable, Equatable {
    public var lineNumber: Int
    /// The payment the line bills, by its reference (C-…/N).
    public var payment: PaymentReference
    public var caseNumber: String
    public var debtorName: String
    public var paidOn: CalendarDate
    public var amount: Int64
    public var stage: String
    public var rate: BasisPoints
    public var fee: Int64
    /// The payment's frozen fee note: the rate of each allocated part when an invoice carried
    /// an age surcharge, a minimum or the cap.
    public var note: String? = nil
}

/// A court cost a fee document bills to the client (0035_court_costs: fee_document_cost_line).
public struct FeeDocumentCostLine: Sendable, Equatable {
    public var lineNumber: Int
    public var caseNumber: String
    public var debtorName: String
    public var incurredOn: CalendarDate
    public var note: String
    public var amount: Int64
}

/// What one `fee invoice issue` produced for one client and currency.
public struct IssuedFeeInvoice: Sendable, Equatable {
    public var number: String
    public var client: String
    public var currency: String
    public var lines: Int
    public var subtotal: Int64
    /// Court costs billed as their own lines (the client's, by contract).
    public var costs: Int64
    public var vat: Int64
    public var total: Int64

    public init(number: String, client: String, currency: String, lines: Int, subtotal: Int64, costs: Int64 = 0, vat: Int64, total: Int64) {
        self.number = number
        self.client = client
        self.currency = currency
        self.lines = lines
        self.subtotal = subtotal
        self.costs = costs
        self.vat = vat
        self.total = total
    }
}

/// Success-fee invoices and credit notes. Issuing, voiding and numbering happen in the
/// database (issue_fee_invoices, void_fee_invoice): gapless numbers need the counter row and the
/// documents in the same transaction, and the billing lock keeps reversals out of the way.
public struct FeeInvoices {
    let session: Session
    var connection: Connection { session.connection }

    /// One invoice per client and currency for every fee not yet billed up to the end of
    /// `period` (YYYY-MM); `client` nil means every client. Empty when there is nothing new.
    @discardableResult
    public func issue(client: String?, period: CalendarMonth) throws -> [IssuedFeeInvoice] {
        try requireAdmin("issue fee invoices")
        return try connection.withTransaction {
            try connection.query("SELECT * FROM cobranza.issue_fee_invoices($1, $2)", [client, period.description]).rows.map { row in
                IssuedFeeInvoice(number: try row.decode("number"), client: try row.decode("client_code"),
                                 currency: try row.decode("currency"), lines: try row.decode("lines"),
                                 subtotal: try row.decode("subtotal"), costs: try row.decode("costs"), vat: try row.decode("vat"),
                                 total: try row.decode("total"))
            }
        }
    }

    /// Voids an invoice with a credit note; returns the credit note's number.
    public func void(_ number: String, reason: String) throws -> String {
        try requireAdmin("void fee invoices")
        return try connection.withTransaction {
            try connection.query("SELECT cobranza.void_fee_invoice($1, $2) AS number", [number, reason]).first!.decode("number")
        }
    }

    static let select = """
        SELECT d.number, d.kind, t.code AS client, t.legal_name, t.tax_id, t.country, d.currency, d.issued_on::text AS issued_on, d.period,
               d.subtotal, d.vat_bp, d.vat, d.total, d.costs, d.cost_vat_bp, d.reason, v.number AS voids, x.number AS voided_by, d.created_by,
               cardinality(d.payment_ids) + cardinality(d.cost_ids) AS lines, d.tenant_id, d.id,
               -- A correction note's reversals, each back to the latest invoice before the note
               -- that billed the payment it reverses.
               ARRAY(SELECT DISTINCT o.number
                       FROM cobranza.fee_document_line cl
                       JOIN cobranza.payment r ON r.tenant_id = cl.tenant_id AND r.id = cl.payment_id
                       CROSS JOIN LATERAL (
                            SELECT od.number FROM cobranza.fee_document_line ol
                              JOIN cobranza.fee_document od ON od.tenant_id = ol.tenant_id AND od.id = ol.document_id
                             WHERE ol.tenant_id = r.tenant_id AND ol.payment_id = r.reverses_id
                               AND od.kind = 'invoice' AND od.id < d.id
                             ORDER BY od.id DESC LIMIT 1) o
                      WHERE d.kind = 'credit_note' AND d.voids_id IS NULL
                        AND cl.tenant_id = d.tenant_id AND cl.document_id = d.id
                      ORDER BY o.number) AS corrects
          FROM cobranza.fee_document d
          JOIN cobranza.tenant t ON t.id = d.tenant_id
          LEFT JOIN cobranza.fee_document v ON v.tenant_id = d.tenant_id AND v.id = d.voids_id
          LEFT JOIN cobranza.fee_document x ON x.tenant_id = d.tenant_id AND x.voids_id = d.id
        """

    public func list(client: String?, period: CalendarMonth?, limit: Int) throws -> [FeeDocumentRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            conditions.append("d.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        if let period { conditions.append("d.period = " + parameters.bind(period.description)) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try connection.query(Self.select + filter + " ORDER BY d.id LIMIT " + parameters.bind(limit), parameters.values)
            .rows.map(Self.record)
    }

    public func show(_ number: String) throws -> (FeeDocumentRecord, [FeeDocumentLine]) {
        let (document, lines, _) = try showWithCosts(number)
        return (document, lines)
    }

    /// A document with its payment lines and its court-cost lines.
    public func showWithCosts(_ number: String) throws -> (FeeDocumentRecord, [FeeDocumentLine], [FeeDocumentCostLine]) {
        let normalized = number.trimmingSpacesAndNewlines().uppercased()
        guard let row = try connection.query(Self.select + " WHERE d.number = $1", [normalized]).first else {
            throw StoreError("no fee invoice or credit note \(normalized)")
        }
        let lines = try connection.query("""
            SELECT l.line_no, p.number AS payment_number, l.case_number, l.debtor_name, l.paid_on::text AS paid_on, l.amount,
                   l.stage, l.fee_bp, l.fee, p.fee_note
              FROM cobranza.fee_document_line l
              JOIN cobranza.payment p ON p.tenant_id = l.tenant_id AND p.id = l.payment_id
             WHERE l.tenant_id = $1 AND l.document_id = $2 ORDER BY l.line_no
            """, [try row.decode("tenant_id", as: Int64.self), try row.decode("id", as: Int64.self)]).rows.map { row in
            FeeDocumentLine(lineNumber: try row.decode("line_no"),
                            payment: PaymentReference(caseNumber: try row.decode("case_number"), number: try row.decode("payment_number")),
                            caseNumber: try row.decode("case_number"), debtorName: try row.decode("debtor_name"),
                            paidOn: try row.decode("paid_on"), amount: try row.decode("amount"), stage: try row.decode("stage"),
                            rate: BasisPoints(try row.decode("fee_bp")), fee: try row.decode("fee"),
                            note: try row.decodeIfPresent("fee_note"))
        }
        let costLines = try connection.query("""
            SELECT l.line_no, l.case_number, l.debtor_name, l.incurred_on::text AS incurred_on, l.note, l.amount
              FROM cobranza.fee_document_cost_line l
             WHERE l.tenant_id = $1 AND l.document_id = $2 ORDER BY l.line_no
            """, [try row.decode("tenant_id", as: Int64.self), try row.decode("id", as: Int64.self)]).rows.map { row in
            FeeDocumentCostLine(lineNumber: lines.count + (try row.decode("line_no", as: Int.self)), caseNumber: try row.decode("case_number"),
                                debtorName: try row.decode("debtor_name"), incurredOn: try row.decode("incurred_on"),
                                note: try row.decode("note"), amount: try row.decode("amount"))
        }
        return (try Self.record(row), lines, costLines)
    }

    private func requireAdmin(_ what: String) throws {
        guard session.identity.kind == .admin else { throw StoreError("only agency admins can \(what)") }
    }

    static func record(_ row: Row) throws -> FeeDocumentRecord {
        FeeDocumentRecord(
            number: try row.decode("number"), kind: try row.decode("kind"), client: try row.decode("client"),
            clientName: try row.decode("legal_name"), clientTaxID: try row.decode("tax_id"), clientCountry: try row.decode("country"),
            currency: try row.decode("currency"),
            issuedOn: try row.decode("issued_on"), period: try row.decodeIfPresent("period"), subtotal: try row.decode("subtotal"),
            vatRate: BasisPoints(try row.decode("vat_bp")), vat: try row.decode("vat"), total: try row.decode("total"),
            costs: try row.decode("costs"), costVATRate: BasisPoints(try row.decode("cost_vat_bp")),
            reason: try row.decodeIfPresent("reason"), voids: try row.decodeIfPresent("voids"),
            voidedBy: try row.decodeIfPresent("voided_by"), lines: try row.decode("lines"), issuedBy: try row.decode("created_by"),
            corrects: try row.decode("corrects"))
    }
}

extension Session {
    public var feeInvoices: FeeInvoices { FeeInvoices(session: self) }
}
