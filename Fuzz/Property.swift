/// A property a fuzz target holds the code to: when it fails, the process stops with the
/// message (which `precondition` drops under -O), and libFuzzer keeps the input as a crash.
func property(_ holds: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "property violated",
              file: StaticString = #fileID, line: UInt = #line) {
    if !holds() { fatalError("property violated: " + message(), file: file, line: line) }
}
