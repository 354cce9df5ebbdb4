import CobranzaCore
import CobranzaShell
import Testing
import TestSupport

/// "No crash on any input": every pure parser gets random and hostile text. A crash fails the
/// whole run; each call must return a value or a typed error.
@Suite("No crash on any input")
struct NoCrashTests {
    static let alphabet: [Character] = Array("0123456789.,;:-/\\'\"$% \t\nabcKXZñÑ&{}[]=\u{FEFF}é😀") + ["--", "client", "add", "999999999999999999999"].flatMap { Array($0) }
    static let hostile = ["", " ", "'", "\"", "\\", "--", "--=", "--name=", "client add --name", "\\c", "\\x maybe maybe",
                          "99999999999999999999", "1.", ".1", ",,,", "-0", "$", "UF", "0000-00-00", "31/02/2026",
                          "9/9/99999", "K", "-K", "GODE561231GR", "ÑÑÑ010101AAA", "\u{0}", String(repeating: "9", count: 400)]

    @Test func pureParsersNeverCrash() {
        var rng = SplitMix(state: 2026)
        let parser = CommandParser()
        let header = try! PlacementHeader(PlacementHeader.required + ["currency"])
        let context = PlacementContext(country: .chile, defaultCurrency: "CLP", currencies: Currency.known,
                                       today: CalendarDate(year: 2026, month: 3, day: 16)!)
        var outcomes = 0
        for round in 0..<4_000 {
            let text = round < Self.hostile.count ? Self.hostile[round]
                : String((0..<Int.random(in: 0...40, using: &rng)).map { _ in Self.alphabet.randomElement(using: &rng)! })
            _ = try? Tokenizer.tokenize(text)
            _ = try? parser.parse(text)
            _ = try? parser.parse("client add " + text)
            _ = try? parser.parse("case list --min-amount " + text)
            _ = try? MetaCommand.parse("\\" + text)
            for country in Country.allCases { _ = TaxID.parse(text, country: country) }
            for currency in Currency.known.values { _ = AmountParser.parse(text, currency: currency) }
            _ = CalendarDate(parsing: text)
            _ = BasisPoints(percent: text)
            var reader = CSVReader()
            let records = ((try? reader.feed(Array(text.utf8))) ?? []) + ((try? reader.finish()) ?? [])
            for record in records {
                _ = PlacementRow.validate(record, header: header, context: context)
            }
            let fields = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            _ = PlacementRow.validate(.init(line: 2, fields: fields), header: header, context: context)
            outcomes += 1
        }
        #expect(outcomes == 4_000)
    }
}
