import CobranzaShell
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// The real shell losing its server, on a cluster of the test's own (`PrivateCluster`): an
/// interactive session (on a pseudo-terminal) reconnects as the same person, with the password
/// typed at login and not asked again; a script stops with exit 2, as psql's does.
@Suite("Lost connection", .serialized)
struct LostConnectionTests {
    static let password = "lost-and-found"

    /// A cluster with one admin person and one client, and the environment that reaches it
    /// with no password.
    static func prepare() throws -> (PrivateCluster, String, [String: String]) {
        let cluster = try PrivateCluster()
        let person = "rita_\(TestCluster.uniqueSuffix())"
        let superuser = try cluster.superuser()
        try superuser.query("SELECT cobranza.create_person($1, 'admin', NULL, $2)", [person, password])
        try superuser.query("""
            INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
            VALUES ('ACME', 'Acme Ltda', '76123456-0', 'CL', 'CLP')
            """)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": cluster.directory.path, "TERM": "dumb",
                           "COBRANZA_HISTORY": "/dev/null", "PGHOST": cluster.directory.path, "PGPORT": "5432",
                           "PGDATABASE": "cobranza", "PGUSER": person]
        return (cluster, person, environment)
    }

    /// Blocks the next command that reads or writes cobranza.tenant until the holder rolls back.
    static func lockClients(_ cluster: PrivateCluster) throws -> Connection {
        let holder = try cluster.superuser()
        try holder.query("BEGIN")
        try holder.query("LOCK TABLE cobranza.tenant IN ACCESS EXCLUSIVE MODE")
        return holder
    }

    /// Waits until `person`'s session waits for the holder's lock, then ends that session from
    /// the server and lets the lock go (the new session reads the locked table to know who it is).
    static func cutOff(_ person: String, on cluster: PrivateCluster, holder: Connection) throws -> Bool {
        defer { _ = try? holder.query("ROLLBACK") }
        let watcher = try cluster.superuser()
        let waiting = try waitUntil(timeout: .seconds(8)) {
            try watcher.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [person]).first != nil
        }
        guard waiting else { return false }
        try watcher.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [person])
        return true
    }

    @Test func anInteractiveSessionReconnectsAfterARestartAndAfterACommandIsCutOff() throws {
        let (cluster, person, environment) = try Self.prepare()
        defer { cluster.remove() }
        let shell = try RunningProgram([Subprocess.cobranzaBinary], environment: environment, onTerminal: true)
        defer { shell.stop() }

        #expect(shell.waitFor("Password for user \(person): "), "\(shell.text)")
        shell.send(Self.password)
        #expect(shell.waitFor("\(person)@agency> "), "\(shell.text)")
        shell.send("client list")
        #expect(shell.waitFor("Acme Ltda"), "\(shell.text)")

        // The server restarts while the shell waits: the next command runs on a new session.
        try cluster.restart()
        shell.send("client list")
        #expect(shell.waitFor("Acme Ltda", count: 2), "\(shell.text)")
        #expect(shell.text.contains("connection to the server was lost; reconnected\r\n"), "\(shell.text)")
        #expect(shell.text.components(separatedBy: "Password for user").count == 2, "asked for the password again: \(shell.text)")

        // A command cut off mid-way is reported and not run again.
        let holder = try Self.lockClients(cluster)
        shell.send("client add ZED --name Zed --tax-id 96.543.210-8 --country CL")
        #expect(try Self.cutOff(person, on: cluster, holder: holder), "\(shell.text)")
        #expect(shell.waitFor("reconnected (the last command may not have completed)"), "\(shell.text)")
        shell.send("client list")
        #expect(shell.waitFor("Acme Ltda", count: 3), "\(shell.text)")
        #expect(try cluster.superuser().query("SELECT 1 FROM cobranza.tenant WHERE code = 'ZED'").first == nil, "client add ran again")

        shell.send("\\q")
        #expect(shell.exitStatus() == 0, "\(shell.text)")
    }

    @Test func anInteractiveSessionThatCannotReconnectExitsTwo() throws {
        let (cluster, person, environment) = try Self.prepare()
        var removed = false
        defer { if !removed { cluster.remove() } }
        var withPassword = environment
        withPassword["PGPASSWORD"] = Self.password
        let shell = try RunningProgram([Subprocess.cobranzaBinary], environment: withPassword, onTerminal: true)
        defer { shell.stop() }
        #expect(shell.waitFor("\(person)@agency> "), "\(shell.text)")
        cluster.remove()
        removed = true
        shell.send("client list")
        #expect(shell.exitStatus() == 2, "\(shell.text)")
        #expect(shell.text.contains("connection to the server was lost; could not reconnect"), "\(shell.text)")
    }

    @Test func aScriptStopsWithExitTwo() throws {
        let (cluster, person, environment) = try Self.prepare()
        defer { cluster.remove() }
        var withPassword = environment
        withPassword["PGPASSWORD"] = Self.password
        let file = cluster.directory.appendingPathComponent("script.cobranza")
        try "client list\nclient list\n".write(to: file, atomically: true, encoding: .utf8)

        let holder = try Self.lockClients(cluster)
        let script = try RunningProgram([Subprocess.cobranzaBinary, "-f", file.path], environment: withPassword, onTerminal: false)
        defer { script.stop() }
        #expect(try Self.cutOff(person, on: cluster, holder: holder))
        #expect(script.exitStatus() == 2, "\(script.text)")
        #expect(!script.text.contains("reconnected"), "\(script.text)")
        #expect(!script.text.contains("Acme Ltda"), "the script went on: \(script.text)")
    }

    /// The server stopped (immediate shutdown) under a running command: the script stops with
    /// exit 2 at that command, and does not run its next line on a dead connection.
    @Test func aScriptStopsWithExitTwoWhenTheServerStopsUnderACommand() throws {
        let (cluster, person, environment) = try Self.prepare()
        var removed = false
        defer { if !removed { cluster.remove() } }
        var withPassword = environment
        withPassword["PGPASSWORD"] = Self.password
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lost-\(TestCluster.uniqueSuffix()).cobranza")
        defer { try? FileManager.default.removeItem(at: file) }
        try "client list\nwhoami\n".write(to: file, atomically: true, encoding: .utf8)

        let holder = try Self.lockClients(cluster)
        let script = try RunningProgram([Subprocess.cobranzaBinary, "-f", file.path], environment: withPassword, onTerminal: false)
        defer { script.stop() }
        let watcher = try cluster.superuser()
        #expect(try waitUntil(timeout: .seconds(8)) {
            try watcher.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [person]).first != nil
        })
        _ = holder
        cluster.remove()
        removed = true
        #expect(script.exitStatus() == 2, "\(script.text)")
        #expect(!script.text.contains(person), "the script went on: \(script.text)")
    }

    /// A script line whose send finds the session already ended (the server gone between two
    /// lines, not under a running command): the shell in this process, its session's backend
    /// ended from the server and gone before the line is run, so the failure is the send's.
    /// The script stops there with exit 2 (connection lost), also when that line is its last
    /// (an exit 1 would tell the caller a command was refused, not that the server went away),
    /// and the line did not run.
    @Test func aScriptLineWhoseSendFindsTheSessionEndedExitsTwo() throws {
        let (cluster, person, _) = try Self.prepare()
        defer { cluster.remove() }
        let conninfo = "host=\(cluster.directory.path) port=5432 dbname=cobranza user=\(person) password=\(Self.password)"
        for lines in [["client add ZED --name Zed --tax-id 96.543.210-8 --country CL"],
                      ["client add ZED --name Zed --tax-id 96.543.210-8 --country CL", "client list"]] {
            let connector = Connector(plan: ConnectionPlan.resolve(.init(database: conninfo), environment: [:]),
                                      environment: [:], console: Console())
            let shell = Shell(session: try connector.open(), connector: connector, options: .init())
            let watcher = try cluster.superuser()
            try watcher.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [person])
            #expect(try waitUntil(timeout: .seconds(8)) {
                try watcher.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1", [person]).first == nil
            })
            #expect(shell.runScript(lines) == .connectionLost, "\(lines)")
            #expect(try watcher.query("SELECT 1 FROM cobranza.tenant WHERE code = 'ZED'").first == nil)
        }
    }
}
