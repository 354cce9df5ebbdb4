import CobranzaCore
import Testing

/// Issue 16, item 8: a letter threatens only what could happen, greets the debtor as it is,
/// gives a deadline on a business day of the debtor's country and the account of its currency.
@Suite("Letters fit the case")
struct LetterRulesTests {
    func date(_ text: String) -> CalendarDate { CalendarDate(parsing: text)! }

    @Test func theGreetingFollowsTheDebtorsKind() {
        #expect(LetterRules.greeting(kind: .company, salutation: nil) == "Señores")
        #expect(LetterRules.greeting(kind: .company, salutation: .senora) == "Señores")
        #expect(LetterRules.greeting(kind: .person, salutation: .senora) == "Señora")
        #expect(LetterRules.greeting(kind: .person, salutation: .senor) == "Señor")
        #expect(LetterRules.greeting(kind: .person, salutation: nil) == "Señor(a)")
        #expect(Salutation(typed: " Senora ") == .senora)
        #expect(Salutation(typed: "doctor") == nil)
    }

    @Test func theLastNoticeThreatensOnlyWhatCouldHappen() {
        let both = LetterRules.remedies(postingBarred: [], outstanding: 500_000, judicialThreshold: 500_000, overridden: false)
        #expect(both == .init(posting: true, lawsuit: true))
        let neither = LetterRules.remedies(postingBarred: ["no consent"], outstanding: 499_999, judicialThreshold: 500_000, overridden: false)
        #expect(neither == .init(posting: false, lawsuit: false))
        #expect(LetterRules.remedies(postingBarred: ["x"], outstanding: 1, judicialThreshold: 500_000, overridden: true).lawsuit)
    }

    @Test func postingBarriersAreTheReasonsNoNoticeCouldCure() {
        let on = date("2026-04-04")
        #expect(PostingRules.barriers(on: on, country: .chile, consent: true, disputed: false, oldestDue: date("2021-04-04")).isEmpty)
        let chile = PostingRules.barriers(on: on, country: .chile, consent: true, disputed: false, oldestDue: date("2021-04-03"))
        #expect(chile == ["the oldest invoice fell due on 2021-04-03, more than 5 years ago: Chilean law forbids posting it"])
        #expect(PostingRules.barriers(on: on, country: .colombia, consent: true, disputed: false, oldestDue: date("2015-01-01")).isEmpty)
        #expect(PostingRules.barriers(on: on, country: .mexico, consent: false, disputed: true, oldestDue: nil)
                == ["the client's contract does not consent to public posting", "the case has an open dispute"])
    }

    @Test func theReplyDeadlineFallsOnABusinessDayOfTheDebtorsCountry() {
        // 2026-01-25 + 5 days is Friday 30 January: a business day everywhere.
        #expect(LetterRules.replyDeadline(sentOn: date("2026-01-25"), days: 5, holidays: NationalHolidays.holidays(year: 2026, in: .chile)) == date("2026-01-30"))
        // + 6 days is Saturday: Monday 2 February in Chile; in Mexico that Monday is Constitution Day.
        #expect(LetterRules.replyDeadline(sentOn: date("2026-01-25"), days: 6, holidays: NationalHolidays.holidays(year: 2026, in: .chile)) == date("2026-02-02"))
        #expect(LetterRules.replyDeadline(sentOn: date("2026-01-25"), days: 6, holidays: NationalHolidays.holidays(year: 2026, in: .mexico)) == date("2026-02-03"))
        // 18 and 19 September are Chile's; Colombia works them.
        #expect(LetterRules.replyDeadline(sentOn: date("2026-09-11"), days: 7, holidays: NationalHolidays.holidays(year: 2026, in: .chile)) == date("2026-09-21"))
        #expect(LetterRules.replyDeadline(sentOn: date("2026-09-11"), days: 7, holidays: NationalHolidays.holidays(year: 2026, in: .colombia)) == date("2026-09-18"))
        // Easter 2026 is 5 April: Holy Thursday and Good Friday are shut in Colombia.
        #expect(NationalHolidays.easterSunday(year: 2026) == date("2026-04-05"))
        #expect(NationalHolidays.easterSunday(year: 2025) == date("2025-04-20"))
        #expect(LetterRules.replyDeadline(sentOn: date("2026-03-26"), days: 7, holidays: NationalHolidays.holidays(year: 2026, in: .colombia)) == date("2026-04-06"))
        // Colombia's 12 October 2026 is a Monday already; 15 August 2026 (Saturday) moves to Monday 17.
        #expect(NationalHolidays.contains(date("2026-08-17"), in: .colombia))
        #expect(!NationalHolidays.contains(date("2026-08-17"), in: .chile))
        // Chile's 12 October moves to the Monday of its week (Thursday 2028-10-12: Monday the 9th);
        // 31 October 2028 is a Tuesday: the Friday before, the 27th.
        #expect(NationalHolidays.contains(date("2026-10-12"), in: .chile))
        #expect(NationalHolidays.contains(date("2028-10-09"), in: .chile))
        #expect(!NationalHolidays.contains(date("2028-10-12"), in: .chile))
        #expect(NationalHolidays.contains(date("2028-10-27"), in: .chile))
    }

    @Test func agencySettingsComePerCountryAndCurrency() {
        let text = """
            agencia_ciudad = Santiago
            agencia_nombre = Cobranza Andina
            [CLP]
            instrucciones_pago = Banco de Chile, en pesos chilenos
            [CO]
            agencia_ciudad = Bogotá
            [COP]
            instrucciones_pago = Bancolombia, en pesos colombianos
            """
        let colombia = LetterTemplate.settings(text, sections: ["CO", "COP"])
        #expect(colombia["agencia_ciudad"] == "Bogotá")
        #expect(colombia["instrucciones_pago"] == "Bancolombia, en pesos colombianos")
        #expect(colombia["agencia_nombre"] == "Cobranza Andina")
        #expect(LetterTemplate.settings(text, sections: ["CL", "CLP"])["agencia_ciudad"] == "Santiago")
        #expect(LetterTemplate.settings(text, sections: ["MX", "MXN"])["instrucciones_pago"] == nil, "no account for pesos mexicanos")
    }
}
