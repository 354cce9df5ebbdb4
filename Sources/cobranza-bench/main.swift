// The load generator behind `scripts/bench payments`: N sessions, each on its own connection
// and thread, record payments through the same store code the shell uses, for a fixed time.
//
//   cobranza-bench payments DBNAME SESSIONS SECONDS
//
// Connection settings other than the database (host, port, user, password) come from the
// standard PG* environment variables. Prints one line: `payments N seconds S tps T`.
import CobranzaCore
import CobranzaStore
import Foundation
import Postgres

let arguments = CommandLine.arguments
guard arguments.count == 5, arguments[1] == "payments", let sessions = Int(arguments[3]), let seconds = Double(arguments[4]),
      sessions > 0, seconds > 0
else {
    FileHandle.standardError.write(Data("usage: cobranza-bench payments DBNAME SESSIONS SECONDS\n".utf8))
    exit(2)
}
let database = arguments[2]

final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var payments = 0
    private var failures: [String] = []
    func add(_ count: Int, failure: String?) {
        lock.withLock {
            payments += count
            if let failure { failures.append(failure) }
        }
    }
    var result: (Int, [String]) { lock.withLock { (payments, failures) } }
}

let tally = Tally()
let cases: [String]
do {
    let connection = try Connection(parameters: [("dbname", database)])
    cases = try connection.query("SELECT number FROM cobranza.collection_case WHERE stage <> 'closed' ORDER BY number")
        .rows.map { try $0.decode("number") }
} catch {
    FileHandle.standardError.write(Data("cobranza-bench: \(error)\n".utf8))
    exit(1)
}
guard !cases.isEmpty else {
    FileHandle.standardError.write(Data("cobranza-bench: no open cases to pay\n".utf8))
    exit(1)
}

let started = Date()
let deadline = started.addingTimeInterval(seconds)
DispatchQueue.concurrentPerform(iterations: sessions) { worker in
    var count = 0
    do {
        let session = try Session(connection: try Connection(parameters: [("dbname", database)]))
        var generator = SystemRandomNumberGenerator()
        while Date() < deadline {
            let number = cases[Int.random(in: 0..<cases.count, using: &generator)]
            let amount = WrittenAmount(String(Int.random(in: 1_000...500_000, using: &generator)))!  // digits: always an amount
            try session.payments.record(.init(caseNumber: number, amount: amount))
            count += 1
        }
        tally.add(count, failure: nil)
    } catch {
        tally.add(count, failure: "session \(worker): \(error)")
    }
}
let elapsed = Date().timeIntervalSince(started)
let (payments, failures) = tally.result
for failure in failures { FileHandle.standardError.write(Data("cobranza-bench: \(failure)\n".utf8)) }
print(String(format: "payments %d seconds %.2f tps %.1f", payments, elapsed, Double(payments) / elapsed))
exit(failures.isEmpty ? 0 : 1)
