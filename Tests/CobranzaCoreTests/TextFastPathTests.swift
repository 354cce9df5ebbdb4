@testable import CobranzaCore
import Testing

/// The byte-level shortcuts a million-row placement takes (issue 20, item 3) decide exactly as
/// the careful character-by-character readings they skip: trimming spaces, finding a control
/// character, and a column's length limit, over random text built from the characters that
/// matter (spaces, tabs, no-break spaces, C0 and C1 controls, DEL, accents, combining marks).
@Suite("Text fast paths")
struct TextFastPathTests {
    static let alphabet: [String] = ["a", "Z", "7", " ", "\t", "\u{00A0}", "\u{1B}", "\n", "\r", "\u{7F}", "\u{85}", "\u{9B}",
                                     "\u{A0}x", "é", "e\u{301}", " \u{301}", "ñ", "€", "\u{C2}", "😀", ","]

    static func randomText(_ generator: inout some RandomNumberGenerator) -> String {
        let count = Int.random(in: 0...6, using: &generator)
        return (0..<count).map { _ in alphabet.randomElement(using: &generator)! }.joined()
    }

    /// The reading before the shortcut.
    static func carefulTrim(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars.removeLast() }
        return String(scalars)
    }

    static func carefulFirstControl(_ text: String, allowingLineBreaks: Bool) -> (Unicode.Scalar, Int)? {
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            guard ControlCharacters.isControl(scalar) else { continue }
            if allowingLineBreaks && (scalar == "\n" || scalar == "\t") { continue }
            return (scalar, position)
        }
        return nil
    }

    @Test func trimmingAndControlCharactersAgreeWithTheCarefulReading() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let text = Self.randomText(&generator)
            #expect(text.trimmingSpaces() == Self.carefulTrim(text), "\(text.unicodeScalars.map(\.value))")
            for breaks in [false, true] {
                let fast = ControlCharacters.first(in: text, allowingLineBreaks: breaks)
                let careful = Self.carefulFirstControl(text, allowingLineBreaks: breaks)
                #expect(fast?.scalar == careful?.0 && fast?.position == careful?.1, "\(text.unicodeScalars.map(\.value))")
            }
        }
    }

    @Test func aColumnLongerInBytesThanItsLimitIsMeasuredInCharacters() throws {
        let header = try PlacementHeader(["debtor_tax_id", "debtor_name", "number", "issued", "due", "amount"])
        let context = PlacementContext(country: .chile, defaultCurrency: "CLP", currencies: Currency.known,
                                       today: CalendarDate(year: 2026, month: 6, day: 1)!)
        func nameProblems(_ name: String) -> [String] {
            let record = CSVReader.Record(line: 2, fields: ["76.123.456-0", name, "F-1", "01/01/2026", "31/01/2026", "1.000"])
            switch PlacementRow.validate(record, header: header, context: context) {
            case .success: return []
            case .failure(let list): return list.problems.filter { $0.column == "debtor_name" }.map(\.rule)
            }
        }
        // 200 characters of two bytes each: 400 bytes, within the limit of 200 characters.
        #expect(nameProblems(String(repeating: "ñ", count: 200)) == [])
        #expect(nameProblems(String(repeating: "ñ", count: 201)) == ["longer than 200 characters"])
        #expect(nameProblems(String(repeating: "n", count: 201)) == ["longer than 200 characters"])
    }
}
