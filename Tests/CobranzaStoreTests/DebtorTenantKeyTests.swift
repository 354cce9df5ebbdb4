import Postgres
import Testing
import TestSupport

/// 0111: a debtor's key to its tenant is debtor_tenant_country_fkey alone (debtor_tenant_fkey
/// checked the same again). A debtor of no tenant is still refused from plain SQL, and the owner
/// (superuser here) can neither remove nor re-key a tenant that has debtors.
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
            // Without its debtor it goes.
            try su.query("DELETE FROM cobranza.debtor WHERE tenant_id = $1", [tenant])
            try su.query("DELETE FROM cobranza.tenant WHERE id = $1", [tenant])
        }
    }
}
