// Fuzz target: the command parser with the shell's real command table, on any line typed.
// Properties: a line is either refused with a one-line message that echoes at most a short
// piece of it, or becomes an invocation of a command of the table with every required option
// and argument given.
@testable import CobranzaShell

private let parser = CommandParser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommand(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        guard let invocation = try parser.parse(line) else { return 0 }
        property(parser.commands.contains(invocation.spec), "parsed as a command not in the table")
        for option in invocation.spec.options where option.isRequired {
            property(invocation.options[option.name] != nil, "\(invocation.spec.name): required --\(option.name) missing")
        }
        for argument in invocation.spec.arguments where !argument.name.hasPrefix("[") {
            property(invocation.arguments[argument.name] != nil, "\(invocation.spec.name): argument \(argument.name) missing")
        }
    } catch {
        // What was typed is quoted at most 80 characters at a time: a refusal stays short
        // however long the line (the longest texts of its own are a choice list's).
        property(!error.message.isEmpty, "empty refusal")
        property(error.message.count <= 400, "a \(error.message.count)-character refusal: \(error.message.prefix(200))…")
    }
    return 0
}
