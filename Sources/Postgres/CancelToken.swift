import CLibpq

/// Asks the server to abandon whatever the connection is running. libpq documents PQcancel as
/// safe from any thread, so the shell's Ctrl-C watcher may call it while the query blocks.
public final class CancelToken: @unchecked Sendable {
    private let handle: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit { PQfreeCancel(handle) }

    /// Sends the cancel request; returns false with libpq's reason when it could not be sent.
    @discardableResult
    public func cancel() -> (sent: Bool, error: String?) {
        var buffer = [CChar](repeating: 0, count: 256)
        let sent = PQcancel(handle, &buffer, Int32(buffer.count)) == 1
        return (sent, sent ? nil : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
