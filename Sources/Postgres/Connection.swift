import CLibpq
import Foundation

/// One libpq connection. It owns its PGconn: `PQfinish` runs exactly once, in `deinit`, also
/// when connecting failed (libpq allocates a PGconn even then). Not thread-safe, like PGconn;
/// only `makeCancelToken()` hands something to another thread.
public final class Connection {
    let handle: OpaquePointer
    private let noticeCollector = NoticeCollector()
    private var statements = StatementCache()

    /// Connects with libpq keyword/value pairs. `dbname` may itself be a conninfo string or a
    /// URI (libpq's expand_dbname), and anything not given comes from the PG* environment,
    /// service files and `.pgpass`, exactly as for psql.
    public init(parameters: [(keyword: String, value: String)]) throws(PostgresError) {
        var settings = parameters
        // ISO dates make the text decoders independent of the server's DateStyle. An explicit
        // `options` would silently replace PGOPTIONS, so the environment's settings are kept.
        if !settings.contains(where: { $0.keyword == "options" }) {
            let inherited = ProcessInfo.processInfo.environment["PGOPTIONS"].map { " " + $0 } ?? ""
            settings.append(("options", "-c DateStyle=ISO,YMD -c IntervalStyle=iso_8601" + inherited))
        }
        let connection = Connection.connect(settings)
        guard let connection else {
            throw PostgresError(kind: .connect, message: "out of memory allocating a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            var error = PostgresError.fromConnection(connection, kind: .connect)
            error.needsPassword = PQconnectionNeedsPassword(connection) == 1
            PQfinish(connection)
            throw error
        }
        handle = connection
        PQsetNoticeReceiver(handle, NoticeCollector.receiver, Unmanaged.passUnretained(noticeCollector).toOpaque())
    }

    /// Connects with a single conninfo string or URI.
    public convenience init(conninfo: String) throws(PostgresError) {
        try self.init(parameters: [("dbname", conninfo)])
    }

    deinit { PQfinish(handle) }

    private static func connect(_ settings: [(keyword: String, value: String)]) -> OpaquePointer? {
        let keywords = settings.map { strdup($0.keyword) } + [nil]
        let values = settings.map { strdup($0.value) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        return keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)
            }
        }
    }

    // MARK: - State

    public var isAlive: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Reads whatever the server sent while the connection was idle, without waiting (libpq's
    /// socket is non-blocking), and says whether the connection is still up. A server that
    /// restarted or crashed closed the socket: `isAlive` alone would only learn that from the
    /// next command, which would then fail although nothing of it reached the server.
    public func pollIsAlive() -> Bool {
        // A shutdown sends its FATAL message before closing: one read takes the message, the
        // next finds the end of the stream.
        for _ in 0..<3 where isAlive { _ = PQconsumeInput(handle) }
        return isAlive
    }
    public var user: String { String(cString: PQuser(handle)) }
    public var database: String { String(cString: PQdb(handle)) }
    public var serverVersion: Int { Int(PQserverVersion(handle)) }
    public var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// Notices received since the last call, oldest first.
    public func takeNotices() -> [Notice] {
        defer { noticeCollector.notices.removeAll() }
        return noticeCollector.notices
    }

    /// A handle another thread may use to cancel the statement running here.
    public func makeCancelToken() -> CancelToken? { CancelToken(connection: handle) }

    // MARK: - Queries

    /// Runs one statement. Values are bound, never spliced into the SQL text. A statement with
    /// parameters is prepared on first use and executed by name after that (`StatementCache`):
    /// the server parses and plans the hot paths once per connection instead of on every call,
    /// which halves the server's work for a payment (`scripts/bench payments`).
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> QueryResult {
        let bindings = parameters.map { $0?.postgresBinding }
        // Without parameters there is nothing to reuse a plan for (BEGIN, COMMIT, a DDL
        // statement); the extended protocol still refuses several statements in one string.
        guard !bindings.isEmpty else { return try consume(execute(sql, bindings, prepared: nil)) }
        let wasIdle = PQtransactionStatus(handle) == PQTRANS_IDLE
        if wasIdle, !statements.stale.isEmpty { statements.takeStale().forEach(deallocate) }
        let name = try preparedName(sql, bindings)
        do {
            return try consume(execute(sql, bindings, prepared: name))
        } catch {
            // A schema change that alters a prepared statement's result columns invalidates it
            // for good ("cached plan must not change result type"): forget it, and outside a
            // transaction (nothing to roll back) release it and try once more unprepared.
            // Inside one, it is released by the first statement after the transaction ends.
            guard let name, error.sqlState == .featureNotSupported else { throw error }
            guard wasIdle else {
                statements.retire(sql, bindings, name: name)
                throw error
            }
            statements.forget(sql, bindings)
            deallocate(name)
            return try consume(execute(sql, bindings, prepared: nil))
        }
    }

    /// Releases a statement this connection prepared (its name is ours: cobranza_N). A failure
    /// only leaves it allocated until the session ends.
    private func deallocate(_ name: String) {
        _ = try? consume(PQexec(handle, "DEALLOCATE " + name))
    }

    /// Sends `sql` with its bindings: by statement name when it is prepared, else as text.
    private func execute(_ sql: String, _ bindings: [PostgresBinding?], prepared name: String?) -> OpaquePointer? {
        withBoundParameters(bindings) { types, values, lengths, formats in
            if let name {
                PQexecPrepared(handle, name, Int32(bindings.count), values, lengths, formats, 0)
            } else {
                PQexecParams(handle, sql, Int32(bindings.count), types, values, lengths, formats, 0)
            }
        }
    }

    /// The name `sql` is prepared under for these parameter types, preparing it if need be; nil
    /// once the cache is full (the statement then runs unprepared).
    private func preparedName(_ sql: String, _ bindings: [PostgresBinding?]) throws(PostgresError) -> String? {
        if let name = statements.name(sql, bindings) { return name }
        guard let name = statements.reserve(sql, bindings) else { return nil }
        let types = bindings.map { Oid($0?.typeOID ?? 0) }
        let result = types.withUnsafeBufferPointer { PQprepare(handle, name, sql, Int32(types.count), $0.baseAddress) }
        do {
            _ = try consume(result)
        } catch {
            statements.forget(sql, bindings)
            throw error
        }
        return name
    }

    /// Runs SQL text with no parameters through the simple protocol, which allows several
    /// statements in one string (migrations). Never pass user input here.
    public func executeScript(_ sql: String) throws(PostgresError) {
        _ = try consume(PQexec(handle, sql))
    }

    /// Runs a query in single-row mode, handing each row over as it arrives so memory stays flat
    /// however many rows there are. If `body` throws, the query is cancelled and drained.
    public func stream(
        _ sql: String, _ parameters: [(any PostgresEncodable)?] = [], _ body: (Row) throws -> Void
    ) throws {
        let sent = withBoundParameters(parameters.map { $0?.postgresBinding }) { types, values, lengths, formats in
            PQsendQueryParams(handle, sql, Int32(parameters.count), types, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw PostgresError.fromConnection(handle) }
        PQsetSingleRowMode(handle)
        var failure: (any Error)?
        var lookup: ColumnLookup?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                guard failure == nil else { continue }
                let columns = lookup ?? ColumnLookup(names: (0..<Int(PQnfields(result))).map { String(cString: PQfname(result, Int32($0))) })
                lookup = columns
                do {
                    try body(Row(copying: result, row: 0, columns: columns))
                } catch {
                    failure = error
                    makeCancelToken()?.cancel()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                if failure == nil { failure = PostgresError(result: result, connection: handle) }
            }
        }
        if let failure { throw failure }
    }

    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> QueryResult {
        guard let result else { throw PostgresError.fromConnection(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return QueryResult(copying: result)
        default:
            throw PostgresError(result: result, connection: handle)
        }
    }

    /// Lays the parameters out as the four parallel C arrays libpq wants, valid during `body`.
    private func withBoundParameters<R>(
        _ bindings: [PostgresBinding?],
        _ body: (UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        let types = bindings.map { Oid($0?.typeOID ?? 0) }
        let lengths = bindings.map { Int32($0?.bytes.count ?? 0) }
        let formats = bindings.map { $0?.format.rawValue ?? 0 }
        // Text values need a terminating NUL; binary ones are read by length.
        let buffers: [UnsafeMutablePointer<CChar>?] = bindings.map { binding in
            guard let binding else { return nil }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: binding.bytes.count + 1)
            binding.bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { buffer.update(from: base, count: chars.count) }
                }
            }
            buffer[binding.bytes.count] = 0
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let values = buffers.map { UnsafePointer($0) }
        return types.withUnsafeBufferPointer { t in
            values.withUnsafeBufferPointer { v in
                lengths.withUnsafeBufferPointer { l in
                    formats.withUnsafeBufferPointer { f in
                        body(t.baseAddress, v.baseAddress, l.baseAddress, f.baseAddress)
                    }
                }
            }
        }
    }
}
