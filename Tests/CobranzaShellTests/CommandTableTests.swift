@testable import CobranzaShell
import CobranzaStore
import Testing

/// The command table is the shell's contract: every command it lists must be runnable,
/// explained, and shown with examples a person can copy.
@Suite("Command table")
struct CommandTableTests {
    @Test(arguments: CommandTable.commands.map(\.spec.name))
    func everyCommandHasAHandlerAndHelpWithExamplesThatParse(_ name: String) throws {
        let command = try #require(CommandTable.byName[name], "\(name) has no handler")
        #expect(command.spec.name == name)
        let help = try #require(HelpText.detail(name))
        #expect(help.contains("usage: \(command.spec.usage)"))
        #expect(!command.spec.summary.isEmpty)
        #expect(!command.spec.examples.isEmpty, "\(name) has no example")
        for example in command.spec.examples {
            let invocation = try CommandParser().parse(example)
            #expect(invocation?.spec.name == name, "example \"\(example)\" runs \(invocation?.spec.name ?? "nothing")")
        }
    }

    @Test func namesAreUniqueAndEveryWordIsLowercase() {
        let names = CommandTable.commands.map(\.spec.name)
        #expect(Set(names).count == names.count)
        #expect(CommandTable.byName.count == names.count)
        for name in names { #expect(name == name.lowercased()) }
    }
}

/// The store names what it refuses as the data does (`paid_on`, `tax_id`); each command says
/// it as the person typed it.
@Suite("Refusals named by their flags")
struct FieldLabelTests {
    func spec(_ name: String) throws -> CommandSpec { try #require(CommandTable.byName[name]).spec }

    @Test func argumentsOptionsAndExplicitLabels() throws {
        #expect(try spec("debtor add").label(for: "tax_id") == "TAX_ID")
        #expect(try spec("client add").label(for: "tax_id") == "--tax-id")
        #expect(try spec("payment record").label(for: "amount") == "AMOUNT")
        #expect(try spec("promise add").label(for: "amount") == "--amount")
        #expect(try spec("client contract set").label(for: "surcharge_12m") == "--surcharge-12m")
        #expect(try spec("case assign").label(for: "assigned_to") == "--to")
        #expect(try spec("payment record").label(for: "no_such_field") == "no_such_field")
    }

    @Test func aRefusalOfSeveralFieldsNamesEachOne() throws {
        var refusal = StoreError(fields: ["cost", "cost_note"], "give both or neither")
        refusal.others = [StoreError(field: "code", value: "paid", "case C-1 still owes $1")]
        #expect(refusal.labelled(try spec("referral update").label)
            == "--cost and --cost-note: give both or neither; code paid: case C-1 still owes $1")
        #expect(refusal.description == "cost and cost_note: give both or neither; code paid: case C-1 still owes $1")
    }
}

extension FieldLabelTests {
    @Test func aValueRefusedIsNamedAfterItsFlag() throws {
        let refusal = StoreError(field: "code", value: "paid", "case C-1 still owes $1")
        #expect(refusal.labelled(try spec("case close").label) == "--code paid: case C-1 still owes $1")
    }
}
