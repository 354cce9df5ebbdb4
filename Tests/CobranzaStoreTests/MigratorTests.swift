import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Migrations")
struct MigratorTests {
    func freshDatabase() throws -> Connection {
        let name = "m_" + TestCluster.uniqueSuffix()
        try TestCluster.superuser().query("CREATE DATABASE \(name)")
        return try TestCluster.superuser(database: name)
    }

    @Test func appliesEachMigrationOnceAndRecordsItsChecksum() throws {
        let db = try freshDatabase()
        let migrator = try Migrator(directory: try #require(MigrationSource.locate()))
        let first = try migrator.migrate(db)
        #expect(first == migrator.migrations.map(\.fileName))
        #expect(try migrator.migrate(db).isEmpty)
        let recorded = try db.query("SELECT version, length(checksum) AS n FROM public.schema_migration ORDER BY version")
        #expect(recorded.rows.count == migrator.migrations.count)
        #expect(try recorded.rows.allSatisfy { try $0.decode("n", as: Int.self) == 64 })
    }

    @Test func anEditedAppliedMigrationIsAClearError() throws {
        let db = try freshDatabase()
        let one = Migrator.Migration(version: "0001", fileName: "0001_t.sql", sql: "CREATE TABLE t (x int);")
        try Migrator(migrations: [one]).migrate(db)
        var edited = one
        edited.sql = "CREATE TABLE t (x bigint);"
        #expect { try Migrator(migrations: [edited]).migrate(db) } throws: { error in
            (error as? StoreError)?.message.contains("0001_t.sql was edited after it was applied") == true
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let db = try freshDatabase()
        let good = Migrator.Migration(version: "0001", fileName: "0001_good.sql", sql: "CREATE TABLE good (x int);")
        let bad = Migrator.Migration(version: "0002", fileName: "0002_bad.sql", sql: "CREATE TABLE half (x int); SELECT * FROM missing;")
        #expect { try Migrator(migrations: [good, bad]).migrate(db) } throws: { error in
            (error as? StoreError)?.message.hasPrefix("migration 0002_bad.sql failed") == true
        }
        #expect(try db.query("SELECT to_regclass('half') IS NULL AS gone").first?.decode("gone", as: Bool.self) == true)
        #expect(try db.query("SELECT count(*) AS c FROM public.schema_migration").first?.decode("c", as: Int.self) == 1)
    }

    @Test func concurrentRunnersApplyOnce() throws {
        let name = "m_" + TestCluster.uniqueSuffix()
        try TestCluster.superuser().query("CREATE DATABASE \(name)")
        let slow = Migrator.Migration(version: "0001", fileName: "0001_slow.sql", sql: "SELECT pg_sleep(0.3); CREATE TABLE once (x int);")
        let results = ResultsBox()
        let threads = (0..<3).map { _ in
            Thread {
                let outcome = Result { try Migrator(migrations: [slow]).migrate(try TestCluster.superuser(database: name)) }
                results.append(outcome.map(\.count))
            }
        }
        threads.forEach { $0.start() }
        while results.count < 3 { usleep(20_000) }
        let failures = results.values.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { return String(describing: error) } else { return nil }
        }
        #expect(failures == [])
        #expect(results.values.compactMap { try? $0.get() }.sorted() == [0, 0, 1])
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Int, any Error>] = []
    func append(_ value: Result<Int, any Error>) { lock.lock(); storage.append(value); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return storage.count }
    var values: [Result<Int, any Error>] { lock.lock(); defer { lock.unlock() }; return storage }
}
