/// How people name a record numbered per client (a submission, an import batch): an SME by its
/// own number (`12`), staff, who see every client, by the client's code and the number
/// (`ACME-12`). The numbers count one client's rows only (0019), so an SME's numbers say nothing
/// of other clients' business; the database's internal ids are never shown.
public struct ClientReference: Sendable, Hashable, CustomStringConvertible {
    /// nil when only the number was typed: the client is then the SME's own, or `--client`.
    public var clientCode: String?
    public var number: Int64

    public init(clientCode: String?, number: Int64) {
        self.clientCode = clientCode
        self.number = number
    }

    /// `12` or `ACME-12` (the code in any case; a code may itself hold `-`, so the number is
    /// what follows the last one). nil for anything else.
    public init?(parsing text: String) {
        let text = text.trimmingSpaces()
        let code: Substring?
        let digits: Substring
        if let dash = text.lastIndex(of: "-") {
            code = text[..<dash]
            digits = text[text.index(after: dash)...]
        } else {
            code = nil
            digits = Substring(text)
        }
        guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ (48...57).contains($0) }),
              let number = Int64(digits), number >= 1 else { return nil }
        if let code {
            let upper = code.uppercased()
            guard Identifier.validateClientCode(upper) == nil else { return nil }
            self.init(clientCode: upper, number: number)
        } else {
            self.init(clientCode: nil, number: number)
        }
    }

    /// `ACME-12`, or `12` without a client.
    public var description: String {
        clientCode.map { "\($0)-\(number)" } ?? String(number)
    }

    /// What a person types for this record: its number alone for the client's own users,
    /// `CODE-number` for staff.
    public static func shown(client: String, number: Int64, viewerClient: String?) -> String {
        viewerClient == nil ? "\(client)-\(number)" : String(number)
    }
}
