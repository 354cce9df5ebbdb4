/// The statements one connection has prepared, by SQL text and parameter types (a parameter
/// left NULL has no type, so the same text bound differently is a different statement).
/// Prepared statements live as long as the session and survive rollbacks, so an entry is only
/// dropped when preparing it failed or the server invalidated it. A statement invalidated inside
/// a transaction cannot be released there (the transaction is aborted), so its name waits in
/// `stale` until the connection is idle again. The cache is bounded: SQL
/// text in this code base is built from fixed fragments, never from values, so the bound is
/// never reached in practice; past it, statements simply run unprepared.
struct StatementCache {
    static let limit = 500

    private struct Key: Hashable {
        var sql: String
        var types: [UInt32]
        init(_ sql: String, _ bindings: [PostgresBinding?]) {
            self.sql = sql
            types = bindings.map { $0?.typeOID ?? 0 }
        }
    }

    private var names: [Key: String] = [:]
    private var prepared = 0
    /// Invalidated statements still allocated on the server, to DEALLOCATE when idle.
    private(set) var stale: [String] = []

    func name(_ sql: String, _ bindings: [PostgresBinding?]) -> String? {
        names[Key(sql, bindings)]
    }

    /// A fresh statement name for `sql`, recorded as prepared; nil when the cache is full.
    mutating func reserve(_ sql: String, _ bindings: [PostgresBinding?]) -> String? {
        guard names.count < Self.limit else { return nil }
        prepared += 1
        let name = "cobranza_\(prepared)"
        names[Key(sql, bindings)] = name
        return name
    }

    mutating func forget(_ sql: String, _ bindings: [PostgresBinding?]) {
        names[Key(sql, bindings)] = nil
    }

    /// Forgets an invalidated statement whose server-side release has to wait.
    mutating func retire(_ sql: String, _ bindings: [PostgresBinding?], name: String) {
        forget(sql, bindings)
        stale.append(name)
    }

    /// The stale names, handed over for release.
    mutating func takeStale() -> [String] {
        defer { stale.removeAll() }
        return stale
    }
}
