import CobranzaShell
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Ctrl-C in the middle of a long import, on the real binary: on a terminal the progress line
/// is drawn, Ctrl-C prints "cancelled", the shell stays usable and nothing was written; in a
/// script (standard error a pipe) no progress line is drawn and SIGINT mid-import stops the
/// script with exit 3 and nothing written, as psql stops a script on Ctrl-C.
@Suite("Cancelled import", .serialized)
struct CancelledImportTests {
    static let password = "stop-it-now"
    static let generator = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/generate-placement.py").standardizedFileURL.path

    /// A cluster with one admin and one client, a placement file large enough to be still
    /// running when the test interrupts it, and the environment that reaches the cluster.
    static func prepare(rows: Int) throws -> (PrivateCluster, String, String, [String: String]) {
        let cluster = try PrivateCluster()
        let person = "ines_\(TestCluster.uniqueSuffix())"
        let superuser = try cluster.superuser()
        try superuser.query("SELECT cobranza.create_person($1, 'admin', NULL, $2)", [person, password])
        try superuser.query("""
            INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
            VALUES ('ACME', 'Acme Ltda', '76123456-0', 'CL', 'CLP')
            """)
        let file = cluster.directory.appendingPathComponent("placement.csv").path
        let generated = try ChildProcess.run(["/usr/bin/python3", generator, String(rows), String(rows / 10), file])
        guard generated.status == 0 else { throw StoreError("generate-placement failed: \(generated.output)") }
        let environment = ["PATH": "/usr/bin:/bin", "HOME": cluster.directory.path, "TERM": "dumb",
                           "COBRANZA_HISTORY": "/dev/null", "PGHOST": cluster.directory.path, "PGPORT": "5432",
                           "PGDATABASE": "cobranza", "PGUSER": person, "PGPASSWORD": password]
        return (cluster, person, file, environment)
    }

    /// What an import would have left behind: debtors, submissions, invoices, batches.
    static func written(_ cluster: PrivateCluster) throws -> Int {
        try cluster.superuser().query("""
            SELECT (SELECT count(*) FROM cobranza.debtor) + (SELECT count(*) FROM cobranza.submission)
                 + (SELECT count(*) FROM cobranza.invoice) + (SELECT count(*) FROM cobranza.import_batch) AS n
            """).first!.decode("n")
    }

    /// Waits until `person`'s session is copying the file into staging.
    static func copying(_ person: String, on cluster: PrivateCluster) throws -> Bool {
        let watcher = try cluster.superuser()
        return try waitUntil(timeout: .seconds(30)) {
            try watcher.query("SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND query LIKE 'COPY placement_staging%'", [person]).first != nil
        }
    }

    @Test func ctrlCOnATerminalCancelsTheImportAndTheShellGoesOn() throws {
        let (cluster, person, file, environment) = try Self.prepare(rows: 400_000)
        defer { cluster.remove() }
        let shell = try RunningProgram([Subprocess.cobranzaBinary], environment: environment, onTerminal: true)
        defer { shell.stop() }
        #expect(shell.waitFor("\(person)@agency> "), "\(shell.text)")
        shell.send("submission import \(file) --client ACME")
        // The progress line, redrawn in place, counting rows with the share of the file read.
        #expect(shell.waitFor(" rows · ", timeout: .seconds(30)), "\(shell.text)")
        #expect(shell.text.contains("\rsubmission import: "), "\(shell.text)")
        shell.type("\u{03}")
        #expect(shell.waitFor("error: cancelled"), "\(shell.text)")
        #expect(try Self.written(cluster) == 0)
        // Still usable, on the same session: the next command runs.
        shell.send("client list")
        #expect(shell.waitFor("Acme Ltda"), "\(shell.text)")
        shell.send("\\q")
        #expect(shell.exitStatus() == 0, "\(shell.text)")
        #expect(try Self.written(cluster) == 0)
    }

    @Test func sigintInAScriptCancelsTheImportStopsTheScriptAndDrawsNoProgress() throws {
        let (cluster, person, file, environment) = try Self.prepare(rows: 400_000)
        defer { cluster.remove() }
        // The script goes on after the import: Ctrl-C stops the whole script, as psql's does
        // (exit 3), so "client list" must not run.
        let script = try RunningProgram([Subprocess.cobranzaBinary, "-c", "submission import \(file) --client ACME",
                                         "-c", "client list"],
                                        environment: environment, onTerminal: false)
        defer { script.stop() }
        #expect(try Self.copying(person, on: cluster), "\(script.text)")
        // Past the first draw's half second: a terminal would show the line by now.
        usleep(800_000)
        #expect(kill(script.pid, SIGINT) == 0)
        #expect(script.exitStatus() == 3, "\(script.text)")
        #expect(script.text == "error: cancelled\n", "\(script.text)")
        #expect(try Self.written(cluster) == 0)
    }
}
