/// A validated tax identifier: Chile's RUT, Colombia's NIT, Mexico's RFC. Stored normalized
/// (`76123456-7`, `900123456-7`, `AFE010203AB0`) and shown the way each country writes it.
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

    /// The characters of a tax id that matter when searching for it, whatever the country:
    /// upper-case, without the dots, dashes, commas and spaces people write between them. So
    /// `79.333.444-3`, `79333444-3` and `793334443` find the same debtor; the database side
    /// strips the same characters from the stored form (`DebtorSearch`).
    public static func searchKey(_ text: String) -> String {
        String(text.uppercased().filter { !Self.searchSeparators.contains($0) })
    }

    /// What `searchKey` drops; SQL's `translate` takes the same characters.
    public static let searchSeparators: Set<Character> = [".", "-", ",", " "]

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
        let year = date[0] * 10 + date[1]
        let month = date[2] * 10 + date[3]
        let day = date[4] * 10 + date[5]
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else {
            return .failure(.malformed("RFC date part must be a real date YYMMDD"))
        }
        // SAT's homoclave (issue 16, item 15): its first character is 1-9 or A-V, its second
        // 1-9 or A-Z; the third is the check digit. Anything else was never issued, even when
        // the check digit happens to fit.
        guard Self.homoclaveFirst.contains(chars[letters + 6]), Self.homoclaveSecond.contains(chars[letters + 7]) else {
            return .failure(.malformed("RFC homoclave must start with 1-9 or A-V, then 1-9 or A-Z, as SAT issues it"))
        }
        // A person's four letters are never one of SAT's inconvenient words: SAT writes X for
        // the last letter instead (PUTO becomes PUTX).
        if letters == 4, Self.inconvenientWords.contains(String(chars[..<4])) {
            return .failure(.malformed("RFC never starts with \(String(chars[..<4])): SAT replaces the fourth letter of that word with X"))
        }
        let expected = rfcCheckDigit(String(chars.dropLast()))
        guard expected == chars.last else { return .failure(.checkDigit(expected: expected)) }
        return .success(TaxID(country: .mexico, normalized: cleaned))
    }

    static let homoclaveFirst = Set("123456789ABCDEFGHIJKLMNOPQRSTUV")
    static let homoclaveSecond = Set("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// The words SAT does not issue as a person's first four letters (the list python-stdnum and
    /// SAT's algorithm use); the database's `tax_id_is_valid` holds the same list (0020).
    static let inconvenientWords: Set<String> = [
        "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COJA", "COJE", "COJI", "COJO", "CULO",
        "FETO", "GUEY", "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA", "KOGE", "KOJO", "KULO", "MAME", "MAMO", "MEAR",
        "MEAS", "MEON", "MION", "MOCO", "MULA", "PEDA", "PEDO", "PENE", "PUTA", "PUTO", "QULO", "RATA", "RUIN",
    ]

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

    /// Days of `month` in the two-digit `year`: 29 February only in a year divisible by 4, which
    /// in either century an RFC may mean, as python-stdnum reads it (a 29 February of 1900, the
    /// one century year in reach that was not a leap year, never was a date).
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 ? 29 : 28
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
