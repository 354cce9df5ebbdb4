import CLibpq

/// COPY in both directions, for bulk data that must not pass through one statement per row.
extension Connection {
    /// Receives the data for `COPY … FROM STDIN`; each `write` goes straight to the server.
    public struct CopyWriter: ~Copyable {
        let handle: OpaquePointer

        public func write(_ bytes: some Collection<UInt8>) throws(PostgresError) {
            let status = Array(bytes).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    PQputCopyData(handle, chars.baseAddress, Int32(chars.count))
                }
            }
            guard status == 1 else { throw PostgresError.fromConnection(handle) }
        }

        public func write(_ text: String) throws(PostgresError) {
            try write(Array(text.utf8))
        }
    }

    /// Runs `COPY … FROM STDIN`; `body` writes the data. If `body` throws, the COPY is aborted
    /// (the server discards every row) and the error is rethrown. Returns the rows copied.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (borrowing CopyWriter) throws -> Void) throws -> Int {
        try startCopy(sql, expecting: PGRES_COPY_IN)
        let writer = CopyWriter(handle: handle)
        var failure: (any Error)?
        do { try body(writer) } catch { failure = error }
        if let failure {
            // The server answers the abort with an error of its own; the caller's is the one that matters.
            if PQputCopyEnd(handle, "aborted by client") == 1 { _ = try? finishCopy() }
            throw failure
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.fromConnection(handle) }
        return try finishCopy()
    }

    /// Runs `COPY … TO STDOUT`, handing each data row (one line in text format) to `body`.
    public func copyOut(_ sql: String, _ body: ([UInt8]) throws -> Void) throws {
        try startCopy(sql, expecting: PGRES_COPY_OUT)
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                if failure == nil {
                    let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(length))
                    do { try body(Array(bytes)) } catch {
                        failure = error
                        makeCancelToken()?.cancel()
                    }
                }
            } else if length == -1 {
                break
            } else {
                throw PostgresError.fromConnection(handle)
            }
        }
        _ = try finishCopy(ignoringCancel: failure != nil)
        if let failure { throw failure }
    }

    private func startCopy(_ sql: String, expecting status: ExecStatusType) throws(PostgresError) {
        guard let result = PQexec(handle, sql) else { throw PostgresError.fromConnection(handle) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == status else {
            if PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK {
                throw PostgresError(kind: .client, message: "statement is not a COPY in the expected direction")
            }
            throw PostgresError(result: result, connection: handle)
        }
    }

    /// Collects the COPY's final status; the first error wins, later results are drained.
    private func finishCopy(ignoringCancel: Bool = false) throws(PostgresError) -> Int {
        var error: PostgresError?
        var rows = 0
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if error == nil {
                let failure = PostgresError(result: result, connection: handle)
                if !(ignoringCancel && failure.sqlState == .queryCanceled) { error = failure }
            }
        }
        if let error { throw error }
        return rows
    }
}
