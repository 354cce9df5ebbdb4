import Foundation

import CobranzaStore

/// Runs the built shell for end-to-end tests, through the store's `ChildProcess`.
public struct Subprocess {
    public typealias Result = ChildProcess.Result

    public static func run(_ argv: [String], input: String = "", environment: [String: String]) throws -> Result {
        try ChildProcess.run(argv, input: input, environment: environment)
    }

    /// The built `cobranza` executable: $COBRANZA_BIN, else beside the test bundle.
    public static var cobranzaBinary: String {
        if let explicit = ProcessInfo.processInfo.environment["COBRANZA_BIN"] { return explicit }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return here.appendingPathComponent("cobranza").path
    }
}
