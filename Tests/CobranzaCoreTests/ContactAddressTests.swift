import CobranzaCore
import Testing

/// What `debtor contact` accepts and `notice send` writes: what the delivery side takes.
@Suite("Contact addresses")
struct ContactAddressTests {
    @Test func phonesBecomeE164() {
        #expect(ContactAddress.phone("+56 9 1234 5678") == "+56912345678")
        #expect(ContactAddress.phone("+57 (601) 345-6789") == "+576013456789")
        #expect(ContactAddress.phone(" +52.55.1234.5678 ") == "+525512345678")
        for bad in ["2 2345 6789", "+0 1234 5678", "+56 9", "+56912345678901234", "+56 9 1234 567x", "+56\n912345678", ""] {
            #expect(ContactAddress.phone(bad) == nil, "\(bad)")
        }
    }

    @Test func emails() {
        #expect(ContactAddress.email(" pagos@sur.cl ") == "pagos@sur.cl")
        for bad in ["pagos", "pagos@sur", "a@b@c.cl", "pa gos@sur.cl", "<x>@sur.cl", "x@.cl", "x@sur.cl\r\nBcc: y@z.cl", "@sur.cl"] {
            #expect(ContactAddress.email(bad) == nil, "\(bad)")
        }
    }
}
