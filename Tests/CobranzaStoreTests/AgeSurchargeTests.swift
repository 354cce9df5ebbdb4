import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import Testing
import TestSupport

/// Issue 16, item 2: an age surcharge is earned by an invoice, counted by the calendar, and
/// applies only to the part of a payment allocated to that invoice.
@Suite("Age surcharges by invoice and by calendar")
struct AgeSurchargeTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME from 2026-01-02: 15 % + 2 % over 12 months, + 5 % over 24.
        try fixture.db.asSuperuser { su in
            try su.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp,
                                               surcharge_12m_bp, surcharge_24m_bp, vat_bp)
                VALUES ($1, 2, '2026-01-02', 1500, 2500, 200, 500, 1900)
                """, [fixture.acme])
        }
    }

    /// A case of ACME placed (opened) on 2026-11-02 with these invoices (number, due, amount).
    func placeCase(_ invoices: [(String, String, Int64)]) throws -> String {
        try fixture.db.asSuperuser { su in
            let number: String = try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                           VALUES ($1, 'CL', $2, 'Deudor Antiguo') RETURNING id)
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                SELECT $1, id, 'CLP', '2026-11-02' FROM d RETURNING number
                """, [fixture.acme, TestCluster.randomRUT()]).first!.decode("number")
            for (invoice, due, amount) in invoices {
                try su.query("""
                    WITH c AS (SELECT id, debtor_id FROM cobranza.collection_case WHERE number = $1),
                    s AS (INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id)
                          SELECT $2, debtor_id, 'CLP', 'accepted', id FROM c RETURNING id, debtor_id, case_id)
                    INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                    SELECT $2, s.id, s.debtor_id, $3, $4::date - 30, $4::date, $5, 'CLP', s.case_id FROM s
                    """, [number, fixture.acme, invoice, due, amount])
            }
            return number
        }
    }

    func collector(on date: String) throws -> Session {
        let session = try fixture.session(fixture.collector)
        try session.connection.query("SELECT set_config('cobranza.as_of', $1, false)", [date])
        return session
    }

    @Test func onlyThePartAllocatedToTheOldInvoiceCarriesTheSurcharge() throws {
        // Due 2025-10-27, placed 2026-11-02: twelve months and six days. The other is 32 days old.
        let number = try placeCase([("OLD-1", "2025-10-27", 100_000), ("NEW-1", "2026-10-01", 50_000)])
        let ana = try collector(on: "2026-11-20")
        let first = try ana.payments.record(.init(caseNumber: number, amount: "120.000", date: "2026-11-10"))
        #expect(first.fee == 17_000 + 3_000)
        #expect(first.rate == BasisPoints(1_700)) // the rate of most of the money
        #expect(first.feeNote == "17% on $100.000 of invoice OLD-1 (over 12 months overdue at placement); 15% on $20.000 of invoice NEW-1")
        let second = try ana.payments.record(.init(caseNumber: number, amount: "30.000", date: "2026-11-12"))
        #expect(second.fee == 4_500)
        #expect(second.rate == BasisPoints(1_500))
        #expect(second.feeNote == nil)

        // The fee invoice shows each line's parts and rates.
        let admin = try fixture.session(fixture.admin)
        try admin.connection.query("SELECT set_config('cobranza.as_of', '2026-12-01', false)")
        let issued = try admin.feeInvoices.issue(client: "ACME", period: CalendarMonth(parsing: "2026-11")!)
        let (_, lines) = try admin.feeInvoices.show(issued[0].number)
        #expect(lines.map(\.fee) == [20_000, 4_500])
        #expect(lines.map(\.note) == [first.feeNote, nil])
    }

    @Test func aPaymentWhollyOnTheOldInvoiceCarriesItsSurchargeAndA24MonthOneTheLarger() throws {
        let number = try placeCase([("ANCIENT", "2024-10-27", 10_000), ("OLD-2", "2025-10-27", 10_000), ("NEW-2", "2026-10-01", 10_000)])
        let ana = try collector(on: "2026-11-20")
        let all = try ana.payments.record(.init(caseNumber: number, amount: "30.000", date: "2026-11-10"))
        #expect(all.fee == 2_000 + 1_700 + 1_500)
        #expect(all.feeNote == "20% on $10.000 of invoice ANCIENT (over 24 months overdue at placement); "
                + "17% on $10.000 of invoice OLD-2 (over 12 months overdue at placement); 15% on $10.000 of invoice NEW-2")
    }

    /// The calendar rule is one rule: SQL's overdue_more_than and OverdueAge agree on many dates,
    /// month ends and leap days included.
    @Test func databaseAndSwiftAgreeOnTheAgeOverManyDates() throws {
        let su = try fixture.db.superuser()
        var generator = SystemRandomNumberGenerator()
        var pairs: [(CalendarDate, CalendarDate)] = []
        let start = CalendarDate(year: 2023, month: 1, day: 1)!
        for _ in 0..<2_000 {
            let due = start.adding(days: Int.random(in: 0...1_500, using: &generator))
            pairs.append((due, due.adding(days: Int.random(in: 330...800, using: &generator))))
        }
        for (due, months) in [("2024-02-29", 12), ("2025-02-28", 12), ("2024-01-31", 1), ("2024-02-29", 24), ("2025-10-27", 12)] {
            let d = CalendarDate(parsing: due)!
            let anniversary = d.adding(months: months)
            pairs += [(d, anniversary.adding(days: -1)), (d, anniversary), (d, anniversary.adding(days: 1))]
        }
        let rows = try su.query("""
            SELECT cobranza.overdue_more_than(d, 12, p) AS over12, cobranza.overdue_more_than(d, 24, p) AS over24
              FROM unnest($1::date[], $2::date[]) WITH ORDINALITY AS u(d, p, n) ORDER BY n
            """, ["{" + pairs.map(\.0.description).joined(separator: ",") + "}",
                  "{" + pairs.map(\.1.description).joined(separator: ",") + "}"]).rows
        #expect(rows.count == pairs.count)
        var disagreements: [String] = []
        for (row, (due, placed)) in zip(rows, pairs) {
            let sql = (try row.decode("over12", as: Bool.self), try row.decode("over24", as: Bool.self))
            let swift = (OverdueAge.isOverdue(due: due, byMoreThan: 12, on: placed), OverdueAge.isOverdue(due: due, byMoreThan: 24, on: placed))
            if sql != swift { disagreements.append("\(due) → \(placed)") }
        }
        #expect(disagreements.isEmpty)
    }
}
