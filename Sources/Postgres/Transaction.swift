/// Transactions: a command either happens whole or not at all.
extension Connection {
    /// Runs `body` in a transaction, committing if it returns and rolling back if it throws.
    /// Nested calls use a savepoint, so an inner failure undoes only the inner work.
    @discardableResult
    public func withTransaction<T>(_ body: () throws -> T) throws -> T {
        let nested = isInTransaction
        try query(nested ? "SAVEPOINT cobranza_nested" : "BEGIN")
        do {
            let value = try body()
            try query(nested ? "RELEASE SAVEPOINT cobranza_nested" : "COMMIT")
            return value
        } catch {
            if isAlive {
                _ = try? query(nested ? "ROLLBACK TO SAVEPOINT cobranza_nested" : "ROLLBACK")
                if nested { _ = try? query("RELEASE SAVEPOINT cobranza_nested") }
            }
            throw error
        }
    }
}
