import CLibpq

extension Connection {
    /// The SCRAM-SHA-256 verifier of `password` for `user`, computed here by libpq
    /// (`PQencryptPasswordConn`, as psql's `\password` does) so that only the verifier is sent:
    /// a clear password in a statement would reach the server's log and `pg_stat_activity`.
    /// The salt is random, so two calls give different verifiers of the same password.
    public func scramVerifier(password: String, user: String) throws(PostgresError) -> String {
        guard let encrypted = PQencryptPasswordConn(handle, password, user, "scram-sha-256") else {
            throw PostgresError.fromConnection(handle, kind: .client)
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }
}
