import Foundation

/// Runs blocking work (libpq calls, waiting for a child process) on a thread of its own.
///
/// Swift Testing runs tests on the cooperative pool, one thread per core: two on this machine.
/// A test that blocks holds its thread for the whole wait, so however many tests only waited on
/// PostgreSQL or a shell, two ran at a time. Off the pool they wait side by side, and the pool
/// stays free for the tests that compute.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
