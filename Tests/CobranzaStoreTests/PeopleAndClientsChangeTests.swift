import CobranzaCore
import CobranzaStore
import Postgres
import TestSupport
import Testing

/// Issue 16, item 14: people and clients change. A person who leaves is not disabled with open
/// cases still on their name unless those cases move, in the same transaction, to someone who may
/// hold them; a person comes back with `user enable`; a client's name and contact are edited,
/// its tax id only while it has no cases. The database holds each rule for psql too.
@Suite("People and clients change")
struct PeopleAndClientsChangeTests {
    let fixture: PaymentFixture

    init() throws {
        fixture = try PaymentFixture()
    }


    func assignees(_ numbers: [String]) throws -> [String?] {
        let su = try fixture.db.superuser()
        return try numbers.map {
            try su.query("SELECT assigned_to::text AS a FROM cobranza.collection_case WHERE number = $1", [$0]).first!.decodeIfPresent("a")
        }
    }

    @Test func disablingAPersonWithOpenCasesRefusesUnlessTheyAreReassigned() throws {
        let leaving = try fixture.db.addPerson("leaving", kind: "collector")
        let taking = try fixture.db.addPerson("taking", kind: "collector")
        let gone = try fixture.db.addPerson("gone", kind: "collector")
        let admin = try fixture.session(fixture.admin)
        try admin.users.disable(name: gone)
        let first = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        let second = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        let closed = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        for number in [first, second, closed] { try admin.cases.assign(number, to: leaving) }
        _ = try admin.cases.close(closed, code: .withdrawn, note: nil)

        // Without --reassign-to: refused, naming the open cases (not the closed one).
        #expect(throws: StoreError(field: "reassign_to", "user \(leaving) has 2 open cases (\(first), \(second)): "
                                   + "reassign them to an enabled collector or lawyer")) {
            try admin.users.disable(name: leaving)
        }
        // To someone who may not hold cases: refused, and nothing changed.
        for target in [fixture.maria, gone, leaving, "nobody"] {
            #expect(throws: StoreError.self, "\(target)") { try admin.users.disable(name: leaving, reassignTo: target) }
        }
        #expect(try assignees([first, second]) == [leaving, leaving])
        #expect(try admin.users.list().first { $0.name == leaving }?.disabled == false)

        // The same for psql.
        let sql = try fixture.connect(fixture.admin)
        #expect(refusal(sql, "SELECT cobranza.disable_person($1)", [leaving])?.message.contains("2 open cases") == true)
        #expect(refusal(sql, "SELECT cobranza.disable_person($1, $2)", [leaving, fixture.maria])?.constraint == "collection_case_assigned_to_check")

        // With a collector who may: moved and disabled in one go; the closed case keeps its history.
        let moved = try admin.users.disable(name: leaving, reassignTo: taking)
        #expect(moved == [first, second])
        #expect(try assignees([first, second, closed]) == [taking, taking, leaving])
        #expect(try admin.users.list().first { $0.name == leaving }?.disabled == true)
        #expect(try admin.cases.show(first).events.last?.note == "assigned to \(taking) (\(leaving) disabled)")
    }

    @Test func aDisabledPersonIsEnabledAgainByAnAdminOnly() throws {
        let person = try fixture.db.addPerson("back", kind: "collector")
        let admin = try fixture.session(fixture.admin)
        try admin.users.disable(name: person)
        #expect(throws: (any Error).self) { try fixture.connect(person) }
        let ana = try fixture.session(fixture.collector)
        #expect(throws: StoreError.self) { try ana.users.enable(name: person) }
        try admin.users.enable(name: person)
        #expect(try admin.users.list().first { $0.name == person }?.disabled == false)
        _ = try fixture.connect(person)
        // Enabled, the person may hold cases again.
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [100_000])
        try admin.cases.assign(number, to: person)
        #expect(throws: StoreError.self) { try admin.users.enable(name: "nobody") }
    }

    @Test func aClientsNameAndContactChangeItsTaxIDOnlyBeforeItHasCases() throws {
        let admin = try fixture.session(fixture.admin)
        let edited = try admin.clients.edit("other", changes: .init(legalName: "Otra Empresa SpA", contact: "Pía Rojas, pia@otra.cl, +56 9 5555 0000"))
        #expect(edited.legalName == "Otra Empresa SpA")
        #expect(edited.contact == "Pía Rojas, pia@otra.cl, +56 9 5555 0000")
        // OTHER has no case yet: its tax id may still be corrected.
        _ = try admin.clients.edit("OTHER", changes: .init(taxID: "77.654.321-7"))
        _ = try fixture.openCase(tenant: fixture.other, amounts: [100_000])
        #expect(throws: StoreError(field: "tax_id", "client OTHER has cases: its tax id no longer changes")) {
            try admin.clients.edit("OTHER", changes: .init(taxID: "76.999.111-5"))
        }
        let sql = try fixture.connect(fixture.admin)
        #expect(refusal(sql, "UPDATE cobranza.tenant SET tax_id = '769991115' WHERE id = $1", [fixture.other])?.constraint
                == "tenant_tax_id_fixed_check")
        #expect(throws: StoreError.self) { try fixture.session(fixture.collector).clients.edit("OTHER", changes: .init(legalName: "x")) }
        #expect(throws: StoreError.self) { try admin.clients.edit("OTHER", changes: .init()) }
    }
}
