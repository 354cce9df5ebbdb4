import CobranzaCore
import CobranzaStore
import Foundation
import Testing
import TestSupport

/// Issue 16, item 15: the RUT, NIT and RFC validators held to an independent implementation,
/// python-stdnum (`cl.rut`, `co.nit`, `mx.rfc` with its check digits on), over thousands of
/// random valid and corrupted ids: Swift's `TaxID.parse`, the database's `tax_id_is_valid` and
/// stdnum give the same verdict on each. stdnum runs as `scripts/stdnum-verdict.py` under the
/// interpreter `scripts/setup --stdnum-python` prints (`scripts/test` passes it on as
/// COBRANZA_STDNUM_PYTHON).
///
/// Where our rules differ from stdnum's on purpose, those ids are not generated:
///   * short bodies: a RUT of 6 digits and a NIT of 5 or 6 (old RUTs and cédulas are that short)
///     are ours to accept; stdnum wants at least 7;
///   * an RFC without homoclave (10 characters): stdnum takes it, we refuse it, because the
///     homoclave carries the check digit that catches a typing error;
///   * spellings: stdnum also strips a `CL` prefix from a RUT and `_` from an RFC; we do not.
@Suite("Tax ids held to python-stdnum")
struct TaxIDCrossCheckTests {
    /// Whether stdnum's answer on each `(country, id)`, in order.
    static func stdnum(_ ids: [(Country, String)]) throws -> [Bool] {
        let environment = ProcessInfo.processInfo.environment
        let python = environment["COBRANZA_STDNUM_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/stdnum-verdict.py").path
        let input = ids.map { "\($0.0.code)\t\($0.1)\n" }.joined()
        let result = try ChildProcess.run([python, script], input: input, environment: environment)
        guard result.status == 0 else {
            throw StoreError("python-stdnum did not answer (run scripts/setup, or set COBRANZA_STDNUM_PYTHON to a Python with it): \(result.output.prefix(500))")
        }
        let verdicts = result.output.split(separator: "\n").map { $0 == "1" }
        guard verdicts.count == ids.count else { throw StoreError("stdnum answered \(verdicts.count) of \(ids.count): \(result.output.prefix(500))") }
        return verdicts
    }

    static let rfcLetters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ&Ñ")
    static let alphanumeric = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// A well-formed id of the country with its check digit right, in its canonical spelling;
    /// the RFC's homoclave and date drawn from everything well-formed, so SAT's stricter rules
    /// (homoclave 1-9/A-V then 1-9/A-Z, 29 February in leap years, no inconvenient words) are
    /// what tells valid from not.
    static func wellFormed(_ country: Country, _ rng: inout SplitMix) -> String {
        switch country {
        case .chile:
            return TestCluster.rut(Int.random(in: 1_000_000...99_999_999, using: &rng))
        case .colombia:
            let digits = Int.random(in: 7...15, using: &rng)
            let body = String(Int.random(in: 1...9, using: &rng)) + String((1..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            return "\(body)-\(TaxID.nitCheckDigit(body))"
        case .mexico:
            let count = Bool.random(using: &rng) ? 3 : 4
            // Now and then a word SAT never issues as a person's first four letters.
            let prefix = count == 4 && Int.random(in: 0..<20, using: &rng) == 0
                ? ["PUTO", "CACA", "BUEY", "MAME", "RUIN"].randomElement(using: &rng)!
                : String((0..<count).map { _ in rfcLetters.randomElement(using: &rng)! })
            let month = Int.random(in: 1...12, using: &rng)
            let day = month == 2 ? Int.random(in: 27...29, using: &rng) : Int.random(in: 1...30, using: &rng)
            let date = String(format: "%02d%02d%02d", Int.random(in: 0...99, using: &rng), month, day)
            let homoclave = String((0..<2).map { _ in alphanumeric.randomElement(using: &rng)! })
            let body = prefix + date + homoclave
            return body + String(TaxID.rfcCheckDigit(body))
        }
    }

    /// `id` with one character replaced, two neighbours swapped, or its check digit changed.
    static func corrupted(_ id: String, _ country: Country, _ rng: inout SplitMix) -> String {
        var characters = Array(id)
        let positions = characters.indices.filter { characters[$0] != "-" }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            let position = positions.randomElement(using: &rng)!
            let pool = country == .mexico ? alphanumeric + ["&"] : Array("0123456789K")
            characters[position] = pool.randomElement(using: &rng)!
        case 1:
            let index = Int.random(in: 0..<(positions.count - 1), using: &rng)
            characters.swapAt(positions[index], positions[index + 1])
        default:
            characters[characters.count - 1] = (country == .mexico ? Array("0123456789A") : Array("0123456789K")).randomElement(using: &rng)!
        }
        // A RUT or NIT is stored without leading zeros: keep the corruption in the form the
        // database compares.
        if country != .mexico, characters.first == "0" { characters[0] = "1" }
        return String(characters)
    }

    /// The same digits as people write them: `12.345.678-5`, `RFC-with-dashes`.
    static func spelled(_ id: String, _ country: Country) -> String {
        switch country {
        case .chile, .colombia:
            (try? TaxID.parse(id, country: country).get())?.formatted ?? id
        case .mexico:
            id.count == 13 ? id.prefix(4) + "-" + id.dropFirst(4).prefix(6) + "-" + id.suffix(3) : id.lowercased()
        }
    }

    @Test func swiftTheDatabaseAndStdnumAgreeOnThousandsOfIds() throws {
        var rng = SplitMix(state: 0x5EED_16_15)
        var canonical: [(Country, String)] = []
        for country in Country.allCases {
            for _ in 0..<1_000 {
                let id = Self.wellFormed(country, &rng)
                canonical.append((country, id))
                canonical.append((country, Self.corrupted(id, country, &rng)))
            }
        }
        let spellings = canonical.enumerated().filter { $0.offset % 5 == 0 }.map { ($0.element.0, Self.spelled($0.element.1, $0.element.0)) }
        let all = canonical + spellings
        let stdnum = try Self.stdnum(all)

        var disagreements: [String] = []
        for ((country, id), theirs) in zip(all, stdnum) {
            let ours = (try? TaxID.parse(id, country: country).get()) != nil
            if ours != theirs { disagreements.append("\(country.code) \(id): Swift \(ours), stdnum \(theirs)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(20))")
        // Both sides must have seen plenty of each answer, or the comparison proves little.
        #expect(stdnum.filter { $0 }.count > 2_000 && stdnum.filter { !$0 }.count > 1_500)

        // The database, on the canonical spellings it stores: one query.
        let db = try TestCluster.makeDatabase()
        let rows = try db.superuser().query("""
            SELECT cobranza.tax_id_is_valid(c, i) AS valid
              FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(c, i, n) ORDER BY n
            """, [Self.arrayLiteral(canonical.map(\.0.code)), Self.arrayLiteral(canonical.map(\.1))]).rows
        var databaseDisagreements: [String] = []
        for (((country, id), theirs), row) in zip(zip(canonical, stdnum), rows) {
            let database = try row.decode("valid", as: Bool.self)
            if database != theirs { databaseDisagreements.append("\(country.code) \(id): database \(database), stdnum \(theirs)") }
        }
        #expect(rows.count == canonical.count)
        #expect(databaseDisagreements.isEmpty, "\(databaseDisagreements.count) disagreements, first: \(databaseDisagreements.prefix(20))")
    }

    /// The class the issue found: an RFC whose check digit fits but whose homoclave SAT never
    /// issues, refused by all three.
    @Test func anRFCWithAHomoclaveSATNeverIssuesIsRefused() throws {
        let ids = ["GODE561231WR", "GODE561231XA", "GODE561231ZZ", "GODE561231G0", "ABC010203W1"].map { $0 + String(TaxID.rfcCheckDigit($0)) }
        #expect(try Self.stdnum(ids.map { (.mexico, $0) }) == [false, false, false, false, false])
        for id in ids { #expect((try? TaxID.parse(id, country: .mexico).get()) == nil, "\(id)") }
        let db = try TestCluster.makeDatabase()
        let valid = try db.superuser().query("SELECT bool_or(cobranza.tax_id_is_valid('MX', i)) AS any FROM unnest($1::text[]) AS u(i)",
                                             [Self.arrayLiteral(ids)]).first!.decode("any", as: Bool.self)
        #expect(!valid)
    }

    /// An RFC stored before 0020 that SAT never issued: replacing the function under the CHECK
    /// re-validates nothing, so 0020 checks the stored ids itself and stops, naming them; once
    /// corrected, it applies.
    @Test func storedRFCsSATNeverIssuedStopTheMigrationUntilCorrected() throws {
        let old = try TestCluster.makeDatabase(through: "0019")
        let superuser = try old.superuser()
        let never = "AFE010203W1"
        let bad = never + String(TaxID.rfcCheckDigit(never))
        let tookIt = try superuser.query("SELECT cobranza.tax_id_is_valid('MX', $1) AS valid", [bad]).first!.decode("valid", as: Bool.self)
        #expect(tookIt, "0017 took \(bad); the test needs an id it took")
        try superuser.query("""
            INSERT INTO cobranza.tenant (code, legal_name, tax_id, country, currency) VALUES ('AZTECA', 'Azteca', $1, 'MX', 'MXN')
            """, [bad])
        guard let sql = MigrationSource.locate() else { throw StoreError("sql/ not found") }
        do {
            _ = try Migrator(directory: sql).migrate(superuser)
            Issue.record("0020 applied over an RFC it refuses")
        } catch {
            #expect("\(error)".contains("1 client(s) and 0 debtor(s) have an RFC SAT never issues"), "\(error)")
        }
        try superuser.query("UPDATE cobranza.tenant SET tax_id = 'AFE010203AB0' WHERE code = 'AZTECA'")
        #expect(try Migrator(directory: sql).migrate(superuser).contains { $0.hasPrefix("0020") })
    }

    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
