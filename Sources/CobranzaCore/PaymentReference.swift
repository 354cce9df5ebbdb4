/// How people name a payment: its case's number and its own number within that case,
/// `C-2026-000001/3`. The number counts that case's payments only (0030), so nobody learns from
/// it how many payments the agency records for other clients; the database's internal id is
/// never shown or typed.
public struct PaymentReference: Sendable, Hashable, CustomStringConvertible {
    /// As stored: `C-YYYY-NNNNNN`.
    public var caseNumber: String
    public var number: Int32

    public init(caseNumber: String, number: Int32) {
        self.caseNumber = caseNumber
        self.number = number
    }

    /// `C-2026-000001/3` (the case number in any case, spaces around the whole allowed). nil
    /// for anything else, a bare number included: a number alone names no case.
    public init?(parsing text: String) {
        let text = text.trimmingSpaces()
        guard let slash = text.lastIndex(of: "/") else { return nil }
        let caseNumber = text[..<slash].uppercased()
        let digits = text[text.index(after: slash)...]
        guard Self.isCaseNumber(caseNumber), !digits.isEmpty, digits.utf8.count <= 9,
              digits.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int32(digits), number >= 1
        else { return nil }
        self.init(caseNumber: caseNumber, number: number)
    }

    /// `C-2026-000001/3`.
    public var description: String { "\(caseNumber)/\(number)" }

    /// The shape collection_case_number_check holds every case number to: `C-YYYY-NNNNNN`.
    static func isCaseNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 13, bytes[0] == UInt8(ascii: "C"), bytes[1] == UInt8(ascii: "-"), bytes[6] == UInt8(ascii: "-") else { return false }
        return (Array(bytes[2..<6]) + Array(bytes[7...])).allSatisfy { (48...57).contains($0) }
    }
}
