import CReadline
import Foundation

/// The interactive line editor: GNU readline with persistent history and tab completion.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// A line that is not UTF-8: refused where it is, never decoded with U+FFFD.
        case invalid(ScriptLine.InvalidUTF8)
        case interrupted
        case end
    }

    private let historyPath: String

    init(historyPath: String, completer: Completer, live: any LiveValues) {
        self.historyPath = historyPath
        CompletionBridge.completer = completer
        CompletionBridge.live = live
        cobranza_readline_configure("cobranza", CompletionBridge.attempt)
        stifle_history(2000)
        _ = read_history(historyPath)
    }

    func read(prompt: String) -> Input {
        _ = cobranza_take_sigint()
        guard let raw = readline(prompt) else { return .end }
        defer { free(raw) }
        if cobranza_take_sigint() != 0 { return .interrupted }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
        let line: String
        switch ScriptLine(bytes: bytes) {
        case .invalid(let problem): return .invalid(problem)
        case .text(let text): line = text
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            if append_history(1, historyPath) != 0 { _ = write_history(historyPath) }
        }
        return .line(line)
    }
}

/// readline calls plain C function pointers, which cannot capture; the completer they consult
/// lives here. Only the main thread, inside `readline()`, touches these.
enum CompletionBridge {
    nonisolated(unsafe) static var completer = Completer()
    nonisolated(unsafe) static var live: (any LiveValues)?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var nextMatch = 0

    static let attempt: cobranza_completion_fn = { text, start, _ in
        cobranza_completion_done()
        let word = text.map { String(cString: $0) } ?? ""
        var before = ""
        if let buffer = cobranza_line_buffer() {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(start))
            before = String(decoding: bytes, as: UTF8.self)
        }
        guard let live else { return nil }
        matches = completer.complete(before: before, word: word, live: live)
        nextMatch = 0
        guard !matches.isEmpty else { return nil }
        return cobranza_completion_matches(text, generate)
    }

    static let generate: cobranza_generator_fn = { _, state in
        if state == 0 { nextMatch = 0 }
        guard nextMatch < matches.count else { return nil }
        defer { nextMatch += 1 }
        return strdup(matches[nextMatch])
    }
}
