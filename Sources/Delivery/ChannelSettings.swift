import Foundation

/// How to reach each channel's server, as the agency configures it in `canales.conf` (the file
/// `COBRANZA_CHANNELS_CONF` names): the same `clave = valor` lines with `#` comments and
/// `[sección]` headers as `templates/cartas/agencia.conf`, one section per channel:
///
///     [email]
///     servidor = smtp.cobranza-andina.cl
///     puerto = 587
///     # starttls (si el servidor lo ofrece) | starttls-obligatorio | tls
///     seguridad = starttls
///     usuario = avisos@cobranza-andina.cl
///     archivo_clave = /etc/cobranza/smtp.clave
///     remitente = avisos@cobranza-andina.cl
///     remitente_nombre = Cobranza Andina
///     # segundos, o 1500ms
///     tiempo_maximo = 30
///
///     # y [whatsapp], con las mismas claves
///     [sms]
///     url = https://api.proveedor.example/v1/messages
///     usuario = AC0123
///     archivo_clave = /etc/cobranza/proveedor.clave
///     remitente = +56221234567
///
/// Secrets are never in this file, the database or a log: `archivo_clave` names a file that holds
/// the password or token, read when a sender is made (`Secret.read`). Parsing is pure and
/// strict — an unknown key, a repeated key, a port out of range is an error naming its line — so
/// a typo is found when the worker starts, not when the first notice silently goes nowhere.
public struct ChannelSettings: Sendable, Equatable {
    public var email: EmailSettings?
    public var sms: ProviderSettings?
    public var whatsapp: ProviderSettings?

    public init(email: EmailSettings? = nil, sms: ProviderSettings? = nil, whatsapp: ProviderSettings? = nil) {
        self.email = email
        self.sms = sms
        self.whatsapp = whatsapp
    }

    /// The variable naming the file, and nothing else: no default location, so a machine that
    /// was never configured sends nothing rather than guessing.
    public static let fileVariable = "COBRANZA_CHANNELS_CONF"

    /// Reads and parses the file `COBRANZA_CHANNELS_CONF` names.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ChannelSettingsError) -> ChannelSettings {
        guard let path = environment[fileVariable], !path.isEmpty else {
            throw ChannelSettingsError(line: nil, "no channels configured: set \(fileVariable) to the canales.conf file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ChannelSettingsError(line: nil, "\(path) (\(fileVariable)) cannot be read")
        }
        do {
            return try parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw ChannelSettingsError(line: error.line, "\(path): \(error.message)")
        }
    }

    /// The settings `text` describes; the first mistake as an error with its line number.
    public static func parse(_ text: String) throws(ChannelSettingsError) -> ChannelSettings {
        var sections: [String: (line: Int, values: [String: (line: Int, value: String)])] = [:]
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            // As in agencia.conf, a comment is a whole line: "#" inside a value is the value's.
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let bad = trimmed.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }), bad != "\t" {
                throw ChannelSettingsError(line: number, "control character in the line")
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { throw ChannelSettingsError(line: number, "a section is written [email], [sms] or [whatsapp]") }
                let name = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).lowercased()
                guard ["email", "sms", "whatsapp"].contains(name) else {
                    throw ChannelSettingsError(line: number, "unknown section [\(name)]: the channels are [email], [sms] and [whatsapp]")
                }
                guard sections[name] == nil else { throw ChannelSettingsError(line: number, "section [\(name)] appears twice") }
                sections[name] = (number, [:])
                current = name
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else { throw ChannelSettingsError(line: number, "expected clave = valor") }
            guard let section = current else {
                throw ChannelSettingsError(line: number, "a setting before any section: start with [email], [sms] or [whatsapp]")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let allowed = section == "email" ? EmailSettings.keys : ProviderSettings.keys
            guard allowed.contains(key) else {
                throw ChannelSettingsError(line: number, "[\(section)] has no setting \"\(key)\" (settings: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard sections[section]!.values[key] == nil else { throw ChannelSettingsError(line: number, "\(key) is set twice in [\(section)]") }
            guard !value.isEmpty else { throw ChannelSettingsError(line: number, "\(key) has no value") }
            sections[section]!.values[key] = (number, value)
        }
        var settings = ChannelSettings()
        if let email = sections["email"] { settings.email = try EmailSettings(SettingsSection(name: "email", line: email.line, values: email.values)) }
        if let sms = sections["sms"] { settings.sms = try ProviderSettings(SettingsSection(name: "sms", line: sms.line, values: sms.values), channel: .sms) }
        if let whatsapp = sections["whatsapp"] {
            settings.whatsapp = try ProviderSettings(SettingsSection(name: "whatsapp", line: whatsapp.line, values: whatsapp.values), channel: .whatsapp)
        }
        return settings
    }
}

/// A mistake in canales.conf, with its line when it has one.
public struct ChannelSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var message: String
    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// One section's values while they become typed settings; every error names the key's line.
struct SettingsSection {
    var name: String
    var line: Int
    var values: [String: (line: Int, value: String)]

    func required(_ key: String) throws(ChannelSettingsError) -> String {
        guard let value = values[key]?.value else { throw ChannelSettingsError(line: line, "[\(name)] needs \(key)") }
        return value
    }

    func failure(_ key: String, _ message: String) -> ChannelSettingsError {
        ChannelSettingsError(line: values[key]?.line ?? line, "\(key): \(message)")
    }

    /// `tiempo_maximo` in milliseconds: `30` (seconds) or `1500ms`, from 100 ms to 10 minutes.
    func timeout(default seconds: Int) throws(ChannelSettingsError) -> Int {
        guard let text = values["tiempo_maximo"]?.value else { return seconds * 1000 }
        let milliseconds = text.hasSuffix("ms") ? Int(text.dropLast(2).trimmingCharacters(in: .whitespaces))
            : Int(text).flatMap { $0.multipliedReportingOverflow(by: 1000).overflow ? nil : $0 * 1000 }
        guard let milliseconds, (100...600_000).contains(milliseconds) else {
            throw failure("tiempo_maximo", "\"\(text)\" is not a time between 100ms and 600 (seconds)")
        }
        return milliseconds
    }

    /// `usuario` and `archivo_clave` go together: a login needs its secret, a secret its login.
    func credentials() throws(ChannelSettingsError) -> (user: String?, secretFile: String?) {
        let user = values["usuario"]?.value, secretFile = values["archivo_clave"]?.value
        if user != nil, secretFile == nil { throw ChannelSettingsError(line: values["usuario"]!.line, "usuario needs archivo_clave (the file holding its password)") }
        if user == nil, secretFile != nil { throw ChannelSettingsError(line: values["archivo_clave"]!.line, "archivo_clave needs usuario") }
        return (user, secretFile)
    }
}

/// The SMTP server the email channel sends through.
public struct EmailSettings: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// `smtp://`, STARTTLS when the server offers it, plain otherwise (libcurl's CURLUSESSL_TRY).
        case startTLSIfOffered = "starttls"
        /// `smtp://`, refused unless the server upgrades to TLS.
        case startTLSRequired = "starttls-obligatorio"
        /// `smtps://`: TLS from the first byte (port 465).
        case implicitTLS = "tls"
    }

    public var server: String
    public var port: Int
    public var security: Security
    public var user: String?
    public var secretFile: String?
    public var sender: String
    public var senderName: String?
    /// A CA bundle to verify the server with, instead of the system's.
    public var caFile: String?
    public var timeoutMilliseconds: Int

    static let keys: Set<String> = ["servidor", "puerto", "seguridad", "usuario", "archivo_clave", "remitente", "remitente_nombre",
                                    "certificados", "tiempo_maximo"]

    public init(server: String, port: Int = 587, security: Security = .startTLSIfOffered, user: String? = nil, secretFile: String? = nil,
                sender: String, senderName: String? = nil, caFile: String? = nil, timeoutMilliseconds: Int = 30_000) {
        self.server = server
        self.port = port
        self.security = security
        self.user = user
        self.secretFile = secretFile
        self.sender = sender
        self.senderName = senderName
        self.caFile = caFile
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    init(_ section: SettingsSection) throws(ChannelSettingsError) {
        let server = try section.required("servidor")
        guard !server.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else { throw section.failure("servidor", "a host name or address, without scheme or path") }
        let security: Security
        if let text = section.values["seguridad"]?.value {
            guard let parsed = Security(rawValue: text.lowercased()) else {
                throw section.failure("seguridad", "\"\(text)\" is not starttls, starttls-obligatorio or tls")
            }
            security = parsed
        } else {
            security = .startTLSIfOffered
        }
        let port: Int
        if let text = section.values["puerto"]?.value {
            guard let parsed = Int(text), (1...65535).contains(parsed) else { throw section.failure("puerto", "\"\(text)\" is not a port (1 to 65535)") }
            port = parsed
        } else {
            port = security == .implicitTLS ? 465 : 587
        }
        let sender = try section.required("remitente")
        do {
            _ = try ProtocolText.emailAddress(sender, field: "remitente")
        } catch {
            throw section.failure("remitente", error.reason)
        }
        let (user, secretFile) = try section.credentials()
        self.init(server: server, port: port, security: security, user: user, secretFile: secretFile, sender: sender,
                  senderName: section.values["remitente_nombre"]?.value, caFile: section.values["certificados"]?.value,
                  timeoutMilliseconds: try section.timeout(default: 30))
    }
}

/// The HTTP JSON provider (Twilio-style) an SMS or WhatsApp channel sends through.
public struct ProviderSettings: Sendable, Equatable {
    public enum Channel: String, Sendable, Equatable {
        case sms, whatsapp
    }

    public var channel: Channel
    /// Where messages are POSTed: `http://` or `https://`.
    public var url: String
    public var user: String?
    public var secretFile: String?
    /// The number messages come from (E.164; `whatsapp:+…` accepted for WhatsApp).
    public var sender: String
    public var caFile: String?
    public var timeoutMilliseconds: Int

    static let keys: Set<String> = ["url", "usuario", "archivo_clave", "remitente", "certificados", "tiempo_maximo"]

    public init(channel: Channel, url: String, user: String? = nil, secretFile: String? = nil, sender: String, caFile: String? = nil,
                timeoutMilliseconds: Int = 10_000) {
        self.channel = channel
        self.url = url
        self.user = user
        self.secretFile = secretFile
        self.sender = sender
        self.caFile = caFile
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    init(_ section: SettingsSection, channel: Channel) throws(ChannelSettingsError) {
        let url = try section.required("url")
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > "https://".count, !url.contains(" ") else {
            throw section.failure("url", "\"\(url)\" is not an http:// or https:// address")
        }
        let sender = try section.required("remitente")
        do {
            _ = try ProtocolText.phoneNumber(sender, field: "remitente", whatsapp: channel == .whatsapp)
        } catch {
            throw section.failure("remitente", error.reason)
        }
        let (user, secretFile) = try section.credentials()
        self.init(channel: channel, url: url, user: user, secretFile: secretFile, sender: sender, caFile: section.values["certificados"]?.value,
                  timeoutMilliseconds: try section.timeout(default: 10))
    }
}
