import CobranzaCore
import Testing

@Suite("Tax ids")
struct TaxIDTests {
    @Test(arguments: ["76.123.456-0", "76123456-0", "761234560", " 76.123.456-0 "])
    func rutAcceptsTheUsualSpellings(_ text: String) throws {
        let id = try TaxID.parse(text, country: .chile).get()
        #expect(id.normalized == "76123456-0")
        #expect(id.formatted == "76.123.456-0")
    }

    @Test func rutCheckDigitKAndZero() {
        #expect(TaxID.rutCheckDigit("76123456") == "0")
        // Some body in this range has remainder 1, which the RUT writes as K (either case accepted).
        let withK = (1_000_000...1_000_200).map(String.init).first { TaxID.rutCheckDigit($0) == "K" }!
        #expect((try? TaxID.parse(withK + "-k", country: .chile).get())?.normalized == withK + "-K")
    }

    @Test func knownPublishedIdsAreValid() throws {
        #expect(try TaxID.parse("800.197.268-4", country: .colombia).get().formatted == "800.197.268-4")
        #expect(try TaxID.parse("GODE561231GR8", country: .mexico).get().normalized == "GODE561231GR8")
        #expect(try TaxID.parse("afe-010203-ab0", country: .mexico).get().normalized == "AFE010203AB0")
    }

    @Test func malformedIdsNameTheRule() {
        #expect(TaxID.parse("12-3", country: .chile) == .failure(.malformed("RUT must be 6-8 digits and a check digit 0-9 or K, like 76.123.456-0")))
        #expect(TaxID.parse("GODE561331GR8", country: .mexico) == .failure(.malformed("RFC date part must be a real date YYMMDD")))
        #expect(TaxID.parse("76.123.456-9", country: .chile) == .failure(.checkDigit(expected: "0")))
        let malformedRUT = Result<TaxID, TaxID.Problem>.failure(.malformed("RUT must be 6-8 digits and a check digit 0-9 or K, like 76.123.456-0"))
        for bad in ["", "-", "12345-6", "123456789-0", "7612345K-0", "76.123.456-x", "76.123.456-０", "7612345６-0", "76123456-00"] {
            #expect(TaxID.parse(bad, country: .chile) == malformedRUT, "\(bad)")
        }
        #expect((try? TaxID.parse("01.234.567-4", country: .chile).get())?.normalized == "1234567-4")
    }

    /// Issue 16, item 12: what people type and what is stored reduce to the same search key.
    @Test func searchKeysIgnoreSeparatorsAndCase() {
        #expect(TaxID.searchKey("79.333.444-3") == "793334443")
        #expect(TaxID.searchKey("79333444-3") == TaxID.searchKey("79 333 444 3"))
        #expect(TaxID.searchKey("900.123.456-8") == "9001234568")
        #expect(TaxID.searchKey("afe-010203-ab0") == "AFE010203AB0")
        #expect(TaxID.searchKey("12.345.678-k") == "12345678K")
    }

    /// Found by the fuzzer (Fuzz/regressions/taxid/rut-leading-zero): a leading zero counted as
    /// one of the body's six digits, so `014.467-3` was accepted and stored as `14467-3`, a RUT
    /// of five digits that the same parser then refuses. Leading zeros are not digits of the body.
    @Test func rutLeadingZerosAreNotDigitsOfTheBody() throws {
        let malformedRUT = Result<TaxID, TaxID.Problem>.failure(.malformed("RUT must be 6-8 digits and a check digit 0-9 or K, like 76.123.456-0"))
        #expect(TaxID.parse("014.467-3", country: .chile) == malformedRUT)
        #expect(TaxID.parse("01446--73", country: .chile) == malformedRUT)
        #expect(TaxID.parse("0.014.467-3", country: .chile) == malformedRUT)
        // What is accepted reads back from its stored form.
        for text in ["01.234.567-4", "001.234.567-4", "076.123.456-0"] {
            let id = try? TaxID.parse(text, country: .chile).get()
            #expect(id != nil, "\(text)")
            if let id { #expect(try TaxID.parse(id.normalized, country: .chile).get() == id) }
        }
    }

    /// Property: every valid id round-trips through its formatted form, and changing any one
    /// digit of it is caught by the check digit. The NIT's digit maps remainders 1 and 10 both
    /// to 1 (DIAN's rule), so that single collision is the one change it cannot see.
    @Test func everySingleDigitChangeIsCaught() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            for country in [Country.chile, .colombia] {
                let length = country == .chile ? 8 : 9
                let body = String((0..<length).map { index in
                    Character(String(index == 0 ? Int.random(in: 1...9, using: &generator) : Int.random(in: 0...9, using: &generator)))
                })
                let check = country == .chile ? TaxID.rutCheckDigit(body) : TaxID.nitCheckDigit(body)
                let id = try! TaxID.parse(body + "-" + String(check), country: country).get()
                #expect(try! TaxID.parse(id.formatted, country: country).get() == id)
                for position in 0..<length {
                    var digits = Array(body)
                    let original = Int(String(digits[position]))!
                    let replacement = (original + Int.random(in: 1...9, using: &generator)) % 10
                    if position == 0 && replacement == 0 { continue }
                    digits[position] = Character(String(replacement))
                    let mutated = String(digits) + "-" + String(check)
                    if country == .colombia, TaxID.nitCheckDigit(String(digits)) == check {
                        #expect(check == "1", "only DIAN's 1/10 collision may hide a change: \(mutated)")
                        continue
                    }
                    #expect((try? TaxID.parse(mutated, country: country).get()) == nil, "\(mutated) should be refused")
                }
            }
        }
    }
}

@Suite("Money and identifiers")
struct MoneyTests {
    @Test func formatsPerCurrencyConvention() {
        #expect(Money(minorUnits: 1_000_001, currency: .clp).formatted == "$1.000.001")
        #expect(Money(minorUnits: 123_456_789, currency: .cop).formatted == "$1.234.567,89")
        #expect(Money(minorUnits: 123_456, currency: .mxn).formatted == "$1,234.56")
        #expect(Money(minorUnits: 5, currency: .mxn).formatted == "$0.05")
        #expect(Money(minorUnits: 123_456, currency: .clf).formatted == "UF 12,3456")
        #expect(Money(minorUnits: -999, currency: .clp).formatted == "-$999")
    }

    @Test func identifierRules() {
        #expect(Identifier.validateClientCode("ACME") == nil)
        #expect(Identifier.validateClientCode("FERRETERIA-SUR_2") == nil)
        #expect(Identifier.validateClientCode("acme") != nil)
        #expect(Identifier.validateClientCode("-X") != nil)
        #expect(Identifier.validateUserName("maria_2") == nil)
        #expect(Identifier.validateUserName("Maria") != nil)
        #expect(Identifier.validateUserName("pg_admin") != nil)
        #expect(Identifier.validateUserName("cobranza_admin") != nil)
        #expect(Country(code: "cl") == .chile)
        #expect(Country.mexico.defaultCurrency == "MXN")
    }
}
