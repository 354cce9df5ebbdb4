import Testing

/// The renaming that lets transcripts run at once must not change what they check: these pin
/// the cases where a careless rewrite would make a wrong transcript pass or a right one fail.
@Suite("Transcript people")
struct TranscriptPeopleTests {
    let people: TranscriptPeople

    init() throws {
        people = try TranscriptPeople(["admin", "ana", "maria", "luis", "Bad", "x"], tag: 3, text: "user add ana\n")
    }

    @Test func tagsKeepLengthAndOrderAndOnlyRoleShapedNames() {
        #expect(people.tagged == ["admin": "admi3", "ana": "an3", "maria": "mari3", "luis": "lui3"])
        #expect(people.login("Bad") == "Bad")
    }

    @Test func onlyUserNamePlacesAreRenamed() throws {
        #expect(try people.command("user add ana --role collector --password-file /tmp/pw") == "user add an3 --role collector --password-file /tmp/pw")
        #expect(try people.command("case open 1 --assign ana") == "case open 1 --assign an3")
        #expect(try people.command("agenda --collector ana") == "agenda --collector an3")
        #expect(try people.command("\\c maria") == "\\c mari3")
        #expect(try people.command("user disable maria") == "user disable mari3")
        #expect(try people.command("user add mariana --role collector") == "user add mariana --role collector")
        #expect(try people.command("step log C-2026-000001 note --note 'ana llamó'") == "step log C-2026-000001 note --note 'ana llamó'")
        #expect(try people.command("# ana and maria") == "# ana and maria")
    }

    @Test func aNameThatIsAlsoAnotherWordOnTheLineIsRefused() {
        #expect(throws: TranscriptPeople.Refused.self) { try people.command("user add admin --role admin") }
        #expect(throws: TranscriptPeople.Refused.self) { try people.command("case assign ana --to ana") }
        #expect(throws: TranscriptPeople.Refused.self) { try people.command("user add ana --role collector --password-file /tmp/ana") }
    }

    @Test func outputIsReadBackWholeWordsOnly() {
        #expect(people.output("an3@agency> whoami\n an3   | mari3 | an33 | xan3 | an3_b\n")
                == "ana@agency> whoami\n ana   | maria | an33 | xan3 | an3_b\n")
        // Another run's tag is not this run's person.
        #expect(people.output("an5") == "an5")
    }

    @Test func namesThatWouldCollideOrReorderAreRefused() {
        #expect(throws: TranscriptPeople.Refused.self) { try TranscriptPeople(["ana", "anb"], tag: 1, text: "") }
        #expect(throws: TranscriptPeople.Refused.self) { try TranscriptPeople(["an_b", "ana"], tag: 1, text: "") }
        #expect(throws: TranscriptPeople.Refused.self) { try TranscriptPeople(["ana"], tag: 1, text: "an1 is here") }
        #expect(throws: TranscriptPeople.Refused.self) { try TranscriptPeople(["ana"], tag: 36, text: "") }
        // Past the ten digits, letters: the eleventh run's ana is anb.
        #expect((try? TranscriptPeople(["ana"], tag: 11, text: ""))?.tagged == ["ana": "anb"])
    }
}
