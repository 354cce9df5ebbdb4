import Foundation
import Postgres

/// Applies `sql/migrations/NNNN_name.sql` in order, each once, each in its own transaction.
/// Every applied file is recorded with its SHA-256 (computed by the server, so no crypto
/// library is needed here); a file edited after it was applied stops everything with a clear
/// error instead of drifting.
///
/// Two runners (two shells starting, `db migrate` beside them) are serialized by a lock on
/// `public.schema_migration` taken in each file's transaction, and a runner that finds nothing
/// to apply takes none. No person has any privilege on that table, so none can take a lock that
/// conflicts: an advisory lock, used before, any role may take, and one SME holding its key
/// stopped every start of the shell.
public struct Migrator {
    public struct Migration: Sendable, Equatable {
        public var version: String
        public var fileName: String
        public var sql: String

        public init(version: String, fileName: String, sql: String) {
            self.version = version
            self.fileName = fileName
            self.sql = sql
        }
    }

    public let migrations: [Migration]

    public init(directory: URL) throws {
        let folder = directory.appendingPathComponent("migrations")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw StoreError("cannot read migrations in \(folder.path): \(error.localizedDescription)")
        }
        migrations = try names.filter { $0.hasSuffix(".sql") }.sorted().map { name in
            guard let version = name.split(separator: "_").first, version.allSatisfy(\.isNumber) else {
                throw StoreError("migration file \(name) must be named NNNN_description.sql")
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            return Migration(version: String(version), fileName: name, sql: sql)
        }
    }

    public init(migrations: [Migration]) { self.migrations = migrations }

    /// Applies what is missing and returns the file names applied. Needs a role allowed to
    /// create roles and schemas (the cluster's superuser).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [String] {
        try createLedger(connection)
        let recorded = try Self.ledger(connection)
        let checksums = try connection.query(
            "SELECT encode(sha256(convert_to(body, 'UTF8')), 'hex') AS sum FROM unnest($1::text[]) WITH ORDINALITY AS m(body, n) ORDER BY n",
            [migrations.map(\.sql)]
        ).rows.map { try $0.decode("sum", as: String.self) }
        for (migration, checksum) in zip(migrations, checksums) {
            if let existing = recorded[migration.version] { try Self.check(migration, checksum, against: existing) }
        }

        var newlyApplied: [String] = []
        for (migration, checksum) in zip(migrations, checksums) where recorded[migration.version] == nil {
            let applied: Bool
            do {
                applied = try connection.withTransaction {
                    // SHARE ROW EXCLUSIVE conflicts with itself, not with the readers above.
                    try connection.query("LOCK TABLE public.schema_migration IN SHARE ROW EXCLUSIVE MODE")
                    // Another runner may have applied it while this one waited.
                    if let existing = try Self.ledger(connection, only: migration.version)[migration.version] {
                        try Self.check(migration, checksum, against: existing)
                        return false
                    }
                    try connection.executeScript(migration.sql)
                    try connection.query(
                        "INSERT INTO public.schema_migration (version, file_name, checksum) VALUES ($1, $2, $3)",
                        [migration.version, migration.fileName, checksum])
                    return true
                }
            } catch let error as PostgresError {
                throw StoreError("migration \(migration.fileName) failed: \(error.message)")
            }
            if applied { newlyApplied.append(migration.fileName) }
        }
        return newlyApplied
    }

    /// The ledger, created on first use. Two first runners may both create it: the loser's
    /// duplicate is the winner's table, committed by the time the error arrives, and which
    /// catalog row the loser trips on decides the error: the table's name (42P07), its row
    /// type's name (42710, "type … already exists") or a catalog index (23505). Only the runner
    /// that creates it revokes: a runner that finds it already there does nothing, since two
    /// REVOKEs on one table at once fail with "tuple concurrently updated".
    private func createLedger(_ connection: Connection) throws {
        let exists = try connection.query("SELECT to_regclass('public.schema_migration') IS NOT NULL AS present").first?
            .decode("present", as: Bool.self) ?? false
        guard !exists else { return }
        do {
            try connection.executeScript("""
                DO $$
                BEGIN
                    IF to_regclass('public.schema_migration') IS NULL THEN
                        CREATE TABLE public.schema_migration (
                            version text PRIMARY KEY,
                            file_name text NOT NULL,
                            checksum text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now(),
                            applied_by name NOT NULL DEFAULT session_user);
                        REVOKE ALL ON public.schema_migration FROM PUBLIC;
                    END IF;
                END
                $$
                """)
        } catch {
            // (A typed-throws `catch … as`/`where` crashes Swift 6.3's SIL passes: see architecture.md.)
            let lostTheRace: Set<SQLState> = [.uniqueViolation, .duplicateTable, .duplicateObject]
            guard let state = error.sqlState, lostTheRace.contains(state) else { throw error }
        }
    }

    /// What `public.schema_migration` records: every file, or only `version`.
    private static func ledger(_ connection: Connection, only version: String? = nil) throws -> [String: (file: String, checksum: String)] {
        var recorded: [String: (file: String, checksum: String)] = [:]
        let rows = try connection.query(
            "SELECT version, file_name, checksum FROM public.schema_migration WHERE $1::text IS NULL OR version = $1", [version]).rows
        for row in rows {
            recorded[try row.decode("version")] = (try row.decode("file_name"), try row.decode("checksum"))
        }
        return recorded
    }

    private static func check(_ migration: Migration, _ checksum: String, against existing: (file: String, checksum: String)) throws {
        guard existing.checksum == checksum else {
            throw StoreError("migration \(migration.fileName) was edited after it was applied (checksum differs); restore it and put the change in a new migration")
        }
    }
}
