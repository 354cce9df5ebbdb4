import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 16, item 13: the agenda misses nothing due. A promise that broke, an instalment in
/// default, and an assigned open case nobody has worked for the contract's follow-up days each
/// appear for the assignee, on the day they fall due and until someone acts on the case.
@Suite("Agenda misses nothing due")
struct AgendaTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    /// The collector's agenda as of `day` (their own cases), as "CASE what".
    func agenda(_ day: String) throws -> [String] {
        let ana = try fixture.session(fixture.collector)
        try ana.connection.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
        return try ana.agenda.items(person: nil, on: nil, limit: 100).map { "\($0.caseNumber) \($0.what)" }
    }

    /// Only the promise lines of the agenda of `day`.
    func promises(_ day: String) throws -> [String] { try agenda(day).filter { $0.contains(" promise") } }

    @Test func aPromiseThatBrokeTodayShowsUntilSomeoneActs() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let admin = try fixture.session(fixture.admin)
        try admin.cases.assign(number, to: fixture.collector)
        let ana = try fixture.session(fixture.collector)
        _ = try ana.promises.add(caseNumber: number, amount: "100.000", due: "2026-04-05", note: nil)
        #expect(try promises("2026-04-08") == ["\(number) promise"], "pending until its grace days are over")
        // Due 5 April, 3 grace days: unpaid on the 9th it broke that day.
        #expect(try promises("2026-04-09") == ["\(number) promise broken"])
        #expect(try promises("2026-04-10") == ["\(number) promise broken"], "still there the day after")
        // A call about it takes it off.
        try ana.connection.query("SELECT set_config('cobranza.as_of', '2026-04-10', false)")
        _ = try ana.steps.log(.init(caseNumber: number, kind: .call, outcome: "callback"))
        #expect(try agenda("2026-04-10") == [])
        // Paid, it is kept: nothing more to do.
        let paid = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        try fixture.session(fixture.admin).cases.assign(paid, to: fixture.collector)
        _ = try ana.promises.add(caseNumber: paid, amount: "100.000", due: "2026-04-12", note: nil)
        try ana.payments.record(.init(caseNumber: paid, amount: "100.000"))
        #expect(try promises("2026-04-20") == [])
    }

    @Test func anInstalmentInDefaultShowsForTheAssigneeOnTheAgendasDate() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let admin = try fixture.session(fixture.admin)
        try admin.cases.assign(number, to: fixture.collector)
        let ana = try fixture.session(fixture.collector)
        _ = try ana.agreements.create(.init(caseNumber: number, instalments: 3, firstDue: "2026-04-10"))
        // The agenda of a later day counts default as of that day, not as of today.
        let items = try ana.agenda.items(person: nil, on: CalendarDate(parsing: "2026-05-11"), limit: 100)
        #expect(items.map(\.what).contains("instalment 1 (agreement in default)"))
        #expect(try agenda("2026-05-11").contains("\(number) instalment 1 (agreement in default)"))
    }

    @Test func anAssignedCaseNobodyWorkedForTheFollowUpDaysShows() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let idle = try fixture.openCase(tenant: fixture.acme, amounts: [300_000])
        let admin = try fixture.session(fixture.admin)
        // Assigned on 2 April (the fixture's today); the default follow-up term is 7 days.
        try admin.cases.assign(number, to: fixture.collector)
        try admin.cases.assign(idle, to: fixture.collector)
        #expect(try agenda("2026-04-08") == [])
        #expect(try agenda("2026-04-09") == ["\(number) no step in 7 days", "\(idle) no step in 7 days"])
        let ana = try fixture.session(fixture.collector)
        try ana.connection.query("SELECT set_config('cobranza.as_of', '2026-04-09', false)")
        _ = try ana.steps.log(.init(caseNumber: number, kind: .reminder))
        #expect(try agenda("2026-04-09") == ["\(idle) no step in 7 days"])
        // The contract's term decides N: ACME's new version asks for a step every 3 days.
        var changes = Contracts.Changes()
        changes.followUpDays = 3
        changes.effective = CalendarDate(parsing: "2026-04-02")
        try admin.contracts.set(client: "ACME", changes)
        #expect(try agenda("2026-04-12") == ["\(idle) no step in 3 days", "\(number) no step in 3 days"])
        // A closed case asks for nothing.
        _ = try admin.cases.close(idle, code: .withdrawn, note: "the client withdrew it")
        #expect(try agenda("2026-04-12") == ["\(number) no step in 3 days"])
    }
}
