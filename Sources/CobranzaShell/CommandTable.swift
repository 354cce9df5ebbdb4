import CobranzaCore

/// Every domain command the shell knows. Adding a command means adding it here and to
/// `CommandRunner`; help, parsing and completion follow from this table.
public enum CommandTable {
    static func option(_ name: String, _ value: String? = nil, _ kind: ValueKind = .text, required: Bool = false, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: value, kind: kind, isRequired: required, help: help)
    }

    static let roles = PersonKind.allCases.map(\.rawValue)
    static let clientOption = option("client", "CODE", .clientCode, help: "the client (staff; SME users act for their own)")
    static let limitOption = option("limit", "N", help: "at most N rows (default 50)")

    static func debtorDetails(nameRequired: Bool) -> [OptionSpec] {
        [
            option("name", "TEXT", required: nameRequired, help: "name or company name"),
            option("kind", "company|person", .choice(["company", "person"]), help: "default company"),
            option("email", "TEXT", help: "email address"),
            option("phone", "TEXT", help: "phone number"),
            option("address", "TEXT", help: "street address"),
            option("city", "TEXT", help: "city"),
            option("region", "TEXT", help: "region or state"),
        ]
    }
    static let countries = Country.allCases.map(\.code)

    public static let all: [CommandSpec] = [
        CommandSpec(
            words: ["client", "add"],
            arguments: [ArgumentSpec(name: "CODE", kind: .text, help: "short code for the client, e.g. ACME")],
            options: [
                option("name", "TEXT", required: true, help: "legal name"),
                option("tax-id", "ID", required: true, help: "RUT (CL), NIT (CO) or RFC (MX), check digit included"),
                option("country", "CL|CO|MX", .choice(countries), required: true, help: "country of the client"),
                option("currency", "CODE", help: "invoicing currency (default: the country's)"),
            ],
            summary: "add an SME client (admins only)",
            examples: ["client add ACME --name 'Acme SpA' --tax-id 76.123.456-0 --country CL"]),
        CommandSpec(
            words: ["client", "list"], arguments: [], options: [],
            summary: "list the clients you can see (an SME user sees its own)",
            examples: ["client list"]),
        CommandSpec(
            words: ["client", "show"],
            arguments: [ArgumentSpec(name: "CODE", kind: .clientCode, help: "client code")],
            options: [], summary: "show one client", examples: ["client show ACME"]),
        CommandSpec(
            words: ["client", "contract", "set"],
            arguments: [ArgumentSpec(name: "CODE", kind: .clientCode, help: "client code")],
            options: [
                option("extrajudicial-rate", "PCT", help: "fee on money recovered before court, e.g. 15 (required the first time)"),
                option("judicial-rate", "PCT", help: "fee once the case is judicial, e.g. 25 (required the first time)"),
                option("surcharge-12m", "PCT", help: "added to the rate for debts over 12 months overdue at placement"),
                option("surcharge-24m", "PCT", help: "added instead for debts over 24 months"),
                option("minimum-fee", "AMOUNT", help: "least fee per payment, in the client's currency"),
                option("vat", "PCT", help: "VAT on the fee (default by country: CL 19, CO 19, MX 16)"),
                option("direct-payments-earn", "yes|no", .choice(["yes", "no"]), help: "payments made straight to the client earn the fee (default yes)"),
                option("remittance", "net|gross", .choice(["net", "gross"]), help: "net: keep the fee from collections; gross: remit all, invoice the fee"),
                option("posting-consent", "yes|no", .choice(["yes", "no"]), help: "the client allows public debt posting"),
                option("judicial-threshold", "AMOUNT", help: "smallest debt that may go to court without an override"),
                option("promise-grace", "DAYS", help: "days after a promise's due date a payment still keeps it (default 3)"),
                option("max-discount", "PCT", help: "largest discount an instalment agreement may give (default 0)"),
                option("posting-notice", "DAYS", help: "days of notice before posting a Chilean or Mexican debtor (default 15; Colombia is 20 by law)"),
                option("default-after", "DAYS", help: "days an instalment may stay unpaid before its agreement is in default (default 30)"),
                option("effective", "DATE", help: "when the version takes effect (default today; never before the last one)"),
            ],
            summary: "add a version of a client's contract; unchanged terms carry over (admins)",
            examples: ["client contract set ACME --extrajudicial-rate 15 --judicial-rate 25 --minimum-fee 5.000",
                       "client contract set ACME --vat 19 --effective 2026-07-01"]),
        CommandSpec(
            words: ["client", "contract", "show"],
            arguments: [ArgumentSpec(name: "CODE", kind: .clientCode, help: "client code")],
            options: [], summary: "a client's contract versions, newest last", examples: ["client contract show ACME"]),
        CommandSpec(
            words: ["user", "add"],
            arguments: [ArgumentSpec(name: "NAME", kind: .text, help: "login name: lowercase letters, digits, _")],
            options: [
                option("role", "admin|collector|lawyer|client", .choice(roles), required: true, help: "what the person is"),
                option("client", "CODE", .clientCode, help: "the SME an SME user belongs to (role client only)"),
                option("password-file", "FILE", .file, help: "read the password from FILE instead of asking"),
            ],
            summary: "add a person who can log in (admins only)",
            examples: [
                "user add ana --role collector",
                "user add maria --role client --client ACME --password-file /run/secrets/maria",
            ]),
        CommandSpec(
            words: ["user", "list"], arguments: [], options: [],
            summary: "list people (an SME user sees its own colleagues)", examples: ["user list"]),
        CommandSpec(
            words: ["user", "disable"],
            arguments: [ArgumentSpec(name: "NAME", kind: .userName, help: "login name")],
            options: [], summary: "stop a person from logging in (admins only)",
            examples: ["user disable ana"]),
        CommandSpec(
            words: ["debtor", "add"],
            arguments: [ArgumentSpec(name: "TAX_ID", kind: .text, help: "the debtor's RUT, NIT or RFC (the client's country)")],
            options: debtorDetails(nameRequired: true) + [clientOption],
            summary: "add a debtor of a client",
            examples: ["debtor add 96.543.210-8 --name 'Ferretería Sur Ltda' --city Temuco --client ACME"]),
        CommandSpec(
            words: ["debtor", "edit"],
            arguments: [ArgumentSpec(name: "TAX_ID", kind: .text, help: "the debtor's tax id")],
            options: debtorDetails(nameRequired: false) + [clientOption],
            summary: "change a debtor's name or contact details (staff)",
            examples: ["debtor edit 96.543.210-8 --phone '+56 9 1234 5678' --client ACME"]),
        CommandSpec(
            words: ["debtor", "show"],
            arguments: [ArgumentSpec(name: "TAX_ID", kind: .text, help: "the debtor's tax id")],
            options: [clientOption], summary: "show one debtor", examples: ["debtor show 96.543.210-8 --client ACME"]),
        CommandSpec(
            words: ["debtor", "list"], arguments: [],
            options: [clientOption, option("search", "TEXT", help: "name or tax id contains TEXT"), limitOption],
            summary: "list debtors", examples: ["debtor list --client ACME --search sur"]),
        CommandSpec(
            words: ["submit", "invoice"], arguments: [],
            options: [
                option("debtor-tax-id", "ID", required: true, help: "the debtor's RUT, NIT or RFC"),
                option("debtor-name", "TEXT", required: true, help: "the debtor's name (used if the debtor is new)"),
                option("number", "TEXT", required: true, help: "invoice number, unique per client"),
                option("issued", "DATE", required: true, help: "issue date (2026-01-31 or 31/01/2026)"),
                option("due", "DATE", required: true, help: "due date (not in the future)"),
                option("amount", "AMOUNT", required: true, help: "amount as written locally: 1.190.000 (CLP), 1.234,56 (COP), 1,234.56 (MXN)"),
                option("currency", "CODE", help: "currency (default: the client's)"),
                option("note", "TEXT", help: "a note for the agency"),
                clientOption,
            ],
            summary: "hand one overdue invoice to the agency",
            examples: ["submit invoice --debtor-tax-id 96.543.210-8 --debtor-name 'Ferretería Sur' --number F-1001 --issued 2025-11-02 --due 2025-12-02 --amount 1.190.000"]),
        CommandSpec(
            words: ["submit", "import"],
            arguments: [ArgumentSpec(name: "FILE", kind: .file, help: "CSV with header debtor_tax_id,debtor_name,number,issued,due,amount[,currency,…]")],
            options: [option("skip-invalid", help: "import the good rows and list the bad ones"), clientOption],
            summary: "hand over overdue invoices from a CSV file (all or nothing by default)",
            examples: ["submit import facturas.csv", "submit import facturas.csv --skip-invalid"]),
        CommandSpec(
            words: ["submission", "list"], arguments: [],
            options: [clientOption, option("pending", help: "only those waiting for review"), limitOption],
            summary: "list submissions", examples: ["submission list --pending"]),
        CommandSpec(
            words: ["submission", "show"],
            arguments: [ArgumentSpec(name: "ID", kind: .text, help: "submission number")],
            options: [], summary: "show a submission and its invoices", examples: ["submission show 12"]),
        CommandSpec(
            words: ["submission", "reject"],
            arguments: [ArgumentSpec(name: "ID", kind: .text, help: "submission number")],
            options: [option("reason", "TEXT", required: true, help: "why (the client reads it)")],
            summary: "refuse a pending submission (staff)",
            examples: ["submission reject 12 --reason 'invoice already paid per client ledger'"]),
        CommandSpec(
            words: ["submission", "import"],
            arguments: [ArgumentSpec(name: "FILE", kind: .file, help: "placement CSV (same format as submit import)")],
            options: [option("client", "CODE", .clientCode, required: true, help: "the client placing the debts"),
                      option("skip-invalid", help: "import the good rows and list the bad ones")],
            summary: "bulk placement for a client (staff; streams any size)",
            examples: ["submission import placement-2026-03.csv --client ACME"]),
        CommandSpec(
            words: ["case", "open"],
            arguments: [ArgumentSpec(name: "SUBMISSION", kind: .text, help: "a pending submission number")],
            options: [option("assign", "USER", .userName, help: "assign to this collector or lawyer")],
            summary: "accept a submission into its debtor's open case, or a new case (staff)",
            examples: ["case open 12 --assign ana"]),
        CommandSpec(
            words: ["case", "assign"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number, e.g. C-2026-000123")],
            options: [option("to", "USER", .userName, required: true, help: "a collector or lawyer")],
            summary: "assign a case (staff)", examples: ["case assign C-2026-000123 --to ana"]),
        CommandSpec(
            words: ["case", "list"], arguments: [],
            options: [
                clientOption,
                option("stage", "extrajudicial|judicial|closed", .choice(["extrajudicial", "judicial", "closed"]), help: "only this stage"),
                option("collector", "USER", .userName, help: "only cases assigned to USER (staff)"),
                option("debtor", "TEXT", help: "debtor name or tax id contains TEXT"),
                option("min-amount", "AMOUNT", help: "total at least AMOUNT whole units of the case currency"),
                option("overdue-days", "N", help: "oldest invoice at least N days overdue"),
                option("sort", "number|amount|overdue|opened|client", .choice(["number", "amount", "overdue", "opened", "client"]), help: "order (default number)"),
                limitOption,
            ],
            summary: "list cases", examples: ["case list --collector ana --overdue-days 90 --sort amount"]),
        CommandSpec(
            words: ["case", "show"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [], summary: "a case: client, debtor, invoices, totals, timeline", examples: ["case show C-2026-000123"]),
        CommandSpec(
            words: ["portfolio"], arguments: [], options: [clientOption],
            summary: "cases and amounts by stage for a client", examples: ["portfolio", "portfolio --client ACME"]),
        CommandSpec(
            words: ["payment", "record"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number"),
                        ArgumentSpec(name: "AMOUNT", kind: .text, help: "amount as written locally, in the case's currency")],
            options: [
                option("date", "DATE", help: "when the debtor paid (default today; not in the future)"),
                option("channel", "agency|direct", .choice(PaymentChannel.allCases.map(\.rawValue)), help: "paid to the agency (default) or straight to the client"),
                option("method", "transfer|cash|check|card|other", .choice(PaymentMethod.allCases.map(\.rawValue)), help: "how (default transfer)"),
                option("ref", "TEXT", help: "the bank's reference; the same one is never recorded twice"),
            ],
            summary: "record a payment: allocated oldest due first, fee frozen, case closed when paid (staff)",
            examples: ["payment record C-2026-000123 300.000 --date 2026-03-02 --ref TRX-88121",
                       "payment record C-2026-000123 150.000 --channel direct --method check"]),
        CommandSpec(
            words: ["payment", "import"],
            arguments: [ArgumentSpec(name: "FILE", kind: .file, help: "bank CSV with header case,amount,date,ref[,channel,method]")],
            options: [],
            summary: "record every payment of a bank file, all or nothing; lines already recorded are skipped (staff)",
            examples: ["payment import banco-2026-03.csv"]),
        CommandSpec(
            words: ["payment", "reverse"],
            arguments: [ArgumentSpec(name: "PAYMENT", kind: .text, help: "payment number")],
            options: [option("reason", "TEXT", required: true, help: "why, e.g. cheque bounced"),
                      option("date", "DATE", help: "date of the reversal (default today)")],
            summary: "undo a payment (a bounced cheque); a billed fee gets a credit note",
            examples: ["payment reverse 42 --reason 'cheque devuelto sin fondos'"]),
        CommandSpec(
            words: ["payment", "list"], arguments: [],
            options: [clientOption, option("case", "CASE", .caseNumber, help: "only this case's payments"), limitOption],
            summary: "list payments with their fees", examples: ["payment list --case C-2026-000123"]),
        CommandSpec(
            words: ["payment", "show"],
            arguments: [ArgumentSpec(name: "PAYMENT", kind: .text, help: "payment number")],
            options: [], summary: "a payment, its fee and how its case's invoices stand", examples: ["payment show 42"]),
        CommandSpec(
            words: ["fee", "invoice", "issue"], arguments: [],
            options: [option("client", "CODE", .clientCode, help: "one client (or --all)"),
                      option("all", help: "every client with fees not yet invoiced"),
                      option("period", "YYYY-MM", required: true, help: "bill every fee earned up to the end of this month")],
            summary: "issue success-fee invoices, one per client and currency (admins)",
            examples: ["fee invoice issue --client ACME --period 2026-03", "fee invoice issue --all --period 2026-03"]),
        CommandSpec(
            words: ["fee", "invoice", "void"],
            arguments: [ArgumentSpec(name: "NUMBER", kind: .text, help: "invoice number, e.g. F-2026-000001")],
            options: [option("reason", "TEXT", required: true, help: "printed on the credit note")],
            summary: "void an invoice by issuing a credit note (admins)",
            examples: ["fee invoice void F-2026-000001 --reason 'wrong client tax id'"]),
        CommandSpec(
            words: ["fee", "invoice", "list"], arguments: [],
            options: [clientOption, option("period", "YYYY-MM", help: "only invoices of this period"), limitOption],
            summary: "list fee invoices and credit notes", examples: ["fee invoice list --client ACME", "fee invoice list --format csv"]),
        CommandSpec(
            words: ["fee", "invoice", "show"],
            arguments: [ArgumentSpec(name: "NUMBER", kind: .text, help: "invoice or credit note number")],
            options: [], summary: "an invoice or credit note with its lines", examples: ["fee invoice show F-2026-000001"]),
        CommandSpec(
            words: ["statement"], arguments: [],
            options: [clientOption, option("period", "YYYY-MM", required: true, help: "the month")],
            summary: "remittance statement: collected, fees, net to remit, balance owed to the client",
            examples: ["statement --client ACME --period 2026-03", "statement --period 2026-03"]),
        CommandSpec(
            words: ["remittance", "record"],
            arguments: [ArgumentSpec(name: "AMOUNT", kind: .text, help: "amount paid over to the client")],
            options: [option("client", "CODE", .clientCode, required: true, help: "the client"),
                      option("currency", "CODE", help: "default: the client's"),
                      option("date", "DATE", help: "default today"),
                      option("ref", "TEXT", help: "the transfer's reference (never recorded twice)")],
            summary: "record money the agency paid over to a client (admins)",
            examples: ["remittance record 1.500.000 --client ACME --ref TRF-2026-0412"]),
        CommandSpec(
            words: ["remittance", "list"], arguments: [], options: [clientOption, limitOption],
            summary: "list remittances to clients", examples: ["remittance list --client ACME"]),
        CommandSpec(
            words: ["step", "log"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number"),
                        ArgumentSpec(name: "KIND", kind: .choice(StepKind.allCases.map(\.rawValue)),
                                     help: "reminder, call, letter, visit, email, sms, whatsapp or note")],
            options: [
                option("outcome", "TEXT", help: "how it went; a call needs one of " + CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")),
                option("note", "TEXT", help: "what happened (internal unless --client-visible)"),
                option("client-visible", help: "the client sees this step in its case view"),
                option("next-action", "DATE", help: "when to act on the case next (it shows in the agenda)"),
                option("level", "1|2|3", .choice(["1", "2", "3"]), help: "a letter's level; stores the exact text sent"),
            ],
            summary: "log a step on a case's timeline (staff; lawyers on their cases)",
            examples: ["step log C-2026-000123 call --outcome no-answer --next-action 2026-04-06",
                       "step log C-2026-000123 letter --level 1 --client-visible",
                       "step log C-2026-000123 note --note 'debtor says the goods arrived damaged'"]),
        CommandSpec(
            words: ["letter", "render"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("level", "1|2|3", .choice(["1", "2", "3"]), required: true, help: "1 friendly, 2 firm, 3 last notice")],
            summary: "print a collection letter in Spanish from templates/cartas, without sending it (staff)",
            examples: ["letter render C-2026-000123 --level 3"]),
        CommandSpec(
            words: ["promise", "add"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("amount", "AMOUNT", required: true, help: "what the debtor promised to pay"),
                      option("due", "DATE", required: true, help: "by when"),
                      option("note", "TEXT", help: "context")],
            summary: "record a promise to pay; kept if payments cover it by the due date plus the contract's grace days (staff)",
            examples: ["promise add C-2026-000123 --amount 200.000 --due 2026-04-10"]),
        CommandSpec(
            words: ["promise", "list"], arguments: [],
            options: [option("case", "CASE", .caseNumber, help: "only this case"), option("broken", help: "only broken promises"),
                      clientOption, limitOption],
            summary: "promises with their status (pending, kept, broken)", examples: ["promise list --broken"]),
        CommandSpec(
            words: ["agreement", "create"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("instalments", "N", required: true, help: "how many instalments"),
                      option("first-due", "DATE", required: true, help: "when the first falls due"),
                      option("every", "month|2weeks", .choice(InstalmentSchedule.Frequency.allCases.map(\.rawValue)), help: "default month"),
                      option("down-payment", "AMOUNT", help: "paid today, before the instalments"),
                      option("discount", "PCT", help: "off what is owed, up to the client's authorised maximum")],
            summary: "agree instalments for what the case owes; the schedule sums exactly to the total (staff)",
            examples: ["agreement create C-2026-000123 --instalments 6 --first-due 2026-05-05 --down-payment 100.000",
                       "agreement create C-2026-000123 --instalments 3 --first-due 2026-05-05 --every 2weeks --discount 10"]),
        CommandSpec(
            words: ["agreement", "show"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")], options: [],
            summary: "a case's agreements, their schedules and status", examples: ["agreement show C-2026-000123"]),
        CommandSpec(
            words: ["dispute", "open"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("reason", "TEXT", required: true, help: "what the debtor disputes")],
            summary: "record a dispute: no posting or referral while it is open (staff)",
            examples: ["dispute open C-2026-000123 --reason 'goods returned on 2026-02-10'"]),
        CommandSpec(
            words: ["dispute", "resolve"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("outcome", "upheld|rejected", .choice(["upheld", "rejected"]), required: true, help: "upheld closes the case"),
                      option("note", "TEXT", help: "why")],
            summary: "resolve a case's open dispute (staff)",
            examples: ["dispute resolve C-2026-000123 --outcome rejected --note 'delivery receipt signed'"]),
        CommandSpec(
            words: ["posting", "notify"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")], options: [],
            summary: "record the prior notice to the debtor that its debt will be posted (staff)",
            examples: ["posting notify C-2026-000123"]),
        CommandSpec(
            words: ["posting", "publish"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("registry", "NAME", required: true, help: "e.g. 'Boletín Comercial' or Datacrédito"),
                      option("reference", "TEXT", help: "the registry's reference")],
            summary: "post the debt publicly once the law allows: consent, no dispute, notice period, age (staff)",
            examples: ["posting publish C-2026-000123 --registry 'Boletín Comercial' --reference BC-99812"]),
        CommandSpec(
            words: ["posting", "withdraw"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")], options: [],
            summary: "take the debt off the registry (staff)", examples: ["posting withdraw C-2026-000123"]),
        CommandSpec(
            words: ["posting", "list"], arguments: [],
            options: [option("withdrawal-due", help: "only postings that must be withdrawn (the case closed), most urgent first"), clientOption, limitOption],
            summary: "postings under way", examples: ["posting list --withdrawal-due"]),
        CommandSpec(
            words: ["referral", "file"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("lawyer", "USER", .userName, required: true, help: "the lawyer who takes the case"),
                      option("court", "TEXT", help: "the court"),
                      option("override", help: "refer a debt below the client's judicial threshold (admins)"),
                      option("reason", "TEXT", help: "why, with --override")],
            summary: "refer a case to court: it becomes judicial and earns the judicial rate (staff)",
            examples: ["referral file C-2026-000123 --lawyer luis --court '3er Juzgado Civil de Santiago'"]),
        CommandSpec(
            words: ["referral", "update"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("stage", "filed|served|judgment|enforcement|closed", .choice(["referred", "filed", "served", "judgment", "enforcement", "closed"]),
                             help: "the proceeding's stage (only forward)"),
                      option("docket", "TEXT", help: "the court's docket number (rol)"),
                      option("court", "TEXT", help: "the court"),
                      option("cost", "AMOUNT", help: "a court cost, in the case's currency"),
                      option("cost-note", "TEXT", help: "what the cost was for (with --cost)")],
            summary: "record the court proceeding's progress and costs (staff; lawyers on their cases)",
            examples: ["referral update C-2026-000123 --stage filed --docket C-1234-2026",
                       "referral update C-2026-000123 --cost 45.000 --cost-note 'receptor judicial'"]),
        CommandSpec(
            words: ["referral", "show"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")], options: [],
            summary: "a case's referral with its costs", examples: ["referral show C-2026-000123"]),
        CommandSpec(
            words: ["case", "close"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("code", "CODE", .choice(CloseCode.allCases.map(\.rawValue)), required: true,
                             help: "paid, settled, uncollectible, withdrawn, prescribed or disputed"),
                      option("note", "TEXT", help: "why (the client sees it)")],
            summary: "close a case; it takes no new steps afterwards (staff)",
            examples: ["case close C-2026-000123 --code uncollectible --note 'debtor company dissolved'"]),
        CommandSpec(
            words: ["case", "reopen"],
            arguments: [ArgumentSpec(name: "CASE", kind: .caseNumber, help: "case number")],
            options: [option("reason", "TEXT", required: true, help: "why (audited)")],
            summary: "reopen a closed case (admins)", examples: ["case reopen C-2026-000123 --reason 'closed by mistake'"]),
        CommandSpec(
            words: ["agenda"], arguments: [],
            options: [option("collector", "USER", .userName, help: "whose cases (default: yours; an admin sees everyone's)"),
                      option("date", "DATE", help: "as of this day (default today)"), limitOption],
            summary: "what is due: next actions, promises, instalments, posting withdrawals, most urgent first (staff)",
            examples: ["agenda", "agenda --collector ana --date 2026-04-30"]),
        CommandSpec(
            words: ["whoami"], arguments: [], options: [],
            summary: "show who you are logged in as", examples: ["whoami"]),
        CommandSpec(
            words: ["help"],
            arguments: [ArgumentSpec(name: "[COMMAND]", kind: .text, help: "a command or its first word")],
            options: [], summary: "list commands, or explain one", examples: ["help", "help client add"]),
    ]

    /// The distinct first words, for suggestions and completion.
    public static var topics: [String] {
        var seen: [String] = []
        for spec in all where !seen.contains(spec.words[0]) { seen.append(spec.words[0]) }
        return seen
    }
}
