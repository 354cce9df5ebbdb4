import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Payments, fees, invoices and credit notes against a real PostgreSQL: the arithmetic to the
/// peso, the numbering, the immutability and what an SME may see.
@Suite("Payments and fee invoices")
struct PaymentTests {
    let fixture: PaymentFixture

    init() throws { fixture = try PaymentFixture() }

    @Test func threePaymentsOneDirectYieldTheInvoiceToThePeso() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [400_000, 350_000, 250_001])
        let ana = try fixture.session(fixture.collector)
        let first = try ana.payments.record(.init(caseNumber: number, amount: "300.000", date: "2026-03-02", ref: "CHQ-1"))
        let direct = try ana.payments.record(.init(caseNumber: number, amount: "400.000", date: "2026-03-04", channel: "direct"))
        let last = try ana.payments.record(.init(caseNumber: number, amount: "300.001", date: "2026-03-20"))
        #expect([first.fee, direct.fee, last.fee] == [45_000, 60_000, 45_000])
        // Each payment says what its case still owes, read in the transaction that wrote it.
        #expect([first.caseOutstanding, direct.caseOutstanding, last.caseOutstanding] == [700_001, 300_001, 0])
        #expect(try ana.payments.show(first.reference).caseOutstanding == nil)
        for payment in [first, direct, last] {
            #expect(payment.rate == BasisPoints(1_500))
            #expect(payment.stage == "extrajudicial")
            #expect(payment.contractVersion == 1)
        }
        #expect(try ana.payments.balances(caseNumber: number).map(\.outstanding) == [0, 0, 0])
        let closed = try ana.connection.query("SELECT stage, close_code FROM cobranza.collection_case WHERE number = $1", [number]).first!
        #expect(try closed.decode("stage", as: String.self) == "closed")
        #expect(try closed.decode("close_code", as: String.self) == "paid")

        let admin = try fixture.session(fixture.admin)
        let issued = try admin.feeInvoices.issue(client: "ACME", period: "2026-03")
        #expect(issued == [IssuedFeeInvoice(number: "F-2026-000001", client: "ACME", currency: "CLP", lines: 3,
                                            subtotal: 150_000, vat: 28_500, total: 178_500)])
        #expect(FeeCalculator.totals(of: [45_000, 60_000, 45_000], vat: BasisPoints(1_900)) == FeeTotals(subtotal: 150_000, vat: 28_500, total: 178_500))
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-03").isEmpty)

        // Net mode: the agency keeps fee and VAT from the 600.001 it collected; the direct
        // payment's fee is invoiced instead.
        let statement = try admin.statements.statement(client: "ACME", period: "2026-03")
        #expect(statement.count == 1)
        #expect(statement[0].collectedByAgency == 600_001)
        #expect(statement[0].feesWithheld == 2 * (45_000 + 8_550))
        #expect(statement[0].netToRemit == 600_001 - 107_100)
        #expect(statement[0].paidDirectly == 400_000 && statement[0].feesToInvoice == 71_400)
        #expect(statement[0].openingBalance == 0 && statement[0].closingBalance == 492_901)
    }

    @Test func aRolledBackIssueConsumesNoNumber() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "10.000"))
        let admin = try fixture.session(fixture.admin)
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try admin.connection.withTransaction {
                let issued = try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
                #expect(issued.map(\.number) == ["F-2026-000001"])
                throw Abort()
            }
        }
        #expect(try admin.connection.query("SELECT count(*) AS n FROM cobranza.fee_document").first!.decode("n", as: Int64.self) == 0)
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-04").map(\.number) == ["F-2026-000001"])
    }

    @Test func theDatabaseRefusesOverpaymentDuplicatesAndForgedFees() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: number, amount: "60.000", ref: "TRX-1"))
        #expect(throws: PostgresError.self) { try ana.payments.record(.init(caseNumber: number, amount: "40.001")) }
        do {
            try ana.payments.record(.init(caseNumber: number, amount: "40.001"))
        } catch let error as PostgresError {
            #expect(error.message.contains("$40.001 is more than the $40.000 outstanding"))
        }
        // The database names the column and the payment holding the reference (0014).
        let duplicate = #expect(throws: PostgresError.self) { try ana.payments.record(.init(caseNumber: number, amount: "1", ref: "TRX-1")) }
        #expect(duplicate?.column == "external_ref")
        // Naming the fee columns is refused outright; psql gets no way around the trigger.
        let caseID: Int64 = try ana.connection.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
        #expect(throws: PostgresError.self) {
            try ana.connection.query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, fee) VALUES ($1, $2, 1, 0)", [fixture.acme, caseID])
        }
        // Written by anyone, the fee is the contract's.
        let raw: Int64 = try ana.connection.query(
            "INSERT INTO cobranza.payment (tenant_id, case_id, amount) VALUES ($1, $2, 10001) RETURNING fee", [fixture.acme, caseID]).first!.decode("fee")
        #expect(raw == 1_500)
    }

    @Test func paymentsAndDocumentsAreAppendOnlyEvenForTheSuperuser() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try fixture.session(fixture.collector).payments.record(.init(caseNumber: number, amount: "10.000"))
        try fixture.session(fixture.admin).feeInvoices.issue(client: nil, period: "2026-04")
        let su = try fixture.db.superuser()
        for sql in ["UPDATE cobranza.payment SET amount = 1", "DELETE FROM cobranza.payment",
                    "UPDATE cobranza.fee_document SET total = 0", "DELETE FROM cobranza.fee_document",
                    "TRUNCATE cobranza.fee_document CASCADE", "UPDATE cobranza.remittance SET amount = 1"] {
            #expect(throws: PostgresError.self, "\(sql)") { try su.query(sql) }
        }
    }

    @Test func reversingABilledPaymentIssuesACreditNoteAndReopensThePaidCase() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        let payment = try ana.payments.record(.init(caseNumber: number, amount: "100.000", method: "check"))
        let admin = try fixture.session(fixture.admin)
        try admin.feeInvoices.issue(client: "ACME", period: "2026-04")
        #expect(throws: PostgresError.self) { try ana.payments.reverse(payment.reference, reason: "bounced", date: nil) }
        let (reversal, creditNote) = try admin.payments.reverse(payment.reference, reason: "cheque devuelto", date: nil)
        #expect(reversal.amount == -100_000 && reversal.fee == -15_000 && reversal.reverses == payment.reference)
        #expect(creditNote == "NC-2026-000001")
        let (note, lines) = try admin.feeInvoices.show("NC-2026-000001")
        #expect(note.subtotal == -15_000 && note.vat == -2_850 && note.total == -17_850 && lines.map(\.payment) == [reversal.reference])
        #expect(try ana.payments.balances(caseNumber: number).map(\.outstanding) == [100_000])
        let reopened = try ana.connection.query("SELECT stage FROM cobranza.collection_case WHERE number = $1", [number]).first!
        #expect(try reopened.decode("stage", as: String.self) == "extrajudicial")
        // The timeline reads payments from the payment table, each before the move it set off;
        // case_event holds only the case's own moves (0006_payment_timeline.sql).
        let timeline = try ana.cases.show(number).events.map { "\($0.kind) \($0.outcome ?? "-")" }
        #expect(timeline.suffix(4) == ["payment agency", "closed paid", "payment agency", "reopened -"])
        let events = try fixture.db.superuser().query("""
            SELECT count(*) AS n FROM cobranza.case_event e JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
             WHERE c.number = $1
            """, [number])
        #expect(try events.first?.decode("n", as: Int.self) == timeline.filter { !$0.hasPrefix("payment") }.count)
        // Voiding the invoice now credits nothing twice: the reversed payment is already credited.
        let void = try admin.feeInvoices.void("F-2026-000001", reason: "test")
        #expect(try admin.feeInvoices.show(void).0.subtotal == 0)
        #expect(try admin.feeInvoices.issue(client: "ACME", period: "2026-04").isEmpty)
    }

    @Test func anSMESeesItsOwnMoneyAndNothingElse() throws {
        let mine = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let theirs = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        try ana.payments.record(.init(caseNumber: mine, amount: "10.000"))
        try ana.payments.record(.init(caseNumber: theirs, amount: "20.000"))
        let admin = try fixture.session(fixture.admin)
        try admin.feeInvoices.issue(client: nil, period: "2026-04")
        try admin.statements.remit(client: "OTHER", amount: "5.000", currency: nil, date: nil, ref: "TRF-1")
        let maria = try fixture.session(fixture.maria)
        for table in ["payment", "fee_document", "fee_document_line", "standing_fee_document", "remittance", "invoice_balance", "billed_payment"] {
            let tenants = try maria.connection.query("SELECT DISTINCT tenant_id FROM cobranza.\(table)").rows
                .map { try $0.decode("tenant_id", as: Int64.self) }
            #expect(tenants.allSatisfy { $0 == fixture.acme }, "\(table)")
        }
        #expect(try maria.payments.list(client: nil, caseNumber: nil, limit: 50).map(\.caseNumber) == [mine])
        #expect(try maria.feeInvoices.list(client: nil, period: nil, limit: 50).map(\.client) == ["ACME"])
        #expect(throws: StoreError.self) { try maria.statements.statement(client: "OTHER", period: "2026-04") }
        #expect(try maria.statements.statement(client: nil, period: "2026-04").map(\.collectedByAgency) == [10_000])
        for sql in ["INSERT INTO cobranza.payment (tenant_id, case_id, amount) VALUES (\(fixture.acme), 1, 1)",
                    "INSERT INTO cobranza.remittance (tenant_id, amount, currency) VALUES (\(fixture.acme), 1, 'CLP')",
                    "SELECT cobranza.issue_fee_invoices('ACME', '2026-04')",
                    "SELECT cobranza.reverse_payment(1, 'x', NULL)"] {
            #expect(throws: PostgresError.self, "\(sql)") { try maria.connection.query(sql) }
        }
    }

    /// The database's fee rule and CobranzaCore's are the same rule: random contracts, stages,
    /// channels, ages and amounts give the same rate, fee and note; rounding and formatting too.
    @Test func databaseAndSwiftAgreeOnEveryFee() throws {
        let su = try fixture.db.superuser()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let contract = FeeContract(
                effective: CalendarDate(year: 2026, month: 1, day: 1)!,
                extrajudicialRate: BasisPoints(Int.random(in: 0...3_000, using: &generator)),
                judicialRate: BasisPoints(Int.random(in: 0...3_000, using: &generator)),
                surchargeOver12Months: BasisPoints(Int.random(in: 0...500, using: &generator)),
                surchargeOver24Months: BasisPoints(Int.random(in: 0...1_000, using: &generator)),
                minimumFee: [0, 5_000, 1_000_000].randomElement(using: &generator)!,
                vatRate: BasisPoints(1_900), directPaymentsEarnFee: Bool.random(using: &generator))
            let amount = Int64.random(in: 1...50_000_000, using: &generator)
            let stage = FeeStage.allCases.randomElement(using: &generator)!
            let channel = PaymentChannel.allCases.randomElement(using: &generator)!
            // Up to four parts on invoices of any age (month ends and leap days among the dues).
            let placed = CalendarDate(year: 2026, month: 1, day: 1)!.adding(days: Int.random(in: 0...400, using: &generator))
            var parts: [FeeCalculator.Part] = []
            var left = amount
            for index in 0..<Int.random(in: 1...4, using: &generator) {
                let share = left == 0 ? 0 : Int64.random(in: 1...left, using: &generator)
                let due = placed.adding(days: -Int.random(in: 1...1_000, using: &generator))
                parts.append(.init(invoice: "F-\(index)", due: due, amount: share))
                left -= share
            }
            parts[parts.count - 1].amount += left
            parts.removeAll { $0.amount == 0 }
            let swift = FeeCalculator.fee(payment: amount, stage: stage, channel: channel, placed: placed, parts: parts, contract: contract)
            let row = try su.query("""
                SELECT * FROM cobranza.payment_fee($1, 'CLP', $2, $3, $4::date, $5::date[], $6::text[], $7::bigint[],
                                                   $8::integer, $9::integer, $10::integer, $11::integer, $12, $13)
                """, [
                amount, stage.rawValue, channel.rawValue, placed.description,
                "{" + parts.map(\.due.description).joined(separator: ",") + "}", "{" + parts.map(\.invoice).joined(separator: ",") + "}",
                "{" + parts.map { String($0.amount) }.joined(separator: ",") + "}",
                contract.extrajudicialRate.value, contract.judicialRate.value,
                contract.surchargeOver12Months.value, contract.surchargeOver24Months.value, contract.minimumFee,
                contract.directPaymentsEarnFee]).first!
            #expect(try row.decode("fee_bp", as: Int.self) == swift.rate.value)
            #expect(try row.decode("fee", as: Int64.self) == swift.fee)
            #expect(try row.decodeIfPresent("note", as: String.self) == swift.note)
        }
        for (rate, amount) in [(1_500, Int64(5)), (1_500, -5), (1_900, 150_000), (3_333, 1), (1, 5_000), (1, 4_999), (1, -5_000)] {
            let sql: Int64 = try su.query("SELECT cobranza.apply_rate($1::integer, $2) AS v", [rate, amount]).first!.decode("v")
            #expect(sql == Rounding.apply(BasisPoints(rate), to: amount), "\(rate) bp of \(amount)")
        }
        for (minor, currency) in [(Int64(1_000_001), Currency.clp), (-123_456, .cop), (5, .mxn), (0, .usd), (123_456, .clf), (999, .clp)] {
            let sql: String = try su.query("SELECT cobranza.format_money($1, $2) AS v", [minor, currency.code.rawValue]).first!.decode("v")
            #expect(sql == Money(minorUnits: minor, currency: currency).formatted)
        }
    }

    /// record_payment saves round trips and nothing else: psql callers meet the same triggers
    /// and policies, and only the people who record payments may call it.
    @Test func recordPaymentIsThePlainInsertUnderTheSameRules() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let ana = try fixture.connect(fixture.collector)
        let caseID: Int64 = try ana.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [number]).first!.decode("id")
        let call = "SELECT outstanding FROM cobranza.record_payment($1, $2, $3, NULL, 'agency', 'transfer', NULL)"
        #expect(try ana.query(call, [fixture.acme, caseID, Int64(40_000)]).first!.decode("outstanding", as: Int64.self) == 60_000)
        let overpaid = #expect(throws: PostgresError.self) { try ana.query(call, [fixture.acme, caseID, Int64(60_001)]) }
        #expect(overpaid?.message.contains("more than the $60.000 outstanding") == true)
        let maria = try fixture.connect(fixture.maria)
        let refused = #expect(throws: PostgresError.self) { try maria.query(call, [fixture.acme, caseID, Int64(1)]) }
        #expect(refused?.sqlState == .insufficientPrivilege)
    }
}
