import CobranzaCore
import CobranzaShell
import Testing

/// Values are converted at the edge, as argument-parser's ExpressibleByArgument does: a bad one
/// is refused naming its flag before anything reaches the store, and a good one arrives typed.
@Suite("Typed values at the edge")
struct TypedValueTests {
    let parser = CommandParser()

    @Test func goodValuesArriveTyped() throws {
        let payment = try #require(try parser.parse("payment record C-2026-000001 300.000 --date 02/03/2026 --channel DIRECT"))
        #expect(payment.date("date") == CalendarDate(year: 2026, month: 3, day: 2))
        #expect(payment.amount("AMOUNT")?.text == "300.000")
        #expect(payment.choice("channel", as: PaymentChannel.self) == .direct)
        let contract = try #require(try parser.parse("client contract set ACME --vat 12,5 --posting-notice 20"))
        #expect(contract.percent("vat") == BasisPoints(1_250))
        #expect(contract.count("posting-notice") == 20)
        #expect(try parser.parse("statement --period 2026-03")?.month("period") == CalendarMonth(year: 2026, month: 3))
        #expect(try parser.parse("payment show c-2026-000001/42")?.paymentReference("PAYMENT")
                == PaymentReference(caseNumber: "C-2026-000001", number: 42))
        #expect(try parser.parse("case list")?.count("limit") == nil)
    }

    /// A choice is matched whatever the case the user typed, including enums whose raw values are
    /// upper case (country codes): lower-casing alone turned "CL" into nil.
    @Test func choicesMatchWhateverTheCase() throws {
        for typed in ["CL", "cl", "Cl"] {
            let client = try #require(try parser.parse("client add ACME --name Acme --tax-id 76.123.456-0 --country \(typed)"))
            #expect(client.choice("country", as: Country.self) == .chile, "\(typed)")
        }
        let payment = try #require(try parser.parse("payment record C-1 300 --channel Direct"))
        #expect(payment.choice("channel", as: PaymentChannel.self) == .direct)
    }

    @Test(arguments: [
        ("payment record C-1 300 --date 2026-02-30", "--date: \"2026-02-30\" is not a date (2026-03-31 or 31/03/2026)"),
        ("statement --period 2026-3", "--period: \"2026-3\" is not a month (write YYYY-MM)"),
        ("fee invoice issue --all --period march", "--period: \"march\" is not a month (write YYYY-MM)"),
        ("client contract set ACME --vat abc", "--vat: \"abc\" is not a percentage (write 15 or 12,5)"),
        ("client contract set ACME --posting-notice 400", "--posting-notice: must be a number of days from 0 to 365"),
        ("case list --limit 0", "--limit: must be a number from 1 to 10000"),
        ("payment show x1", "PAYMENT: \"x1\" is not a payment: write its case and its number in the case (C-2026-000123/2)"),
        // A bare number, the internal id people typed before 0030, names no case's payment.
        ("payment reverse 42 --reason x", "PAYMENT: \"42\" is not a payment: write its case and its number in the case (C-2026-000123/2)"),
        ("payment record C-1 abc", "AMOUNT: \"abc\" is not an amount"),
        ("agreement create C-1 --instalments 121 --first-due 2026-05-01", "--instalments: must be a number of instalments from 1 to 120"),
    ])
    func badValuesAreRefusedNamingTheFlag(_ line: String, _ message: String) {
        #expect(throws: UsageError(message)) { try parser.parse(line) }
    }
}
