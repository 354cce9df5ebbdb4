import CobranzaCore
import CobranzaShell
import Testing

@Suite("Renderers")
struct RendererTests {
    let table = ResultTable(
        columns: [.init("code"), .init("name"), .init("users", .number), .init("active", .boolean)],
        rows: [["ACME", "Acme, \"the\" best", "12", "t"], ["ZZ", nil, "3", "f"]])

    @Test func alignedLikePsql() {
        #expect(Renderer().render(.table(table)) == """
             code |       name       | users | active
            ------+------------------+-------+--------
             ACME | Acme, "the" best |    12 | t
             ZZ   |                  |     3 | f
            (2 rows)

            """)
    }

    @Test func expanded() {
        #expect(Renderer(expanded: true).render(.table(table)) == """
            -[ RECORD 1 ]
            code   | ACME
            name   | Acme, "the" best
            users  | 12
            active | t
            -[ RECORD 2 ]
            code   | ZZ
            name   |
            users  | 3
            active | f

            """)
    }

    @Test func csvQuotesPerRFC4180() {
        #expect(Renderer(format: .csv).render(.table(table)) == """
            code,name,users,active
            ACME,"Acme, ""the"" best",12,t
            ZZ,,3,f

            """)
    }

    @Test func jsonKeepsTypesAndNulls() {
        #expect(Renderer(format: .json).render(.table(table)) == """
            [{"code":"ACME","name":"Acme, \\"the\\" best","users":12,"active":true},
             {"code":"ZZ","name":null,"users":3,"active":false}]

            """)
    }

    @Test func emptyAndMessages() {
        let empty = ResultTable(columns: [.init("code")], rows: [])
        #expect(Renderer().render(.table(empty)) == " code\n------\n(0 rows)\n")
        #expect(Renderer(format: .json).render(.table(empty)) == "[]\n")
        #expect(Renderer().render(.message("Done.")) == "Done.\n")
        #expect(Renderer().render(.nothing) == "")
    }

    @Test func moneyIsReadableForPeopleAndPlainForMachines() {
        let table = ResultTable(columns: [.init("invoice"), .init("total", .money)],
                                rows: [["F-1", "$1.234.567 CLP"], ["F-2", "-$1.234,56 COP"], ["F-3", "$1,234.56 MXN"],
                                       ["F-4", "UF 12,3456"], ["F-5", nil], ["F-6", "n/a"]])
        #expect(Renderer().render(.table(table)).contains(" F-1     | $1.234.567 CLP\n"))
        #expect(Renderer(format: .csv).render(.table(table)) == "invoice,total\nF-1,1234567\nF-2,-1234.56\nF-3,1234.56\nF-4,12.3456\nF-5,\nF-6,n/a\n")
        #expect(Renderer(format: .json).render(.table(table)).hasPrefix(#"[{"invoice":"F-1","total":1234567},"#))
        #expect(Renderer(format: .json).render(.table(table)).contains(#"{"invoice":"F-6","total":"n/a"}"#))
        for (minor, currency) in [(Int64(-5), Currency.cop), (0, .clp), (1_000_001, .clp), (123_456_789, .usd), (7, .clf)] {
            let shown = Money(minorUnits: minor, currency: currency).formatted + (currency == .clf ? "" : " \(currency.code)")
            var scale: Int64 = 1
            for _ in 0..<currency.exponent { scale *= 10 }
            let expected = currency.exponent == 0 ? String(minor)
                : (minor < 0 ? "-" : "") + String(abs(minor) / scale) + "." + String(String(abs(minor) % scale + scale).dropFirst())
            #expect(Renderer.plainAmount(shown) == expected, "\(shown)")
        }
    }

    /// Stored or echoed text never reaches the terminal as a control sequence: aligned and
    /// expanded output show controls as psql does (`\x1B`, `\r`, `\u009B`), one line per row,
    /// and widths count the escaped text, so the table stays aligned.
    /// Issue 16, item 4: a record's money fields (`statement`, `fee invoice show`) are plain
    /// numbers in csv and json like a money column's, while people still read them formatted.
    @Test func aRecordsMoneyFieldsArePlainForMachines() {
        let record = ResultTable(columns: [.init("field"), .init("value")],
                                 rows: [["currency", "COP"], ["total", "$2.000.000,00 COP"], ["note", "$5 COP is text here"]],
                                 valueKinds: [.text, .money, .text])
        #expect(Renderer(format: .csv).render(.table(record)) == "field,value\ncurrency,COP\ntotal,2000000.00\nnote,$5 COP is text here\n")
        #expect(Renderer(format: .json).render(.table(record)) == """
            [{"field":"currency","value":"COP"},
             {"field":"total","value":2000000.00},
             {"field":"note","value":"$5 COP is text here"}]

            """)
        #expect(Renderer().render(.table(record)).contains("$2.000.000,00 COP"))
    }

    @Test func controlCharactersAreEscapedAsPsqlDoes() {
        let hostile = ResultTable(columns: [.init("number"), .init("debtor")],
                                  rows: [["F-1\u{1B}]0;x\u{07}", "\u{1B}[31mRed"], ["F-2", "a\rb\u{9B}2J\u{7F}"], ["F-3", "two\nlines\ttab"]])
        #expect(Renderer().render(.table(hostile)) == [
            #"     number      |      debtor"#,
            #"-----------------+------------------"#,
            #" F-1\x1B]0;x\x07 | \x1B[31mRed"#,
            #" F-2             | a\rb\u009B2J\x7F"#,
            #" F-3             | two\nlines\ttab"#,
            "(3 rows)", "",
        ].joined(separator: "\n"))
        let expanded = Renderer(expanded: true).render(.table(hostile))
        #expect(expanded.contains(#"debtor | \x1B[31mRed"#), "\(expanded)")
        #expect(!expanded.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let message = Renderer().render(.message("Case opened for \u{1B}[31mRed\nnext line"))
        #expect(message == "Case opened for \\x1B[31mRed\nnext line\n")
        let json = Renderer(format: .json).render(.table(hostile))
        #expect(!json.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }, "\(json)")
    }
}
