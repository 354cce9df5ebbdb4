/// A letter template: plain text with merge fields, kept as files in the repository so the
/// agency can reword its letters without recompiling.
///
/// - `{{campo}}` is replaced by the field's value;
/// - `{{#lista}}…{{/lista}}` repeats its body once per item of the list, whose fields are in
///   scope inside it (each invoice of the case, for instance);
/// - a line starting with `##` is a comment for whoever edits the template.
///
/// A field the template names but the letter does not supply is an error naming it, so a typo
/// in a template never reaches a debtor as `{{deudr_nombre}}`.
public struct LetterTemplate: Sendable {
    public let source: String

    public init(_ source: String) {
        self.source = source
    }

    public func render(fields: [String: String], lists: [String: [[String: String]]] = [:]) -> Result<String, WorkflowRefusal> {
        let text = source.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("##") }
            .joined(separator: "\n")
        return Self.expand(Substring(text), fields: fields, lists: lists)
    }

    private static func expand(_ text: Substring, fields: [String: String], lists: [String: [[String: String]]]) -> Result<String, WorkflowRefusal> {
        var output = ""
        var rest = text
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                return .failure(WorkflowRefusal("template: \"{{\" without its \"}}\""))
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingSpaces()
            rest = rest[close.upperBound...]
            if name.hasPrefix("#") {
                let list = String(name.dropFirst())
                guard let end = rest.firstRange(of: "{{/\(list)}}") else {
                    return .failure(WorkflowRefusal("template: {{#\(list)}} is never closed by {{/\(list)}}"))
                }
                guard let items = lists[list] else { return .failure(WorkflowRefusal("template: unknown list {{#\(list)}}")) }
                var body = rest[..<end.lowerBound]
                // A block on lines of its own leaves no blank lines behind.
                if body.hasPrefix("\n") { body = body.dropFirst() }
                for item in items {
                    switch expand(body, fields: fields.merging(item) { $1 }, lists: lists) {
                    case .success(let text): output += text
                    case .failure(let refusal): return .failure(refusal)
                    }
                }
                rest = rest[end.upperBound...]
                if rest.hasPrefix("\n") { rest = rest.dropFirst() }
            } else {
                guard let value = fields[name] else { return .failure(WorkflowRefusal("template: unknown field {{\(name)}}")) }
                output += value
            }
        }
        output += rest
        return .success(output)
    }
}

extension LetterTemplate {
    /// `clave = valor` lines (blank lines and `#` comments skipped): the agency's own details that
    /// every letter quotes (name, contact, bank account for payments, reply deadlines).
    ///
    /// A `[NAME]` line starts a section whose lines apply only to letters of that country or
    /// currency (`[CO]`, `[COP]`): `sections` lists the ones that apply, in rising precedence,
    /// over the lines before any section. So the agency's bank account, city and currency are
    /// written per country or currency, and a Colombian debtor is never told to pay into the
    /// Chilean account.
    public static func settings(_ text: String, sections: [String] = []) -> [String: String] {
        var bySection: [String: [String: String]] = [:]
        var section = ""
        for line in text.split(separator: "\n") {
            let trimmed = String(line).trimmingSpaces()
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast()).trimmingSpaces().uppercased()
                continue
            }
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            bySection[section, default: [:]][String(trimmed[..<equals]).trimmingSpaces()] =
                String(trimmed[trimmed.index(after: equals)...]).trimmingSpaces()
        }
        var result = bySection[""] ?? [:]
        for name in sections {
            result.merge(bySection[name.uppercased()] ?? [:]) { $1 }
        }
        return result
    }
}

extension CalendarDate {
    private static let spanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                        "septiembre", "octubre", "noviembre", "diciembre"]

    /// "23 de noviembre de 2026", as a letter is dated.
    public var spanishLong: String { "\(day) de \(Self.spanishMonths[month - 1]) de \(year)" }

    /// "23-11-2026", as dates are written in a letter's invoice list.
    public var spanishShort: String {
        (day < 10 ? "0" : "") + "\(day)-" + (month < 10 ? "0" : "") + "\(month)-\(year)"
    }
}
