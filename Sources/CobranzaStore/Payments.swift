import CobranzaCore
import Foundation
import Postgres

/// A payment or a reversal, with the fee the database froze on it.
public struct PaymentRecord: Sendable, Equatable {
    /// The database's key, agency-wide: for the store's own look-ups, never shown.
    public var id: Int64
    /// What people read and type: the case's number and the payment's number within it (0030).
    public var reference: PaymentReference
    public var caseNumber: String
    public var client: String
    public var debtorName: String
    public var amount: Int64
    public var currency: String
    public var paidOn: CalendarDate
    public var channel: String
    public var method: String
    public var externalRef: String?
    /// For a reversal: the payment it undoes.
    public var reverses: PaymentReference?
    /// For a reversed payment: its reversal.
    public var reversedBy: PaymentReference?
    public var reason: String?
    public var stage: String
    public var rate: BasisPoints
    public var fee: Int64
    public var feeNote: String?
    public var contractVersion: Int
    /// The standing fee document that bills (or credits) it, if any.
    public var billedOn: String?
    public var recordedBy: String
    /// What its case still owed right after it was recorded (nothing once settled); nil when
    /// read back later, as are the three below.
    public var caseOutstanding: Int64? = nil
    /// The case's close code right after it: paid, or settled when it paid off a discounted agreement.
    public var caseCloseCode: String? = nil
    /// What the case's agreement in force still expected right after it.
    public var agreementExpects: Int64? = nil
    /// What the settlement it completed forgave.
    public var forgiven: Int64? = nil
}

/// How much of one invoice a case's payments cover, oldest due first.
public struct InvoiceBalance: Sendable, Equatable {
    public var number: String
    public var due: CalendarDate
    public var amount: Int64
    public var paid: Int64
    public var outstanding: Int64
    public var currency: String
}

/// Payments on cases: recorded by staff one at a time or from a bank file, reversed when they
/// bounce. The database computes the fee, refuses overpayments and closes a case paid in full
/// (0004_payments.sql); this type turns text into parameters and failures into sentences.
public struct Payments {
    let session: Session
    var connection: Connection { session.connection }

    public struct NewPayment: Sendable {
        public var caseNumber: String
        /// In the case's currency, which only the case knows.
        public var amount: WrittenAmount
        /// nil: today, as the database counts it.
        public var date: CalendarDate?
        public var channel: PaymentChannel
        public var method: PaymentMethod
        public var ref: String?
        public init(caseNumber: String, amount: WrittenAmount, date: CalendarDate? = nil, channel: PaymentChannel = .agency,
                    method: PaymentMethod = .transfer, ref: String? = nil) {
            self.caseNumber = caseNumber
            self.amount = amount
            self.date = date
            self.channel = channel
            self.method = method
            self.ref = ref
        }
    }

    static let select = """
        SELECT p.id, p.number, c.number AS case_number, t.code AS client, d.name AS debtor_name, p.amount, p.currency,
               p.paid_on::text AS paid_on, p.channel, p.method, p.external_ref,
               (SELECT o.number FROM cobranza.payment o WHERE o.tenant_id = p.tenant_id AND o.id = p.reverses_id) AS reverses,
               (SELECT r.number FROM cobranza.payment r WHERE r.tenant_id = p.tenant_id AND r.reverses_id = p.id) AS reversed_by,
               p.reason, p.stage, p.fee_bp, p.fee, p.fee_note, p.contract_version, p.created_by,
               (SELECT string_agg(b.number, ', ' ORDER BY b.number) FROM cobranza.standing_fee_document b
                 WHERE b.tenant_id = p.tenant_id AND b.payment_ids @> ARRAY[p.id]) AS billed_on
          FROM cobranza.payment p
          JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
          JOIN cobranza.tenant t ON t.id = p.tenant_id
          JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
        """

    /// Records one payment; one statement, so it either lands whole (with its fee, its timeline
    /// event and perhaps the case's close) or not at all, and says what the case still owes
    /// after it (0013_record_payment.sql): two round trips in all, the case lookup and this.
    @discardableResult
    public func record(_ payment: NewPayment) throws -> PaymentRecord {
        try requireRecorder()
        let target = try caseRow(payment.caseNumber)
        return try insert(payment, target: target, amount: try Self.minorUnits(payment.amount, currency: target.currency, field: "amount"))
    }

    /// The payment for a case already looked up and an amount already in its minor units: a bank
    /// file's line has resolved both to compare it with earlier transfers.
    private func insert(_ payment: NewPayment, target: CaseTarget, amount: Int64) throws -> PaymentRecord {
        try requireRecorder()
        let ref = try Self.reference(payment.ref)
        let inserted: QueryResult
        do {
            inserted = try connection.query("""
                SELECT id, number, $8::text AS case_number, $9::text AS client, $10::text AS debtor_name, amount, currency,
                       paid_on::text AS paid_on, channel, method, external_ref, NULL::integer AS reverses, NULL::integer AS reversed_by,
                       reason, stage, fee_bp, fee, fee_note, contract_version, created_by, NULL::text AS billed_on, outstanding,
                       close_code, agreement_expects, forgiven
                  FROM cobranza.record_payment($1, $2, $3, $4::date, $5, $6, $7)
                """, [target.tenant, target.id, amount, payment.date?.description, payment.channel.rawValue, payment.method.rawValue, ref,
                      target.number, target.client, target.debtorName])
        } catch {
            throw Self.explain(error, ref: ref, client: target.client)
        }
        // A new payment is neither reversed nor billed yet: the function says all there is to say.
        var record = try Self.record(inserted.first!)
        record.caseOutstanding = try inserted.first!.decode("outstanding")
        record.caseCloseCode = try inserted.first!.decodeIfPresent("close_code")
        record.agreementExpects = try inserted.first!.decodeIfPresent("agreement_expects")
        record.forgiven = try inserted.first!.decodeIfPresent("forgiven")
        return record
    }

    private func requireRecorder() throws {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors record payments")
        }
    }

    /// Undoes a payment: a reversal row (the database negates amount and fee) and, when the fee
    /// was already billed, a credit note. Returns the reversal and the credit note's number.
    public func reverse(_ payment: PaymentReference, reason: String, date: CalendarDate?) throws -> (reversal: PaymentRecord, creditNote: String?) {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors reverse payments")
        }
        guard !reason.trimmingSpacesAndNewlines().isEmpty else { throw StoreError(field: "reason", "required (why is the payment undone?)") }
        // The reversal is read back in the transaction that wrote it.
        return try connection.withTransaction {
            let row = try connection.query("SELECT reversal_id, credit_note FROM cobranza.reverse_payment($1, $2, $3, $4::date)",
                                           [payment.caseNumber, payment.number, reason, date?.description]).first!
            let id: Int64 = try row.decode("reversal_id")
            guard let reversal = try connection.query(Self.select + " WHERE p.id = $1", [id]).first else {
                throw StoreError("the reversal of payment \(payment) cannot be read back")
            }
            return (try Self.record(reversal), try row.decodeIfPresent("credit_note"))
        }
    }

    /// A payment by its reference: only the payments the caller may read are found.
    public func show(_ payment: PaymentReference) throws -> PaymentRecord {
        guard let row = try connection.query(Self.select + " WHERE c.number = $1 AND p.number = $2",
                                             [payment.caseNumber, payment.number]).first else {
            throw StoreError("payment \(payment) does not exist")
        }
        return try Self.record(row)
    }

    public func list(client: String?, caseNumber: String?, limit: Int) throws -> [PaymentRecord] {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            conditions.append("p.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        if let caseNumber { conditions.append("c.number = " + parameters.bind(caseNumber.uppercased())) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try connection.query(Self.select + filter + " ORDER BY p.id LIMIT " + parameters.bind(limit), parameters.values)
            .rows.map(Self.record)
    }

    /// The case's invoices and how much of each is paid, oldest due first.
    public func balances(caseNumber: String) throws -> [InvoiceBalance] {
        let target = try caseRow(caseNumber)
        return try connection.query("""
            SELECT number, due::text AS due, amount, paid, outstanding, currency FROM cobranza.invoice_balance
             WHERE tenant_id = $1 AND case_id = $2 ORDER BY due, invoice_id
            """, [target.tenant, target.id]).rows.map { row in
            InvoiceBalance(number: try row.decode("number"), due: try row.decode("due"), amount: try row.decode("amount"),
                           paid: try row.decode("paid"), outstanding: try row.decode("outstanding"), currency: try row.decode("currency"))
        }
    }

    // MARK: - Bank files

    public struct ImportOutcome: Sendable, Equatable {
        public var recorded: [PaymentRecord]
        /// Lines already recorded (the same reference on the same case, amount and date):
        /// importing a file twice adds nothing.
        public var alreadyRecorded: [(line: Int, ref: String)]
        public static func == (a: Self, b: Self) -> Bool {
            a.recorded == b.recorded && a.alreadyRecorded.map(\.line) == b.alreadyRecorded.map(\.line)
        }
    }

    /// The problems of a bank file, every one of them; the import is all or nothing.
    public struct ImportRefusal: Error, Sendable, CustomStringConvertible {
        /// Where in the file (`line 3`), and what is wrong there: each line is recorded as one
        /// payment would be, so its refusal names that payment's fields.
        public struct Problem: Sendable {
            public var place: String?
            public var refusal: StoreError
            init(_ place: String?, _ refusal: StoreError) {
                self.place = place
                self.refusal = refusal
            }
        }
        public var problems: [Problem]

        /// Every problem, with the fields named by `label`.
        public func described(_ label: (String) -> String) -> String {
            let lines = problems.map { problem in (problem.place.map { "\($0): " } ?? "") + problem.refusal.labelled(label) }
            let shown = lines.prefix(50).joined(separator: "\n  ")
            let more = lines.count > 50 ? "\n  … and \(lines.count - 50) more" : ""
            return "nothing imported: \(problems.count) problem(s)\n  \(shown)\(more)"
        }
        public var description: String { described { $0 } }
    }

    public static let importColumns = ["case", "amount", "date", "ref", "channel", "method"]

    /// Records every payment of a bank file (header `case,amount,date,ref[,channel,method]`) in
    /// one transaction: any bad line and nothing is recorded, every bad line is named.
    public func importFile(at path: String, progress: WorkProgress.Handler = WorkProgress.ignore) throws -> ImportOutcome {
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(field: "file", "cannot read \(path)") }
        var reader = CSVReader()
        let records: [CSVReader.Record]
        do {
            records = try reader.feed(data) + reader.finish()
        } catch {
            throw ImportRefusal(problems: [.init(nil, StoreError(error.description))])
        }
        guard let header = records.first else { throw ImportRefusal(problems: [.init("line 1", StoreError("the file is empty"))]) }
        let names = header.fields.map { $0.trimmingSpacesAndNewlines().lowercased() }
        var problems: [ImportRefusal.Problem] = []
        for required in ["case", "amount", "date", "ref"] where !names.contains(required) {
            problems.append(.init("line \(header.line)", StoreError("header: column \"\(required)\" is missing (expected \(Self.importColumns.joined(separator: ",")))")))
        }
        for name in names where !Self.importColumns.contains(name) {
            problems.append(.init("line \(header.line)", StoreError("header: unknown column \"\(name)\"")))
        }
        guard problems.isEmpty else { throw ImportRefusal(problems: problems) }
        func field(_ record: CSVReader.Record, _ name: String) -> String? {
            guard let index = names.firstIndex(of: name), index < record.fields.count else { return nil }
            let value = record.fields[index].trimmingSpacesAndNewlines()
            return value.isEmpty ? nil : value
        }
        var outcome = ImportOutcome(recorded: [], alreadyRecorded: [])
        // The payments this import recorded, by the line that recorded them: a reference found
        // on one of them is a line repeated in the file, not a file imported again.
        var recordedBy: [Int64: Int] = [:]
        try connection.withTransaction {
            for (index, record) in records.dropFirst().enumerated() where !record.fields.allSatisfy({ $0.trimmingSpacesAndNewlines().isEmpty }) {
                try progress(WorkProgress(done: index, total: records.count - 1))
                guard record.fields.count == names.count else {
                    problems.append(.init("line \(record.line)", StoreError("has \(record.fields.count) fields, the header has \(names.count)")))
                    continue
                }
                guard let ref = field(record, "ref") else {
                    problems.append(.init("line \(record.line), column ref", StoreError("required (a bank file's reference makes a second import add nothing)")))
                    continue
                }
                do {
                    // A bank file is text: its columns are read here, as the shell reads flags.
                    let amountText = field(record, "amount") ?? ""
                    guard let amount = WrittenAmount(amountText) else { throw StoreError(field: "amount", "\"\(amountText)\" is not an amount") }
                    let payment = NewPayment(
                        caseNumber: field(record, "case") ?? "", amount: amount,
                        date: try field(record, "date").map { try Self.parseDate($0, field: "date") },
                        channel: try field(record, "channel").map { try Self.choice($0, field: "channel") } ?? .agency,
                        method: try field(record, "method").map { try Self.choice($0, field: "method") } ?? .transfer, ref: ref)
                    let line = try ImportLine(number: record.line, payment: payment, payments: self)
                    func settle(mayRecord: Bool) throws {
                        // Each line in a savepoint of its own: a refused line leaves the others' work.
                        try connection.withTransaction {
                            if let earlier = try earlierTransfer(line) {
                                if let first = recordedBy[earlier.id] {
                                    throw StoreError(field: "external_ref", "\(line.ref) is already recorded by line \(first) of this file "
                                        + "(payment \(earlier.reference))")
                                }
                                guard earlier.sameLine else {
                                    throw StoreError(field: "external_ref", "\(line.ref) is already recorded (payment \(earlier.reference): "
                                        + "\(earlier.described)), and this line is \(line.described): "
                                        + "the same bank reference is never counted twice")
                                }
                                outcome.alreadyRecorded.append((record.line, line.ref))
                            } else if mayRecord {
                                let recorded = try insert(payment, target: line.target, amount: line.amount)
                                outcome.recorded.append(recorded)
                                recordedBy[recorded.id] = record.line
                            }
                        }
                    }
                    do {
                        try settle(mayRecord: true)
                    } catch {
                        // Refused for a reference nobody held when this line looked: another
                        // import recorded it meanwhile. Look again, now that the refusal's
                        // savepoint is gone, to skip the same transfer or name the other.
                        guard Self.isDuplicateReference(error) else { throw error }
                        let skipped = outcome.alreadyRecorded.count
                        try settle(mayRecord: false)
                        if outcome.alreadyRecorded.count == skipped { throw error }
                    }
                } catch {
                    guard (error as? PostgresError)?.kind != .connectionLost else { throw error }
                    problems.append(.init("line \(record.line)", StoreError(refusing: error)))
                }
            }
            if !problems.isEmpty { throw ImportRefusal(problems: problems) }
        }
        return outcome
    }

    /// One line of a bank file, resolved against its case.
    struct ImportLine {
        var number: Int
        var ref: String
        var channel: PaymentChannel
        var target: CaseTarget
        var amount: Int64
        var date: CalendarDate?

        init(number: Int, payment: NewPayment, payments: Payments) throws {
            self.number = number
            ref = try Payments.reference(payment.ref) ?? ""
            channel = payment.channel
            target = try payments.caseRow(payment.caseNumber)
            amount = try Payments.minorUnits(payment.amount, currency: target.currency, field: "amount")
            date = payment.date
        }

        var described: String {
            "\(Money(minorUnits: amount, currency: target.currency).formatted) on case \(target.number) on \(date?.description ?? "today")"
        }
    }

    /// The payment that already holds a line's reference: the client's own (every reference is
    /// unique per client) or, for money paid into the agency's account, any client's
    /// (received_transfer, 0014), and whether it is this very line (same case, amount, date).
    struct EarlierTransfer {
        var id: Int64
        var reference: PaymentReference
        var described: String
        var sameLine: Bool
    }

    private func earlierTransfer(_ line: ImportLine) throws -> EarlierTransfer? {
        guard let row = try connection.query("""
            SELECT p.id, p.number AS payment_number, c.number, cobranza.format_money(p.amount, p.currency) || ' on ' || p.paid_on::text AS described,
                   (p.case_id = $3 AND p.amount = $4 AND p.paid_on = coalesce($5::date, cobranza.today())) AS same_line
              FROM (SELECT y.tenant_id, y.id FROM cobranza.payment y WHERE y.tenant_id = $2 AND y.external_ref = $1
                    UNION ALL
                    SELECT r.tenant_id, r.payment_id FROM cobranza.received_transfer r WHERE $6::boolean AND r.external_ref = $1) h
              JOIN cobranza.payment p ON p.tenant_id = h.tenant_id AND p.id = h.id
              JOIN cobranza.collection_case c ON c.tenant_id = p.tenant_id AND c.id = p.case_id
             ORDER BY p.id
             LIMIT 1
            """, [line.ref, line.target.tenant, line.target.id, line.amount, line.date?.description, line.channel == .agency]).first
        else { return nil }
        return EarlierTransfer(id: try row.decode("id"), reference: PaymentReference(caseNumber: try row.decode("number"), number: try row.decode("payment_number")),
                               described: try row.decode("described"),
                               sameLine: try row.decode("same_line"))
    }

    /// The database's refusal of a reference already recorded (payment_prepare, 0014), or the
    /// client's unique index when two sessions raced past that trigger's look.
    static func isDuplicateReference(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError, error.sqlState == .uniqueViolation else { return false }
        return ["received_transfer_pkey", "payment_tenant_id_external_ref_key"].contains(error.constraint ?? "")
    }

    // MARK: - Helpers

    struct CaseTarget {
        var tenant: Int64
        var id: Int64
        var currency: Currency
        var number: String
        var client: String
        var debtorName: String
    }

    func caseRow(_ number: String) throws -> CaseTarget {
        let normalized = CaseLookup.normalized(number)
        guard let row = try connection.query(
            "SELECT c.tenant_id, c.id, c.currency, cur.exponent, c.number, t.code, d.name" + CaseLookup.from + CaseLookup.byNumber,
            [normalized]).first
        else { throw CaseLookup.notFound(normalized) }
        return CaseTarget(tenant: try row.decode("tenant_id"), id: try row.decode("id"), currency: try CaseLookup.currency(row),
                          number: try row.decode("number"), client: try row.decode("code"), debtorName: try row.decode("name"))
    }

    static func minorUnits(_ amount: WrittenAmount, currency: Currency, field: String) throws -> Int64 {
        switch amount.minorUnits(in: currency) {
        case .success(let value): return value
        case .failure(let problem): throw StoreError(field: field, "\(problem)")
        }
    }

    static func parseDate(_ text: String, field: String) throws -> CalendarDate {
        guard let date = CalendarDate(parsing: text) else { throw StoreError(field: field, "\"\(text)\" is not a date (2026-03-31 or 31/03/2026)") }
        return date
    }

    static func choice<Value: RawRepresentable & CaseIterable>(_ text: String, field: String) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text.trimmingSpacesAndNewlines().lowercased()) else {
            throw StoreError(field: field, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func reference(_ text: String?) throws -> String? {
        guard let text else { return nil }
        let value = text.trimmingSpacesAndNewlines()
        guard (1...100).contains(value.count) else { throw StoreError(field: "ref", "must be 1 to 100 characters") }
        return value
    }

    /// The database's refusals are already sentences, a duplicate reference's naming the
    /// payment that holds it (0014). Only the client's unique index, reached when two sessions
    /// raced past the trigger's look, speaks of a constraint: it is said here without a look-up,
    /// which inside a bank import would run in the failed savepoint.
    static func explain(_ error: PostgresError, ref: String?, client: String) -> any Error {
        guard error.constraint == "payment_tenant_id_external_ref_key", error.column == nil, let ref else { return error }
        return StoreError(field: "external_ref", "\(ref) is already recorded for client \(client); the same bank reference is never counted twice")
    }

    static func record(_ row: Row) throws -> PaymentRecord {
        let caseNumber: String = try row.decode("case_number")
        func reference(_ column: String) throws -> PaymentReference? {
            try row.decodeIfPresent(column, as: Int32.self).map { PaymentReference(caseNumber: caseNumber, number: $0) }
        }
        return PaymentRecord(
            id: try row.decode("id"), reference: PaymentReference(caseNumber: caseNumber, number: try row.decode("number")),
            caseNumber: caseNumber, client: try row.decode("client"),
            debtorName: try row.decode("debtor_name"), amount: try row.decode("amount"), currency: try row.decode("currency"),
            paidOn: try row.decode("paid_on"), channel: try row.decode("channel"), method: try row.decode("method"),
            externalRef: try row.decodeIfPresent("external_ref"), reverses: try reference("reverses"),
            reversedBy: try reference("reversed_by"), reason: try row.decodeIfPresent("reason"),
            stage: try row.decode("stage"), rate: BasisPoints(try row.decode("fee_bp")), fee: try row.decode("fee"),
            feeNote: try row.decodeIfPresent("fee_note"), contractVersion: try row.decode("contract_version"),
            billedOn: try row.decodeIfPresent("billed_on"), recordedBy: try row.decode("created_by"))
    }
}

extension Session {
    public var payments: Payments { Payments(session: self) }
}
