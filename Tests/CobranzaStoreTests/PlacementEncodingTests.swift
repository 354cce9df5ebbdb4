import CobranzaCore
@testable import CobranzaStore
import TestSupport
import Testing

/// A batch large enough is encoded in two halves on two threads: taken in order, the halves
/// give the same COPY text, rows, refusals (each with its line and problems) and warnings as
/// the batch encoded whole on one thread.
@Suite("Placement encoding")
struct PlacementEncodingTests {
    let context = PlacementContext(country: .chile, defaultCurrency: "CLP", currencies: Currency.known,
                                   today: CalendarDate(year: 2026, month: 3, day: 16)!)
    let header = try! PlacementHeader(["debtor_tax_id", "debtor_name", "number", "issued", "due", "amount"])

    @Test func theHalvesAreTheWhole() throws {
        let records = (0..<3_001).map { index -> CSVReader.Record in
            let line = index + 2
            // Every seventh row refused (an amount that is no number, or a tax id whose check
            // digit is wrong), every third one more than a year past due (a warning).
            let amount = index % 7 == 0 ? "mil" : "1.\(index % 1000)"
            let taxID = index % 14 == 3 ? "12.345.678-0" : TestCluster.randomRUT()
            let due = index % 3 == 0 ? "15/01/2024" : "15/01/2026"
            return CSVReader.Record(line: line, fields: [taxID, "Deudor \(index)", "F-\(index)", "01/01/2024", due, amount])
        }
        let whole = PlacementEncoding.encode(records[...], header: header, context: context)
        let parts = PlacementEncoding.encodeSplitting(records[...], header: header, context: context)
        #expect(parts.count == 2)
        #expect(parts.flatMap(\.bytes) == whole.bytes)
        #expect(parts.map(\.rows).reduce(0, +) == whole.rows)
        #expect(parts.flatMap { $0.refused.map(\.line) } == whole.refused.map(\.line))
        #expect(parts.flatMap { $0.refused.map(\.problems) } == whole.refused.map(\.problems))
        #expect(parts.map(\.warningCount).reduce(0, +) == whole.warningCount)
        #expect(Array(parts.flatMap(\.warnings).prefix(PlacementEncoding.warningsShown)) == whole.warnings)
        // What the batch holds, so the comparison is of something.
        #expect(whole.rows == 3_001)
        #expect(whole.refused.count > 400)
        #expect(whole.warningCount > 600)
        #expect(whole.warnings.count == PlacementEncoding.warningsShown)
        // A small batch is one part.
        #expect(PlacementEncoding.encodeSplitting(records[..<100], header: header, context: context).count == 1)
    }
}
