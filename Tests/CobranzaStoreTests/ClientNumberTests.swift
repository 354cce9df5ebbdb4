import CobranzaStore
import Postgres
import Testing
import TestSupport

/// Issue 14, item 10: the numbers an SME reads for its submissions and import batches count its
/// own rows only (0019), however much other clients place in between. Driven as the attacker
/// would, with plain SQL as each client's login role.
@Suite("Client numbers")
struct ClientNumberTests {
    let db: TestDatabase
    let maria: Connection
    let pedro: Connection

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        try db.addClient("OTHER", taxID: "96543210-8")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        pedro = try db.connect(as: try db.addPerson("pedro", kind: "client", client: "OTHER"))
        for client in [maria, pedro] {
            try client.query("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '12345678-5', 'Deudor')")
        }
    }

    /// One submission as `client` with plain SQL; the number it reads back.
    func submit(_ client: Connection) throws -> Int64 {
        try client.query("""
            INSERT INTO cobranza.submission (debtor_id, currency)
            SELECT id, 'CLP' FROM cobranza.debtor RETURNING number
            """).first!.decode("number")
    }

    func batch(_ client: Connection, _ checksum: String) throws -> Int64 {
        try client.query("""
            INSERT INTO cobranza.import_batch (file_name, checksum, row_count) VALUES ('f.csv', $1, 1) RETURNING number
            """, [checksum]).first!.decode("number")
    }

    @Test func anSMEsNumbersCountNoOtherClientsRows() throws {
        var mine: [Int64] = []
        var theirs: [Int64] = []
        for round in 0..<3 {
            mine.append(try submit(maria))
            for _ in 0..<(round + 2) { theirs.append(try submit(pedro)) }
        }
        #expect(mine == [1, 2, 3])
        #expect(theirs == Array(1...9))
        // What maria reads afterwards says the same: her rows, numbered 1, 2, 3.
        let read = try maria.query("SELECT number FROM cobranza.submission ORDER BY number").rows
            .map { try $0.decode("number", as: Int64.self) }
        #expect(read == [1, 2, 3])

        var batches: [Int64] = []
        for round in 0..<3 {
            batches.append(try batch(maria, "mine-\(round)"))
            _ = try batch(pedro, "theirs-\(round)-a")
            _ = try batch(pedro, "theirs-\(round)-b")
        }
        #expect(batches == [1, 2, 3])
    }

    @Test func nobodyChoosesOrChangesANumberOrReadsTheCounter() throws {
        _ = try submit(maria)
        // No person may name the column: the trigger's number is the only one.
        #expect(throws: PostgresError.self) {
            try maria.query("INSERT INTO cobranza.submission (debtor_id, currency, number) SELECT id, 'CLP', 7 FROM cobranza.debtor")
        }
        let admin = try db.connect(as: try db.addPerson("ana", kind: "admin"))
        #expect(throws: PostgresError.self) { try admin.query("UPDATE cobranza.submission SET number = 9") }
        #expect(throws: PostgresError.self) {
            try admin.query("INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count, number) SELECT id, 'f', 'x', 1, 5 FROM cobranza.tenant LIMIT 1")
        }
        for person in [maria, admin] {
            #expect(throws: PostgresError.self) { try person.query("SELECT * FROM cobranza.client_number_counter") }
            #expect(throws: PostgresError.self) { try person.query("UPDATE cobranza.client_number_counter SET last_value = 0") }
        }
        // A rolled-back insert gives its number back.
        try maria.query("BEGIN")
        #expect(try submit(maria) == 2)
        try maria.query("ROLLBACK")
        #expect(try submit(maria) == 2)
    }

    /// The counter row is locked until the inserting transaction ends: one client's placements
    /// queue behind each other (as invoice numbers do), another client's never wait.
    @Test func anotherClientNeverWaitsForTheCounter() throws {
        try maria.query("BEGIN")
        #expect(try submit(maria) == 1)
        try pedro.query("SET lock_timeout = '2s'")
        #expect(try submit(pedro) == 1)
        let colleague = try db.connect(as: try db.addPerson("marta", kind: "client", client: "ACME"))
        try colleague.query("SET lock_timeout = '200ms'")
        do {
            _ = try submit(colleague)
            Issue.record("ACME's second placement did not wait for the first")
        } catch {
            #expect((error as? PostgresError)?.sqlState?.rawValue == "55P03", "\(error)")
        }
        try maria.query("COMMIT")
        #expect(try submit(colleague) == 2)
    }

    /// Submissions and batches made before 0019, interleaved between two clients, are numbered
    /// per client in the order they were made, and new ones go on from there.
    @Test func existingRowsAreNumberedPerClientInTheirOrder() throws {
        let old = try TestCluster.makeDatabase(through: "0018")
        let superuser = try old.superuser()
        try superuser.query("""
            WITH t AS (INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency)
                       VALUES ('ACME', 'Acme', '76123456-0', 'CL', 'CLP'), ('OTHER', 'Other', '96543210-8', 'CL', 'CLP') RETURNING id)
            INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) SELECT id, 'CL', '12345678-5', 'Deudor' FROM t
            """)
        for code in ["ACME", "OTHER", "OTHER", "ACME", "OTHER", "ACME"] {
            try superuser.query("""
                WITH b AS (INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count)
                           SELECT id, 'f.csv', gen_random_uuid()::text, 1 FROM cobranza.tenant WHERE code = $1 RETURNING tenant_id, id)
                INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, batch_id)
                SELECT d.tenant_id, d.id, 'CLP', b.id FROM b JOIN cobranza.debtor d ON d.tenant_id = b.tenant_id
                """, [code])
        }
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        _ = try Migrator(directory: sql).migrate(superuser)
        for table in ["submission", "import_batch"] {
            let numbers = try superuser.query("""
                SELECT t.code || '-' || x.number AS ref FROM cobranza.\(table) x JOIN cobranza.tenant t ON t.id = x.tenant_id ORDER BY x.id
                """).rows.map { try $0.decode("ref", as: String.self) }
            #expect(numbers == ["ACME-1", "OTHER-1", "OTHER-2", "ACME-2", "OTHER-3", "ACME-3"], "\(table)")
        }
        let next: Int64 = try superuser.query("""
            INSERT INTO cobranza.submission (tenant_id, debtor_id, currency)
            SELECT tenant_id, id, 'CLP' FROM cobranza.debtor WHERE tenant_id = (SELECT id FROM cobranza.tenant WHERE code = 'ACME')
            RETURNING number
            """).first!.decode("number")
        #expect(next == 4)
        // The backfill is no one's change: it left nothing in the audit trail.
        let audited: Int64 = try superuser.query(
            "SELECT count(*) AS n FROM cobranza.audit_log WHERE table_name IN ('submission', 'import_batch') AND operation = 'UPDATE'")
            .first!.decode("n")
        #expect(audited == 0)
    }
}

/// The other numbers an SME reads: a promise's, an agreement's and a posting's count its case's
/// rows, a remittance's its client's, whatever other clients' rows were made in between (their
/// internal ids come from agency-wide sequences and are no longer shown).
@Suite("Client numbers: what the shell shows")
struct ShownNumberTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    @Test func promisesAndRemittancesAnSMEReadsCountOnlyItsOwn() throws {
        let admin = try fixture.session(fixture.admin)
        let theirs = try fixture.openCase(tenant: fixture.other, amounts: [500_000])
        let mine = try fixture.openCase(tenant: fixture.acme, amounts: [500_000])
        // Another client's promise and remittances first, so the internal ids of ACME's are not 1.
        _ = try admin.promises.add(caseNumber: theirs, amount: "1.000", due: "2026-04-30", note: nil)
        try admin.statements.remit(client: "OTHER", amount: "5.000", currency: nil, date: nil, ref: "TRF-1")
        try admin.statements.remit(client: "OTHER", amount: "5.000", currency: nil, date: nil, ref: "TRF-2")
        let promise = try admin.promises.add(caseNumber: mine, amount: "1.000", due: "2026-04-30", note: nil)
        let remitted = try admin.statements.remit(client: "ACME", amount: "5.000", currency: nil, date: nil, ref: "TRF-3")
        #expect(promise.id > 1 && remitted.id > 1, "the test needs internal ids that count other clients' rows")
        #expect(promise.number == 1)
        #expect(remitted.reference == "ACME-1")

        let maria = try fixture.session(fixture.maria)
        #expect(try maria.promises.list(caseNumber: nil, brokenOnly: false, client: nil, limit: 100).map(\.number) == [1])
        #expect(try maria.statements.remittances(client: nil, limit: 100).map(\.reference) == ["1"])
        #expect(try admin.statements.remittances(client: nil, limit: 100).map(\.reference) == ["OTHER-1", "OTHER-2", "ACME-1"])
    }
}
