// Fuzz target: a placement file, as `submission import` reads it: CSV, then the header, then
// each row validated (tax id, dates, amount, currency, lengths, control characters). The first
// byte picks the client's country. Properties: a row is accepted with values that keep every
// rule (amount in range, issued <= due <= today, tax id that reads back, no control
// characters) or refused with at least one problem, each naming the row's own line.
@testable import CobranzaCore

private let today = CalendarDate(year: 2026, month: 12, day: 3)!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlacement(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let country = Country.allCases[Int(selector) % Country.allCases.count]
    let context = PlacementContext(country: country, defaultCurrency: country.defaultCurrency, currencies: Currency.known, today: today)

    var reader = CSVReader()
    guard let records = try? reader.feed(bytes.dropFirst()) + reader.finish(), let first = records.first else { return 0 }
    let header: PlacementHeader
    do { header = try PlacementHeader(first.fields) } catch {
        property(!error.problems.isEmpty && error.problems.allSatisfy { $0.line == 1 }, "header refused without a problem on line 1")
        return 0
    }
    for record in records.dropFirst() {
        switch PlacementRow.validate(record, header: header, context: context) {
        case .success(let row):
            property(row.line == record.line)
            property((1...Money.largestAmount).contains(row.amount), "line \(row.line): amount \(row.amount)")
            property(row.issued <= row.due && row.due <= today, "line \(row.line): issued \(row.issued), due \(row.due)")
            property(Currency.known[row.currency] != nil, "line \(row.line): currency \(row.currency)")
            property(TaxID.parse(row.debtorTaxID.normalized, country: country) == .success(row.debtorTaxID),
                         "line \(row.line): tax id \(row.debtorTaxID.normalized) does not read back")
            property(row.debtorKind == "company" || row.debtorKind == "person")
            property((row.note?.count ?? 0) <= PlacementRow.longestNote)
            for text in [row.debtorName, row.number, row.debtorEmail, row.debtorPhone, row.debtorCity, row.debtorRegion, row.debtorAddress].compactMap({ $0 }) {
                property(ControlCharacters.first(in: text) == nil, "line \(row.line): control character accepted in \(text.debugDescription)")
            }
            _ = row.prescriptionWarning(country: country, today: today)
        case .failure(let list):
            property(!list.problems.isEmpty, "line \(record.line) refused without a problem")
            property(list.problems.allSatisfy { $0.line == record.line }, "line \(record.line) refused naming another line")
            _ = list.problems.map(\.description)
        }
    }
    return 0
}
