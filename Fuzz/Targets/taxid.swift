// Fuzz target: tax ids (RUT, NIT, RFC) as typed or found in a placement file. The first byte
// picks the country. Properties: an accepted id's normalized and formatted forms read back to
// the same id (normalisation is idempotent), and its check digit is the computed one.
@testable import CobranzaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTaxID(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let country = Country.allCases[Int(selector) % Country.allCases.count]
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)

    switch TaxID.parse(text, country: country) {
    case .success(let id):
        property(id.country == country)
        for form in [id.normalized, id.formatted] {
            guard case .success(let again) = TaxID.parse(form, country: country), again == id else {
                fatalError("\(text.debugDescription) read as \(id.normalized) but \(form.debugDescription) does not read back")
            }
        }
        if country != .mexico {
            let parts = id.normalized.split(separator: "-")
            property(parts.count == 2 && parts[1].count == 1, "\(id.normalized) is not BODY-DIGIT")
            let expected = country == .chile ? TaxID.rutCheckDigit(String(parts[0])) : TaxID.nitCheckDigit(String(parts[0]))
            property(String(expected) == parts[1], "\(id.normalized): check digit is \(expected)")
        }
    case .failure(let problem):
        _ = problem.description
    }
    return 0
}
