/// Checks bytes are UTF-8 as they stream past, so that input which is not (a Latin-1 export,
/// a stray byte in a script) is refused where it is, with its position, instead of being
/// silently turned into U+FFFD and written. Follows the Unicode table of well-formed sequences:
/// no overlong forms, no surrogates, nothing past U+10FFFF.
public struct UTF8Validator: Sendable {
    private var needed = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    public init() {}

    /// Whether `byte` may come next. After a refused byte the validator starts afresh.
    public mutating func accept(_ byte: UInt8) -> Bool {
        if needed == 0 {
            switch byte {
            case 0x00...0x7F: return true
            case 0xC2...0xDF: needed = 1
            case 0xE0: needed = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: needed = 2
            case 0xED: needed = 2; upper = 0x9F
            case 0xF0: needed = 3; lower = 0x90
            case 0xF1...0xF3: needed = 3
            case 0xF4: needed = 3; upper = 0x8F
            default: return false
            }
            return true
        }
        let fits = (lower...upper).contains(byte)
        lower = 0x80
        upper = 0xBF
        needed = fits ? needed - 1 : 0
        return fits
    }

    /// False while a character is half read: input that ends here is cut inside one.
    public var isAtCharacterBoundary: Bool { needed == 0 }

    /// The 1-based position of the first byte that cannot be read as UTF-8 (one past the end
    /// when the bytes stop inside a character), and that byte; nil when all is well.
    public static func firstInvalidByte(in bytes: some Collection<UInt8>) -> (position: Int, byte: UInt8?)? {
        var validator = UTF8Validator()
        var position = 0
        for byte in bytes {
            position += 1
            if !validator.accept(byte) { return (position, byte) }
        }
        return validator.isAtCharacterBoundary ? nil : (position + 1, nil)
    }

    /// How a refusal names the place: `byte 13 (0xFF)`, or the end when the input stops
    /// inside a character.
    public static func describe(position: Int, byte: UInt8?) -> String {
        guard let byte else { return "byte \(position) (the input ends inside a character)" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte \(position) (0x\(hex.count == 1 ? "0" : "")\(hex))"
    }
}
