import Foundation
import Postgres
import Testing
import TestSupport

/// Connections and results own C memory; a leak shows as resident memory that grows with the
/// number of cycles. 10,000 open/query/close cycles must leave it flat.
@Suite("No leaks")
struct LeakTests {
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    static func cycle(_ parameters: [(keyword: String, value: String)]) throws {
        let connection = try Connection(parameters: parameters)
        let result = try connection.query("SELECT $1::text || repeat('x', 1000) AS v, g FROM generate_series(1, 20) g", ["leak"])
        precondition(result.rows.count == 20)
        _ = try? connection.query("SELECT broken syntax")
    }

    @Test func tenThousandConnectionCyclesKeepMemoryFlat() throws {
        let parameters = try TestCluster.parameters(database: "postgres")
        for _ in 0..<500 { try Self.cycle(parameters) } // warm-up: allocator pools, caches
        let before = Self.residentKilobytes()
        for _ in 0..<10_000 { try Self.cycle(parameters) }
        let after = Self.residentKilobytes()
        // A leak of even 1 KiB per cycle would show as ~10 MiB.
        #expect(after - before < 4 * 1024, "resident memory grew from \(before) KiB to \(after) KiB")
    }
}
