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
}
