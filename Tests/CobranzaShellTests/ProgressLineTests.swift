import CobranzaShell
import CobranzaStore
import Testing

/// The progress line's text, without a terminal: counts grouped, the rate once half a second
/// has passed, share and time left only when a total or a share is known, cut to the width.
@Suite("Progress line")
struct ProgressLineTests {
    let line = ProgressLine(label: "submission import", unit: "rows")

    @Test func aCountWithARateAndNoTotalSaysNoTimeLeft() {
        #expect(line.text(WorkProgress(done: 312_000), elapsed: .seconds(4))
            == "submission import: 312,000 rows · 78,000 rows/s")
    }

    @Test func noRateBeforeHalfASecond() {
        #expect(line.text(WorkProgress(done: 1_200), elapsed: .milliseconds(300)) == "submission import: 1,200 rows")
    }

    @Test func aKnownTotalGivesTheShareAndTheTimeLeft() {
        let batch = ProgressLine(label: "case open", unit: "submissions")
        #expect(batch.text(WorkProgress(done: 25_000, total: 100_000), elapsed: .seconds(10))
            == "case open: 25,000 of 100,000 submissions · 2,500 submissions/s · 25% · 30 s left")
        #expect(batch.text(WorkProgress(done: 1_000, total: 100_000), elapsed: .seconds(2))
            == "case open: 1,000 of 100,000 submissions · 500 submissions/s · 1% · 3 min 18 s left")
        #expect(batch.text(WorkProgress(done: 100_000, total: 100_000), elapsed: .seconds(40))
            == "case open: 100,000 of 100,000 submissions · 2,500 submissions/s · 100%")
    }

    @Test func theShareOfAFileReadStandsInForAnUnknownTotal() {
        #expect(line.text(WorkProgress(done: 410_000, share: 0.41), elapsed: .seconds(5))
            == "submission import: 410,000 rows · 82,000 rows/s · 41% · 8 s left")
    }

    @Test func noTimeLeftInTheFirstSecondNorAtZero() {
        #expect(line.text(WorkProgress(done: 0, share: 0), elapsed: .seconds(3)) == "submission import: 0 rows · 0%")
        #expect(line.text(WorkProgress(done: 9_000, share: 0.1), elapsed: .milliseconds(900))
            == "submission import: 9,000 rows · 10,000 rows/s · 10%")
    }

    @Test func aStepReplacesTheRate() {
        #expect(line.text(WorkProgress(done: 1_000_000, step: "inserting invoices"), elapsed: .seconds(12))
            == "submission import: 1,000,000 rows · inserting invoices…")
    }

    @Test func longWaitsInMinutesAndHours() {
        let slow = ProgressLine(label: "payment import", unit: "lines")
        #expect(slow.text(WorkProgress(done: 1, total: 10_000), elapsed: .seconds(2))
            == "payment import: 1 of 10,000 lines · 1 lines/s · 0% · 5 h 33 min left")
    }

    @Test func cutToTheTerminalSoItNeverWraps() {
        let text = line.text(WorkProgress(done: 312_000), elapsed: .seconds(4), width: 30)
        #expect(text == "submission import: 312,000 r…")
        #expect(text.count == 29)
        #expect(line.text(WorkProgress(done: 1), elapsed: .zero, width: 80) == "submission import: 1 rows")
    }
}
