// Fuzz target: a bank file's lines as `payment import` reads them before it touches the
// database: CSV, the header's columns, each line's field count, reference, amount, date,
// channel and method, read by the store's own helpers (`Payments.reference`, `parseDate`,
// `choice`, `minorUnits`). The lookup of the case and the insert need a server and are not
// fuzzed here; the first byte picks the case's currency. Properties: an accepted line has a
// reference of 1 to 100 characters without surrounding blanks and an amount in range; every
// refusal names a field.
@testable import CobranzaCore
@testable import CobranzaStore

private let currencies = [Currency.clp, .clf, .cop, .mxn, .usd]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBankFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let currency = currencies[Int(selector) % currencies.count]

    var reader = CSVReader()
    guard let records = try? reader.feed(bytes.dropFirst()) + reader.finish(), let header = records.first else { return 0 }
    // As Payments.importFile reads the header and a line's fields.
    let names = header.fields.map { $0.trimmingSpacesAndNewlines().lowercased() }
    guard ["case", "amount", "date", "ref"].allSatisfy(names.contains), names.allSatisfy(Payments.importColumns.contains) else { return 0 }
    func field(_ record: CSVReader.Record, _ name: String) -> String? {
        guard let index = names.firstIndex(of: name), index < record.fields.count else { return nil }
        let value = record.fields[index].trimmingSpacesAndNewlines()
        return value.isEmpty ? nil : value
    }
    for record in records.dropFirst() where !record.fields.allSatisfy({ $0.trimmingSpacesAndNewlines().isEmpty }) {
        guard record.fields.count == names.count, let refText = field(record, "ref") else { continue }
        do {
            let ref = try Payments.reference(refText) ?? ""
            property((1...100).contains(ref.count) && ref == ref.trimmingSpacesAndNewlines(), "reference \(ref.debugDescription) accepted")
            let amountText = field(record, "amount") ?? ""
            guard let written = WrittenAmount(amountText) else { continue }
            let amount = try Payments.minorUnits(written, currency: currency, field: "amount")
            property((1...Money.largestAmount).contains(amount), "amount \(amount) accepted from \(amountText.debugDescription)")
            _ = try field(record, "date").map { try Payments.parseDate($0, field: "date") }
            let _: PaymentChannel? = try field(record, "channel").map { try Payments.choice($0, field: "channel") }
            let _: PaymentMethod? = try field(record, "method").map { try Payments.choice($0, field: "method") }
        } catch let error as StoreError {
            property(!error.fields.isEmpty, "line \(record.line): a refusal naming no field: \(error)")
        } catch {
            fatalError("line \(record.line): unexpected \(error)")
        }
    }
    return 0
}
