// Fuzz target: amounts and percentages as people type them (placement files, bank files, flags).
// The first byte picks the currency; the rest is the text. Properties: an accepted amount is
// in 1...Money.largestAmount; the fast path (`groupedDigits`) agrees with the general one;
// the amount formatted the currency's way reads back to itself; a percentage stays in range.
@testable import CobranzaCore

private let currencies = [Currency.clp, .clf, .cop, .mxn, .usd]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAmount(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let currency = currencies[Int(selector) % currencies.count]
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)

    let parsed = AmountParser.parse(text, currency: currency)
    if case .success(let value) = parsed {
        property((1...Money.largestAmount).contains(value), "accepted \(value) out of range for \(text.debugDescription)")
        let formatted = Money(minorUnits: value, currency: currency).formatted
        guard case .success(let again) = AmountParser.parse(formatted, currency: currency), again == value else {
            fatalError("\(value) formatted as \(formatted) does not read back (\(currency.code))")
        }
    }
    if let fast = AmountParser.groupedDigits(text, currency: currency) {
        property(AmountParser.parseGeneral(text, currency: currency) == .success(fast),
                     "fast and general paths disagree on \(text.debugDescription)")
    }
    if let written = WrittenAmount(text) {
        property(written.minorUnits(in: currency) == parsed, "WrittenAmount reads \(text.debugDescription) differently")
    }
    _ = "\(parsed)"  // every refusal can be described

    if let rate = BasisPoints(percent: text) {
        property((0...9_999_999).contains(rate.value), "percentage \(text.debugDescription) read as \(rate.value)")
        property(BasisPoints(percent: String(rate.description.dropLast())) == rate,
                     "\(rate) does not read back")
    }
    return 0
}
