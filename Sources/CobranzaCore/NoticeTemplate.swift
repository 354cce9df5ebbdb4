/// The channels a notice can go out on by itself (a letter is printed and sent by people).
public enum NoticeChannel: String, CaseIterable, Sendable {
    case email, sms, whatsapp

    /// The most characters a rendered body may have: an SMS of up to five concatenated UCS-2
    /// segments (Spanish text with accents is UCS-2; 67 characters a segment, Twilio's advice
    /// is to stay within 320), a WhatsApp message within the 1,024 of a business template body,
    /// an email without a practical limit.
    public var bodyLimit: Int? {
        switch self {
        case .email: nil
        case .sms: 320
        case .whatsapp: 1024
        }
    }
}

/// Which notice: each has one template per channel, `templates/avisos/CHANNEL/KIND.txt`.
public enum NoticeKind: String, CaseIterable, Sendable {
    /// Invoices overdue: please pay.
    case reminder = "recordatorio"
    /// Invoices about to fall due: a courtesy before they do.
    case preDueReminder = "recordatorio-previo"
    /// A promise to pay whose date is near or has come.
    case promiseReminder = "recordatorio-promesa"
    /// An instalment of a payment agreement falls due.
    case instalmentDue = "cuota"
    /// The notice the law requires before a debt is posted to a commercial registry.
    case postingNotice = "aviso-publicacion"

    /// The template's path under the templates folder.
    public func templatePath(_ channel: NoticeChannel) -> String { "avisos/\(channel.rawValue)/\(rawValue).txt" }
}

/// What a notice says, typed: the renderer formats amounts and dates as the rest of the shell
/// does, so a template only places them.
public struct NoticeContent: Sendable {
    public struct Invoice: Sendable {
        public var number: String
        public var due: CalendarDate
        public var outstandingMinorUnits: Int64
        public init(number: String, due: CalendarDate, outstandingMinorUnits: Int64) {
            self.number = number
            self.due = due
            self.outstandingMinorUnits = outstandingMinorUnits
        }
    }

    public var caseNumber: String
    public var debtorName: String
    public var clientName: String
    public var currency: Currency
    /// The invoices the notice claims, oldest due first; the total is theirs.
    public var invoices: [Invoice]
    /// agencia.conf as it applies to the debtor's country and the case's currency
    /// (`LetterTemplate.settings`): name, contact, `instrucciones_pago`, `pago_breve`.
    public var agency: [String: String]
    /// A promise's date and amount (promise reminder).
    public var promise: (date: CalendarDate, minorUnits: Int64)?
    /// An instalment's number, count, due date and amount (instalment due).
    public var instalment: (number: Int, of: Int, due: CalendarDate, minorUnits: Int64)?
    /// The registry and the first day the debt may be posted (posting notice).
    public var posting: (registry: String, from: CalendarDate)?

    public init(caseNumber: String, debtorName: String, clientName: String, currency: Currency, invoices: [Invoice], agency: [String: String],
                promise: (date: CalendarDate, minorUnits: Int64)? = nil, instalment: (number: Int, of: Int, due: CalendarDate, minorUnits: Int64)? = nil,
                posting: (registry: String, from: CalendarDate)? = nil) {
        self.caseNumber = caseNumber
        self.debtorName = debtorName
        self.clientName = clientName
        self.currency = currency
        self.invoices = invoices
        self.agency = agency
        self.promise = promise
        self.instalment = instalment
        self.posting = posting
    }

    /// `$1.234.567 CLP`, as letters and the shell write an amount.
    func money(_ minorUnits: Int64) -> String {
        Money(minorUnits: minorUnits, currency: currency).formatted + " " + currency.code.rawValue
    }
}

/// A notice ready for the outbox: the subject (email only) and the body.
public struct RenderedNotice: Sendable, Equatable {
    public var subject: String?
    public var body: String
}

/// Renders a notice template (the `LetterTemplate` language: `{{campo}}`, `{{#facturas}}…{{/facturas}}`,
/// `##` comments) for one channel. Pure: the caller reads the file.
///
/// - An email template starts with a line `Asunto: …` (the subject, one line), then a blank line.
/// - Every value placed is stripped of control characters (a line break or an escape sequence in a
///   debtor's name never reaches a header or a phone), and runs of them become one space.
/// - An SMS or WhatsApp body longer than its channel's limit lists fewer invoices (with
///   `{{facturas_resto}}` saying how many more) until it fits; if even one does not fit, the
///   template is refused with its length, so no message is ever cut mid-sentence.
public enum NoticeRenderer {
    public static func render(_ source: String, channel: NoticeChannel, content: NoticeContent) -> Result<RenderedNotice, WorkflowRefusal> {
        let template: String
        var subjectTemplate: String?
        if channel == .email {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("##") }
            guard let first = lines.firstIndex(where: { !String($0).trimmingSpaces().isEmpty }), lines[first].hasPrefix("Asunto:") else {
                return .failure(WorkflowRefusal("email template: the first line must be \"Asunto: …\", the subject"))
            }
            subjectTemplate = String(lines[first].dropFirst("Asunto:".count)).trimmingSpaces()
            template = lines[(first + 1)...].drop { String($0).trimmingSpaces().isEmpty }.joined(separator: "\n")
        } else {
            template = source
        }

        var total: Int64 = 0
        for invoice in content.invoices {
            guard let sum = try? MoneyArithmetic.add(total, invoice.outstandingMinorUnits) else {
                return .failure(WorkflowRefusal("notice: the invoices' total is beyond the largest amount"))
            }
            total = sum
        }
        var fields = content.agency
        fields["pago_breve"] = content.agency["pago_breve"] ?? content.agency["instrucciones_pago"]
        fields["caso"] = content.caseNumber
        fields["deudor_nombre"] = content.debtorName
        fields["cliente_nombre"] = content.clientName
        fields["total"] = content.money(total)
        fields["cantidad_facturas"] = String(content.invoices.count)
        if let first = content.invoices.map(\.due).min() { fields["vencimiento"] = first.spanishShort }
        if let promise = content.promise {
            fields["promesa_fecha"] = promise.date.spanishShort
            fields["promesa_monto"] = content.money(promise.minorUnits)
        }
        if let instalment = content.instalment {
            fields["cuota_numero"] = String(instalment.number)
            fields["cuota_total"] = String(instalment.of)
            fields["cuota_vencimiento"] = instalment.due.spanishShort
            fields["cuota_monto"] = content.money(instalment.minorUnits)
        }
        if let posting = content.posting {
            fields["publicacion_registro"] = posting.registry
            fields["publicacion_fecha"] = posting.from.spanishShort
        }
        fields = fields.mapValues(singleLine)
        let invoices = content.invoices.map {
            ["numero": singleLine($0.number), "vencimiento": $0.due.spanishShort, "monto": content.money($0.outstandingMinorUnits)]
        }

        var subject: String?
        if let subjectTemplate {
            switch LetterTemplate(subjectTemplate).render(fields: fields.merging(["facturas_resto": ""]) { $1 }) {
            case .success(let text): subject = String(text.prefix(200))
            case .failure(let refusal): return .failure(refusal)
            }
        }
        // All the invoices, then fewer, until the body fits the channel.
        var shown = invoices.count
        while true {
            let rest = invoices.count - shown
            fields["facturas_resto"] = rest == 0 ? "" : rest == 1 ? " y 1 factura más" : " y \(rest) facturas más"
            let rendered: String
            switch LetterTemplate(template).render(fields: fields, lists: ["facturas": Array(invoices.prefix(shown))]) {
            case .success(let text): rendered = text.trimmingTrailingSpace()
            case .failure(let refusal): return .failure(refusal)
            }
            guard let limit = channel.bodyLimit, rendered.count > limit else {
                return .success(RenderedNotice(subject: subject, body: rendered))
            }
            guard shown > 1 else {
                return .failure(WorkflowRefusal("\(channel.rawValue) template: the message is \(rendered.count) characters even with one invoice, over the \(limit) a \(channel.rawValue) may have"))
            }
            shown -= 1
        }
    }

    /// `value` without control characters: each run of them (line breaks included) becomes one
    /// space, so a placed value stays on its line.
    static func singleLine(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        var inRun = false
        for scalar in value.unicodeScalars {
            if ControlCharacters.isControl(scalar) {
                if !inRun { out.append(" ") }
                inRun = true
            } else {
                out.append(scalar)
                inRun = false
            }
        }
        return String(out)
    }
}

extension String {
    /// Without trailing spaces and line breaks.
    fileprivate func trimmingTrailingSpace() -> String {
        var scalars = unicodeScalars
        while let last = scalars.last, last == " " || last == "\n" || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
