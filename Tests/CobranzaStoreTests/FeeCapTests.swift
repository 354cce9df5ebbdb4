import CobranzaCore
import CobranzaStore
import Postgres
import Testing

/// Issue 16, item 1: an agency's fee never exceeds half of what it recovers. A minimum fee of
/// 150 on a payment of 150 took all of it, and the statement withheld fee + VAT above the payment.
@Suite("Fee cap at half of a payment")
struct FeeCapTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    /// ACME's contract from 2026-01-02 charges a minimum fee of `minimum` (15 %, VAT 19 %).
    func minimumFee(_ minimum: Int64) throws {
        try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, minimum_fee, vat_bp)
                VALUES ($1, 2, '2026-01-02', 1500, 2500, $2, 1900)
                """, [fixture.acme, minimum])
        }
    }

    @Test func aMinimumFeeOnASmallPaymentTakesHalfOfItAtMost() throws {
        try minimumFee(150)
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [1_000])
        let ana = try fixture.session(fixture.collector)
        let even = try ana.payments.record(.init(caseNumber: number, amount: "150", date: "2026-03-02"))
        #expect(even.fee == 75)
        #expect(even.feeNote == "minimum fee per payment, capped at 50% of the payment")
        let odd = try ana.payments.record(.init(caseNumber: number, amount: "151", date: "2026-03-03"))
        #expect(odd.fee == 75) // floor(151 / 2): the cap rounds down to the minor unit
        // Net mode: what the statement withholds (fee + VAT on it) never exceeds the payment.
        let statement = try fixture.session(fixture.admin).statements.statement(client: "ACME", period: "2026-03")
        #expect(statement.count == 1)
        #expect(statement[0].feesWithheld == 2 * (75 + 14))
        #expect(statement[0].feesWithheld <= statement[0].collectedByAgency)
        for payment in statement[0].payments {
            #expect(payment.fee + Rounding.apply(BasisPoints(1_900), to: payment.fee) <= payment.amount)
        }
    }

    /// The cap holds for whoever writes a payment: a forged fee above half is refused by the table.
    @Test func theTableRefusesAFeeAboveHalfOfThePayment() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [1_000])
        let refused = #expect(throws: PostgresError.self) {
            try fixture.db.asSuperuser { su in
                try su.query("ALTER TABLE cobranza.payment DISABLE TRIGGER payment_prepare")
                try su.query("""
                    INSERT INTO cobranza.payment (tenant_id, case_id, number, amount, currency, stage, contract_version, fee_bp, fee)
                    SELECT tenant_id, id, 1, 100, 'CLP', 'extrajudicial', 1, 1500, 51 FROM cobranza.collection_case WHERE number = $1
                    """, [number])
            }
        }
        #expect(refused?.constraint == "payment_fee_cap_check")
    }

    @Test func theCapIsHalfThePaymentRoundedDown() {
        #expect(FeeContract.maximumFee(onPayment: 150) == 75)
        #expect(FeeContract.maximumFee(onPayment: 151) == 75)
        #expect(FeeContract.maximumFee(onPayment: 1) == 0)
        #expect(FeeContract.maximumFee(onPayment: -151) == -75)
    }
}
