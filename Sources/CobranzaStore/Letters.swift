import CobranzaCore
import Foundation
import Postgres

/// The three collection letters, rendered from the templates in `templates/cartas` (read on
/// every render, so the agency rewords them without recompiling) with the case's open invoices.
public struct Letters {
    let session: Session
    var connection: Connection { session.connection }

    /// The folder of `nivel-N.txt` and `agencia.conf`: `$COBRANZA_TEMPLATES_DIR`, else
    /// `templates/cartas` beside the program.
    public static func directory() throws -> URL {
        guard let root = ShippedFiles.locate("templates", variable: "COBRANZA_TEMPLATES_DIR", marker: "cartas/nivel-1.txt") else {
            throw StoreError("letter templates not found: set COBRANZA_TEMPLATES_DIR to the folder holding cartas/nivel-1.txt")
        }
        return root.appendingPathComponent("cartas")
    }

    /// The letter of `level` for the case as of today, naming every invoice still owed.
    public func render(caseNumber: String, level: LetterLevel) throws -> String {
        try session.requireStaff("render letters", lawyers: true)
        let target = try WorkflowCase.load(session, number: caseNumber)
        return try render(target, level: level)
    }

    func render(_ target: WorkflowCase, level: LetterLevel) throws -> String {
        let folder = try Self.directory()
        func read(_ name: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw StoreError("letter template \(folder.appendingPathComponent(name).path) cannot be read")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let template = LetterTemplate(try read("nivel-\(level.rawValue).txt"))
        var fields = LetterTemplate.settings(try read("agencia.conf"))
        let today = try session.today()

        let parties = try connection.query("""
            SELECT d.name, d.tax_id, d.country, d.address, d.city, d.region, t.legal_name, t.tax_id AS client_tax_id,
                   t.country AS client_country
              FROM cobranza.collection_case c
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
              JOIN cobranza.tenant t ON t.id = c.tenant_id
             WHERE c.tenant_id = $1 AND c.id = $2
            """, [target.tenant, target.id]).first!
        let invoices = try connection.query("""
            SELECT b.number, i.issued::text AS issued, b.due::text AS due, cobranza.today() - b.due AS overdue, b.outstanding
              FROM cobranza.invoice_balance b
              JOIN cobranza.invoice i ON i.tenant_id = b.tenant_id AND i.id = b.invoice_id
             WHERE b.tenant_id = $1 AND b.case_id = $2 AND b.outstanding > 0
             ORDER BY b.due, b.invoice_id
            """, [target.tenant, target.id]).rows
        guard !invoices.isEmpty else { throw StoreError("case \(target.number): nothing is owed, so there is no letter to send") }

        let money = { (minor: Int64) in Money(minorUnits: minor, currency: target.currency).formatted + " " + target.currency.code.rawValue }
        let date = { (text: String) in CalendarDate(parsing: text)?.spanishShort ?? text }
        var total: Int64 = 0
        var list: [[String: String]] = []
        for row in invoices {
            let outstanding: Int64 = try row.decode("outstanding")
            total = try MoneyArithmetic.add(total, outstanding)
            list.append(["numero": try row.decode("number"), "emision": date(try row.decode("issued")),
                         "vencimiento": date(try row.decode("due")), "dias_mora": String(try row.decode("overdue", as: Int.self)),
                         "monto": money(outstanding)])
        }
        let address = [try parties.decodeIfPresent("address", as: String.self), try parties.decodeIfPresent("city", as: String.self),
                       try parties.decodeIfPresent("region", as: String.self)].compactMap { $0 }.filter { !$0.isEmpty }
        let replyDays = Int(fields["plazo_dias_nivel_\(level.rawValue)"] ?? "") ?? [10, 7, 5][level.rawValue - 1]
        fields["fecha"] = today.spanishLong
        fields["caso"] = target.number
        fields["deudor_nombre"] = try parties.decode("name")
        fields["deudor_identificacion"] = try Self.taxID(try parties.decode("tax_id"), country: try parties.decode("country"))
        fields["deudor_direccion"] = address.isEmpty ? "(dirección no registrada)" : address.joined(separator: ", ")
        fields["cliente_nombre"] = try parties.decode("legal_name")
        fields["cliente_identificacion"] = try Self.taxID(try parties.decode("client_tax_id"), country: try parties.decode("client_country"))
        fields["total"] = money(total)
        fields["plazo_respuesta"] = today.adding(days: replyDays).spanishLong
        switch template.render(fields: fields, lists: ["facturas": list]) {
        case .success(let text): return text
        case .failure(let refusal): throw StoreError("letter template nivel-\(level.rawValue).txt: \(refusal.message)")
        }
    }

    static func taxID(_ stored: String, country: String) throws -> String {
        guard let country = Country(code: country), let parsed = try? TaxID.parse(stored, country: country).get() else { return stored }
        return parsed.formatted
    }
}

extension Session {
    public var letters: Letters { Letters(session: self) }
}
