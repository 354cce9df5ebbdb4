@testable import CobranzaShell
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
