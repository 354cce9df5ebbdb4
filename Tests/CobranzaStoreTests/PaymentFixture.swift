import CobranzaStore
import Postgres
import TestSupport

/// A database with two CLP clients (ACME at 15 % / 25 %, VAT 19 %; OTHER at 20 %), an admin, a
/// collector and an SME user of ACME, and a way to open cases with given invoices directly.
/// Every session's clock is pinned to `today`.
struct PaymentFixture {
    let db: TestDatabase
    let acme: Int64
    let other: Int64
    let admin: String
    let collector: String
    let maria: String
    static let today = "2026-04-02"

    /// `through`: migrate only up to that version (the rest is for the test to apply).
    init(through version: String? = nil) throws {
        db = try version.map { try TestCluster.makeDatabase(through: $0) } ?? TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        (acme, other) = try db.asSuperuser { su in
            let acme: Int64 = try su.query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id")
            let other: Int64 = try su.query("SELECT id FROM cobranza.tenant WHERE code = 'OTHER'").first!.decode("id")
            try su.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp)
                VALUES ($1, 1, '2026-01-01', 1500, 2500, 1900), ($2, 1, '2026-01-01', 2000, 3000, 1900)
                """, [acme, other])
            return (acme, other)
        }
        admin = try db.addPerson("admin", kind: "admin")
        collector = try db.addPerson("ana", kind: "collector")
        maria = try db.addPerson("maria", kind: "client", client: "ACME")
    }

    /// A connection as `user` with the clock pinned.
    func connect(_ user: String) throws -> Connection {
        let connection = try db.connect(as: user)
        try connection.query("SELECT set_config('cobranza.as_of', $1, false)", [Self.today])
        return connection
    }

    func session(_ user: String) throws -> Session { try Session(connection: try connect(user)) }

    /// Opens a case (on 2026-01-15) for a new debtor of `tenant` with invoices of these amounts,
    /// due a month apart from 2025-10-31; returns its number.
    func openCase(tenant: Int64, amounts: [Int64]) throws -> String {
        let debtor = "D\(TestCluster.uniqueSuffix())"
        return try db.asSuperuser { su in try su.query("""
            WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                       VALUES ($1, 'CL', $4, 'Deudor ' || $2) RETURNING id),
            c AS (INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                  SELECT $1, id, 'CLP', '2026-01-15' FROM d RETURNING id, debtor_id, number),
            s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id)
                  SELECT $1, debtor_id, 'CLP', 'accepted', id FROM c RETURNING id, debtor_id, case_id),
            i AS (INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                  SELECT $1, s.id, s.debtor_id, $2 || '-' || a.n, '2025-10-01', date '2025-10-31' + (a.n - 1)::integer * 30, a.amount, 'CLP', s.case_id
                    FROM s, unnest($3::bigint[]) WITH ORDINALITY AS a(amount, n) RETURNING 1)
            SELECT number FROM c
            """, [tenant, debtor, "{" + amounts.map(String.init).joined(separator: ",") + "}", TestCluster.randomRUT()]).first!.decode("number") }
    }

    /// A case's id and its invoice numbers, oldest due first.
    func invoices(_ caseNumber: String) throws -> (id: Int64, numbers: [String]) {
        try db.asSuperuser { su in
            let rows = try su.query("""
                SELECT c.id, i.number FROM cobranza.collection_case c JOIN cobranza.invoice i ON i.tenant_id = c.tenant_id AND i.case_id = c.id
                 WHERE c.number = $1 ORDER BY i.due, i.id
                """, [caseNumber]).rows
            return (try rows[0].decode("id"), try rows.map { try $0.decode("number") })
        }
    }
}
