import CLibpq
import Foundation

/// LISTEN/NOTIFY: a session that LISTENs is told of every NOTIFY on its channel once the
/// notifying transaction commits. libpq queues them as they arrive; between statements nothing
/// reads the socket, so `waitForNotifications` polls it (PQsocket + poll, then PQconsumeInput)
/// and hands back what came, without ever blocking past its timeout.
extension Connection {
    /// One notification: the channel and the payload (often empty: "look again").
    public struct Notification: Sendable, Equatable {
        public var channel: String
        public var payload: String
        public var senderPID: Int32
    }

    /// `LISTEN channel` (the name quoted as an identifier, so any name is safe).
    public func listen(_ channel: String) throws(PostgresError) {
        try query("LISTEN \"" + channel.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    }

    /// The notifications already received, oldest first, without waiting.
    public func takeNotifications() -> [Notification] {
        _ = PQconsumeInput(handle)
        var notifications: [Notification] = []
        while let notify = PQnotifies(handle) {
            notifications.append(Notification(channel: String(cString: notify.pointee.relname),
                                               payload: String(cString: notify.pointee.extra),
                                               senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }

    /// Waits until a notification arrives or `milliseconds` pass, and returns what arrived
    /// (empty on a timeout). Throws when the connection is lost while waiting. A signal that
    /// interrupts the wait ends it early, with what was received so far.
    public func waitForNotifications(milliseconds: Int) throws(PostgresError) -> [Notification] {
        let ready = takeNotifications()
        guard ready.isEmpty else { return ready }
        guard isAlive else { throw PostgresError.fromConnection(handle, kind: .connectionLost) }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let result = poll(&descriptor, 1, Int32(clamping: max(0, milliseconds)))
        guard result > 0 else { return [] }
        if PQconsumeInput(handle) == 0 || !isAlive {
            throw PostgresError.fromConnection(handle, kind: .connectionLost)
        }
        return takeNotifications()
    }
}
