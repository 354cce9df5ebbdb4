/// A validated tax identifier: Chile's RUT, Colombia's NIT, Mexico's RFC. Stored normalized
/// (`76123456-7`, `900123456-7`, `ABC010203XY9`) and shown the way each country writes it.
public struct TaxID: Hashable, Sendable, CustomStringConvertible {
    public let country: Country
    /// The canonical form stored in the database.
    public let normalized: String

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)
        case checkDigit(expected: Character)

        public var description: String {
            switch self {
            case .malformed(let rule): rule
            case .checkDigit(let expected): "check digit does not match (expected \(expected))"
            }
        }
    }

    /// Parses what a person typed, accepting the usual separators.
    public static func parse(_ text: String, country: Country) -> Result<TaxID, Problem> {
        switch country {
        case .chile: parseRUT(text)
        case .colombia: parseNIT(text)
        case .mexico: parseRFC(text)
        }
    }

    /// The form people read: `76.123.456-7`, `900.123.456-7`, RFC unchanged.
    public var formatted: String {
        switch country {
        case .chile, .colombia:
            let parts = normalized.split(separator: "-")
            return Self.groupThousands(String(parts[0])) + "-" + parts[1]
        case .mexico:
            return normalized
        }
    }

    public var description: String { formatted }

    // MARK: Chile

    /// Read as UTF-8 bytes, not Characters: it runs once per row of a million-row placement file.
    static func parseRUT(_ text: String) -> Result<TaxID, Problem> {
        var body = 0
        var digits = 0
        var last: UInt8?
        for byte in text.utf8 where byte != 46 && byte != 45 && byte != 32 { // . - space
            if let previous = last {
                guard (48...57).contains(previous), digits < 9 else { return .failure(Self.malformedRUT) }
                body = body * 10 + Int(previous - 48)
                // Leading zeros are no digits of the body: it is stored without them and must
                // read back from its stored form.
                if body > 0 { digits += 1 }
            }
            last = byte == 107 ? 75 : byte // k -> K
        }
        guard let last, (6...8).contains(digits), (48...57).contains(last) || last == 75 else {
            return .failure(Self.malformedRUT)
        }
        let expected = rutCheckDigit(body)
        guard expected == Character(Unicode.Scalar(last)) else { return .failure(.checkDigit(expected: expected)) }
        return .success(TaxID(country: .chile, normalized: "\(body)-\(expected)"))
    }

    static let malformedRUT = Problem.malformed("RUT must be 6-8 digits and a check digit 0-9 or K, like 76.123.456-0")

    /// Modulo 11 with weights 2..7 from the right; 11 → 0, 10 → K.
    public static func rutCheckDigit(_ body: String) -> Character {
        rutCheckDigit(body.reduce(0) { $0 * 10 + Int(String($1))! })
    }

    static func rutCheckDigit(_ body: Int) -> Character {
        var sum = 0
        var weight = 2
        var rest = body
        while rest > 0 {
            sum += rest % 10 * weight
            rest /= 10
            weight = weight == 7 ? 2 : weight + 1
        }
        switch 11 - sum % 11 {
        case 11: return "0"
        case 10: return "K"
        case let value: return Character(String(value))
        }
    }

    // MARK: Colombia

    static func parseNIT(_ text: String) -> Result<TaxID, Problem> {
        let cleaned = text.filter { $0 != "." && $0 != "-" && $0 != " " && $0 != "," }
        guard cleaned.count >= 6, cleaned.count <= 16, cleaned.allSatisfy(\.isASCIIDigit) else {
            return .failure(.malformed("NIT must be 5-15 digits and a check digit, like 900.123.456-7"))
        }
        let body = String(cleaned.dropLast())
        let expected = nitCheckDigit(body)
        guard expected == cleaned.last else { return .failure(.checkDigit(expected: expected)) }
        return .success(TaxID(country: .colombia, normalized: "\(body)-\(expected)"))
    }

    /// DIAN's weights, applied from the rightmost digit; remainders 0 and 1 are the digit itself.
    public static func nitCheckDigit(_ body: String) -> Character {
        let weights = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71]
        var sum = 0
        for (index, digit) in body.reversed().enumerated() {
            sum += Int(String(digit))! * weights[index]
        }
        let remainder = sum % 11
        return Character(String(remainder < 2 ? remainder : 11 - remainder))
    }

    // MARK: Mexico

    static let rfcAlphabet = Array("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ")

    static func parseRFC(_ text: String) -> Result<TaxID, Problem> {
        let cleaned = text.uppercased().filter { $0 != "-" && $0 != " " }
        let chars = Array(cleaned)
        let letters = chars.count - 9
        guard chars.count == 12 || chars.count == 13,
              chars[..<letters].allSatisfy({ ($0.isASCII && $0.isLetter) || $0 == "&" || $0 == "Ñ" }),
              chars[letters..<(letters + 6)].allSatisfy(\.isASCIIDigit),
              chars[(letters + 6)...].allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) })
        else {
            return .failure(.malformed("RFC must be 3 letters (company) or 4 (person), a date YYMMDD and a 3-character homoclave"))
        }
        let date = chars[letters..<(letters + 6)].map { Int(String($0))! }
        let month = date[2] * 10 + date[3]
        let day = date[4] * 10 + date[5]
        guard (1...12).contains(month), (1...Self.daysIn(month: month)).contains(day) else {
            return .failure(.malformed("RFC date part must be a real date YYMMDD"))
        }
        let expected = rfcCheckDigit(String(chars.dropLast()))
        guard expected == chars.last else { return .failure(.checkDigit(expected: expected)) }
        return .success(TaxID(country: .mexico, normalized: cleaned))
    }

    /// SAT's modulo-11 digit over the first 11 or 12 characters, company RFCs padded with a space.
    public static func rfcCheckDigit(_ body: String) -> Character {
        let padded = Array(body.count == 11 ? " " + body : body)
        var sum = 0
        for (index, char) in padded.enumerated() {
            let value = rfcAlphabet.firstIndex(of: char) ?? 0
            sum += value * (13 - index)
        }
        let remainder = sum % 11
        switch remainder {
        case 0: return "0"
        case 1: return "A"
        default: return Character(String(11 - remainder))
        }
    }

    private static func daysIn(month: Int) -> Int {
        switch month {
        case 2: 29
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func groupThousands(_ digits: String) -> String {
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(".") }
            result.append(digit)
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
