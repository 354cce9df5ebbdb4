import Foundation

/// Runs `count` workers on threads of their own that start their work together: each first
/// prepares (opens its session as its person, so all `count` connections are open at once under
/// the person's connection limit), waits until every worker is prepared, then acts. Returns what
/// each worker threw, if anything.
///
/// Threads, not `DispatchQueue.concurrentPerform`: that runs as many workers at a time as the
/// machine has cores (two here), so "eight sessions at once" were two at a time.
func simultaneously<Prepared>(
    _ count: Int,
    prepare: @escaping @Sendable (Int) throws -> Prepared,
    act: @escaping @Sendable (Int, Prepared) throws -> Void
) -> [String] {
    let failures = Failures()
    let gate = StartingGate(count: count)
    let finished = DispatchGroup()
    for worker in 0..<count {
        finished.enter()
        Thread {
            defer { finished.leave() }
            var prepared: Prepared?
            do { prepared = try prepare(worker) } catch { failures.append("worker \(worker) preparing: \(error)") }
            // Every worker arrives, prepared or not, so none waits forever for a failed one.
            gate.arriveAndWait()
            guard let prepared else { return }
            do { try act(worker, prepared) } catch { failures.append("worker \(worker): \(error)") }
        }.start()
    }
    finished.wait()
    return failures.all
}

/// Holds every worker until the last one arrives.
final class StartingGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int

    init(count: Int) { waiting = count }

    func arriveAndWait() {
        condition.lock()
        defer { condition.unlock() }
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
        while waiting > 0 { condition.wait() }
    }
}

/// A thread-safe list of messages.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
