// Fuzz target: the letter-template renderer and the agency settings file it quotes, on any
// template text. The fields and lists are fixed; the first byte picks how many items each list
// has. Properties: a template free of control characters renders to text free of them (tabs and
// newlines aside), so no field or block can smuggle one into a letter; an unknown field or an
// open block is refused, naming it, never rendered.
@testable import CobranzaCore

private let fields = [
    "deudor_nombre": "Comercial Los Andes SpA", "deudor_rut": "76.123.456-0", "monto": "$1.190.000",
    "fecha": "3 de diciembre de 2026", "agencia": "Cobranzas del Sur", "caso": "C-2026-000123",
]
private let facturas = [["numero": "F-101", "vence": "01-09-2026", "monto": "$500.000"],
                        ["numero": "F-102", "vence": "01-10-2026", "monto": "$690.000"]]
private let cuotas = [["cuota": "1", "vence": "15-12-2026"], ["cuota": "2", "vence": "15-01-2027"]]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLetter(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let source = String(decoding: bytes.dropFirst(), as: UTF8.self)
    let lists = ["facturas": Array(facturas.prefix(Int(selector % 3))), "cuotas": Array(cuotas.prefix(Int(selector / 3 % 3)))]

    let result = LetterTemplate(source).render(fields: fields, lists: lists)
    if case .success(let letter) = result, ControlCharacters.first(in: source, allowingLineBreaks: true) == nil {
        property(ControlCharacters.first(in: letter, allowingLineBreaks: true) == nil,
                     "a control character in the letter rendered from \(source.debugDescription)")
    }
    if case .failure(let refusal) = result {
        property(refusal.message.hasPrefix("template: "), "refusal \(refusal.message)")
    }
    for (key, value) in LetterTemplate.settings(source) {
        property(!key.contains("\n") && !value.contains("\n"), "a setting spans lines")
    }
    return 0
}
