import CobranzaShell
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// What the shell's own sessions are set up with, on a server named as psql would name it.
@Suite("Connector")
struct ConnectorTests {
    /// A command waiting on another session's lock gives up after `Connector.lockTimeout` and
    /// says so (issue 14: it hung until the other session let go).
    @Test func theShellsSessionsBoundTheirLockWaits() throws {
        let db = try TestCluster.makeDatabase()
        let admin = try db.addPerson("admin", kind: "admin")
        let settings = try TestCluster.settings()
        let conninfo = "host=\(settings.host) port=\(settings.port) dbname=\(db.name) user=\(admin) password=\(TestDatabase.password)"
        let plan = ConnectionPlan.resolve(.init(database: conninfo), environment: [:])
        let session = try Connector(plan: plan, environment: [:], console: Console()).open()
        let shown = try session.connection.query("SHOW lock_timeout").first?.decode("lock_timeout", as: String.self)
        #expect(shown == Connector.lockTimeout)
    }
}

/// A lock wait the server gave up on names what it waited for, where the server says it.
@Suite("Lock waits")
struct LockWaitMessageTests {
    @Test func namesTheRelationFromTheContext() {
        let error = PostgresError(
            kind: .server, sqlState: .lockNotAvailable, message: "canceling statement due to lock timeout",
            context: "while locking tuple (0,1) in relation \"collection_case\"\nSQL statement \"SELECT 1\"")
        #expect(ErrorMessage.line(for: error) == "gave up waiting for a lock another session holds on collection_case; try again")
        let ours = PostgresError(kind: .server, sqlState: .lockNotAvailable, message: "billing is busy: another session is issuing")
        #expect(ErrorMessage.line(for: ours) == "billing is busy: another session is issuing")
    }
}
