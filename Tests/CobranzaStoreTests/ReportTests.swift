import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

/// `report aging` and `report summary` on a small book whose numbers are worked out by hand
/// below, as they stand today and as they stood on earlier days; and what an SME reaches of
/// them, through the store and with plain SQL.
///
/// The book (the clock pinned to 2026-04-02, every amount CLP):
///
///     ACME case A, opened 2026-01-15:  A1 due 2025-10-31  100.000   (placed 2026-01-15)
///                                      A2 due 2026-02-15   50.000   (placed 2026-01-15)
///                                      A3 due 2026-03-20   30.000   (placed 2026-03-25, joins A)
///              paid 120.000 on 2026-03-01: fills A1 (oldest due), then 20.000 of A2.
///     ACME case B, opened 2026-01-15:  B1 due 2025-03-01  200.000; closed as uncollectible
///              today (2026-04-02).
///     OTHER case C, opened 2026-01-15: C1 due 2026-01-01   70.000; paid 10.000 on 2026-03-10,
///              that payment reversed on 2026-03-15.
///
/// Days past due (date minus due date):
///
///                 A1    A2    A3    B1    C1
///     2026-04-02  153    46    13   397    91
///     2026-04-01  152    45    12   396    90
///     2026-03-12  132    25   (not placed)  376    70
///     2026-02-28  120    13   (not placed)  364    58
@Suite("Reports: aging and summary")
struct ReportTests {
    let fixture: PaymentFixture
    let caseA: (tenant: Int64, id: Int64, debtor: Int64)

    init() throws {
        fixture = try PaymentFixture()
        let f = fixture
        caseA = try Self.openCase(f, tenant: f.acme, invoices: [("A1", "2025-10-31", 100_000), ("A2", "2026-02-15", 50_000)])
        try Self.addSubmission(f, to: caseA, submittedOn: "2026-03-25", invoices: [("A3", "2026-03-20", 30_000)])
        let caseB = try Self.openCase(f, tenant: f.acme, invoices: [("B1", "2025-03-01", 200_000)])
        let caseC = try Self.openCase(f, tenant: f.other, invoices: [("C1", "2026-01-01", 70_000)])
        let admin = try f.connect(f.admin)
        try admin.query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on) VALUES ($1, $2, 120000, '2026-03-01')",
                        [caseA.tenant, caseA.id])
        let bounced = try admin.query("""
            INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on) VALUES ($1, $2, 10000, '2026-03-10')
            RETURNING number, (SELECT c.number FROM cobranza.collection_case c WHERE c.tenant_id = $1 AND c.id = $2) AS case_number
            """, [caseC.tenant, caseC.id]).first!
        // A payment is named by its case and its number there (0030).
        try admin.query("SELECT * FROM cobranza.reverse_payment($1, $2, 'cheque bounced', '2026-03-15')",
                        [try bounced.decode("case_number", as: String.self), try bounced.decode("number", as: Int32.self)])
        let number: String = try admin.query("SELECT number FROM cobranza.collection_case WHERE tenant_id = $1 AND id = $2",
                                             [caseB.tenant, caseB.id]).first!.decode("number")
        _ = try Session(connection: admin).cases.close(number, code: .uncollectible, note: "debtor dissolved")
    }

    /// A case of a new debtor opened on 2026-01-15, its invoices submitted that day.
    static func openCase(_ f: PaymentFixture, tenant: Int64, invoices: [(String, String, Int64)]) throws -> (tenant: Int64, id: Int64, debtor: Int64) {
        let (id, debtor): (Int64, Int64) = try f.db.asSuperuser { su in
            let row = try su.query("""
                WITH d AS (INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name) VALUES ($1, 'CL', $2, 'Deudor ' || $2) RETURNING id)
                INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency, opened_on)
                SELECT $1, id, 'CLP', '2026-01-15' FROM d RETURNING id, debtor_id
                """, [tenant, TestCluster.randomRUT()]).first!
            return (try row.decode("id"), try row.decode("debtor_id"))
        }
        try addSubmission(f, to: (tenant, id, debtor), submittedOn: "2026-01-15", invoices: invoices)
        return (tenant, id, debtor)
    }

    static func addSubmission(_ f: PaymentFixture, to target: (tenant: Int64, id: Int64, debtor: Int64), submittedOn: String,
                              invoices: [(String, String, Int64)]) throws {
        try f.db.asSuperuser { su in
            let submission: Int64 = try su.query("""
                INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, status, case_id, submitted_on)
                VALUES ($1, $2, 'CLP', 'accepted', $3, $4::date) RETURNING id
                """, [target.tenant, target.debtor, target.id, submittedOn]).first!.decode("id")
            for (number, due, amount) in invoices {
                try su.query("""
                    INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, case_id)
                    VALUES ($1, $2, $3, $4, '2025-01-01', $5::date, $6, 'CLP', $7)
                    """, [target.tenant, submission, target.debtor, number, due, amount, target.id])
            }
        }
    }

    func aging(_ user: String, on day: String? = nil, client: String? = nil,
               by grouping: AgingReport.Grouping = .client) throws -> AgingReport {
        try fixture.session(user).reports.aging(client: client, grouping: grouping, asOf: day.flatMap(CalendarDate.init(parsing:)))
    }

    func line(_ report: AgingReport, _ group: String?) -> AgingReport.Line? {
        group.map { g in report.lines.first { $0.group == g } } ?? report.totals.first
    }

    @Test func agingTodayByHand() throws {
        let report = try aging(fixture.admin)
        #expect(report.asOf.description == PaymentFixture.today)
        // ACME: A1 paid in full; A2 owes 30.000 at 46 days (31-60); A3 30.000 at 13 days (0-30);
        // B is closed today and counts no more.
        let acme = try #require(line(report, "ACME"))
        #expect(acme.amounts == [0, 30_000, 30_000, 0, 0, 0, 0] && acme.counts == [0, 1, 1, 0, 0, 0, 0])
        #expect(acme.invoices == 2 && acme.outstanding == 60_000)
        // OTHER: C1 owes all 70.000 again (the payment was reversed), 91 days: 91-180.
        let other = try #require(line(report, "OTHER"))
        #expect(other.amounts == [0, 0, 0, 0, 70_000, 0, 0] && other.invoices == 1 && other.outstanding == 70_000)
        let total = try #require(line(report, nil))
        #expect(total.currency == "CLP" && total.amounts == [0, 30_000, 30_000, 0, 70_000, 0, 0])
        #expect(total.counts == [0, 1, 1, 0, 1, 0, 0] && total.invoices == 3 && total.outstanding == 130_000)
        #expect(report.lines.map(\.group) == ["ACME", "OTHER"])
    }

    @Test func agingAsItStoodOnEarlierDays() throws {
        // The day before the close: B1 still open, 396 days (>365); C1 at 90 days is 61-90.
        let april = try #require(line(try aging(fixture.admin, on: "2026-04-01"), nil))
        #expect(april.amounts == [0, 30_000, 30_000, 70_000, 0, 0, 200_000] && april.outstanding == 330_000)
        // 2026-03-12: A3 not placed yet; A2 owes 30.000 (25 days); C1 60.000 (the payment of the
        // 10th stands, its reversal of the 15th is still to come), 70 days; B1 376 days.
        let march = try #require(line(try aging(fixture.admin, on: "2026-03-12"), nil))
        #expect(march.amounts == [0, 30_000, 0, 60_000, 0, 0, 200_000] && march.counts == [0, 1, 0, 1, 0, 0, 1])
        // 2026-02-28: nothing paid yet. A1 100.000 at 120 days, A2 50.000 at 13, B1 200.000 at
        // 364 (181-365), C1 70.000 at 58.
        let february = try #require(line(try aging(fixture.admin, on: "2026-02-28"), nil))
        #expect(february.amounts == [0, 50_000, 70_000, 0, 100_000, 200_000, 0] && february.invoices == 4 && february.outstanding == 420_000)
        // Before anything was placed there is nothing.
        #expect(try aging(fixture.admin, on: "2026-01-14").totals.isEmpty)
    }

    @Test func agingByCollectorAndFilters() throws {
        try fixture.db.asSuperuser { su in
            try su.query("UPDATE cobranza.collection_case SET assigned_to = $1 WHERE tenant_id = $2", [fixture.collector, fixture.other])
        }
        let report = try aging(fixture.admin, by: .collector)
        #expect(report.lines.map(\.group) == ["(unassigned)", fixture.collector])
        #expect(line(report, fixture.collector)?.outstanding == 70_000)
        let filtered = try fixture.session(fixture.admin).reports.aging(collector: fixture.collector)
        #expect(filtered.lines.map(\.group) == ["OTHER"] && filtered.totals.first?.outstanding == 70_000)
        #expect(try fixture.session(fixture.admin).reports.aging(currency: "COP").totals.isEmpty)
        #expect(throws: StoreError.self) { try fixture.session(fixture.admin).reports.aging(currency: "XYZ") }
        // A day still to come has not stood yet.
        #expect(throws: StoreError.self) { try aging(fixture.admin, on: "2026-04-03") }
    }

    @Test func anSMEReadsItsOwnAgingOnly() throws {
        let report = try aging(fixture.maria)
        #expect(report.lines.map(\.group) == ["ACME"] && report.totals.first?.outstanding == 60_000)
        #expect(try aging(fixture.maria, on: "2026-04-01").totals.first?.outstanding == 260_000)
        #expect(throws: StoreError.self) { try aging(fixture.maria, client: "OTHER") }
        #expect(throws: StoreError.self) { try aging(fixture.maria, by: .collector) }
        // With plain SQL, the report's function gives it nothing of OTHER's, on any day, and the
        // collector column it would group by is not its to read.
        let maria = try fixture.connect(fixture.maria)
        for day in ["2026-02-28", "2026-04-01", "2026-04-02"] {
            let tenants = try maria.query("SELECT DISTINCT tenant_id FROM cobranza.invoice_balance_as_of($1::date)", [day])
                .rows.map { try $0.decode("tenant_id", as: Int64.self) }
            #expect(tenants == [fixture.acme])
        }
        #expect(throws: PostgresError.self) { try maria.query("SELECT assigned_to FROM cobranza.collection_case") }
    }

    /// Every report an SME can run gives it its own client's figures only, and the staff-only ones
    /// (debtors owing to several clients, a debtor's history and grade) refuse it, in the store and
    /// with plain SQL on every function the reports read through. OTHER's C1 (70.000, due
    /// 2026-01-01) is in the book on every day asked.
    @Test func everyReportIsAnSMEsOwnOrRefused() throws {
        let maria = try fixture.session(fixture.maria)
        for day in ["2026-02-28", "2026-04-01", nil] {
            let asOf = day.flatMap(CalendarDate.init(parsing:))
            let aging = try maria.reports.aging(asOf: asOf)
            #expect(aging.lines.map(\.group) == ["ACME"])
            let staffTotal = try fixture.session(fixture.admin).reports.aging(client: "ACME", asOf: asOf).totals
            #expect(aging.totals == staffTotal, "an SME's aging is staff's for its client, on \(day ?? "today")")
            let summary = try maria.reports.summary(client: nil, asOf: asOf)
            #expect(summary.client == "ACME" && summary.figures.map(\.placed.year) == [day == "2026-02-28" ? 350_000 : 380_000])
        }
        #expect(throws: StoreError.self) { try maria.debtors.shared(minClients: 1, limit: 50) }
        #expect(throws: StoreError.self) { try maria.debtors.history(taxID: "96.543.210-8") }
        let sql = try fixture.connect(fixture.maria)
        let tenants = try sql.query("SELECT DISTINCT tenant_id FROM cobranza.invoice_balance_as_of(cobranza.today())").rows
            .map { try $0.decode("tenant_id", as: Int64.self) }
        #expect(tenants == [fixture.acme])
        for query in ["SELECT * FROM cobranza.debtor_history('CL', '96543210-8')", "SELECT cobranza.debtor_grade('CL', '96543210-8')"] {
            do {
                try sql.query(query)
                Issue.record("\(query) ran for an SME")
            } catch {
                #expect(error.sqlState == .insufficientPrivilege, "\(query): \(error)")
            }
        }
    }

    @Test func summaryThisMonthAndYear() throws {
        let summary = try fixture.session(fixture.maria).reports.summary(client: nil)
        #expect(summary.client == "ACME")
        let clp = try #require(summary.figures.first)
        // Placed: A1+A2+B1 in January, A3 in March; none in April.
        #expect(clp.placed == (0, 380_000))
        // Recovered: 120.000 on 2026-03-01, before April; fees 15 % of it (ACME's contract).
        #expect(clp.recovered == (0, 120_000) && clp.fees == (0, 18_000))
        #expect(clp.remitted == (0, 0) && clp.outstanding == 60_000)
        #expect(summary.aging.totals.first?.outstanding == 60_000)
        // As of March 31st, March is "this month".
        let march = try #require(try fixture.session(fixture.maria).reports.summary(client: nil, asOf: CalendarDate(parsing: "2026-03-31")).figures.first)
        #expect(march.placed == (30_000, 380_000) && march.recovered == (120_000, 120_000) && march.outstanding == 260_000)
        // Staff name the client; OTHER's reversed payment nets to nothing.
        let other = try #require(try fixture.session(fixture.admin).reports.summary(client: "OTHER").figures.first)
        #expect(other.recovered == (0, 0) && other.placed == (0, 70_000) && other.outstanding == 70_000)
        #expect(throws: StoreError.self) { try fixture.session(fixture.maria).reports.summary(client: "OTHER") }
    }

    func recovery(_ user: String, from: String = "2026-01", to: String = "2026-03", on day: String? = nil,
                  client: String? = nil) throws -> RecoveryReport {
        try fixture.session(user).reports.recovery(client: client, from: CalendarMonth(parsing: from)!, to: CalendarMonth(parsing: to)!,
                                                   asOf: day.flatMap(CalendarDate.init(parsing:)))
    }

    /// `report recovery` on the book above. Every case was first placed on 2026-01-15, so there
    /// is one cohort, 2026-01 (A3 joins case A in March and adds to its placed amount there).
    @Test func recoveryByCohortByHand() throws {
        let report = try recovery(fixture.admin)
        let january = try #require(report.cohorts.first)
        #expect(report.cohorts.count == 1 && january.month.description == "2026-01" && january.currency == "CLP")
        // Placed: A 100.000 + 50.000 + 30.000, B 200.000, C 70.000 = 450.000 in 3 cases.
        #expect(january.cases == 3 && january.placed == 450_000)
        // Recovered by month, January to April (today): A's 120.000 on 2026-03-01; C's 10.000 of
        // 03-10 and its reversal of 03-15 net to nothing in March.
        #expect(january.byMonth == [0, 0, 120_000, 0] && january.cumulative == [0, 0, 120_000, 120_000])
        // Rate: 120.000 × 10.000 / 450.000 = 2.666,6… → 2666 bp (26.6 %). Fees: 15 % of A's = 18.000.
        #expect(january.recovered == 120_000 && january.rate == BasisPoints(2666) && january.fees == 18_000)
        // B closed today as uncollectible; A and C are open.
        #expect(january.closed == [.init(code: "uncollectible", cases: 1)])
        // By stage and channel in January-March: A's payment, extrajudicial and to the agency; C's
        // payment and reversal count as none and net to nothing.
        let stage = report.splits.filter { $0.dimension == .stage }
        let channel = report.splits.filter { $0.dimension == .channel }
        #expect(stage.map(\.value) == ["extrajudicial"] && channel.map(\.value) == ["agency"])
        for split in stage + channel {
            #expect(split.payments == 1 && split.recovered == 120_000 && split.fees == 18_000 && split.currency == "CLP")
        }
        // Cohorts after January: none; the window's March payments still show by stage.
        let later = try recovery(fixture.admin, from: "2026-02")
        #expect(later.cohorts.isEmpty && later.splits.first?.recovered == 120_000)
        #expect(throws: StoreError.self) { try recovery(fixture.admin, from: "2026-03", to: "2026-01") }
        #expect(throws: StoreError.self) { try recovery(fixture.admin, on: "2026-04-03") }
    }

    @Test func recoveryAsItStoodOnEarlierDays() throws {
        // 2026-03-12: A3 not placed yet (A is 150.000, the book 420.000); C's 10.000 stands, its
        // reversal is still to come: 130.000 recovered in March, 130.000 × 10.000 / 420.000 =
        // 3.095,2… → 3095 bp; nothing closed yet (B closes on 04-02).
        let march = try #require(try recovery(fixture.admin, on: "2026-03-12").cohorts.first)
        #expect(march.placed == 420_000 && march.byMonth == [0, 0, 130_000] && march.rate == BasisPoints(3095))
        #expect(march.closed.isEmpty)
        // The day before B's close: still nothing closed.
        #expect(try recovery(fixture.admin, on: "2026-04-01").cohorts.first?.closed == [])
        // Before any placement: nothing.
        #expect(try recovery(fixture.admin, on: "2026-01-14").cohorts.isEmpty)
    }

    /// An SME's recovery is its own cases only, by row security: ACME's A and B, 380.000 placed,
    /// 120.000 recovered: 120.000 × 10.000 / 380.000 = 3.157,8… → 3157 bp. Staff's for ACME is the same.
    @Test func anSMEReadsItsOwnRecoveryOnly() throws {
        let report = try recovery(fixture.maria)
        let january = try #require(report.cohorts.first)
        #expect(report.cohorts.count == 1 && january.cases == 2 && january.placed == 380_000 && january.rate == BasisPoints(3157))
        #expect(report == (try recovery(fixture.admin, client: "ACME")))
        #expect(throws: StoreError.self) { try recovery(fixture.maria, client: "OTHER") }
        // With plain SQL: the payments it would sum are ACME's alone, reversal of OTHER's included.
        let maria = try fixture.connect(fixture.maria)
        let tenants = try maria.query("SELECT DISTINCT tenant_id FROM cobranza.payment").rows.map { try $0.decode("tenant_id", as: Int64.self) }
        #expect(tenants == [fixture.acme])
        let cases = try maria.query("SELECT count(DISTINCT case_id)::bigint AS n FROM cobranza.invoice_balance_as_of(cobranza.today())")
            .first!.decode("n", as: Int64.self)
        #expect(cases == 2)
    }
}
