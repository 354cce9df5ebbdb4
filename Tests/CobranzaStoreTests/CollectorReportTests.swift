import CobranzaCore
import CobranzaStore
import Postgres
import Testing
import TestSupport

/// `report collectors` on a small world whose numbers are worked out by hand below, for March
/// 2026 as it stands today (2026-04-02) and as it stood on 2026-03-10; and an SME (or a lawyer)
/// refused, through the store and with plain SQL.
///
/// Two collectors, ana and bob; every case ACME's unless said, opened 2026-01-15, CLP, ACME's
/// contract 15 % (OTHER's 20 %):
///
///     K1 100.000  assigned to ana 03-02; ana calls 03-03 and takes a promise of 40.000 due 03-10;
///                 paid 40.000 on 03-09 (promise kept; ana's first payment, 7 days);
///                 reassigned to bob 03-15; paid 10.000 on 03-16 (bob's first payment, 1 day).
///     K2  50.000  assigned to ana 03-02; ana sends a reminder, an email and an SMS on 03-04 and
///                 takes a promise of 20.000 due 03-12 on 03-05; nothing by 03-12 (broken);
///                 paid 50.000 on 03-20, closing it as paid (ana's; first payment 18 days).
///     K3  80.000  assigned to bob 03-04; bob visits 03-06, calls twice 03-07, takes a promise of
///                 10.000 due 04-30 on 03-07 (pending); paid 5.000 on 02-10 (before the window,
///                 nobody's case then).
///     K4  60.000  never assigned; bob agrees 2 monthly instalments from 03-01 on 03-01; nothing
///                 paid: in default once 03-31 (due + 30 days) has passed.
///     K5  OTHER, 30.000, never assigned; paid 5.000 on 03-25: '(unassigned)'.
///
/// March, as of 2026-04-02:
///     ana  assigned 2, reminders 1, calls 1, messages 2, promises 2 (kept 1, broken 1: 50.0 %),
///          closed paid 1, recovered 90.000 in 2 payments, fees 13.500, first payments 2 in
///          7 + 18 = 25 days: 12.5 on average.
///     bob  assigned 2 (K3, K1), visits 1, calls 2, promises 1 (pending), agreements 1 in default,
///          recovered 10.000 in 1 payment, fees 1.500, first payments 1 in 1 day.
///     (unassigned)  recovered 5.000, fees 1.000.
@Suite("Reports: collectors")
struct CollectorReportTests {
    let fixture: PaymentFixture
    let bob: String
    let lawyer: String

    init() throws {
        fixture = try PaymentFixture()
        let f = fixture
        bob = try f.db.addPerson("bob", kind: "collector")
        lawyer = try f.db.addPerson("laura", kind: "lawyer")
        let ana = f.collector
        let k1 = try f.openCase(tenant: f.acme, amounts: [100_000])
        let k2 = try f.openCase(tenant: f.acme, amounts: [50_000])
        let k3 = try f.openCase(tenant: f.acme, amounts: [80_000])
        let k4 = try f.openCase(tenant: f.acme, amounts: [60_000])
        let k5 = try f.openCase(tenant: f.other, amounts: [30_000])
        // The world is about counting who did what; its contacts, all to one debtor within a few
        // days, would break the Chilean contact rules (ContactRulesTests holds those).
        try f.db.asSuperuser { try $0.query("ALTER TABLE cobranza.case_event DISABLE TRIGGER case_event_contact_rules") }

        try assign(k1, to: ana, on: "2026-03-02")
        try assign(k2, to: ana, on: "2026-03-02")
        try assign(k3, to: bob, on: "2026-03-04")
        try assign(k1, to: bob, on: "2026-03-15")

        try contact(k1, "call", by: ana, on: "2026-03-03", outcome: "promise")
        try promise(k1, 40_000, due: "2026-03-10", by: ana, on: "2026-03-03")
        for kind in ["reminder", "email", "sms"] { try contact(k2, kind, by: ana, on: "2026-03-04") }
        try promise(k2, 20_000, due: "2026-03-12", by: ana, on: "2026-03-05")
        try contact(k3, "visit", by: bob, on: "2026-03-06")
        try contact(k3, "call", by: bob, on: "2026-03-07", outcome: "callback")
        try contact(k3, "call", by: bob, on: "2026-03-07", outcome: "promise")
        try promise(k3, 10_000, due: "2026-04-30", by: bob, on: "2026-03-07")
        let agreements = try Session(connection: try at("2026-03-01", bob)).agreements
        _ = try agreements.create(.init(caseNumber: k4, instalments: 2, firstDue: CalendarDate(parsing: "2026-03-01")!))

        try pay(k3, 5_000, on: "2026-02-10")
        try pay(k1, 40_000, on: "2026-03-09")
        try pay(k1, 10_000, on: "2026-03-16")
        try pay(k2, 50_000, on: "2026-03-20")
        try pay(k5, 5_000, on: "2026-03-25")
    }

    /// A connection as `user` with the clock pinned to `day`.
    func at(_ day: String, _ user: String) throws -> Connection {
        let connection = try fixture.db.connect(as: user)
        try connection.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
        return connection
    }

    func assign(_ number: String, to user: String, on day: String) throws {
        try Session(connection: try at(day, fixture.admin)).cases.assign(number, to: user)
    }

    func caseKey(_ number: String) throws -> (Int64, Int64) {
        let row = try fixture.connect(fixture.admin).query("SELECT tenant_id, id FROM cobranza.collection_case WHERE number = $1", [number]).first!
        return (try row.decode("tenant_id"), try row.decode("id"))
    }

    func contact(_ number: String, _ kind: String, by user: String, on day: String, outcome: String? = nil) throws {
        let (tenant, id) = try caseKey(number)
        try at(day, user).query("INSERT INTO cobranza.case_event (tenant_id, case_id, kind, outcome) VALUES ($1, $2, $3, $4)",
                                [tenant, id, kind, outcome])
    }

    func promise(_ number: String, _ amount: Int64, due: String, by user: String, on day: String) throws {
        let (tenant, id) = try caseKey(number)
        try at(day, user).query("INSERT INTO cobranza.promise (tenant_id, case_id, amount, due) VALUES ($1, $2, $3, $4::date)",
                                [tenant, id, amount, due])
    }

    func pay(_ number: String, _ amount: Int64, on day: String) throws {
        let (tenant, id) = try caseKey(number)
        try fixture.connect(fixture.admin).query("INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on) VALUES ($1, $2, $3, $4::date)",
                                                 [tenant, id, amount, day])
    }

    func report(_ user: String, asOf: String? = nil) throws -> CollectorReport {
        try fixture.session(user).reports.collectors(from: CalendarDate(parsing: "2026-03-01")!, to: CalendarDate(parsing: "2026-03-31")!,
                                                     asOf: asOf.flatMap(CalendarDate.init(parsing:)))
    }

    @Test func marchByHand() throws {
        let report = try report(fixture.admin)
        #expect(report.lines.map(\.collector) == ["(unassigned)", fixture.collector, bob])
        let ana = try #require(report.lines.first { $0.collector == fixture.collector })
        #expect(ana.assigned == 2 && ana.reminders == 1 && ana.calls == 1 && ana.letters == 0 && ana.visits == 0)
        #expect(ana.emails == 1 && ana.sms == 1 && ana.messages == 2)
        #expect(ana.promises == 2 && ana.promisesKept == 1 && ana.promisesBroken == 1 && ana.promisesPending == 0)
        #expect(ana.keptRate == BasisPoints(5000) && ana.brokenRate == BasisPoints(5000))
        #expect(ana.agreements == 0 && ana.closedPaid == 1 && ana.closedSettled == 0)
        #expect(ana.firstPayments == 2 && ana.daysToFirstPayment == 25 && ana.averageDaysToFirstPaymentTenths == 125)
        let bob = try #require(report.lines.first { $0.collector == self.bob })
        #expect(bob.assigned == 2 && bob.visits == 1 && bob.calls == 2 && bob.reminders == 0 && bob.messages == 0)
        #expect(bob.promises == 1 && bob.promisesPending == 1 && bob.keptRate == .zero)
        #expect(bob.agreements == 1 && bob.agreementsInDefault == 1 && bob.closedPaid == 0)
        #expect(bob.firstPayments == 1 && bob.averageDaysToFirstPaymentTenths == 10)
        let unassigned = try #require(report.lines.first)
        #expect(unassigned.assigned == 0 && unassigned.promises == 0 && unassigned.firstPayments == 0)
        #expect(report.recovered == [
            .init(collector: "(unassigned)", currency: "CLP", payments: 1, recovered: 5_000, fees: 1_000),
            .init(collector: fixture.collector, currency: "CLP", payments: 2, recovered: 90_000, fees: 13_500),
            .init(collector: self.bob, currency: "CLP", payments: 1, recovered: 10_000, fees: 1_500),
        ])
    }

    /// As of 2026-03-10 the window is 03-01 to 03-10: K1 not yet bob's, K2's promise not yet
    /// broken (its deadline is 03-12), bob's agreement not yet in default, only the 03-09
    /// payment in. A collector reads every colleague's row.
    @Test func asItStoodOnTheTenth() throws {
        let tenth = try report(bob, asOf: "2026-03-10")
        #expect(tenth.asOf.description == "2026-03-10")
        let ana = try #require(tenth.lines.first { $0.collector == fixture.collector })
        #expect(ana.assigned == 2 && ana.promisesKept == 1 && ana.promisesBroken == 0 && ana.promisesPending == 1)
        #expect(ana.closedPaid == 0 && ana.firstPayments == 1 && ana.daysToFirstPayment == 7)
        let bob = try #require(tenth.lines.first { $0.collector == self.bob })
        #expect(bob.assigned == 1 && bob.calls == 2 && bob.agreements == 1 && bob.agreementsInDefault == 0 && bob.firstPayments == 0)
        #expect(tenth.recovered == [.init(collector: fixture.collector, currency: "CLP", payments: 1, recovered: 40_000, fees: 6_000)])
        // A window before anything happened: every enabled collector, all zero.
        let february = try fixture.session(fixture.admin).reports.collectors(
            from: CalendarDate(parsing: "2026-02-01")!, to: CalendarDate(parsing: "2026-02-09")!)
        #expect(february.lines.map(\.collector) == [fixture.collector, self.bob] && february.recovered.isEmpty)
        #expect(february.lines.allSatisfy { $0 == CollectorReport.Line(collector: $0.collector) })
        #expect(throws: StoreError.self) {
            try fixture.session(fixture.admin).reports.collectors(from: CalendarDate(parsing: "2026-03-31")!, to: CalendarDate(parsing: "2026-03-01")!)
        }
        #expect(throws: StoreError.self) { try report(fixture.admin, asOf: "2026-04-03") }
    }

    /// Who works an SME's cases is the agency's business: the store refuses an SME and a lawyer,
    /// and so does the database's grant, to plain SQL.
    @Test func anSMEAndALawyerAreRefused() throws {
        #expect(throws: StoreError.self) { try report(fixture.maria) }
        #expect(throws: StoreError.self) { try report(lawyer) }
        for user in [fixture.maria, lawyer] {
            let sql = try fixture.connect(user)
            do {
                try sql.query("SELECT * FROM cobranza.collector_report('2026-03-01', '2026-03-31', '2026-04-02')")
                Issue.record("collector_report ran for \(user)")
            } catch {
                #expect(error.sqlState == .insufficientPrivilege, "\(user): \(error)")
            }
        }
    }
}
