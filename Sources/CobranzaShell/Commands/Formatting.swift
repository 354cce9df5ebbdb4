import CobranzaCore
import CobranzaStore

/// How commands show what the store returns, shared by every domain: money as people read
/// it, one record as field/value rows, and the common option values every list takes.
enum Formatting {
    static func money(_ minor: Int64, _ code: String) -> String {
        let currency = CurrencyCode(rawValue: code).flatMap { Currency.known[$0] } ?? Currency(code: CurrencyCode(rawValue: code) ?? "CLP", exponent: 0)
        return Money(minorUnits: minor, currency: currency).formatted + (code == "CLF" ? "" : " " + code)
    }

    /// One record as rows of field and value, so csv and json keep its fields by name. The
    /// fields named in `money` hold amounts (`money(_:_:)`): plain numbers in csv and json, as a
    /// money column's are, beside the record's own `currency` field.
    static func record(_ fields: [(String, String?)], money: Set<String> = []) -> ResultTable {
        ResultTable(columns: [.init("field"), .init("value")], rows: fields.map { [$0.0, $0.1] },
                    valueKinds: money.isEmpty ? nil : fields.map { money.contains($0.0) ? .money : .text })
    }

    /// `--limit N`: how many rows a list shows, 50 unless asked.
    static func limit(_ invocation: Invocation) -> Int { invocation.count("limit") ?? 50 }

    /// `--min-amount 1.000.000` or `1000000`: whole units, separators ignored.
    static func wholeUnits(_ text: String) throws -> Int64 {
        let digits = text.filter { $0 != "." && $0 != "," && $0 != " " && $0 != "$" }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let value = Int64(digits) else {
            throw UsageError("--min-amount: \"\(text)\" is not a whole amount")
        }
        return value
    }

    static func invoiceTable(_ invoices: [InvoiceRecord]) -> ResultTable {
        ResultTable(
            columns: [.init("number"), .init("issued"), .init("due"), .init("days_overdue", .number), .init("amount", .money), .init("note")],
            rows: invoices.map { [$0.number, $0.issued.description, $0.due.description, String($0.daysOverdue), money($0.amount, $0.currency),
                                  invoiceNote($0)] })
    }

    /// The client's note, and a cancellation with what it took off and why.
    static func invoiceNote(_ invoice: InvoiceRecord) -> String? {
        let cancelled = invoice.cancellation.map {
            "cancelled on \($0.on), \(money($0.amount, invoice.currency)) no longer owed: \($0.reason)"
        }
        let parts = [invoice.note, cancelled].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
