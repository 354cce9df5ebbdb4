/// One invoice handed over for collection, validated field by field: the pure half of intake.
/// The database half (duplicates against what is already stored, known currencies, tenants)
/// runs set-wise in SQL over the whole file.
public struct PlacementRow: Equatable, Sendable {
    public var line: Int
    public var debtorTaxID: TaxID
    public var debtorName: String
    public var debtorKind: String
    public var debtorEmail: String?
    public var debtorPhone: String?
    public var debtorAddress: String?
    public var debtorCity: String?
    public var debtorRegion: String?
    public var number: String
    public var issued: CalendarDate
    public var due: CalendarDate
    public var amount: Int64
    public var currency: CurrencyCode
    public var note: String?
}

/// A rule a row breaks, named as a person fixing the file needs it: line, column, rule.
public struct PlacementProblem: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: String
    public var rule: String
    public init(line: Int, column: String, rule: String) {
        self.line = line
        self.column = column
        self.rule = rule
    }
    public var description: String { "line \(line), \(column): \(rule)" }
}

/// The documented placement file: a header row naming these columns, in any order.
public struct PlacementHeader: Sendable {
    public static let required = ["debtor_tax_id", "debtor_name", "number", "issued", "due", "amount"]
    public static let optional = ["currency", "debtor_kind", "debtor_email", "debtor_phone", "debtor_address",
                                  "debtor_city", "debtor_region", "note"]

    let index: [String: Int]
    /// The columns in the file's order, for checks that go over every column of every row.
    let ordered: [(name: String, position: Int)]
    /// Each known column's position in the file, by `Column`: a row's fields are found by
    /// position, not by hashing a column name for each field of each row (a tenth of the client's
    /// time in a million-row file).
    let positions: [Int?]

    /// The known columns, as `validate` asks for them.
    enum Column: Int, CaseIterable {
        case debtorTaxID, debtorName, number, issued, due, amount
        case currency, debtorKind, debtorEmail, debtorPhone, debtorAddress, debtorCity, debtorRegion, note
        /// The column's name in the file's header.
        var name: String { (PlacementHeader.required + PlacementHeader.optional)[rawValue] }
    }

    func position(_ column: Column) -> Int? { positions[column.rawValue] }

    /// Reads the header; unknown or missing columns are refused up front.
    public init(_ fields: [String]) throws(PlacementProblemList) {
        var index: [String: Int] = [:]
        var problems: [PlacementProblem] = []
        for (position, raw) in fields.enumerated() {
            let name = raw.trimmingSpaces().lowercased()
            if Self.required.contains(name) || Self.optional.contains(name) {
                if index[name] != nil { problems.append(.init(line: 1, column: name, rule: "column appears twice")) }
                index[name] = position
            } else if !name.isEmpty {
                problems.append(.init(line: 1, column: raw, rule: "unknown column (expected \((Self.required + Self.optional).joined(separator: ",")))"))
            }
        }
        for name in Self.required where index[name] == nil {
            problems.append(.init(line: 1, column: name, rule: "required column is missing"))
        }
        guard problems.isEmpty else { throw PlacementProblemList(problems: problems) }
        self.index = index
        ordered = index.sorted { $0.value < $1.value }.map { (name: $0.key, position: $0.value) }
        positions = Column.allCases.map { index[$0.name] }
    }
}

public struct PlacementProblemList: Error, Equatable, Sendable {
    public var problems: [PlacementProblem]
    public init(problems: [PlacementProblem]) { self.problems = problems }
}

/// What validation needs to know about the world: the client's country (debtors' tax ids follow
/// it), its default currency, the known currencies, today, and how many days ahead of their due
/// date the client's contract hands invoices over (`pre_due_days`, 0100).
public struct PlacementContext: Sendable {
    public var country: Country
    public var defaultCurrency: CurrencyCode
    public var currencies: [CurrencyCode: Currency]
    public var today: CalendarDate
    /// 0: only invoices already due; N: also invoices due within the next N days (pre-collection).
    public var preDueDays: Int

    public init(country: Country, defaultCurrency: CurrencyCode, currencies: [CurrencyCode: Currency], today: CalendarDate,
                preDueDays: Int = 0) {
        self.country = country
        self.defaultCurrency = defaultCurrency
        self.currencies = currencies
        self.today = today
        self.preDueDays = preDueDays
    }

    /// Why an invoice due `due` may not be placed today, or nil when it may: the rule the
    /// database's `invoice_overdue_check` words the same way.
    public func notYetDueProblem(_ due: CalendarDate) -> String? {
        guard due > today.adding(days: preDueDays) else { return nil }
        return "\(due) is not yet due and " + (preDueDays == 0
            ? "the contract admits only invoices already due"
            : "the contract admits invoices due within \(preDueDays) day\(preDueDays == 1 ? "" : "s")")
    }
}

extension PlacementRow {
    /// Chile's civil code lets a commercial invoice prescribe; a year past due is the agency's
    /// early warning.
    public func prescriptionWarning(country: Country, today: CalendarDate) -> String? {
        guard isAtRiskOfPrescription(country: country, today: today) else { return nil }
        return "line \(line): invoice \(number) is more than one year past due (\(due)); at risk of prescription"
    }

    /// Whether `prescriptionWarning` has something to say, without writing it: most rows of an
    /// old portfolio are at risk, and only the first few warnings are kept.
    public func isAtRiskOfPrescription(country: Country, today: CalendarDate) -> Bool {
        country == .chile && due.adding(years: 1) < today
    }

    /// The longest note an invoice may carry, as the database's check says (0016).
    public static let longestNote = 2000

    /// Validates one record against the header; returns every problem of the row, not just the first.
    public static func validate(_ record: CSVReader.Record, header: PlacementHeader, context: PlacementContext) -> Result<PlacementRow, PlacementProblemList> {
        var problems: [PlacementProblem] = []
        // Trim each field once; lookups below are by column name.
        let trimmed = record.fields.map { field -> String? in
            let text = field.trimmingSpaces()
            return text.isEmpty ? nil : text
        }
        func value(_ column: PlacementHeader.Column) -> String? {
            guard let position = header.position(column), position < trimmed.count else { return nil }
            return trimmed[position]
        }
        func problem(_ column: String, _ rule: String) { problems.append(.init(line: record.line, column: column, rule: rule)) }
        func limited(_ column: PlacementHeader.Column, max: Int) -> String? {
            guard let text = value(column) else { return nil }
            // No more bytes than the limit is no more characters either (counting characters walks
            // them all).
            if text.utf8.count > max, text.count > max { problem(column.name, "longer than \(max) characters") }
            return text
        }

        // Every column refuses control characters, as the database does (0016); a note may
        // span lines. Said here so the row is named by line and column.
        for (column, position) in header.ordered where position < trimmed.count {
            guard let text = trimmed[position],
                  let bad = ControlCharacters.first(in: text, allowingLineBreaks: column == "note") else { continue }
            problem(column, "control character \(ControlCharacters.name(bad.scalar)) at character \(bad.position) is not allowed")
        }

        var taxID: TaxID?
        if let text = value(.debtorTaxID) {
            switch TaxID.parse(text, country: context.country) {
            case .success(let id): taxID = id
            case .failure(let failure): problem("debtor_tax_id", failure.description)
            }
        } else {
            problem("debtor_tax_id", "is required")
        }
        let name = limited(.debtorName, max: 200)
        if name == nil { problem("debtor_name", "is required") }
        let kind = (value(.debtorKind) ?? "company").lowercased()
        if kind != "company" && kind != "person" { problem("debtor_kind", "must be company or person") }
        let email = limited(.debtorEmail, max: 254)
        if let email, !email.contains("@") { problem("debtor_email", "\"\(email)\" is not an email address") }
        let number = limited(.number, max: 40)
        if number == nil { problem("number", "is required") }

        func date(_ column: PlacementHeader.Column) -> CalendarDate? {
            guard let text = value(column) else { problem(column.name, "is required"); return nil }
            guard let date = CalendarDate(parsing: text) else {
                problem(column.name, "\"\(text)\" is not a date (write 2026-03-15 or 15/03/2026)")
                return nil
            }
            return date
        }
        let note = limited(.note, max: Self.longestNote)
        let issued = date(.issued)
        let due = date(.due)
        if let due, let rule = context.notYetDueProblem(due) { problem("due", rule) }
        if let issued, let due, issued > due { problem("issued", "\(issued) is after the due date \(due)") }

        var currency: Currency?
        let currencyText = value(.currency)
        let code = currencyText.map { CurrencyCode(rawValue: $0) } ?? context.defaultCurrency
        if let code, let known = context.currencies[code] {
            currency = known
        } else {
            problem("currency", "\"\(currencyText ?? "")\" is not a known currency (\(context.currencies.keys.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        var amount: Int64?
        if let currency {
            if let text = value(.amount) {
                switch AmountParser.parse(text, currency: currency) {
                case .success(let minor): amount = minor
                case .failure(let failure): problem("amount", failure.description)
                }
            } else {
                problem("amount", "is required")
            }
        }
        if record.fields.count > header.index.count, record.fields[header.index.count...].contains(where: { !$0.trimmingSpaces().isEmpty }) {
            problem("(end)", "more fields than the header has columns")
        }
        guard problems.isEmpty, let taxID, let name, let number, let issued, let due, let amount, let currency else {
            return .failure(PlacementProblemList(problems: problems))
        }
        return .success(PlacementRow(
            line: record.line, debtorTaxID: taxID, debtorName: name, debtorKind: kind, debtorEmail: email,
            debtorPhone: limited(.debtorPhone, max: 200), debtorAddress: limited(.debtorAddress, max: 200),
            debtorCity: limited(.debtorCity, max: 200), debtorRegion: limited(.debtorRegion, max: 200),
            number: number, issued: issued, due: due, amount: amount, currency: currency.code, note: note))
    }
}
