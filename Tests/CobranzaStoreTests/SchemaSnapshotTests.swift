import Foundation
import Postgres
import Testing
import TestSupport

/// `sql/schema.sql` is where a reviewer reads the schema, so it must be what the migrations
/// build: a migration added without regenerating it fails here. `COBRANZA_ACCEPT=1` (as for the
/// transcripts) rewrites the file of the server's major version instead of failing.
@Suite("Schema snapshot")
struct SchemaSnapshotTests {
    /// The roles the migrations create. A grant to anyone else in the dump would be a test's
    /// leftover (people get random names), not schema.
    static let migrationRoles: Set<String> = [
        "PUBLIC", "cobranza_owner", "cobranza_lookup", "cobranza_clock",
        "cobranza_admin", "cobranza_collector", "cobranza_lawyer", "cobranza_client", "cobranza_worker",
    ]

    @Test func schemaFileIsWhatTheMigrationsBuild() throws {
        // A copy of the freshly migrated template: the migrations alone, no test's rows or people.
        let db = try TestCluster.makeDatabase()
        let major = try SchemaSnapshot.serverMajor(db.superuser())
        let actual = try SchemaSnapshot.dump(database: db.name)

        #expect(actual.contains("CREATE TABLE cobranza.collection_case"), "the dump holds no tables: wrong database or schema?")
        let template = try TestCluster.templateName()
        #expect(!actual.contains(db.name) && !actual.contains(template), "the dump names this test's database")
        #expect(!actual.contains("\\restrict") && !actual.contains("Dumped from") && !actual.contains("OWNER TO"))
        let grantees = Set(actual.matches(of: /^(?:GRANT|REVOKE) .* (?:TO|FROM) ([A-Za-z_0-9]+)(?: WITH GRANT OPTION)?;$/.anchorsMatchLineEndings())
            .map { String($0.1) })
        #expect(grantees.subtracting(Self.migrationRoles).isEmpty,
                "grants to roles no migration creates: \(grantees.subtracting(Self.migrationRoles).sorted())")

        let file = SchemaSnapshot.file(major: major)
        if TestCluster.environment["COBRANZA_ACCEPT"] == "1" {
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no \(file.lastPathComponent) for PostgreSQL \(major): create it with COBRANZA_ACCEPT=1 scripts/test --filter SchemaSnapshot")
            return
        }
        if expected != actual {
            let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("cobranza-\(file.lastPathComponent)")
            try actual.write(to: fresh, atomically: true, encoding: .utf8)
            Issue.record("""
                sql/\(file.lastPathComponent) is stale: the migrations build another schema. If the change is \
                intended, regenerate it with COBRANZA_ACCEPT=1 scripts/test --filter SchemaSnapshot and review the diff.
                \(SchemaSnapshot.firstDifference(expected: expected, actual: actual))
                full diff: diff -u \(file.path) \(fresh.path)
                """)
        }
    }

    @Test func aDatabaseMissingAMigrationDoesNotMatchTheFile() throws {
        let older = try TestCluster.makeDatabase(through: "0009")
        let file = SchemaSnapshot.file(major: try SchemaSnapshot.serverMajor(older.superuser()))
        let expected = try #require(try? String(contentsOf: file, encoding: .utf8), "no \(file.lastPathComponent)")
        let dump = try SchemaSnapshot.dump(database: older.name)
        #expect(dump != expected)
        #expect(SchemaSnapshot.firstDifference(expected: expected, actual: dump).hasPrefix("first difference at line"))
    }

    @Test func normalizingDropsWhatVariesWithoutTheSchema() {
        let raw = """
            --
            -- PostgreSQL database dump
            --

            \\restrict fPsaDjTTP6UWsMNgNk2Hvtc8b7FB1g5Sg7tvtwXhSOq600WH6cPR6o26gPveZPA

            -- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
            -- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);

            --
            -- Name: f(); Type: FUNCTION; Schema: cobranza; Owner: -
            --

            CREATE FUNCTION cobranza.f() RETURNS integer
                LANGUAGE plpgsql
                AS $$
            BEGIN
                RETURN 1;
            END
            $$;


            \\unrestrict fPsaDjTTP6UWsMNgNk2Hvtc8b7FB1g5Sg7tvtwXhSOq600WH6cPR6o26gPveZPA

            """
        #expect(SchemaSnapshot.normalize(raw) == SchemaSnapshot.header + """
            -- Name: f(); Type: FUNCTION; Schema: cobranza

            CREATE FUNCTION cobranza.f() RETURNS integer
                LANGUAGE plpgsql
                AS $$
            BEGIN
                RETURN 1;
            END
            $$;

            """)
    }

    @Test func eachMajorVersionHasItsOwnFile() {
        #expect(SchemaSnapshot.fileName(major: 15) == "schema.sql")
        #expect(SchemaSnapshot.fileName(major: 18) == "schema-pg18.sql")
        #expect(SchemaSnapshot.file(major: 15).path.hasSuffix("/sql/schema.sql"))
    }

    @Test func aStaleFileIsShownWhereItDiffers() {
        let hint = SchemaSnapshot.firstDifference(expected: "a\nb\nc\nd\n", actual: "a\nb\nX\nd\n", context: 1)
        #expect(hint.hasPrefix("first difference at line 3"))
        #expect(hint.contains("- 3: c") && hint.contains("+ 3: X") && hint.contains("- 2: b"))
    }
}
