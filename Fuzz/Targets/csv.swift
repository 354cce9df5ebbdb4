// Fuzz target: the streaming CSV reader that placement and bank files go through. The first
// byte picks the delimiter (detected, `,` or `;`) and where the input is cut into chunks.
// Properties: fed in chunks it reads exactly what it reads fed at once (records or failure);
// every record and failure names a line that exists in the input, records in increasing order;
// a field never holds invalid UTF-8 (it would have been refused).
@testable import CobranzaCore

private func read(_ input: ArraySlice<UInt8>, delimiter: Character?, cuts: [Int]) -> Result<[CSVReader.Record], CSVReader.Failure> {
    var reader = CSVReader(delimiter: delimiter)
    var records: [CSVReader.Record] = []
    var start = input.startIndex
    do {
        for cut in cuts + [input.count] {
            let end = min(input.endIndex, max(start, input.startIndex + cut))
            records += try reader.feed(input[start..<end])
            start = end
        }
        records += try reader.finish()
        return .success(records)
    } catch {
        return .failure(error)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let input = bytes[1...]
    let delimiter: Character? = [nil, ",", ";", nil][Int(selector & 3)]
    let step = Int(selector >> 2) + 1
    let cuts = Array(stride(from: step, to: input.count, by: step))

    let whole = read(input, delimiter: delimiter, cuts: [])
    let chunked = read(input, delimiter: delimiter, cuts: cuts)
    property(whole == chunked, "chunks of \(step) bytes read differently: \(whole) vs \(chunked)")
    let byteAtATime = read(input, delimiter: delimiter, cuts: Array(0..<input.count))
    property(whole == byteAtATime, "byte by byte reads differently: \(whole) vs \(byteAtATime)")

    let lines = 1 + input.filter { $0 == 10 || $0 == 13 }.count
    switch whole {
    case .success(let records):
        var previous = 0
        for record in records {
            property(record.line > previous && record.line <= lines, "record on line \(record.line) after \(previous), input has \(lines)")
            previous = record.line
            for field in record.fields {
                property(!field.unicodeScalars.contains("\u{FFFD}") || input.count >= 3 && bytes.contains(0xEF),
                             "a replacement character in \(field.debugDescription) not in the input")
            }
        }
    case .failure(let failure):
        property((1...lines).contains(failure.line), "failure on line \(failure.line), input has \(lines)")
    }
    return 0
}
