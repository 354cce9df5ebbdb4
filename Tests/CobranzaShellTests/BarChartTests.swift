import CobranzaShell
import Testing

/// The chart under `report aging`: pure lines from rows, a width and a character set.
@Suite("Bar charts")
struct BarChartTests {
    // Labels 2 wide, " │ ", captions 1 wide and the space before them: 40 - 2 - 3 - 1 - 1 = 33
    // characters of room, 264 eighths for the largest bar.
    let bars = [BarChart.Bar("a", 8, caption: "8"), BarChart.Bar("bb", 4, caption: "4"),
                BarChart.Bar("c", 0, caption: "0"), BarChart.Bar("d", 1, caption: "1")]

    @Test func unicodeBarsInEighths() {
        let full = { (n: Int) in String(repeating: "█", count: n) }
        let blank = { (n: Int) in String(repeating: " ", count: n) }
        #expect(BarChart.lines(bars, style: .init(width: 40, unicode: true)) == [
            "a  │ " + full(33) + " 8",
            // 4/8 of 264 eighths = 132: 16 blocks and a half block.
            "bb │ " + full(16) + "▌" + blank(16) + " 4",
            "c  │ " + blank(33) + " 0",
            // 1/8 of 264 = 33 eighths: 4 blocks and one eighth.
            "d  │ " + full(4) + "▏" + blank(28) + " 1",
        ])
    }

    @Test func asciiWhenTheTerminalIsNotUnicode() {
        let lines = BarChart.lines(bars + [BarChart.Bar("e", 0, caption: "")], style: .init(width: 40, unicode: false))
        #expect(lines[0] == "a  | " + String(repeating: "#", count: 33) + " 8")
        #expect(lines[1].hasPrefix("bb | " + String(repeating: "#", count: 17) + " "))
        #expect(lines[3].hasPrefix("d  | #### "))
        #expect(lines[4] == "e  |")
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }

    @Test func aTinyValueStillShowsAndNothingOverflows() {
        let lines = BarChart.lines([BarChart.Bar("big", .max, caption: "max"), BarChart.Bar("one", 1, caption: "1")],
                                   style: .init(width: 30, unicode: true))
        #expect(lines[1].hasPrefix("one │ ▏"))
        #expect(lines[0].hasPrefix("big │ " + String(repeating: "█", count: 30 - 3 - 3 - 1 - 3)))
    }

    @Test func fitsTheWidthAndNeverShrinksBelowTenCharacters() {
        for width in [20, 40, 80, 132, 200] {
            for line in BarChart.lines(bars, style: .init(width: width, unicode: true)) {
                #expect(line.count <= max(width, 2 + 3 + 10 + 1 + 1))
            }
        }
        #expect(BarChart.lines(bars, style: .init(width: 5, unicode: true))[0] == "a  │ " + String(repeating: "█", count: 10) + " 8")
        #expect(BarChart.lines([], style: .init()) == [])
    }

    @Test func styleFromTheEnvironment() {
        #expect(BarChart.Style.current(environment: ["COLUMNS": "100", "LANG": "C"]) == .init(width: 100, unicode: false))
        #expect(BarChart.Style.current(environment: ["COLUMNS": "64", "LANG": "es_CL.UTF-8"]) == .init(width: 64, unicode: true))
        // LC_ALL wins over LANG, as the C library reads them; an empty one does not count.
        #expect(BarChart.Style.current(environment: ["COLUMNS": "64", "LC_ALL": "C", "LANG": "C.UTF-8"]).unicode == false)
        #expect(BarChart.Style.current(environment: ["COLUMNS": "64", "LC_ALL": "", "LANG": "C.utf8"]).unicode == true)
        #expect(BarChart.Style.current(environment: ["COLUMNS": "x"]).width >= 1)
    }

    @Test func onlyAlignedOutputDrawsTheChart() {
        let table = ResultTable(columns: [.init("bucket"), .init("amount", .number)], rows: [["a", "8"]])
        let output = CommandOutput.sections([.init("Buckets", table), .chart("Chart", [BarChart.Bar("a", 8, caption: "8")])])
        let aligned = Renderer(chartStyle: .init(width: 20, unicode: false)).render(output)
        #expect(aligned.hasSuffix("\nChart\na | ############## 8\n"))
        for format in [OutputFormat.csv, .json] {
            let text = Renderer(format: format).render(output)
            #expect(!text.contains("Chart") && !text.contains("##") && text.contains("Buckets"), "\(format): \(text)")
        }
    }
}
