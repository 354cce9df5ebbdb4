/// Money as a person wrote it (`1.190.000`, `1.234,56`, `$ 1,234.56`), before its currency is
/// known. Whether `1.234` is a thousand pesos or one Mexican peso and change depends on the
/// currency, and that is the case's or the client's, so the text is kept and resolved once the
/// store knows which (`minorUnits(in:)`), where every rule of amounts is checked.
public struct WrittenAmount: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    public init?(_ text: String) {
        guard text.utf8.count <= 100, text.contains(where: \.isNumber) else { return nil }
        self.text = text
    }

    public func minorUnits(in currency: Currency) -> Result<Int64, AmountParser.Problem> {
        AmountParser.parse(text, currency: currency)
    }

    public var description: String { text }
}
