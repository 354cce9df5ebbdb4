import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// A file whose every row reads clean is inserted first and checked only when the database
/// refuses it (the invoice number's key, the submission total's trigger): the refusal must still
/// name every bad line and column, as the checks made up front did, and leave nothing behind.
@Suite("Placement refusal after the insert")
struct PlacementRefusalTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }

    func file(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("placement-\(TestCluster.uniqueSuffix()).csv").path
        try (["debtor_tax_id,debtor_name,number,issued,due,amount"] + lines).joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func counts() throws -> [Int] {
        try fixture.db.asSuperuser { su in
            try ["import_batch", "debtor", "submission", "invoice"].map {
                try su.query("SELECT count(*) AS n FROM cobranza.\($0)").first!.decode("n", as: Int.self)
            }
        }
    }

    @Test func aNumberTwiceInTheFileOrAlreadyStoredIsNamedByLine() throws {
        let admin = try fixture.session(fixture.admin)
        _ = try admin.placements.submit(.init(debtorTaxID: "12.345.678-5", debtorName: "Ferretería Sur", number: "S-1",
                                          issued: "2026-01-01", due: "2026-02-01", amount: "1.000"), client: "ACME")
        let before = try counts()
        let path = try file([
            "76.543.210-3,Uno,N-1,01/01/2026,01/02/2026,1.000",
            "76.543.210-3,Uno,N-2,01/01/2026,01/02/2026,1.000",
            "76.543.210-3,Uno,N-1,01/01/2026,01/02/2026,1.000",
            "96.543.210-8,Dos,S-1,01/01/2026,01/02/2026,1.000",
        ])
        let refusal = #expect(throws: Placements.Refusal.self) {
            try admin.placements.importFile(at: path, client: "ACME", skipInvalid: false)
        }
        #expect(refusal?.totalBadRows == 2)
        #expect(refusal?.problems.map(\.description) == [
            "line 4, number: invoice N-1 is also on line 2",
            "line 5, number: invoice S-1 is already in submission ACME-1",
        ])
        #expect(try counts() == before)
    }

    @Test func aDebtorWhoseInvoicesAddUpPastTheBoundIsNamedByLine() throws {
        let admin = try fixture.session(fixture.admin)
        let before = try counts()
        let path = try file([
            "76.543.210-3,Uno,B-1,01/01/2026,01/02/2026,600.000.000.000.000",
            "76.543.210-3,Uno,B-2,01/01/2026,01/02/2026,600.000.000.000.000",
            "96.543.210-8,Dos,B-3,01/01/2026,01/02/2026,1.000",
        ])
        let refusal = #expect(throws: Placements.Refusal.self) {
            try admin.placements.importFile(at: path, client: "ACME", skipInvalid: false)
        }
        #expect(refusal?.totalBadRows == 2)
        #expect(refusal?.problems.map(\.line) == [2, 3])
        #expect(refusal?.problems.allSatisfy { $0.column == "amount" } == true)
        #expect(try counts() == before)
    }
}
