import Foundation
import Postgres

/// Applies `sql/migrations/NNNN_name.sql` in order, each once, each in its own transaction,
/// under an advisory lock so two starting shells never race. Every applied file is recorded
/// with its SHA-256 (computed by the server, so no crypto library is needed here); a file
/// edited after it was applied stops everything with a clear error instead of drifting.
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

    private static let lockKey = 0x636f_6272_616e_7a61 // "cobranza"

    /// Applies what is missing and returns the file names applied. Needs a role allowed to
    /// create roles and schemas (the cluster's superuser).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [String] {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.query("""
            CREATE TABLE IF NOT EXISTS public.schema_migration (
                version text PRIMARY KEY,
                file_name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by name NOT NULL DEFAULT session_user)
            """)
        try connection.query("REVOKE ALL ON public.schema_migration FROM PUBLIC")
        let applied = try connection.query("SELECT version, file_name, checksum FROM public.schema_migration")
        var recorded: [String: (file: String, checksum: String)] = [:]
        for row in applied.rows {
            recorded[try row.decode("version")] = (try row.decode("file_name"), try row.decode("checksum"))
        }
        let checksums = try connection.query(
            "SELECT encode(sha256(convert_to(body, 'UTF8')), 'hex') AS sum FROM unnest($1::text[]) WITH ORDINALITY AS m(body, n) ORDER BY n",
            [migrations.map(\.sql)]
        ).rows.map { try $0.decode("sum", as: String.self) }

        var newlyApplied: [String] = []
        for (migration, checksum) in zip(migrations, checksums) {
            if let existing = recorded[migration.version] {
                guard existing.checksum == checksum else {
                    throw StoreError("migration \(migration.fileName) was edited after it was applied (checksum differs); restore it and put the change in a new migration")
                }
                continue
            }
            do {
                try connection.withTransaction {
                    try connection.executeScript(migration.sql)
                    try connection.query(
                        "INSERT INTO public.schema_migration (version, file_name, checksum) VALUES ($1, $2, $3)",
                        [migration.version, migration.fileName, checksum])
                }
            } catch let error as PostgresError {
                throw StoreError("migration \(migration.fileName) failed: \(error.message)")
            }
            newlyApplied.append(migration.fileName)
        }
        return newlyApplied
    }
}
