import CobranzaCore
import Postgres
import Testing
import TestSupport

/// What the shell checks when debts are placed holds for an SME with plain psql too
/// (0017_placement_rules.sql): tax ids with their check digit, debtors of the client's country,
/// known currencies, and only invoices already due.
@Suite("Placement rules in the database")
struct PlacementRulesTests {
    let db: TestDatabase
    let maria: Connection
    let acme: Int64

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        acme = try db.superuser().query("SELECT id FROM cobranza.tenant WHERE code = 'ACME'").first!.decode("id")
        maria = try db.connect(as: try db.addPerson("maria", kind: "client", client: "ACME"))
        try maria.query("SELECT set_config('cobranza.as_of', '2026-03-01', false)")
    }

    func refusal(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) -> PostgresError? {
        do {
            try maria.query(sql, parameters)
            return nil
        } catch {
            return error
        }
    }

    /// A debtor and a pending submission of its own, as an SME writes them with psql.
    func submission(taxID: String = "12345678-5", currency: String = "CLP") throws -> (debtor: Int64, submission: Int64) {
        let debtor: Int64 = try maria.query(
            "INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', $1, 'Deudor') RETURNING id", [taxID]).first!.decode("id")
        let submission: Int64 = try maria.query(
            "INSERT INTO cobranza.submission (debtor_id, currency) VALUES ($1, $2) RETURNING id", [debtor, currency]).first!.decode("id")
        return (debtor, submission)
    }

    @Test func aDebtorWithAWrongCheckDigitIsRefused() throws {
        let error = refusal("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '12345678-4', 'Deudor')")
        #expect(error?.constraint == "debtor_tax_id_valid_check")
        #expect(refusal("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '012345678-5', 'Deudor')") != nil)
        #expect(refusal("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CL', '12345678-5', 'Deudor')") == nil)
    }

    @Test func aDebtorOfAnotherCountryThanItsClientIsRefused() throws {
        // A valid Colombian NIT, for a Chilean client.
        let error = refusal("INSERT INTO cobranza.debtor (country, tax_id, name) VALUES ('CO', '900123456-8', 'Deudor')")
        #expect(error?.constraint == "debtor_tenant_country_fkey")
    }

    /// Held since 0002 (submission_currency_fkey); kept here beside the other placement rules.
    @Test func aSubmissionInAnUnknownCurrencyIsRefused() throws {
        let error = #expect(throws: PostgresError.self) { try submission(currency: "XXX") }
        #expect(error?.constraint == "submission_currency_fkey")
    }

    @Test func anInvoiceNotYetDueIsRefusedByColumn() throws {
        let (debtor, submission) = try submission()
        let insert = """
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency)
            VALUES ($1, $2, $3, '2026-01-01', $4::date, 1000, 'CLP')
            """
        let error = refusal(insert, [submission, debtor, "F-1", "2026-03-02"])
        #expect(error?.column == "due")
        #expect(error?.message.contains("due: 2026-03-02 is not yet due and the contract admits only invoices already due") == true)
        #expect(refusal(insert, [submission, debtor, "F-2", "2026-03-01"]) == nil)
    }

    /// Pre-collection (0100): the contract in force today admits invoices due within its
    /// pre_due_days, and not one day more, whoever inserts; an admin's later version with 0 is
    /// honoured when the invoice joins a case.
    @Test func anInvoiceDueWithinTheContractsPreDueDaysIsAdmitted() throws {
        let owner = try db.superuser()
        try owner.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, pre_due_days)
            VALUES ($1, 1, '2026-02-01', 1500, 2500, 1900, 5)
            """, [acme])
        let (debtor, submission) = try submission()
        let insert = """
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency)
            VALUES ($1, $2, $3, '2026-01-01', $4::date, 1000, 'CLP')
            """
        #expect(refusal(insert, [submission, debtor, "F-1", "2026-03-06"]) == nil)
        let error = refusal(insert, [submission, debtor, "F-2", "2026-03-07"])
        #expect(error?.column == "due")
        #expect(error?.message == "due: 2026-03-07 is not yet due and the contract admits invoices due within 5 days (invoice F-2)")
        // A row of an SME's own cannot widen the window: the term is an admin's.
        #expect(refusal("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, pre_due_days)
            VALUES ($1, 2, '2026-03-01', 1500, 2500, 1900, 60)
            """, [acme]) != nil)
        #expect(throws: PostgresError.self) {
            try owner.query("""
                INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, pre_due_days)
                VALUES ($1, 2, '2026-03-01', 1500, 2500, 1900, 61)
                """, [acme])
        }
        // The term lowered to 0 today: the invoice placed yesterday's way may no longer join a case.
        try owner.query("""
            INSERT INTO cobranza.contract (tenant_id, version, effective_on, extrajudicial_bp, judicial_bp, vat_bp, pre_due_days)
            VALUES ($1, 2, '2026-03-01', 1500, 2500, 1900, 0)
            """, [acme])
        let admin = try db.connect(as: try db.addPerson("admin", kind: "admin"))
        try admin.query("SELECT set_config('cobranza.as_of', '2026-03-01', false)")
        let opening = #expect(throws: PostgresError.self) {
            try admin.withTransaction {
                let caseID: Int64 = try admin.query("""
                    INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency) VALUES ($1, $2, 'CLP') RETURNING id
                    """, [acme, debtor]).first!.decode("id")
                try admin.query("UPDATE cobranza.submission SET status = 'accepted', case_id = $2 WHERE tenant_id = $1 AND id = $3",
                                [acme, caseID, submission])
                try admin.query("UPDATE cobranza.invoice SET case_id = $2 WHERE tenant_id = $1 AND number = 'F-1'", [acme, caseID])
            }
        }
        #expect(opening?.message == "due: 2026-03-06 is not yet due and the contract admits only invoices already due (invoice F-1)")
    }

    @Test func staffCannotMoveADueDateIntoTheFuture() throws {
        let (_, submission) = try submission()
        try maria.query("""
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT id, debtor_id, 'F-9', '2026-01-01', '2026-02-01', 1000, 'CLP' FROM cobranza.submission WHERE id = $1
            """, [submission])
        let admin = try db.connect(as: try db.addPerson("admin", kind: "admin"))
        try admin.query("SELECT set_config('cobranza.as_of', '2026-03-01', false)")
        #expect(throws: PostgresError.self) {
            try admin.query("UPDATE cobranza.invoice SET due = '2027-01-01' WHERE tenant_id = $1 AND number = 'F-9'", [acme])
        }
        try admin.query("UPDATE cobranza.invoice SET note = 'checked' WHERE tenant_id = $1 AND number = 'F-9'", [acme])
    }

    /// 0120: once on a case, what an invoice says is what the debtor owes and what the fee's age
    /// surcharges and the posting law count from. Staff reviewed pending invoices with plain SQL
    /// and could go on rewriting placed ones the same way (ten times the amount, a due date moved
    /// back, the invoice taken off its case); now only a cancellation changes one, and the owner
    /// is held too.
    @Test func aPlacedInvoiceKeepsWhatItSays() throws {
        let (debtor, submission) = try submission()
        try maria.query("""
            INSERT INTO cobranza.invoice (submission_id, debtor_id, number, issued, due, amount, currency)
            SELECT id, debtor_id, 'F-7', '2026-01-01', '2026-02-01', 1000, 'CLP' FROM cobranza.submission WHERE id = $1
            """, [submission])
        let admin = try db.connect(as: try db.addPerson("admin", kind: "admin"))
        let ana = try db.connect(as: try db.addPerson("ana", kind: "collector"))
        for person in [admin, ana] { try person.query("SELECT set_config('cobranza.as_of', '2026-03-01', false)") }
        let number: String = try admin.withTransaction {
            let row = try admin.query("INSERT INTO cobranza.collection_case (tenant_id, debtor_id, currency) VALUES ($1, $2, 'CLP') RETURNING id, number",
                                      [acme, debtor]).first!
            try admin.query("UPDATE cobranza.submission SET status = 'accepted', case_id = $2 WHERE tenant_id = $1 AND id = $3",
                            [acme, try row.decode("id", as: Int64.self), submission])
            try admin.query("UPDATE cobranza.invoice SET case_id = $2 WHERE tenant_id = $1 AND number = 'F-7'", [acme, try row.decode("id", as: Int64.self)])
            return try row.decode("number")
        }
        func refusal(_ person: Connection, _ set: String) -> PostgresError? {
            do {
                try person.query("UPDATE cobranza.invoice SET \(set) WHERE tenant_id = $1 AND number = 'F-7'", [acme])
                return nil
            } catch {
                return error as? PostgresError
            }
        }
        for (person, set, column) in [(ana, "amount = 10000", "amount"), (ana, "due = '2025-01-01'", "due"), (admin, "issued = '2025-12-01'", "issued"),
                                      (admin, "number = 'F-8'", "number"), (ana, "case_id = NULL", "case_id"), (admin, "amount = amount + 1, note = 'x'", "amount")] {
            let error = refusal(person, set)
            #expect(error?.constraint == "invoice_placed_terms_check", "\(set): \(String(describing: error))")
            #expect(error?.column == column, "\(set)")
            #expect(error?.message.hasPrefix("\(column): invoice F-7 is on case \(number)") == true, "\(String(describing: error?.message))")
        }
        try db.asSuperuser { su in
            var refused: PostgresError?
            do { try su.query("UPDATE cobranza.invoice SET amount = 1 WHERE number = 'F-7'") } catch { refused = error as? PostgresError }
            #expect(refused?.constraint == "invoice_placed_terms_check")
        }
        // The same values written again: nothing the debtor owes changes. (Nor its note, the
        // client's: 0128, SubmissionReviewTests.whatTheClientSentIsKept.)
        try ana.query("UPDATE cobranza.invoice SET amount = amount, due = due, note = note WHERE tenant_id = $1 AND number = 'F-7'", [acme])
        // The one way a placed invoice changes: its cancellation, which leaves what was paid (nothing here).
        let cancelled = try #require(try ana.query(
            "UPDATE cobranza.invoice SET cancel_reason = 'nota de crédito 12' WHERE tenant_id = $1 AND number = 'F-7' RETURNING amount, cancelled_amount",
            [acme]).first)
        #expect(try cancelled.decode("amount", as: Int64.self) == 0)
        #expect(try cancelled.decode("cancelled_amount", as: Int64.self) == 1000)
    }

    /// The database's check digits are Swift's: the same answer for canonical, corrupted and
    /// malformed ids of each country.
    @Test(arguments: Country.allCases)
    func checkDigitsAgreeWithSwift(_ country: Country) throws {
        var generator = SystemRandomNumberGenerator()
        var candidates: [String] = []
        for _ in 0..<400 {
            let canonical = Self.canonical(country, using: &generator)
            candidates.append(canonical)
            var corrupted = Array(canonical)
            let position = Int.random(in: 0..<corrupted.count, using: &generator)
            corrupted[position] = Array("0123456789KABCXYZ-&Ñ")[Int.random(in: 0..<20, using: &generator)]
            candidates.append(String(corrupted))
        }
        let answers = try db.superuser().query(
            "SELECT cobranza.tax_id_is_valid($1, c) AS valid FROM unnest($2::text[]) WITH ORDINALITY AS u(c, n) ORDER BY n",
            [country.code, "{" + candidates.map { "\"\($0)\"" }.joined(separator: ",") + "}"]).rows.map { try $0.decode("valid", as: Bool.self) }
        for (candidate, valid) in zip(candidates, answers) {
            let swift = Self.swiftStores(candidate, country)
            #expect(valid == swift, "\(country.code) \(candidate): database says \(valid), Swift \(swift)")
        }
    }

    /// Whether Swift's parser can store exactly `candidate`: it is the canonical form of itself.
    /// (A RUT written with leading zeros no longer stores a shorter body: `073.723-2` is five
    /// digits and refused, as `73723-2` always was; the fuzzer found the difference.)
    static func swiftStores(_ candidate: String, _ country: Country) -> Bool {
        (try? TaxID.parse(candidate, country: country).get())?.normalized == candidate
    }

    static func canonical(_ country: Country, using generator: inout SystemRandomNumberGenerator) -> String {
        switch country {
        case .chile:
            return TestCluster.rut(Int.random(in: 100...99_999_999, using: &generator))
        case .colombia:
            let body = String(Int.random(in: 10_000...999_999_999_999, using: &generator))
            return "\(body)-\(TaxID.nitCheckDigit(body))"
        case .mexico:
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ&Ñ")
            let count = Bool.random(using: &generator) ? 3 : 4
            let prefix = String((0..<count).map { _ in letters.randomElement(using: &generator)! })
            let date = String(format: "%02d%02d%02d", Int.random(in: 0...99, using: &generator), Int.random(in: 1...12, using: &generator),
                              Int.random(in: 1...28, using: &generator))
            let homoclave = String((0..<2).map { _ in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").randomElement(using: &generator)! })
            let body = prefix + date + homoclave
            return body + String(TaxID.rfcCheckDigit(body))
        }
    }
}

extension PlacementRulesTests {
    /// Scripts and fixtures build ids with the database's check digits: they are Swift's.
    @Test func checkDigitFunctionsAreSwifts() throws {
        let bodies = (0..<200).map { _ in String(Int.random(in: 100_000...99_999_999)) }
        let rows = try db.superuser().query("""
            SELECT cobranza.rut_check_digit(b) AS rut, cobranza.nit_check_digit(b) AS nit FROM unnest($1::text[]) WITH ORDINALITY AS u(b, n) ORDER BY n
            """, ["{" + bodies.joined(separator: ",") + "}"]).rows
        for (body, row) in zip(bodies, rows) {
            #expect(try row.decode("rut", as: String.self) == String(TaxID.rutCheckDigit(body)))
            #expect(try row.decode("nit", as: String.self) == String(TaxID.nitCheckDigit(body)))
        }
        #expect(try db.superuser().query("SELECT cobranza.rfc_check_digit('GODE561231GR') AS d").first!.decode("d", as: String.self)
            == String(TaxID.rfcCheckDigit("GODE561231GR")))
    }
}
