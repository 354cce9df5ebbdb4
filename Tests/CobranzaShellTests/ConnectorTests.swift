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

    /// A multi-host conninfo (docs/operations.md's failover) that finds no suitable server says
    /// why for every host it tried: during a failover the first is refused and the second is
    /// still read-only, and the second half is what tells the operator to promote it. libpq
    /// writes one line per host; the shell showed only the first.
    @Test func aFailedMultiHostConnectSaysWhyForEveryHost() throws {
        let settings = try TestCluster.settings()
        let missing = "/tmp/cobranza-no-server-\(TestCluster.uniqueSuffix())"
        // The suite's server is a primary, so read-only refuses it as read-write refuses a standby.
        let conninfo = "host=\(missing),\(settings.host) port=\(settings.port) dbname=postgres user=\(settings.user) "
            + "password=\(settings.password) target_session_attrs=read-only"
        let plan = ConnectionPlan.resolve(.init(database: conninfo), environment: [:])
        let error = #expect(throws: PostgresError.self) { try Connector(plan: plan, environment: [:], console: Console()).open() }
        let line = error.map { ErrorMessage.line(for: $0) } ?? ""
        #expect(line == "could not connect: connection to server on socket \"\(missing)/.s.PGSQL.\(settings.port)\" failed: "
                + "No such file or directory; connection to server on socket \"\(settings.host)/.s.PGSQL.\(settings.port)\" failed: "
                + "session is not read-only", "\(line)")
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
