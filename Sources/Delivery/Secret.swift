import Foundation

/// A password or API token, read from the file the settings name. Its description never shows
/// it, so printing settings, an error or a receipt cannot leak it into a log or a terminal.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "(secret)" }
    public var debugDescription: String { "(secret)" }

    /// The file's content without its final line break. The file must exist, be a regular file,
    /// hold one non-empty line and no control characters.
    public static func read(file path: String) throws(DeliveryFailure) -> Secret {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw DeliveryFailure.permanent("secret file \(path) cannot be read")
        }
        var text = String(decoding: data, as: UTF8.self)
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" { text.unicodeScalars.removeLast() }
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            // The content is never quoted back: it is the secret.
            throw DeliveryFailure.permanent("secret file \(path) must hold the secret on one line, without control characters")
        }
        return Secret(text)
    }
}
