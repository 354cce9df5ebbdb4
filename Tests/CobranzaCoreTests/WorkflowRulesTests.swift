import CobranzaCore
import Testing

@Suite("Instalments, business days, posting law, letters")
struct WorkflowRulesTests {
    func date(_ text: String) -> CalendarDate { CalendarDate(parsing: text)! }

    @Test func theScheduleSumsExactlyWithTheRemainderOnTheLast() throws {
        let plan = try InstalmentSchedule.make(owed: 1_100_000, count: 3, agreedOn: date("2026-01-25"),
                                               firstDue: date("2026-02-05"), every: .month).get()
        #expect(plan.instalments.map(\.amount) == [366_666, 366_666, 366_668])
        #expect(plan.instalments.map(\.due) == [date("2026-02-05"), date("2026-03-05"), date("2026-04-05")])
        #expect(plan.total == 1_100_000)
    }

    /// Property: whatever the amounts, the schedule sums to the agreed total to the unit, no
    /// instalment is zero, and only the last differs.
    @Test func everyScheduleSumsToItsTotal() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let owed = Int64.random(in: 200...50_000_000, using: &generator)
            let count = Int.random(in: 1...36, using: &generator)
            let discount = BasisPoints(Int.random(in: 0...3_000, using: &generator))
            let down = Bool.random(using: &generator) ? Int64.random(in: 1...(owed / 4), using: &generator) : 0
            guard case .success(let plan) = InstalmentSchedule.make(owed: owed, discount: discount, downPayment: down, count: count,
                                                                   agreedOn: date("2026-01-31"), firstDue: date("2026-01-31"),
                                                                   every: .twoWeeks) else { continue }
            #expect(plan.instalments.reduce(0) { $0 + $1.amount } == plan.total)
            #expect(plan.total == owed - Rounding.apply(discount, to: owed))
            #expect(plan.instalments.allSatisfy { $0.amount > 0 })
            let regular = plan.instalments.filter { $0.sequence > 0 }.dropLast().map(\.amount)
            #expect(Set(regular).count <= 1)
        }
    }

    @Test func downPaymentDiscountAndDates() throws {
        let plan = try InstalmentSchedule.make(owed: 1_000_005, discount: BasisPoints(1_000), downPayment: 100_000, count: 2,
                                               agreedOn: date("2026-01-20"), firstDue: date("2026-01-31"), every: .month).get()
        #expect(plan.total == 900_004) // 1.000.005 × 10 % = 100.000,5 → 100.001 off, half up
        #expect(plan.instalments.map(\.sequence) == [0, 1, 2])
        #expect(plan.instalments[0].due == date("2026-01-20"))
        #expect(plan.instalments.map(\.amount) == [100_000, 400_002, 400_002])
        #expect(plan.instalments[2].due == date("2026-02-28"), "31 January plus a month is the end of February")
        let fortnightly = try InstalmentSchedule.make(owed: 300, count: 3, agreedOn: date("2026-01-01"), firstDue: date("2026-01-01"),
                                                      every: .twoWeeks).get()
        #expect(fortnightly.instalments.map(\.due) == [date("2026-01-01"), date("2026-01-15"), date("2026-01-29")])
    }

    @Test func impossibleSchedulesAreRefused() {
        let day = date("2026-03-01")
        #expect(throws: WorkflowRefusal.self) { try InstalmentSchedule.make(owed: 0, count: 1, agreedOn: day, firstDue: day, every: .month).get() }
        #expect(throws: WorkflowRefusal.self) { try InstalmentSchedule.make(owed: 100, count: 0, agreedOn: day, firstDue: day, every: .month).get() }
        #expect(throws: WorkflowRefusal.self) { try InstalmentSchedule.make(owed: 100, count: 121, agreedOn: day, firstDue: day, every: .month).get() }
        #expect(throws: WorkflowRefusal.self) { try InstalmentSchedule.make(owed: 2, count: 3, agreedOn: day, firstDue: day, every: .month).get() }
        #expect(throws: WorkflowRefusal.self) {
            try InstalmentSchedule.make(owed: 100, downPayment: 100, count: 1, agreedOn: day, firstDue: day, every: .month).get()
        }
        #expect(throws: WorkflowRefusal.self) {
            try InstalmentSchedule.make(owed: 100, count: 1, agreedOn: day, firstDue: date("2026-02-28"), every: .month).get()
        }
    }

    @Test func businessDaysSkipWeekends() {
        #expect(date("1970-01-01").isoWeekday == 4)
        #expect(date("2026-04-15").isoWeekday == 3)
        #expect(date("2026-04-18").isBusinessDay == false)
        #expect(date("2026-04-15").adding(businessDays: 7) == date("2026-04-24"))
        #expect(date("2026-04-17").adding(businessDays: 1) == date("2026-04-20"), "Friday plus one is Monday")
        #expect(date("2026-04-18").adding(businessDays: 1) == date("2026-04-20"), "Saturday plus one is Monday")
        #expect(date("2026-04-15").adding(businessDays: 0) == date("2026-04-15"))
        #expect(date("2026-12-31").adding(months: 2) == date("2027-02-28"))
        #expect(date("2024-01-31").adding(months: 1) == date("2024-02-29"))
    }

    @Test func postingWaitsForTheNoticeTheCountryRequires() {
        let notice = date("2026-03-20")
        #expect(PostingRules.earliestPublication(noticeOn: notice, country: .colombia, contractDays: 5) == date("2026-04-09"))
        #expect(PostingRules.earliestPublication(noticeOn: notice, country: .chile, contractDays: 15) == date("2026-04-04"))
        #expect(PostingRules.earliestPublication(noticeOn: notice, country: .mexico, contractDays: 30) == date("2026-04-19"))
        let early = PostingRules.refusals(on: date("2026-03-30"), country: .chile, contractDays: 15, consent: true, disputed: false,
                                          noticeOn: notice, oldestDue: date("2025-10-31"))
        #expect(early == ["the debtor was notified on 2026-03-20; 15 days' notice is required, so posting is allowed from 2026-04-04"])
        #expect(PostingRules.refusals(on: date("2026-04-04"), country: .chile, contractDays: 15, consent: true, disputed: false,
                                      noticeOn: notice, oldestDue: date("2025-10-31")).isEmpty)
    }

    @Test func postingNeedsConsentNoDisputeANoticeAndAChileanDebtUnderFiveYears() {
        let reasons = PostingRules.refusals(on: date("2026-04-04"), country: .chile, contractDays: 15, consent: false, disputed: true,
                                            noticeOn: nil, oldestDue: date("2021-04-03"))
        #expect(reasons.count == 4)
        #expect(reasons.contains { $0.contains("2021-04-03") })
        #expect(PostingRules.refusals(on: date("2026-04-04"), country: .chile, contractDays: 15, consent: true, disputed: false,
                                      noticeOn: date("2026-01-01"), oldestDue: date("2021-04-04")).isEmpty, "exactly five years is allowed")
        #expect(PostingRules.refusals(on: date("2026-04-04"), country: .colombia, contractDays: 15, consent: true, disputed: false,
                                      noticeOn: date("2026-01-01"), oldestDue: date("2015-01-01")).isEmpty, "the five-year bar is Chile's")
        #expect(PostingRules.withdrawalDeadline(closedOn: date("2026-04-15")) == date("2026-04-24"))
    }

    @Test func lettersMergeFieldsAndRepeatLists() throws {
        let template = LetterTemplate("""
            ## a comment for the editor
            Señores {{deudor}}:
            {{#facturas}}
              - {{numero}}: {{monto}} ({{deudor}})
            {{/facturas}}
            Total {{ total }}
            """)
        let text = try template.render(fields: ["deudor": "Sur", "total": "$30"],
                                       lists: ["facturas": [["numero": "F-1", "monto": "$10"], ["numero": "F-2", "monto": "$20"]]]).get()
        #expect(text == "Señores Sur:\n  - F-1: $10 (Sur)\n  - F-2: $20 (Sur)\nTotal $30")
    }

    @Test func aTemplateTypoIsAnErrorNotALetter() {
        #expect(throws: WorkflowRefusal("template: unknown field {{deudr}}")) {
            try LetterTemplate("Hola {{deudr}}").render(fields: ["deudor": "x"]).get()
        }
        #expect(throws: WorkflowRefusal.self) { try LetterTemplate("{{#facturas}} sin cierre").render(fields: [:], lists: ["facturas": []]).get() }
        #expect(throws: WorkflowRefusal.self) { try LetterTemplate("{{abierto").render(fields: [:]).get() }
        #expect(throws: WorkflowRefusal.self) { try LetterTemplate("{{#otra}}x{{/otra}}").render(fields: [:]).get() }
    }

    @Test func agencySettingsAreKeyValueLines() {
        let settings = LetterTemplate.settings("# comment\nagencia_nombre = Cobranza Andina SpA\n\nplazo = 10\nsin igual\n")
        #expect(settings == ["agencia_nombre": "Cobranza Andina SpA", "plazo": "10"])
        #expect(date("2026-01-05").spanishLong == "5 de enero de 2026")
        #expect(date("2026-11-23").spanishShort == "23-11-2026")
    }
}
