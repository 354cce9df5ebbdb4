import CobranzaCore
import Testing

/// How people name a submission or batch: `12` for an SME's own, `ACME-12` for staff.
@Suite("Client references")
struct ClientReferenceTests {
    @Test func numbersAndCodeNumberPairsParse() {
        #expect(ClientReference(parsing: "12") == ClientReference(clientCode: nil, number: 12))
        #expect(ClientReference(parsing: " ACME-12 ") == ClientReference(clientCode: "ACME", number: 12))
        #expect(ClientReference(parsing: "acme-3") == ClientReference(clientCode: "ACME", number: 3))
        // A code may hold dashes itself: the number is what follows the last one.
        #expect(ClientReference(parsing: "FERRETERIA-SUR-7") == ClientReference(clientCode: "FERRETERIA-SUR", number: 7))
        #expect(ClientReference(parsing: "ACME-12")?.description == "ACME-12")
    }

    @Test(arguments: ["", "0", "ACME-0", "-12", "ACME-", "ACME", "12a", "A-12", "ACME-1.5", "99999999999999999999", "AC ME-1"])
    func anythingElseIsRefused(_ text: String) {
        #expect(ClientReference(parsing: text) == nil, "\(text)")
    }

    @Test func staffSeeTheCodeAndTheClientsOwnUsersTheNumber() {
        #expect(ClientReference.shown(client: "ACME", number: 12, viewerClient: nil) == "ACME-12")
        #expect(ClientReference.shown(client: "ACME", number: 12, viewerClient: "ACME") == "12")
    }
}
