@testable import CobranzaCore
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    func read(_ text: String, chunk: Int = 7) throws -> [CSVReader.Record] {
        var reader = CSVReader()
        var records: [CSVReader.Record] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            records += try reader.feed(bytes[offset..<min(offset + chunk, bytes.count)])
            offset += chunk
        }
        return records + (try reader.finish())
    }

    @Test func rfc4180QuotingAcrossChunks() throws {
        let records = try read("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\"multi\nline\",,z")
        #expect(records == [
            .init(line: 1, fields: ["a", "b", "c"]),
            .init(line: 2, fields: ["1", "x, \"y\"", "3"]),
            .init(line: 3, fields: ["multi\nline", "", "z"]),
        ])
    }

    @Test(arguments: [1, 2, 3, 64])
    func byteOrderMarkAndSemicolonsAreDetected(chunk: Int) throws {
        let records = try read("\u{FEFF}numero;monto\n1;1.234,50\n\n2;7\n", chunk: chunk)
        #expect(records.map(\.fields) == [["numero", "monto"], ["1", "1.234,50"], ["2", "7"]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    /// Found by the fuzzer (Fuzz/regressions/csv/empty-first-chunk): an empty first chunk
    /// ended the search for the byte-order mark, which then became part of the first column's
    /// name (`\u{FEFF}numero`, an unknown column) and shifted the byte positions of errors.
    @Test func byteOrderMarkIsFoundAfterAnEmptyChunk() throws {
        var reader = CSVReader()
        var records = try reader.feed([UInt8]())
        records += try reader.feed(Array("\u{FEFF}numero;monto\n1;2\n".utf8))
        records += try reader.finish()
        #expect(records.map(\.fields) == [["numero", "monto"], ["1", "2"]])

        var refusing = CSVReader()
        #expect(throws: CSVReader.Failure(line: 1, message: "not valid UTF-8 at byte 2 (0xFD) of the line (save the file as UTF-8)")) {
            _ = try refusing.feed([UInt8]())
            _ = try refusing.feed([0xEF, 0xBB, 0xBF, 0x68, 0xFD, 0x0A])
        }
    }

    /// Found by the fuzzer (Fuzz/regressions/csv/header-ends-at-cr): the delimiter was counted
    /// up to the first LF even when a CR ended the header line before it, so a file whose lines
    /// end in CR was read with the second line's delimiter, and differently when it arrived in
    /// chunks.
    @Test(arguments: [1, 3, 64])
    func theHeaderLineEndsAtItsFirstLineBreak(chunk: Int) throws {
        let records = try read("a;b\rc,d,e\n", chunk: chunk)
        #expect(records.map(\.fields) == [["a", "b"], ["c,d,e"]])
    }

    @Test func linesAreCountedThroughQuotedNewlines() throws {
        let records = try read("h\n\"a\nb\"\nc\n")
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func malformedQuotingNamesTheLine() {
        #expect(throws: CSVReader.Failure(line: 2, message: "a quoted field is never closed")) { try read("h\n\"open\n") }
        #expect(throws: CSVReader.Failure(line: 2, message: "unexpected character after a closing quote")) { try read("h\n\"a\"b\n") }
    }

    /// The reader takes runs of plain bytes whole: it reads the same records, and refuses with
    /// the same line and byte, as when it consumes every byte alone, whatever the chunks, on
    /// random files of the bytes that matter (delimiters, quotes, CR, LF, UTF-8 and bytes that
    /// are not).
    @Test func runsAreReadAsByteByByte() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [[UInt8]] = [[97], [98], [49], [32], [44], [59], [34], [10], [13], [0xC3, 0xA9], [0xFF], [0xC3]]
        func outcome(_ bytes: [UInt8], chunk: Int, runs: Bool = true) -> Result<[CSVReader.Record], CSVReader.Failure> {
            var reader = CSVReader()
            reader.readsRunsWhole = runs
            do throws(CSVReader.Failure) {
                var records: [CSVReader.Record] = []
                var offset = 0
                while offset < bytes.count {
                    records += try reader.feed(bytes[offset..<min(offset + chunk, bytes.count)])
                    offset += chunk
                }
                return .success(records + (try reader.finish()))
            } catch {
                return .failure(error)
            }
        }
        for _ in 0..<600 {
            var bytes = Array("a,b\n".utf8)
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                // Plain letters most of the time, so runs form.
                bytes += Bool.random(using: &generator) ? [97, 98, 99] : alphabet.randomElement(using: &generator)!
            }
            let byteByByte = outcome(bytes, chunk: bytes.count, runs: false)
            for chunk in [bytes.count, 5, 1] {
                #expect(outcome(bytes, chunk: chunk) == byteByByte, "\(bytes)")
            }
        }
    }
}

@Suite("Amounts and dates")
struct AmountAndDateTests {
    @Test(arguments: [
        ("1.000.001", Currency.clp, Int64(1_000_001)), ("1000001", .clp, 1_000_001), ("$ 1.000.001", .clp, 1_000_001),
        ("1,000,001", .clp, 1_000_001),
        ("1.234.567,89", .cop, 123_456_789), ("1234567,8", .cop, 123_456_780), ("1234567.89", .cop, 123_456_789),
        ("1.234", .cop, 123_400), ("12,5", .cop, 1250), ("12,345", .cop, 1_234_500),
        ("1,234,567.89", .mxn, 123_456_789), ("1,234", .mxn, 123_400), ("0.05", .mxn, 5),
        ("12,3456", .clf, 123_456), ("12,345", .clf, 123_450),
    ])
    func readsEachCountrysConvention(_ text: String, _ currency: Currency, _ minor: Int64) {
        #expect(AmountParser.parse(text, currency: currency) == .success(minor))
    }

    @Test(arguments: [
        ("", Currency.clp, AmountParser.Problem.empty), ("-5", .clp, .notPositive), ("0", .clp, .notPositive),
        ("1.000,5", .clp, .tooManyDecimals(currency: "CLP", allowed: 0)),
        ("1.23.456", .clp, .badGrouping("1.23.456")), ("abc", .clp, .notANumber("abc")), ("1,5.3", .mxn, .badGrouping("1,5.3")),
        ("99999999999999999999", .clp, .tooLarge("$1.000.000.000.000.000")),
        ("1.000.000.000.000.001", .clp, .tooLarge("$1.000.000.000.000.000")),
    ])
    func refusesWhatItCannotReadUnambiguously(_ text: String, _ currency: Currency, _ problem: AmountParser.Problem) {
        #expect(AmountParser.parse(text, currency: currency) == .failure(problem))
    }

    /// The byte-level fast path reads exactly what the general parser reads, on random strings
    /// of digits and marks in every currency.
    @Test func groupedDigitsAgreesWithTheGeneralParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.,")
        for currency in [Currency.clp, .clf, .cop, .mxn] {
            for _ in 0..<20_000 {
                let length = Int.random(in: 0...22, using: &generator)
                let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                if let fast = AmountParser.groupedDigits(text, currency: currency) {
                    #expect(AmountParser.parseGeneral(text, currency: currency) == .success(fast), "\(text) \(currency.code)")
                }
            }
            // And on amounts written the way the currency's country groups them.
            let mark = AmountParser.decimalMark(for: currency.code) == "," ? "." : ","
            for _ in 0..<2_000 {
                // Within the largest amount accepted (10^15 minor units: 10^11 UF).
                var scale: Int64 = 1
                for _ in 0..<currency.exponent { scale *= 10 }
                var digits = String(Int64.random(in: 1...min(999_999_999_999, Money.largestAmount / scale), using: &generator))
                var grouped = ""
                while digits.count > 3 {
                    grouped = mark + digits.suffix(3) + grouped
                    digits.removeLast(3)
                }
                grouped = digits + grouped
                let fast = AmountParser.groupedDigits(grouped, currency: currency)
                #expect(fast != nil && AmountParser.parseGeneral(grouped, currency: currency) == .success(fast!), "\(grouped)")
            }
        }
        #expect(AmountParser.groupedDigits("2.317.113", currency: .clp) == 2_317_113)
        #expect(AmountParser.groupedDigits("2,317,113", currency: .mxn) == 231_711_300)
        #expect(AmountParser.groupedDigits("1234", currency: .cop) == 123_400)
    }

    @Test func datesInBothSpellings() {
        #expect(CalendarDate(parsing: "2026-03-15") == CalendarDate(year: 2026, month: 3, day: 15))
        #expect(CalendarDate(parsing: "15/03/2026") == CalendarDate(year: 2026, month: 3, day: 15))
        #expect(CalendarDate(parsing: "5-3-2026") == CalendarDate(year: 2026, month: 3, day: 5))
        #expect(CalendarDate(parsing: "2026-02-29") == nil)
        #expect(CalendarDate(parsing: "2024-02-29") != nil)
        #expect(CalendarDate(parsing: "03/15/2026") == nil)
        #expect(CalendarDate(parsing: "yesterday") == nil)
        // Regression: an overlong digit run used to overflow Int and crash the import.
        #expect(CalendarDate(parsing: "15/03/99999999999999999999") == nil)
        #expect(CalendarDate(parsing: "99999999999999999999-01-01") == nil)
        // Spaces, tabs and no-break spaces around the date are ignored; inside it, never.
        #expect(CalendarDate(parsing: "\u{00A0}\t 15/03/2026 \u{00A0}") == CalendarDate(year: 2026, month: 3, day: 15))
        for bad in ["", " ", "15/03", "15/03/2026/1", "15//2026", "15/03-2026", "2026-03-15x", "15 /03/2026", "１5/03/2026",
                    "15/03/\u{00A0}", "123/03/2026", "12345-03-15"] {
            #expect(CalendarDate(parsing: bad) == nil, "\(bad)")
        }
        #expect(CalendarDate(year: 9999, month: 2, day: 28)!.adding(years: 5).description == "9999-02-28")
    }

    @Test func dayArithmetic() {
        let start = CalendarDate(year: 2024, month: 2, day: 28)!
        #expect(start.adding(days: 1).description == "2024-02-29")
        #expect(start.adding(days: 2).description == "2024-03-01")
        #expect(CalendarDate(year: 2026, month: 3, day: 16)!.days(since: CalendarDate(year: 2025, month: 12, day: 31)!) == 75)
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(CalendarDate(year: 2024, month: 2, day: 29)!.adding(years: 1).description == "2025-02-28")
        for offset in stride(from: -40_000, through: 40_000, by: 997) {
            let date = CalendarDate(year: 2000, month: 1, day: 1)!.adding(days: offset)
            #expect(date.days(since: CalendarDate(year: 2000, month: 1, day: 1)!) == offset)
        }
    }
}

@Suite("Placement rows")
struct PlacementTests {
    let context = PlacementContext(
        country: .chile, defaultCurrency: "CLP", currencies: Currency.known,
        today: CalendarDate(year: 2026, month: 3, day: 16)!)
    let header = try! PlacementHeader(["debtor_tax_id", "debtor_name", "number", "issued", "due", "amount", "currency"])

    func row(_ fields: [String], line: Int = 2) -> Result<PlacementRow, PlacementProblemList> {
        PlacementRow.validate(.init(line: line, fields: fields), header: header, context: context)
    }

    @Test func aGoodRowIsNormalized() throws {
        let valid = try row(["96.543.210-8", " Ferretería Sur ", "F-100", "01/12/2025", "2026-01-31", "1.190.000", ""]).get()
        #expect(valid.debtorTaxID.normalized == "96543210-8")
        #expect(valid.debtorName == "Ferretería Sur")
        #expect(valid.amount == 1_190_000)
        #expect(valid.currency == "CLP")
        #expect(valid.due.description == "2026-01-31")
        #expect(valid.prescriptionWarning(country: .chile, today: context.today) == nil)
    }

    @Test func everyProblemOfARowIsReportedWithLineAndColumn() {
        guard case .failure(let list) = row(["96.543.210-1", "", "F-1", "2026-04-01", "2026-05-01", "12,5", "CLP"], line: 7) else {
            Issue.record("row should be refused")
            return
        }
        #expect(list.problems == [
            PlacementProblem(line: 7, column: "debtor_tax_id", rule: "check digit does not match (expected 8)"),
            PlacementProblem(line: 7, column: "debtor_name", rule: "is required"),
            PlacementProblem(line: 7, column: "due", rule: "2026-05-01 is not yet due and the contract admits only invoices already due"),
            PlacementProblem(line: 7, column: "amount", rule: "CLP has no decimals"),
        ])
    }

    /// Pre-collection: a contract's pre_due_days admits invoices due within that many days, the
    /// last day included, and the refusal names the window.
    @Test func aContractsPreDueDaysAdmitInvoicesDueWithinThem() throws {
        var ahead = context
        ahead.preDueDays = 5
        let fields = ["96.543.210-8", "X", "F-1", "2026-03-01", "2026-03-21", "10", ""]
        #expect(try PlacementRow.validate(.init(line: 2, fields: fields), header: header, context: ahead).get().due.description == "2026-03-21")
        var late = fields
        late[4] = "2026-03-22"
        guard case .failure(let list) = PlacementRow.validate(.init(line: 2, fields: late), header: header, context: ahead) else {
            Issue.record("a due date past the window should be refused")
            return
        }
        #expect(list.problems == [PlacementProblem(line: 2, column: "due", rule: "2026-03-22 is not yet due and the contract admits invoices due within 5 days")])
        ahead.preDueDays = 1
        #expect(ahead.notYetDueProblem(CalendarDate(year: 2026, month: 3, day: 18)!) == "2026-03-18 is not yet due and the contract admits invoices due within 1 day")
        #expect(ahead.notYetDueProblem(CalendarDate(year: 2026, month: 3, day: 17)!) == nil)
    }

    @Test func issuedAfterDueAndUnknownCurrency() {
        guard case .failure(let list) = row(["96.543.210-8", "X", "F-1", "2026-02-01", "2026-01-01", "10", "ARS"]) else {
            Issue.record("row should be refused")
            return
        }
        #expect(list.problems.map(\.column) == ["issued", "currency"])
    }

    @Test func oldChileanInvoicesAreFlagged() throws {
        let old = try row(["96.543.210-8", "X", "F-1", "2024-01-01", "2025-03-15", "10", ""]).get()
        #expect(old.prescriptionWarning(country: .chile, today: context.today) == "line 2: invoice F-1 is more than one year past due (2025-03-15); at risk of prescription")
        #expect(old.prescriptionWarning(country: .mexico, today: context.today) == nil)
    }

    @Test func headerProblems() {
        #expect(throws: PlacementProblemList.self) { try PlacementHeader(["debtor_tax_id", "monto"]) }
        let problems = (try? PlacementHeader(["debtor_tax_id", "debtor_name", "number", "issued", "due"])) == nil
        #expect(problems)
    }
}

@Suite("Placement header positions")
struct PlacementHeaderPositionTests {
    /// `validate` finds fields by `Column`, not by name: each column must be the header's column
    /// of that name, wherever the file puts it, and absent when the file has no such column.
    @Test func everyKnownColumnIsFoundWhereTheHeaderPutsIt() throws {
        let names = PlacementHeader.required + PlacementHeader.optional
        #expect(PlacementHeader.Column.allCases.map(\.name) == names)
        let header = try PlacementHeader(names.reversed())
        for column in PlacementHeader.Column.allCases {
            #expect(header.position(column) == names.count - 1 - column.rawValue, "\(column)")
        }
        let required = try PlacementHeader(["amount", "due", "issued", "number", "debtor_name", "debtor_tax_id"])
        #expect(required.position(.amount) == 0 && required.position(.debtorTaxID) == 5)
        #expect(required.position(.note) == nil && required.position(.currency) == nil)
    }
}
