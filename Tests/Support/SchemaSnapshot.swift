import CobranzaStore
import Foundation
import Postgres

/// `sql/schema.sql`: the schema as the migrations leave it, in one file a reviewer can read and
/// diff. The migrations stay the truth; this is pg_dump's picture of them with everything taken
/// out that changes when the schema does not (owners, session settings, version lines, the
/// random `\restrict` key of pg_dump 15.14 and later), so a stale file means a changed schema.
///
/// pg_dump's output differs between PostgreSQL majors (and, in small ways, minors), so each
/// major gets its own file: `schema.sql` for 15, the suite's reference, and `schema-pgN.sql`
/// for any other.
public enum SchemaSnapshot {
    /// The repository's `sql/` (not a copy found beside the binary): the file the test compares
    /// and `COBRANZA_ACCEPT=1` rewrites is the one under version control.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../sql").standardizedFileURL

    public static let referenceMajor = 15

    public static func fileName(major: Int) -> String {
        major == referenceMajor ? "schema.sql" : "schema-pg\(major).sql"
    }

    public static func file(major: Int) -> URL { directory.appendingPathComponent(fileName(major: major)) }

    public static let header = """
        -- The schema as sql/migrations leave it: pg_dump --schema-only --schema=cobranza --no-owner of a
        -- freshly migrated database, without session settings and version lines. Generated; do not edit.
        -- A new migration makes SchemaSnapshotTests fail until this file is regenerated with
        --   COBRANZA_ACCEPT=1 scripts/test --filter SchemaSnapshot


        """

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server's major version (15 for 15.18).
    public static func serverMajor(_ connection: Connection) throws -> Int {
        let row = try connection.query("SELECT current_setting('server_version_num')::integer / 10000 AS major").first
        return try row!.decode("major", as: Int.self)
    }

    /// The normalized dump of `database`, by the pg_dump beside the server (COBRANZA_PG_BINDIR,
    /// which scripts/pg-cluster exports): a pg_dump of another major writes other SQL.
    public static func dump(database: String) throws -> String {
        let settings = try TestCluster.settings()
        guard let bindir = TestCluster.environment["COBRANZA_PG_BINDIR"], !bindir.isEmpty else {
            throw Failure(description: "COBRANZA_PG_BINDIR is not set: run the tests with scripts/test, whose cluster exports it")
        }
        let pgDump = URL(fileURLWithPath: bindir).appendingPathComponent("pg_dump").path
        let serverMajor = try serverMajor(TestCluster.superuser(database: database))
        let version = try ChildProcess.run([pgDump, "--version"], environment: ["LANG": "C"])
        // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        let dumpMajor = version.output.split(separator: " ").dropFirst(2).first
            .flatMap { Int($0.split(separator: ".").first ?? "") }
        guard dumpMajor == serverMajor else {
            throw Failure(description: "\(pgDump) is \(version.output.trimmingCharacters(in: .whitespacesAndNewlines)), the server is PostgreSQL \(serverMajor): set COBRANZA_PG_BINDIR to the server's bin directory")
        }

        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("schema-\(database)-\(TestCluster.uniqueSuffix()).sql")
        defer { try? FileManager.default.removeItem(at: output) }
        // --file keeps pg_dump's warnings (which ChildProcess merges into the output) out of the SQL.
        let result = try ChildProcess.run(
            [pgDump, "--schema-only", "--schema=cobranza", "--no-owner", "--no-tablespaces",
             "--no-table-access-method", "--host", settings.host, "--port", settings.port,
             "--username", settings.user, "--dbname", database, "--file", output.path],
            environment: ["PGPASSWORD": settings.password, "LANG": "C", "PGCONNECT_TIMEOUT": "10"])
        guard result.status == 0 else {
            throw Failure(description: "pg_dump failed (exit \(result.status)): \(result.output)")
        }
        return normalize(try String(contentsOf: output, encoding: .utf8))
    }

    /// Drops what varies between runs, servers or pg_dump minors without the schema changing.
    /// Only whole lines pg_dump writes at the top level are touched: function bodies are indented
    /// in every migration, so none of their lines starts with `SET ` or `\`.
    public static func normalize(_ raw: String) -> String {
        var lines: [Substring] = []
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\\restrict ") || line.hasPrefix("\\unrestrict ")
                || line.hasPrefix("-- Dumped from database version") || line.hasPrefix("-- Dumped by pg_dump version")
                || line == "-- PostgreSQL database dump" || line == "-- PostgreSQL database dump complete"
                || line == "--"
                || (line.hasPrefix("SET ") && line.hasSuffix(";"))
                || line == "SELECT pg_catalog.set_config('search_path', '', false);" {
                continue
            }
            if line.hasPrefix("-- Name: "), line.hasSuffix("; Owner: -") {
                lines.append(line.dropLast("; Owner: -".count))
                continue
            }
            // One blank line between objects, none at either end.
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return header + lines.joined(separator: "\n") + "\n"
    }

    /// Where `expected` and `actual` first part, with a few lines of each: enough to see which
    /// object changed without printing 7,000 lines.
    public static func firstDifference(expected: String, actual: String, context: Int = 3) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let index = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        let from = max(0, index - context)
        func excerpt(_ lines: [Substring], _ mark: String) -> String {
            lines[min(from, lines.count)..<min(index + context + 1, lines.count)].enumerated()
                .map { "\(mark)\(from + $0.offset + 1): \($0.element)" }.joined(separator: "\n")
        }
        return "first difference at line \(index + 1) (file \(old.count) lines, database \(new.count)):\n"
            + excerpt(old, "- ") + "\n" + excerpt(new, "+ ")
    }
}
