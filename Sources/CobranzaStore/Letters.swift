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
        // The debtor's country, then the case's currency, over the agency's general lines.
        let currencyCode = target.currency.code.rawValue
        var fields = LetterTemplate.settings(try read("agencia.conf"), sections: [target.debtorCountry.code, currencyCode])
        guard fields["instrucciones_pago"] != nil else {
            throw StoreError("\(folder.appendingPathComponent("agencia.conf").path) has no instrucciones_pago under [\(currencyCode)] "
                             + "or [\(target.debtorCountry.code)]: a debtor is told where to pay in its own currency, never another's")
        }
        let today = try session.today()

        let parties = try connection.query("""
            SELECT d.name, d.tax_id, d.country, d.address, d.city, d.region, d.kind, d.salutation, t.legal_name,
                   t.tax_id AS client_tax_id, t.country AS client_country,
                   coalesce(k.posting_consent, false) AS consent, coalesce(k.judicial_threshold, 0) AS threshold,
                   EXISTS (SELECT 1 FROM cobranza.judicial_referral r
                            WHERE r.tenant_id = c.tenant_id AND r.case_id = c.id AND r.override_reason IS NOT NULL) AS overridden,
                   (SELECT min(i.due)::text FROM cobranza.invoice i WHERE i.tenant_id = c.tenant_id AND i.case_id = c.id) AS oldest_due
              FROM cobranza.collection_case c
              JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
              JOIN cobranza.tenant t ON t.id = c.tenant_id
              LEFT JOIN LATERAL (SELECT (cobranza.contract_on(c.tenant_id, cobranza.today())).*) k ON true
             WHERE c.tenant_id = $1 AND c.id = $2
            """, [target.tenant, target.id]).first!
        let invoices = try connection.query("""
            SELECT b.number, i.issued::text AS issued, b.due::text AS due, cobranza.today() - b.due AS overdue, b.outstanding
              FROM cobranza.invoice_balance b
              JOIN cobranza.invoice i ON i.tenant_id = b.tenant_id AND i.id = b.invoice_id
             WHERE b.tenant_id = $1 AND b.case_id = $2 AND b.outstanding > 0
               AND NOT cobranza.invoice_disputed(b.tenant_id, b.invoice_id)
             ORDER BY b.due, b.invoice_id
            """, [target.tenant, target.id]).rows
        guard !invoices.isEmpty else {
            // A letter claims only what is not disputed (issue 16, item 7).
            if target.outstanding > 0 { throw StoreError("case \(target.number): every invoice still owed is disputed, so there is no letter to send until the dispute is resolved") }
            throw StoreError("case \(target.number): nothing is owed, so there is no letter to send")
        }

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
        let kind = DebtorKind(rawValue: try parties.decode("kind")) ?? .company
        let salutation = try parties.decodeIfPresent("salutation", as: String.self).flatMap(Salutation.init(rawValue:))
        let barred = PostingRules.barriers(
            on: today, country: target.debtorCountry, consent: try parties.decode("consent"), disputed: target.everythingOwedDisputed,
            oldestDue: try parties.decodeIfPresent("oldest_due", as: String.self).flatMap(CalendarDate.init(parsing:)))
        let remedies = LetterRules.remedies(postingBarred: barred, outstanding: target.undisputedOutstanding,
                                            judicialThreshold: try parties.decode("threshold"), overridden: try parties.decode("overridden"))
        // Sections shown once or not at all: what the last notice may announce.
        let section = { (shown: Bool) -> [[String: String]] in shown ? [[:]] : [] }
        let sections = ["publicacion": section(remedies.posting), "demanda": section(remedies.lawsuit),
                        "sin_acciones": section(!remedies.posting && !remedies.lawsuit)]
        fields["saludo"] = LetterRules.greeting(kind: kind, salutation: salutation)
        fields["fecha"] = today.spanishLong
        fields["caso"] = target.number
        fields["deudor_nombre"] = try parties.decode("name")
        fields["deudor_identificacion"] = try Self.taxID(try parties.decode("tax_id"), country: try parties.decode("country"))
        fields["deudor_direccion"] = address.isEmpty ? "(dirección no registrada)" : address.joined(separator: ", ")
        fields["cliente_nombre"] = try parties.decode("legal_name")
        fields["cliente_identificacion"] = try Self.taxID(try parties.decode("client_tax_id"), country: try parties.decode("client_country"))
        fields["total"] = money(total)
        // The debtor's country's holidays as the database holds them (an admin's `holiday add`
        // included): the one calendar deadlines and contact windows count.
        let holidays = try Holidays(session: session).days(country: target.debtorCountry, from: today,
                                                           through: today.adding(days: max(0, replyDays) + 60))
        fields["plazo_respuesta"] = LetterRules.replyDeadline(sentOn: today, days: replyDays, holidays: holidays).spanishLong
        switch template.render(fields: fields, lists: sections.merging(["facturas": list]) { $1 }) {
        case .success(let text): return text
        case .failure(let refusal): throw StoreError("letter template nivel-\(level.rawValue).txt: \(refusal.message)")
        }
    }

    /// A letter as it went out: its exact text, kept on the case's timeline when it was logged.
    public struct Sent: Sendable, Equatable {
        public var caseNumber: String
        public var level: LetterLevel
        public var sentOn: CalendarDate
        public var clientVisible: Bool
        /// Who sent it; nil for SME users, whose grants do not include it.
        public var sentBy: String?
        public var text: String
    }

    /// The last letter sent on the case (of `level`, when given), exactly as sent. Staff read
    /// every letter; an SME only those marked client-visible on its own cases, which the database
    /// decides (case_event_client_read, 0026_letters.sql): for an SME the others do not exist.
    public func show(caseNumber: String, level: LetterLevel?) throws -> Sent {
        let number = CaseLookup.normalized(caseNumber)
        let staff = session.identity.kind.isStaff
        return try connection.withTransaction {
            guard try connection.query("SELECT 1 FROM cobranza.collection_case c WHERE c.number = $1", [number]).first != nil else {
                throw CaseLookup.notFound(number)
            }
            var parameters = SQLParameters()
            let sql = """
                SELECT c.number, e.letter_level, e.occurred_on::text AS sent_on, e.client_visible, \(staff ? "e.created_by" : "NULL::name AS created_by"),
                       e.body
                  FROM cobranza.case_event e
                  JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
                 WHERE c.number = \(parameters.bind(number)) AND e.kind = 'letter'
                """ + (level.map { " AND e.letter_level = \(parameters.bind(Int($0.rawValue)))::smallint" } ?? "")
                + " ORDER BY e.occurred_on DESC, e.created_at DESC, e.id DESC LIMIT 1"
            guard let row = try connection.query(sql, parameters.values).first else {
                let which = level.map { "level \($0.rawValue) letter" } ?? "letter"
                throw StoreError(field: level == nil ? "case" : "level",
                                 "case \(number) has no \(which) sent" + (staff ? "" : " that is visible to the client"))
            }
            return try Self.sent(row)
        }
    }

    /// Every letter sent on a case, oldest first, that the session may read.
    func sent(caseNumber number: String) throws -> [Sent] {
        let staff = session.identity.kind.isStaff
        return try connection.query("""
            SELECT c.number, e.letter_level, e.occurred_on::text AS sent_on, e.client_visible, \(staff ? "e.created_by" : "NULL::name AS created_by"),
                   e.body
              FROM cobranza.case_event e
              JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
             WHERE c.number = $1 AND e.kind = 'letter'
             ORDER BY e.occurred_on, e.created_at, e.id
            """, [number]).rows.map(Self.sent)
    }

    static func sent(_ row: Row) throws -> Sent {
        let level: Int = try row.decode("letter_level")
        return Sent(caseNumber: try row.decode("number"), level: LetterLevel(rawValue: level) ?? .friendly,
                    sentOn: try row.decode("sent_on"), clientVisible: try row.decode("client_visible"),
                    sentBy: try row.decodeIfPresent("created_by"), text: try row.decode("body"))
    }

    static func taxID(_ stored: String, country: String) throws -> String {
        guard let country = Country(code: country), let parsed = try? TaxID.parse(stored, country: country).get() else { return stored }
        return parsed.formatted
    }
}

extension Session {
    public var letters: Letters { Letters(session: self) }
}
