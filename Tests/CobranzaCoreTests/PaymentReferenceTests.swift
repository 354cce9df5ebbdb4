import CobranzaCore
import Testing

/// How people name a payment: its case's number and its number within the case.
@Suite("Payment references")
struct PaymentReferenceTests {
    @Test func caseNumberSlashNumberParses() {
        #expect(PaymentReference(parsing: "C-2026-000001/3") == PaymentReference(caseNumber: "C-2026-000001", number: 3))
        #expect(PaymentReference(parsing: " c-2026-000123/12 ") == PaymentReference(caseNumber: "C-2026-000123", number: 12))
        #expect(PaymentReference(parsing: "C-2026-000001/003")?.number == 3)
        #expect(PaymentReference(parsing: "C-2026-000001/999999999")?.number == 999_999_999)
        #expect(PaymentReference(parsing: "c-2026-000001/3")?.description == "C-2026-000001/3")
    }

    /// A bare number (the internal id people typed before) names no case and is refused, as is
    /// anything that is not a case number, a slash and a number from 1.
    @Test(arguments: ["", "42", "/3", "C-2026-000001", "C-2026-000001/", "C-2026-000001/0", "C-2026-000001/-1",
                      "C-2026-000001/+1", "C-2026-000001/1.5", "C-2026-000001/3a", "C-2026-000001/1/2", "C-2026-1/3",
                      "C-2026-0000001/3", "X-2026-000001/3", "C 2026 000001/3", "C-2026-000001 /3", "C-2026-000001/ 3",
                      "C-2026-000001/1000000000", "C-2026-000001/99999999999999999999", "C-２０２６-000001/3", "ACME-12"])
    func anythingElseIsRefused(_ text: String) {
        #expect(PaymentReference(parsing: text) == nil, "\(text)")
    }
}
