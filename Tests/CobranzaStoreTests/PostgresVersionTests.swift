import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// What changed between the PostgreSQL majors we support (15 to 18) and touches cobranza. The
/// suite runs on 15 and 18 (`scripts/test`, `scripts/test --pg 18`); each test states the
/// behaviour of the server it runs on, so a fix that 16+ needs fails here on 16+ without it.
/// (The schema's printed form differs too: `SchemaSnapshotTests`, `sql/schema-pg18.sql`.)
@Suite("PostgreSQL versions")
struct PostgresVersionTests {
    let db: TestDatabase
    let major: Int

    init() throws {
        db = try TestCluster.makeDatabase()
        major = try SchemaSnapshot.serverMajor(db.superuser())
    }

    /// Runs `sql` inside a savepoint: nil if it worked, else its SQLSTATE (the transaction goes on).
    func attempt(_ connection: Connection, _ sql: String) throws -> SQLState? {
        try connection.query("SAVEPOINT attempt")
        do {
            try connection.query(sql)
            try connection.query("RELEASE SAVEPOINT attempt")
            return nil
        } catch {
            try connection.query("ROLLBACK TO SAVEPOINT attempt")
            return error.sqlState
        }
    }

    /// PostgreSQL 16: a CREATEROLE role puts a new role into a group only with ADMIN OPTION on
    /// the group (15: CREATEROLE alone), and alters only roles it holds ADMIN OPTION on — which it
    /// gets on the roles it creates. Shown on throwaway roles, rolled back: the reason for 0001's
    /// grants to cobranza_owner and for 0018.
    @Test func createRoleNeedsAdminOptionFrom16On() throws {
        let su = try db.superuser()
        let s = TestCluster.uniqueSuffix()
        let (owner, group, made, foreign) = ("v_owner_\(s)", "v_group_\(s)", "v_made_\(s)", "v_foreign_\(s)")
        try su.query("BEGIN")
        defer { _ = try? su.query("ROLLBACK") }
        try su.query("CREATE ROLE \(owner) NOLOGIN NOINHERIT CREATEROLE")
        try su.query("CREATE ROLE \(group) NOLOGIN")
        try su.query("CREATE ROLE \(foreign) LOGIN")  // made by someone else (or on 15, then upgraded)
        try su.query("SET LOCAL ROLE \(owner)")
        let refusal: SQLState? = major >= 16 ? .insufficientPrivilege : nil

        #expect(try attempt(su, "CREATE ROLE \(made)_1 LOGIN IN ROLE \(group)") == refusal)
        #expect(try attempt(su, "CREATE ROLE \(made) LOGIN") == nil)
        #expect(try attempt(su, "ALTER ROLE \(made) NOLOGIN") == nil)
        #expect(try attempt(su, "ALTER ROLE \(foreign) NOLOGIN") == refusal)

        try su.query("RESET ROLE")
        try su.query("GRANT \(group) TO \(owner) WITH ADMIN OPTION")
        try su.query("SET LOCAL ROLE \(owner)")
        #expect(try attempt(su, "CREATE ROLE \(made)_2 LOGIN IN ROLE \(group)") == nil)
    }

    /// 0001 gives cobranza_owner ADMIN OPTION on every group, and on 16+ create_person leaves it
    /// administering every person it made: an admin (not a superuser) adds and disables each kind.
    @Test func anAdminAddsAndDisablesEveryKindOfPerson() throws {
        let groups = try db.asSuperuser {
            try $0.query("""
                SELECT g.rolname FROM pg_auth_members m
                  JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles o ON o.oid = m.member
                 WHERE o.rolname = 'cobranza_owner' AND m.admin_option AND g.rolname LIKE 'cobranza\\_%'
                 ORDER BY 1
                """).rows.map { try $0.decode("rolname", as: String.self) }
        }
        // cobranza_worker since 0080: create_worker puts a delivery worker's login in it.
        #expect(groups == ["cobranza_admin", "cobranza_client", "cobranza_collector", "cobranza_lawyer", "cobranza_worker"])

        try db.addClient("ACME")
        let admin = try Session(connection: db.connect(as: db.addPerson("boss", kind: "admin")))
        for kind in PersonKind.allCases {
            let name = "\(kind.rawValue)_\(TestCluster.uniqueSuffix())"
            try admin.users.add(name: name, kind: kind, clientCode: kind == .client ? "ACME" : nil, password: "password123")
            _ = try db.connect(as: name, password: "password123")
            if major >= 16 {
                #expect(try ownerAdministers(name), "\(name)")
            }
            try admin.users.disable(name: name)
            #expect(throws: PostgresError.self) { try db.connect(as: name, password: "password123") }
        }
    }

    /// A person made on 15 and carried to 16+ is not administered by cobranza_owner, so
    /// disable_person fails there; 0018 (re-runnable) grants what is missing. Simulated by taking
    /// the owner's grant away from a person made here.
    @Test func aPersonFromBefore16IsDisabledAfter0018() throws {
        let admin = try Session(connection: db.connect(as: db.addPerson("boss", kind: "admin")))
        let old = try db.addPerson("old", kind: "collector")
        if major >= 16 {
            try db.asSuperuser { try $0.query("REVOKE \(old) FROM cobranza_owner") }
            #expect(try !ownerAdministers(old))
            #expect(throws: StoreError("permission denied to alter role")) { try admin.users.disable(name: old) }
        }

        let migration = try #require(MigrationSource.locate()).appendingPathComponent("migrations/0018_pg18.sql")
        try db.asSuperuser { try $0.executeScript(String(contentsOf: migration, encoding: .utf8)) }
        #expect(try ownerAdministers(old) == (major >= 16), "on 15 the owner needs no grant, and 0018 gives none")

        try admin.users.disable(name: old)
        #expect(throws: PostgresError.self) { try db.connect(as: old, password: TestDatabase.password) }
    }

    /// pg_stat_activity shows a person the statements of their own sessions only, on every
    /// version: another session's text reads "<insufficient privilege>" (pg_read_all_stats and
    /// pg_monitor are granted to nobody). Nothing in cobranza reads the statistics views.
    @Test func aPersonSeesNoOtherSessionsStatements() throws {
        try db.addClient("ACME")
        let maria = try db.connect(as: db.addPerson("maria", kind: "client", client: "ACME"))
        let other = try db.superuser()
        let pid = try other.query("SELECT pg_backend_pid()::bigint AS pid").first!.decode("pid", as: Int.self)
        let seen = try maria.query("SELECT query FROM pg_stat_activity WHERE pid = $1", [pid]).first
        #expect(try seen?.decode("query", as: String.self) == "<insufficient privilege>")
        let own = try maria.query("SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()").first
        #expect(try own?.decode("query", as: String.self).contains("pg_stat_activity") == true)
    }

    func ownerAdministers(_ role: String) throws -> Bool {
        try db.asSuperuser {
            try $0.query("""
                SELECT EXISTS (SELECT 1 FROM pg_auth_members m
                  JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles o ON o.oid = m.member
                 WHERE r.rolname = $1 AND o.rolname = 'cobranza_owner' AND m.admin_option) AS yes
                """, [role]).first!.decode("yes", as: Bool.self)
        }
    }
}
