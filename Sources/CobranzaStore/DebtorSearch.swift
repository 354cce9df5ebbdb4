import CobranzaCore

/// `--debtor TEXT` / `--search TEXT`: a debtor whose name contains the text, or whose tax id
/// contains it as people write tax ids (issue 16, item 12): `79.333.444-3` finds the stored
/// `79333444-3`, and so do `793334443` and `79.333`. Both sides lose their separators
/// (`TaxID.searchKey` here, `translate` in SQL), for RUTs, NITs and RFCs alike. The text is
/// matched literally: `%` and `_` are not wildcards.
enum DebtorSearch {
    /// The condition on the debtor aliased `alias`, its values bound into `parameters`.
    static func condition(_ text: String, debtor alias: String, parameters: inout SQLParameters) -> String {
        let name = parameters.bind("%" + likeLiteral(text) + "%")
        let key = TaxID.searchKey(text)
        guard !key.isEmpty else { return "\(alias).name ILIKE \(name)" }
        let taxID = parameters.bind("%" + likeLiteral(key) + "%")
        return "(\(alias).name ILIKE \(name) OR translate(upper(\(alias).tax_id), '.-, ', '') LIKE \(taxID))"
    }

    /// `text` with LIKE's wildcards and its escape character escaped.
    static func likeLiteral(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
