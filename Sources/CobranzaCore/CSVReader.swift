/// A streaming RFC 4180 reader: feed it bytes as they are read from disk and take complete
/// records, each with the line it started on, so a million-row file never sits in memory and
/// every error can name its line. Accepts a UTF-8 byte-order mark, CRLF or LF, and either `,`
/// or `;` as delimiter (spreadsheets in Latin America write `;`), detected from the header.
/// Bytes that are not UTF-8 (a Latin-1 export) are refused with their line and byte, never
/// turned into U+FFFD and stored.
public struct CSVReader {
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
        public var description: String { "line \(line): \(message)" }
    }

    public private(set) var delimiter: UInt8?
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var recordLine = 1
    private var atStart = true
    private var bomChecked = false
    private var pendingHeader: [UInt8] = []
    private var previousWasCR = false
    private var utf8 = UTF8Validator()
    /// The physical line `byteInLine` counts in, and the 1-based position of the last byte read in it.
    private var countedLine = 1
    private var byteInLine = 0

    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Off, every byte is consumed alone: the reference the tests hold the runs to.
    var readsRunsWhole = true

    public init(delimiter: Character? = nil) {
        self.delimiter = delimiter?.asciiValue
    }

    /// Returns the records completed by these bytes.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [Record] {
        // Nothing read is no evidence either way about a byte-order mark still to come.
        if bytes.isEmpty { return [] }
        var records: [Record] = []
        var input = Array(bytes)[...]
        if !bomChecked {
            pendingHeader += input
            input = []
            if pendingHeader.count < 3 && !pendingHeader.isEmpty && Array(pendingHeader) == Array([0xEF, 0xBB, 0xBF].prefix(pendingHeader.count)) {
                return []
            }
            if pendingHeader.starts(with: [0xEF, 0xBB, 0xBF]) { pendingHeader.removeFirst(3) }
            bomChecked = true
        }
        if delimiter == nil {
            if !pendingHeader.isEmpty || !input.isEmpty {
                pendingHeader += input
                input = []
            }
            // The header line ends at its first CR or LF, whichever comes first.
            guard let newline = pendingHeader.firstIndex(where: { $0 == 10 || $0 == 13 }) else { return [] }
            delimiter = Self.detectDelimiter(pendingHeader[..<newline])
        }
        if !pendingHeader.isEmpty {
            input = pendingHeader[...] + input
            pendingHeader = []
        }
        try consume(input, into: &records)
        return records
    }

    /// Every byte goes through `consume`, but a run of plain ASCII inside a field (no delimiter,
    /// quote or line break) is taken whole: most of a placement file is such runs, and one call
    /// and one append a byte made the reader the client's largest cost.
    private mutating func consume(_ input: ArraySlice<UInt8>, into records: inout [Record]) throws(Failure) {
        let delimiter = self.delimiter ?? 44
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let quoted = state == .quoted
            if readsRunsWhole, !previousWasCR, quoted || state == .fieldStart || state == .unquoted, utf8.isAtCharacterBoundary,
               Self.isPlain(input[index], quoted: quoted, delimiter: delimiter) {
                var runEnd = index + 1
                while runEnd < end, Self.isPlain(input[runEnd], quoted: quoted, delimiter: delimiter) { runEnd += 1 }
                if countedLine != line {
                    countedLine = line
                    byteInLine = 0
                }
                byteInLine += runEnd - index
                field.append(contentsOf: input[index..<runEnd])
                if !quoted { state = .unquoted }
                index = runEnd
                continue
            }
            try consume(input[index], into: &records)
            index += 1
        }
    }

    /// A byte `consume` would only append to the field: ASCII, and not the delimiter, a quote or
    /// a line break (inside quotes, only the quote and LF, which counts a line, are special).
    @inline(__always)
    private static func isPlain(_ byte: UInt8, quoted: Bool, delimiter: UInt8) -> Bool {
        if byte >= 0x80 || byte == 34 || byte == 10 { return false }
        return quoted || (byte != delimiter && byte != 13)
    }

    /// Ends the input: a last line without a newline still counts; an open quote is an error.
    public mutating func finish() throws(Failure) -> [Record] {
        var records: [Record] = []
        if delimiter == nil {
            delimiter = Self.detectDelimiter(pendingHeader[...])
            let rest = pendingHeader
            pendingHeader = []
            try consume(rest[...], into: &records)
        }
        if !utf8.isAtCharacterBoundary {
            throw Failure(line: line, message: "not valid UTF-8: the file ends inside a character (save the file as UTF-8)")
        }
        switch state {
        case .quoted:
            throw Failure(line: recordLine, message: "a quoted field is never closed")
        case .fieldStart where fields.isEmpty && field.isEmpty:
            break
        default:
            endRecord(into: &records)
        }
        return records
    }

    static func detectDelimiter(_ header: ArraySlice<UInt8>) -> UInt8 {
        var commas = 0, semicolons = 0, quoted = false
        for byte in header {
            if byte == 34 { quoted.toggle() }
            if !quoted && byte == 44 { commas += 1 }
            if !quoted && byte == 59 { semicolons += 1 }
        }
        return semicolons > commas ? 59 : 44
    }

    private mutating func consume(_ byte: UInt8, into records: inout [Record]) throws(Failure) {
        let delimiter = self.delimiter ?? 44
        if previousWasCR {
            previousWasCR = false
            if byte == 10 { return }
        }
        if countedLine != line {
            countedLine = line
            byteInLine = 0
        }
        byteInLine += 1  // (the LF of a CRLF, skipped above, ends the line before)
        if byte >= 0x80 || !utf8.isAtCharacterBoundary, !utf8.accept(byte) {
            throw Failure(line: line, message: "not valid UTF-8 at " + UTF8Validator.describe(position: byteInLine, byte: byte)
                + " of the line (save the file as UTF-8)")
        }
        switch state {
        case .fieldStart, .unquoted:
            if byte == 34 && state == .fieldStart {
                state = .quoted
            } else if byte == delimiter {
                endField()
            } else if byte == 10 || byte == 13 {
                endLine(byte, into: &records)
            } else if byte == 34 {
                throw Failure(line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
            } else {
                field.append(byte)
                state = .unquoted
            }
        case .quoted:
            if byte == 34 {
                state = .quoteInQuoted
            } else {
                if byte == 10 { line += 1 }
                field.append(byte)
            }
        case .quoteInQuoted:
            if byte == 34 {
                field.append(34)
                state = .quoted
            } else if byte == delimiter {
                endField()
            } else if byte == 10 || byte == 13 {
                endLine(byte, into: &records)
            } else {
                throw Failure(line: line, message: "unexpected character after a closing quote")
            }
        }
    }

    /// CR, LF or CRLF outside quotes: the record ends and the next starts on the next line.
    private mutating func endLine(_ byte: UInt8, into records: inout [Record]) {
        previousWasCR = byte == 13
        endRecord(into: &records)
        line += 1
        recordLine = line
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRecord(into records: inout [Record]) {
        endField()
        // A blank line is no record.
        if !(fields.count == 1 && fields[0].isEmpty) {
            records.append(Record(line: recordLine, fields: fields))
        }
        fields.removeAll(keepingCapacity: true)
    }
}
