import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

/// `debtor history` and the grade: one debtor owing to two clients, read by staff across both;
/// an SME reaches neither, through the store or with plain SQL.
///
/// The debtor (one RUT), clock pinned to 2026-04-02:
///     ACME case X, opened 2026-01-15, 100.000, paid in full 2026-02-14: closed paid, 30 days to pay.
///     OTHER case Y, opened 2026-01-15, 50.000, a promise made 2026-01-20 of 10.000 due 2026-02-01,
///     nothing paid: broken; open, 77 days so far.
/// Grade: average days (30 + 77) / 2 = 53.5 > 30 and one broken promise: B.
@Suite("Debtor history and grade")
struct DebtorHistoryTests {
    let fixture: PaymentFixture
    let rut = TestCluster.randomRUT()
    let caseY: (tenant: Int64, id: Int64, debtor: Int64)

    init() throws {
        fixture = try PaymentFixture()
        let f = fixture
        let caseX = try Self.openCase(f, tenant: f.acme, rut: rut, amount: 100_000)
        caseY = try Self.openCase(f, tenant: f.other, rut: rut, amount: 50_000)
        try f.connect(f.admin).query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on) VALUES ($1, $2, 100000, '2026-02-14')",
                                     [caseX.tenant, caseX.id])
        try promise(on: "2026-01-20", due: "2026-02-01")
    }

    func promise(on day: String, due: String) throws {
        let admin = try fixture.db.connect(as: fixture.admin)
        try admin.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
        try admin.query("INSERT INTO cobranza.promise (tenant_id, case_id, amount, due) VALUES ($1, $2, 10000, $3::date)",
                        [caseY.tenant, caseY.id, due])
    }

    static func openCase(_ f: PaymentFixture, tenant: Int64, rut: String, amount: Int64) throws -> (tenant: Int64, id: Int64, debtor: Int64) {
        try f.db.asSuperuser { su in
            let row = try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Ferretería Sur') RETURNING id),
                c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                      SELECT $1, id, 'CLP', '2026-01-15' FROM d RETURNING id, debtor_id),
                s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id, submitted_on)
                      SELECT $1, debtor_id, 'CLP', 'accepted', id, '2026-01-15' FROM c RETURNING id, debtor_id, case_id),
                i AS (INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                      SELECT $1, s.id, s.debtor_id, 'H-' || $2, '2025-10-01', '2025-10-31', $3, 'CLP', s.case_id FROM s RETURNING 1)
                SELECT c.id, c.debtor_id FROM c
                """, [tenant, rut, amount]).first!
            return (tenant, try row.decode("id"), try row.decode("debtor_id"))
        }
    }

    @Test func staffSeeEveryClientsCaseAndTheGrade() throws {
        let history = try fixture.session(fixture.collector).debtors.history(taxID: rut)
        #expect(history.country == "CL" && history.grade == "B")
        #expect(history.cases.map(\.client) == ["ACME", "OTHER"])
        let x = history.cases[0], y = history.cases[1]
        #expect(x.closeCode == "paid" && x.closedOn?.description == "2026-02-14" && x.daysToPay == 30)
        #expect(x.paid == 100_000 && x.outstanding == 0 && x.payments == 1 && x.firstPaidOn?.description == "2026-02-14")
        #expect(y.stage == "extrajudicial" && y.daysToPay == 77 && y.promises == 1 && y.brokenPromises == 1 && y.outstanding == 50_000)
        // A second broken promise: C.
        try promise(on: "2026-02-05", due: "2026-02-10")
        #expect(try fixture.session(fixture.admin).debtors.history(taxID: rut).grade == "C")
        let id = try TaxID.parse(rut, country: .chile).get()
        #expect(try fixture.session(fixture.admin).debtors.grade(id) == "C")
    }

    @Test func debtorsOwingToSeveralClients() throws {
        let admin = try fixture.session(fixture.admin)
        // Today X is paid: the debtor owes OTHER alone.
        #expect(try admin.debtors.shared(minClients: 2, limit: 50).filter { $0.name == "Ferretería Sur" }.isEmpty)
        #expect(try admin.debtors.shared(minClients: 1, limit: 50).first { $0.name == "Ferretería Sur" }?.clients == ["OTHER"])
        // On 2026-02-13, the day before X was paid, it owed both: 100.000 + 50.000.
        let before = try #require(try admin.debtors.shared(minClients: 2, asOf: CalendarDate(parsing: "2026-02-13"), limit: 50).first)
        #expect(before.clients == ["ACME", "OTHER"] && before.openCases == 2 && before.outstanding == 150_000 && before.currency == "CLP")
        #expect(throws: StoreError.self) { try fixture.session(fixture.maria).debtors.shared(minClients: 1, limit: 50) }
    }

    @Test func anSMEReachesNeitherHistoryNorGrade() throws {
        let maria = try fixture.session(fixture.maria)
        #expect(throws: StoreError.self) { try maria.debtors.history(taxID: rut) }
        let id = try TaxID.parse(rut, country: .chile).get()
        #expect(throws: StoreError.self) { try maria.debtors.grade(id) }
        // Plain SQL: the functions are not granted to clients, and the tables give ACME's own case only.
        let sql = try fixture.connect(fixture.maria)
        for query in ["SELECT * FROM cobranza.debtor_history('CL', $1)", "SELECT cobranza.debtor_grade('CL', $1)"] {
            do {
                try sql.query(query, [id.normalized])
                Issue.record("\(query) ran for an SME")
            } catch {
                #expect(error.sqlState == .insufficientPrivilege, "\(query): \(error)")
            }
        }
        let tenants = try sql.query("""
            SELECT DISTINCT c.tenant_id FROM cobranza.debtor d JOIN cobranza.collection_case c ON c.tenant_id = d.tenant_id AND c.debtor_id = d.id
             WHERE d.tax_id = $1
            """, [id.normalized]).rows.map { try $0.decode("tenant_id", as: Int64.self) }
        #expect(tenants == [fixture.acme])
        // Lawyers read promises of referred cases only: the history is not theirs either.
        let lawyer = try fixture.db.addPerson("lola", kind: "lawyer")
        #expect(throws: StoreError.self) { try fixture.session(lawyer).debtors.history(taxID: rut) }
    }
}
