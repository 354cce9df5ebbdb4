import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 16, items 9 and 10: a letter sent can be read back exactly as it went out (by the SME
/// only when it was meant to see it), and no notice of posting goes out for a case that could
/// never be posted. Both hold in the database, for psql as for the shell.
@Suite("Sent letters and posting notices")
struct LettersAndNoticesTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
        // ACME consents to posting (from 2026-02-01); OTHER never did.
        try fixture.db.superuser().query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, posting_consent)
            VALUES ($1, 2, '2026-02-01', 1500, 2500, 1900, true)
            """, [fixture.acme])
    }


    @Test func aSentLetterIsKeptExactlyAndTheSMEReadsOnlyItsVisibleOnes() throws {
        let own = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let others = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let ana = try fixture.session(fixture.collector)
        let first = try ana.steps.log(.init(caseNumber: own, kind: .letter, clientVisible: true, level: .friendly))
        // Chile's contact rules keep written contacts 2 days apart: the second letter goes on Monday.
        let monday = try fixture.session(fixture.collector)
        try monday.connection.query("SELECT set_config('cobranza.as_of', '2026-04-06', false)")
        let second = try monday.steps.log(.init(caseNumber: own, kind: .letter, clientVisible: false, level: .firm))
        _ = try ana.steps.log(.init(caseNumber: others, kind: .letter, clientVisible: true, level: .friendly))

        // What was rendered is what is stored and what is shown, byte for byte.
        let shown = try ana.letters.show(caseNumber: own, level: .friendly)
        #expect(shown.text == first.letter)
        #expect(shown.clientVisible && shown.sentBy == fixture.collector)
        #expect(try ana.letters.show(caseNumber: own, level: nil).text == second.letter, "the last one sent")
        #expect(try ana.cases.show(own).letters.map(\.text) == [first.letter!, second.letter!])

        // The SME, through the store: its visible letter only.
        let maria = try fixture.session(fixture.maria)
        #expect(try maria.letters.show(caseNumber: own, level: nil).text == first.letter)
        #expect(try maria.letters.show(caseNumber: own, level: nil).sentBy == nil)
        #expect(throws: StoreError(field: "level", "case \(own) has no level 2 letter sent that is visible to the client")) {
            try maria.letters.show(caseNumber: own, level: .firm)
        }
        #expect(throws: StoreError.self) { try maria.letters.show(caseNumber: others, level: nil) }
        #expect(try maria.cases.show(own).letters.map(\.level) == [.friendly])

        // And with plain SQL: the text of its own client-visible letters, nothing else.
        let sql = try fixture.connect(fixture.maria)
        let bodies = try sql.query("SELECT tenant_id, letter_level, body FROM cobranza.case_event WHERE body IS NOT NULL").rows
        #expect(bodies.count == 1)
        #expect(try bodies.first?.decode("tenant_id", as: Int64.self) == fixture.acme)
        #expect(try bodies.first?.decode("body", as: String.self) == first.letter)
        #expect(refusal(sql, "SELECT created_by FROM cobranza.case_event")?.sqlState == .insufficientPrivilege)
    }

    @Test func aNoticeOfAPostingThatCouldNeverHappenIsRefusedNamingWhy() throws {
        let ana = try fixture.session(fixture.collector)
        // No consent.
        let unconsented = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        #expect(throws: StoreError("case \(unconsented) could never be posted, so no notice is sent: "
                                   + "the client's contract does not consent to public posting")) {
            try ana.postings.notify(caseNumber: unconsented)
        }
        let sql = try fixture.connect(fixture.collector)
        let id: Int64 = try sql.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [unconsented]).first!.decode("id")
        let error = refusal(sql, "INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [fixture.other, id])
        #expect(error?.constraint == "posting_consent_check")
        #expect(error?.message.contains("has not consented to public posting") == true)

        // Chile's five-year limit: the oldest invoice fell due on 2025-10-31; on 2030-11-01 it is past.
        let old = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let later = try fixture.connect(fixture.collector)
        try later.query("SELECT set_config('cobranza.as_of', '2030-11-01', false)")
        let oldID: Int64 = try later.query("SELECT id FROM cobranza.collection_case WHERE number = $1", [old]).first!.decode("id")
        let prescribed = refusal(later, "INSERT INTO cobranza.posting (tenant_id, case_id) VALUES ($1, $2)", [fixture.acme, oldID])
        #expect(prescribed?.constraint == "posting_prescription_check")
        #expect(throws: StoreError("case \(old) could never be posted, so no notice is sent: the oldest invoice fell due on 2025-10-31, "
                                   + "more than 5 years ago: Chilean law forbids posting it")) {
            try Session(connection: later).postings.notify(caseNumber: old)
        }
        // On the last day allowed the notice goes out.
        try later.query("SELECT set_config('cobranza.as_of', '2030-10-31', false)")
        _ = try Session(connection: later).postings.notify(caseNumber: old)
    }
}
