import CobranzaCore
import CobranzaStore
import Postgres
import Testing

/// Issue 16, item 5: a remittance's reference is unique per client, a remittance is reversed
/// with a reason (by a row of its own, audited, enforced by the database), and a statement whose
/// closing balance is negative says the client owes the agency.
@Suite("Remittances")
struct RemittanceTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    @Test func aReferenceIsUniquePerClientWhoeverWritesIt() throws {
        let admin = try fixture.session(fixture.admin)
        try admin.statements.remit(client: "ACME", amount: "10.000", currency: nil, date: nil, ref: "TRF-1")
        try admin.statements.remit(client: "OTHER", amount: "10.000", currency: nil, date: nil, ref: "TRF-1") // another client's account
        #expect(throws: StoreError.self) {
            try admin.statements.remit(client: "ACME", amount: "5.000", currency: nil, date: nil, ref: " TRF-1 ")
        }
        // Through psql, a padded copy of the reference is the same reference.
        let refused = #expect(throws: PostgresError.self) {
            try admin.connection.query("INSERT INTO cobranza.remittance (tenant_id, amount, currency, external_ref) VALUES ($1, 5000, 'CLP', ' TRF-1')",
                                       [fixture.acme])
        }
        #expect(refused?.constraint == "remittance_tenant_id_external_ref_key")
    }

    @Test func aRemittanceIsReversedOnceWithAReasonAndTheStatementShowsIt() throws {
        let admin = try fixture.session(fixture.admin)
        let sent = try admin.statements.remit(client: "ACME", amount: "10.000", currency: nil, date: "2026-04-01", ref: "TRF-9")
        let named = try #require(ClientReference(parsing: sent.reference))
        let reversal = try admin.statements.reverseRemittance(named, reason: "transfer returned by the bank")
        #expect(reversal.amount == -10_000)
        #expect(reversal.reverses == sent.id && reversal.reversesReference == sent.reference)
        #expect(reversal.reason == "transfer returned by the bank")
        #expect(try admin.statements.remittances(client: "ACME", limit: 10).first { $0.id == sent.id }?.reversedBy == reversal.id)
        let again = #expect(throws: (any Error).self) { try admin.statements.reverseRemittance(named, reason: "twice") }
        #expect("\(again!)".contains("already reversed"))
        #expect(throws: (any Error).self) {
            try admin.statements.reverseRemittance(try #require(ClientReference(parsing: reversal.reference)), reason: "undo the undo")
        }
        #expect(throws: StoreError.self) { try admin.statements.reverseRemittance(named, reason: "  ") }
        #expect(throws: StoreError.self) { try admin.statements.reverseRemittance(ClientReference(clientCode: nil, number: 1), reason: "whose?") }
        // Nothing was collected: remitting 10.000 and taking it back leaves nothing owed.
        let statement = try admin.statements.statement(client: "ACME", period: "2026-04")
        #expect(statement.count == 1)
        #expect(statement[0].remitted == 0 && statement[0].closingBalance == 0)
        #expect(statement[0].remittances.map(\.amount) == [10_000, -10_000])
        // The reversal is audited like any insert.
        let audited: Int64 = try fixture.db.asSuperuser { su in
            try su.query("SELECT count(*) AS n FROM cobranza.audit_log WHERE table_name = 'remittance'").first!.decode("n")
        }
        #expect(audited >= 2)
    }

    /// The rules hold for a plain INSERT: a reversal copies its remittance, negated; a collector
    /// may not write one at all.
    @Test func theDatabaseWritesAndGuardsTheReversal() throws {
        let admin = try fixture.connect(fixture.admin)
        let id: Int64 = try admin.query("""
            INSERT INTO cobranza.remittance (tenant_id, amount, currency, paid_on) VALUES ($1, 7000, 'CLP', '2026-03-31') RETURNING id
            """, [fixture.acme]).first!.decode("id")
        let row = try admin.query("""
            INSERT INTO cobranza.remittance (tenant_id, amount, currency, reverses_id, reason) VALUES ($1, 1, 'CLP', $2, 'wrong account')
            RETURNING amount
            """, [fixture.acme, id]).first!
        #expect(try row.decode("amount", as: Int64.self) == -7_000)
        let noReason = #expect(throws: PostgresError.self) {
            try admin.query("INSERT INTO cobranza.remittance (tenant_id, amount, currency, reverses_id) VALUES ($1, 1, 'CLP', $2)", [fixture.acme, id])
        }
        #expect(noReason?.message.contains("reason") == true)
        let ana = try fixture.connect(fixture.collector)
        #expect(throws: PostgresError.self) {
            try ana.query("INSERT INTO cobranza.remittance (tenant_id, amount, currency, reverses_id, reason) VALUES ($1, 1, 'CLP', $2, 'x')",
                          [fixture.acme, id])
        }
    }

    @Test func aNegativeClosingBalanceSaysTheClientOwesTheAgency() throws {
        let admin = try fixture.session(fixture.admin)
        try admin.statements.remit(client: "ACME", amount: "10.000", currency: nil, date: "2026-04-01", ref: nil)
        let statement = try admin.statements.statement(client: "ACME", period: "2026-04")
        #expect(statement[0].closingBalance == -10_000)
        #expect(statement[0].remittances.map(\.amount) == [10_000])
        // (the words are the shell's: transcript payments.txt, `statement` after an over-remittance)
    }
}
