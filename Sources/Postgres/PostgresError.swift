import CLibpq

/// A failure reported by libpq or the server, carrying the fields psql shows so callers can
/// turn it into one clear line (and match on SQLSTATE rather than on message text).
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the failure came from; callers decide exit codes and retries from this.
    public enum Kind: Sendable, Equatable {
        /// Could not establish a connection (bad address, authentication, refused).
        case connect
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// The connection broke while in use.
        case connectionLost
        /// The client library refused (bad usage, protocol state).
        case client
    }

    public var kind: Kind
    public var sqlState: SQLState?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// Where the server was when it failed (PL/pgSQL lines, "while locking tuple … in relation
    /// …"): what a lock timeout waited for is said only here.
    public var context: String?
    /// True when a connect failed only because no password was supplied, so a caller can prompt.
    public var needsPassword: Bool

    public init(
        kind: Kind, sqlState: SQLState? = nil, message: String, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil,
        column: String? = nil, context: String? = nil, needsPassword: Bool = false
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.context = context
        self.needsPassword = needsPassword
    }

    public var description: String {
        var text = message
        if let detail { text += " (\(detail))" }
        return text
    }

    /// Reads the error fields of a failed result; `connection` tells a broken link from a refusal.
    init(result: OpaquePointer?, connection: OpaquePointer?) {
        func field(_ code: Int32) -> String? {
            guard let result, let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let primary = field(Int32(UInt8(ascii: "M")))
        let fallback = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) }
            ?? connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) }
            ?? "unknown error"
        let lost = connection.map { PQstatus($0) == CONNECTION_BAD } ?? false
        let state = field(Int32(UInt8(ascii: "C"))).map(SQLState.init(rawValue:))
        self.init(
            kind: lost ? .connectionLost : (state == nil ? .client : .server),
            sqlState: state,
            message: (primary ?? fallback).trimmingTrailingNewlines(),
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            constraint: field(Int32(UInt8(ascii: "n"))),
            table: field(Int32(UInt8(ascii: "t"))),
            column: field(Int32(UInt8(ascii: "c"))),
            context: field(Int32(UInt8(ascii: "W")))
        )
    }

    /// The connection-level message libpq keeps after a failed call that produced no result.
    static func fromConnection(_ connection: OpaquePointer, kind: Kind? = nil) -> PostgresError {
        let text = PQerrorMessage(connection).map { String(cString: $0) } ?? "unknown error"
        let lost = PQstatus(connection) == CONNECTION_BAD
        return PostgresError(
            kind: kind ?? (lost ? .connectionLost : .client),
            message: text.trimmingTrailingNewlines())
    }
}

/// A five-character SQLSTATE code, with names for the ones the application reacts to.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Class 57P: the server is ending this session (an administrator's terminate, a shutdown, a
    /// crash). Its FATAL message can arrive before the socket is seen closed, so the connection
    /// still looks alive for a moment; a caller that reconnects on a lost connection asks this too.
    public var endsTheSession: Bool { rawValue.hasPrefix("57P") }

    public static let uniqueViolation = SQLState(rawValue: "23505")
    public static let foreignKeyViolation = SQLState(rawValue: "23503")
    public static let checkViolation = SQLState(rawValue: "23514")
    public static let notNullViolation = SQLState(rawValue: "23502")
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    public static let invalidParameterValue = SQLState(rawValue: "22023")
    public static let raiseException = SQLState(rawValue: "P0001")
    public static let queryCanceled = SQLState(rawValue: "57014")
    public static let invalidPassword = SQLState(rawValue: "28P01")
    public static let invalidAuthorization = SQLState(rawValue: "28000")
    public static let undefinedTable = SQLState(rawValue: "42P01")
    public static let duplicateTable = SQLState(rawValue: "42P07")
    public static let duplicateObject = SQLState(rawValue: "42710")
    public static let syntaxError = SQLState(rawValue: "42601")
    public static let invalidTextRepresentation = SQLState(rawValue: "22P02")
    public static let invalidDatetimeFormat = SQLState(rawValue: "22007")
    public static let datetimeFieldOverflow = SQLState(rawValue: "22008")
    public static let numericValueOutOfRange = SQLState(rawValue: "22003")
    public static let stringDataRightTruncation = SQLState(rawValue: "22001")
    public static let featureNotSupported = SQLState(rawValue: "0A000")
    public static let lockNotAvailable = SQLState(rawValue: "55P03")

    /// Class 23: the statement broke a declared rule of the schema.
    public var isIntegrityViolation: Bool { rawValue.hasPrefix("23") }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text
    }
}
