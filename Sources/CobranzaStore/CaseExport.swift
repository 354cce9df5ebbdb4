import CobranzaCore
import Postgres

extension Cases {
    /// Every case the caller may read (row security: staff all clients', an SME its own), by
    /// number, handed to `body` one at a time as the server sends it: libpq's single-row mode
    /// (`Connection.stream`), so memory stays flat however many cases there are and there is no
    /// 10,000-row limit as `list` has. `client` narrows staff's export (an SME naming another
    /// client is refused), `stage` to one stage. If `body` throws, the query is cancelled.
    public func export(client: String? = nil, stage: CaseState.Stage? = nil, _ body: (CaseSummary) throws -> Void) throws {
        var conditions: [String] = []
        var parameters = SQLParameters()
        if client != nil || session.identity.clientCode != nil {
            conditions.append("c.tenant_id = " + parameters.bind(try TenantScope.resolve(session, client: client).id))
        }
        if let stage { conditions.append("c.stage = " + parameters.bind(stage.rawValue)) }
        let sql = selectSummary + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + groupBy + " ORDER BY c.number"
        try connection.stream(sql, parameters.values) { row in try body(try Self.summary(row)) }
    }
}
