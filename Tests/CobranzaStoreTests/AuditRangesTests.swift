import Postgres
import Testing
import TestSupport

/// 0114: a statement's audit row says each client's rows as their id ranges, found at once when
/// a client's ids are one run and by numbering them when they have gaps. Both must say exactly
/// the ids written.
@Suite("Audit id ranges")
struct AuditRangesTests {
    @Test func contiguousAndInterleavedClientsAreEachTheirOwnRuns() throws {
        let db = try TestCluster.makeDatabase()
        try db.addClient("AAA", taxID: "76123456-0")
        try db.addClient("BBB", taxID: "96543210-8")
        try db.addClient("CCC", taxID: TestCluster.rut(77_000_001))
        try db.asSuperuser { su in
            // AAA and BBB interleaved (every other id), then CCC's rows in one run.
            try su.query("""
                INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name)
                SELECT t.id, 'CL', ($1::text[])[g * 3 + t.k], 'Deudor'
                  FROM (SELECT id, CASE code WHEN 'AAA' THEN 1 WHEN 'BBB' THEN 2 ELSE 3 END AS k, code FROM cobranza.tenant) t,
                       generate_series(0, 3) g
                 ORDER BY t.code = 'CCC', g, t.code
                """, ["{" + (1...12).map { TestCluster.rut(10_000_000 + $0) }.joined(separator: ",") + "}"])
            let audit = try su.query("""
                SELECT t.code, a.after->'id_ranges' AS ranges,
                       (SELECT jsonb_agg(jsonb_build_array(d.id, d.id) ORDER BY d.id) FROM cobranza.debtor d WHERE d.tenant_id = a.tenant_id) AS singles,
                       (SELECT jsonb_build_array(jsonb_build_array(min(d.id), max(d.id))) FROM cobranza.debtor d WHERE d.tenant_id = a.tenant_id) AS span
                  FROM cobranza.audit_log a JOIN cobranza.tenant t ON t.id = a.tenant_id
                 WHERE a.table_name = 'debtor' ORDER BY t.code
                """).rows
            #expect(try audit.map { try $0.decode("code", as: String.self) } == ["AAA", "BBB", "CCC"])
            // Interleaved: four runs of one id each; one run: its span.
            #expect(try audit[0].decode("ranges", as: String.self) == audit[0].decode("singles", as: String.self))
            #expect(try audit[1].decode("ranges", as: String.self) == audit[1].decode("singles", as: String.self))
            #expect(try audit[2].decode("ranges", as: String.self) == audit[2].decode("span", as: String.self))
            #expect(try audit[0].decode("ranges", as: String.self) != audit[0].decode("span", as: String.self))
        }
    }
}
