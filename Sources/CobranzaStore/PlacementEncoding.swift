import CobranzaCore
import Foundation

/// A batch of a placement file's records validated and written in COPY text format: the
/// client's whole share of an import, and its largest cost. The client was the slower side of
/// the COPY (2.8 s of a million rows against the server's 1.2 s) and used one of the two cores;
/// a batch worth it is split in two and encoded on two threads, and the halves are taken in
/// order, so the rows, refusals and warnings come out as one thread would give them. Pure: no
/// I/O, so the tests can hold the halves to the whole.
struct PlacementEncoding: Sendable {
    var bytes: [UInt8] = []
    var rows = 0
    /// The rows refused, in order, each with every problem found in it.
    var refused: [(line: Int, problems: [PlacementProblem])] = []
    var warningCount = 0
    /// The batch's first warnings (prescription risk), as many as an import shows.
    var warnings: [String] = []

    static let warningsShown = 20
    /// Below this, a second thread costs more than it saves.
    static let parallelThreshold = 512

    static func encode(_ records: ArraySlice<CSVReader.Record>, header: PlacementHeader, context: PlacementContext) -> PlacementEncoding {
        var encoded = PlacementEncoding()
        encoded.bytes.reserveCapacity(records.count * 96)
        for record in records {
            encoded.rows += 1
            switch PlacementRow.validate(record, header: header, context: context) {
            case .success(let row):
                if row.isAtRiskOfPrescription(country: context.country, today: context.today) {
                    encoded.warningCount += 1
                    if encoded.warnings.count < warningsShown,
                       let warning = row.prescriptionWarning(country: context.country, today: context.today) {
                        encoded.warnings.append(warning)
                    }
                }
                CopyText.append(row, to: &encoded.bytes)
            case .failure(let list):
                encoded.refused.append((record.line, list.problems))
            }
        }
        return encoded
    }

    /// The batch in order: one part, or two encoded at once.
    static func encodeSplitting(_ records: ArraySlice<CSVReader.Record>, header: PlacementHeader,
                                context: PlacementContext) -> [PlacementEncoding] {
        guard records.count >= parallelThreshold else { return [encode(records, header: header, context: context)] }
        let middle = records.startIndex + records.count / 2
        let halves = [records[..<middle], records[middle...]]
        let parts = Parts(count: halves.count)
        DispatchQueue.concurrentPerform(iterations: halves.count) { index in
            parts.set(index, encode(halves[index], header: header, context: context))
        }
        return parts.values
    }

    /// The halves' results, each written by its own thread into its own slot.
    private final class Parts: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [PlacementEncoding?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: PlacementEncoding) { lock.withLock { slots[index] = value } }
        var values: [PlacementEncoding] { lock.withLock { slots.map { $0! } } }
    }
}
