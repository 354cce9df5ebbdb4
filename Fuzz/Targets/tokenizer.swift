// Fuzz target: the shell's tokenizer, on any line a person or a script (`-f`) may type.
// Properties: tokenizing never crashes; the words it returns, quoted by `Tokenizer.quote`
// (what completion and echo write) and joined by spaces, tokenize back to the same words.
@testable import CobranzaShell

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let words = try? Tokenizer.tokenize(line) else { return 0 }
    let quoted = words.map(Tokenizer.quote).joined(separator: " ")
    guard let again = try? Tokenizer.tokenize(quoted) else {
        fatalError("\(words) quoted as \(quoted.debugDescription) does not tokenize")
    }
    property(again == words, "\(words) quoted as \(quoted.debugDescription) tokenizes as \(again)")
    return 0
}
