import Postgres
import Testing
import TestSupport

/// 0111: a debtor's key to its tenant is debtor_tenant_country_fkey alone (debtor_tenant_fkey
/// checked the same again); 0113: that key is checked once per statement, not by a foreign key's
/// row trigger. A debtor of no tenant is still refused from plain SQL, alone or among good rows,
/// on insert and on update, and the owner (superuser here) cannot remove a tenant that has
/// debtors.
@Suite("Debtor to tenant key")
struct DebtorTenantKeyTests {
    let db: TestDatabase
    let ana: Connection

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
    }

    func refusal(_ body: () throws -> Void) -> PostgresError? {
        do { try body() } catch { return error as? PostgresError }
        return nil
    }

    @Test func aDebtorOfNoTenantIsRefused() throws {
        let error = refusal {
            try ana.query("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES (999999, 'CL', $1, 'Deudor')",
                          [TestCluster.randomRUT()])
        }
        #expect(error?.sqlState == .foreignKeyViolation, "\(String(describing: error))")
        #expect(error?.constraint == "debtor_tenant_country_fkey", "\(String(describing: error))")
    }

    @Test func oneDebtorOfNoTenantAmongGoodOnesRefusesTheStatement() throws {
        let tenant: Int64 = try db.asSuperuser { try $0.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id") }
        let error = refusal {
            try ana.query("""
                INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                VALUES ($1, 'CL', $2, 'Uno'), ($1, 'CL', $3, 'Dos'), (999999, 'CL', $4, 'Tres')
                """, [tenant, TestCluster.randomRUT(), TestCluster.randomRUT(), TestCluster.randomRUT()])
        }
        #expect(error?.sqlState == .foreignKeyViolation, "\(String(describing: error))")
        #expect(error?.constraint == "debtor_tenant_country_fkey", "\(String(describing: error))")
        let id: Int64 = try ana.query("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Uno') RETURNING id",
                                      [tenant, TestCluster.randomRUT()]).first!.decode("id")
        // Not even the owner moves a debtor to another tenant: a debtor keeps its key (0106).
        let moved = refusal { try db.asSuperuser { _ = try $0.query("UPDATE cobranza.debtor SET tenant_id = 999999 WHERE id = $1", [id]) } }
        #expect(moved?.sqlState == .insufficientPrivilege, "\(String(describing: moved))")
    }

    @Test func aTenantWithDebtorsCannotBeRemoved() throws {
        try db.asSuperuser { su in
            // A tenant with nothing else pointing at it than one debtor.
            let tenant: Int64 = try su.query("""
                INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
                VALUES ('BARE', 'Bare', $1, 'CL', 'CLP') RETURNING id
                """, [TestCluster.randomRUT()]).first!.decode("id")
            try su.query("INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Deudor')",
                         [tenant, TestCluster.randomRUT()])
            var refused: PostgresError?
            do { try su.query("DELETE FROM cobranza.tenant WHERE id = $1", [tenant]) } catch { refused = error as? PostgresError }
            #expect(refused?.sqlState == .foreignKeyViolation, "\(String(describing: refused))")
            #expect(refused?.constraint == "debtor_tenant_country_fkey", "\(String(describing: refused))")
            // And a debtor is never deleted (0106), so neither is a tenant that has one.
            var kept: PostgresError?
            do { try su.query("DELETE FROM cobranza.debtor WHERE tenant_id = $1", [tenant]) } catch { kept = error as? PostgresError }
            #expect(kept?.sqlState == .insufficientPrivilege, "\(String(describing: kept))")
        }
    }
}
