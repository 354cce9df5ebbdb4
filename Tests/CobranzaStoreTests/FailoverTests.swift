import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 15, item 3: the agency's server dies for good and PostgreSQL's own replication keeps
/// it working, as docs/operations.md describes. A durable primary (`CrashCluster`) with a
/// synchronous streaming standby (`StandbyCluster`: `pg_basebackup -R`), both on unix sockets;
/// the real `cobranza` binary, interactive on a pseudo-terminal, connected with libpq's
/// multi-host conninfo and `target_session_attrs=read-write`. The primary is killed with
/// SIGKILL, the operator promotes the standby, and the same shell session carries on against
/// it: every payment the shell acknowledged is there, and fee invoice numbers have no gap.
@Suite("Failover to a streaming standby", .serialized)
struct FailoverTests {
    @Test func theShellCarriesOnAgainstThePromotedStandbyWithNothingAcknowledgedLost() async throws {
        try await offThePool {
            try CrashCluster.with { primary in
                var world = try CrashWorld(cluster: primary, clients: 1, casesPerClient: 3)
                let cases = try world.superuser().query("SELECT number FROM cobranza.collection_case ORDER BY id").rows
                    .map { try $0.decode("number", as: String.self) }
                try #require(cases.count == 3)
                // "Today" pinned, so the fee numbers' year does not follow the machine's clock.
                try world.superuser().query("GRANT cobranza_clock TO \(CrashWorld.admin)")
                let standby = try StandbyCluster.start(of: primary)
                defer { standby.stop() }

                // The conninfo docs/operations.md gives: both socket directories, and only a
                // server that accepts writes will do (libpq tries them in order).
                let conninfo = "host=\(primary.directory),\(standby.directory) port=5432 dbname=\(CrashWorld.database) target_session_attrs=read-write"
                var environment = try primary.shellEnvironment(user: CrashWorld.admin, password: CrashWorld.password)
                environment["PGHOST"] = nil
                environment["TERM"] = "dumb"
                environment["PGOPTIONS"] = "-c cobranza.as_of=2026-12-03"
                let shell = try RunningProgram([Subprocess.cobranzaBinary, "-d", conninfo], environment: environment, onTerminal: true)
                defer { shell.stop() }
                let prompt = "\(CrashWorld.admin)@agency> "
                var prompts = 1
                try #require(shell.waitFor(prompt), "\(shell.text)")
                // A second shell (the same admin at another desk), idle until the primary is gone, typing too early.
                let hasty = try RunningProgram([Subprocess.cobranzaBinary, "-d", conninfo], environment: environment, onTerminal: true)
                defer { hasty.stop() }
                try #require(hasty.waitFor(prompt), "\(hasty.text)")

                /// Types a command and waits for the next prompt (the command finished).
                func type(_ command: String) throws {
                    shell.send(command)
                    prompts += 1
                    try #require(shell.waitFor(prompt, count: prompts, timeout: .seconds(30)), "\(shell.text)")
                }
                func recorded() -> Int { shell.text.components(separatedBy: "recorded: ").count - 1 }

                // Before the failure: three payments, the month billed, a fourth payment not yet billed.
                for (n, number) in cases.enumerated() {
                    try type("payment record \(number) 1.000 --date 2026-11-1\(n) --ref HA-\(n + 1)")
                }
                try type("fee invoice issue --client C001 --period 2026-11")
                #expect(shell.text.contains("F-2026-000001"), "\(shell.text)")
                try type("payment record \(cases[0]) 2.000 --date 2026-11-20 --ref HA-4")
                #expect(recorded() == 4, "\(shell.text)")

                // The primary dies; the operator promotes the standby before typing on.
                try primary.kill()
                // Until the standby is promoted there is no server that takes writes: a client
                // that connects now is refused (exit 2) rather than sent to the read-only standby.
                let early = try Subprocess.run([Subprocess.cobranzaBinary, "-d", conninfo, "-c", "whoami"], environment: environment)
                #expect(early.status == 2, "\(early.output)")
                #expect(early.output.hasPrefix("cobranza: could not connect: connection to server on socket \"\(primary.directory)/"), "\(early.output)")
                #expect(early.output.contains("; connection to server on socket \"\(standby.directory)/.s.PGSQL.5432\" failed: session is read-only"),
                        "\(early.output)")
                // An open shell whose command comes before the promotion: its one reconnect finds
                // no server that takes writes, says why, and exits 2 without running the command.
                hasty.send("payment record \(cases[2]) 9.000 --date 2026-11-22 --ref HA-EARLY")
                #expect(hasty.exitStatus() == 2, "\(hasty.text)")
                #expect(hasty.text.contains("failed: session is read-only\r\nconnection to the server was lost; could not reconnect\r\n"), "\(hasty.text)")
                try standby.promote()
                world.host = standby.directory

                // The same session: the shell finds its connection gone, reconnects once with
                // the same conninfo, and libpq skips the dead primary for the promoted standby.
                try type("payment record \(cases[1]) 3.000 --date 2026-11-21 --ref HA-5")
                #expect(shell.text.contains("connection to the server was lost; reconnected\r\n"), "\(shell.text)")
                #expect(recorded() == 5, "\(shell.text)")
                try type("fee invoice issue --client C001 --period 2026-11")
                #expect(shell.text.contains("F-2026-000002"), "\(shell.text)")
                shell.send("\\q")
                #expect(shell.exitStatus() == 0, "\(shell.text)")

                // On the promoted standby: out of recovery, every acknowledged payment present
                // (HA-4 was acknowledged by the primary alone, just before it died), each fee
                // billed once, and the fee numbers F-2026-000001, -000002 with no gap.
                let db = try world.superuser()
                #expect(try db.query("SELECT pg_is_in_recovery() AS r").first?.decode("r", as: Bool.self) == false)
                let refs = try db.query("SELECT external_ref FROM cobranza.payment ORDER BY external_ref").rows
                    .map { try $0.decode("external_ref", as: String.self) }
                #expect(refs == ["HA-1", "HA-2", "HA-3", "HA-4", "HA-5"], "HA-EARLY must not be there")
                let documents = try db.query("SELECT number FROM cobranza.fee_document ORDER BY number").rows
                    .map { try $0.decode("number", as: String.self) }
                #expect(documents == ["F-2026-000001", "F-2026-000002"])
                #expect(try world.counterHoles() == [])
                let faults = try world.billingFaults()
                #expect(faults.unbilledOrTwice == 0 && faults.missingPayments == 0 && faults.wrongTotals == 0, "\(faults)")
            }
        }
    }
}
