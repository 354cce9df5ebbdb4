import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Connection against a real server")
struct ConnectionTests {
    @Test func failedConnectIsATypedErrorNotACrash() throws {
        let settings = try TestCluster.settings()
        #expect {
            try Connection(parameters: [("host", settings.host), ("port", settings.port), ("dbname", "postgres"),
                                        ("user", settings.user), ("password", "wrong")])
        } throws: { error in
            let error = error as? PostgresError
            return error?.kind == .connect && error?.message.contains("password authentication failed") == true
        }
    }

    @Test func missingPasswordIsReportedSoTheShellCanPrompt() throws {
        let settings = try TestCluster.settings()
        #expect {
            try Connection(parameters: [("host", settings.host), ("port", settings.port), ("dbname", "postgres"),
                                        ("user", settings.user), ("passfile", "/nonexistent")])
        } throws: { error in
            (error as? PostgresError)?.needsPassword == true
        }
    }

    @Test func uriAndPassfileWorkAsInPsql() throws {
        let s = try TestCluster.settings()
        let passfile = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(TestCluster.uniqueSuffix())")
        try "*:*:*:\(s.user):\(s.password)\n".write(to: passfile, atomically: true, encoding: .utf8)
        chmod(passfile.path, 0o600)
        defer { try? FileManager.default.removeItem(at: passfile) }
        let host = s.host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s.host
        let uri = "postgresql://\(s.user)@/postgres?host=\(host)&port=\(s.port)&passfile=\(passfile.path)"
        let connection = try Connection(conninfo: uri)
        #expect(try connection.query("SELECT current_user AS u").first?.decode("u", as: String.self) == s.user)
        let keywords = try Connection(conninfo: "host=\(s.host) port=\(s.port) dbname=postgres user=\(s.user) passfile=\(passfile.path)")
        #expect(keywords.database == "postgres")
    }

    @Test func typedParametersRoundTrip() throws {
        let db = try TestCluster.superuser()
        let date = PostgresDate(year: 2026, month: 2, day: 28)
        let instant = Date(timeIntervalSince1970: 1_790_000_000.25)
        let bytes = PostgresBytes([0, 1, 2, 0xfe, 0xff, 0x27, 0x5c])
        let texts = ["plain", "with, comma", "quote \" and \\ backslash", "NULL", "", "ñandú {x}"]
        let row = try #require(try db.query(
            "SELECT $1::text AS t, $2::bigint AS i, $3::int AS i4, $4::bool AS b, $5::date AS d, $6::timestamptz AS ts, $7::bytea AS by, $8::text[] AS arr, $9::text AS n",
            ["O'Reilly; DROP TABLE x; --", Int(-9_000_000_000_000), Int32(42), true, date, instant, bytes, texts, nil]).first)
        #expect(try row.decode("t", as: String.self) == "O'Reilly; DROP TABLE x; --")
        #expect(try row.decode("i", as: Int.self) == -9_000_000_000_000)
        #expect(try row.decode("i4", as: Int32.self) == 42)
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decode("d", as: PostgresDate.self) == date)
        #expect(try row.decode("ts", as: Date.self) == instant)
        #expect(try row.decode("by", as: PostgresBytes.self) == bytes)
        #expect(try row.decode("arr", as: [String].self) == texts)
        #expect(try row.decodeIfPresent("n", as: String.self) == nil)
    }

    @Test func timestampsInOtherZonesDecodeToTheSameInstant() throws {
        let db = try TestCluster.superuser()
        try db.query("SET TIME ZONE 'America/Santiago'")
        let row = try #require(try db.query("SELECT '2026-11-23 10:00:00.5+00'::timestamptz AS ts").first)
        #expect(try row.decode("ts", as: Date.self) == Date(timeIntervalSince1970: 1_795_428_000.5))
    }

    /// A session the server ends says so with a 57P code, which the worker takes as a lost
    /// connection even while the socket still looks open (it exited instead, once, under load).
    @Test func aTerminatedSessionSaysItEnded() throws {
        let victim = try TestCluster.superuser()
        let pid: Int32 = try victim.query("SELECT pg_backend_pid() AS p").first!.decode("p")
        _ = try TestCluster.superuser().query("SELECT pg_terminate_backend($1)", [pid])
        var caught: PostgresError?
        do { _ = try victim.query("SELECT 1") } catch { caught = error }
        #expect(caught != nil)
        if let state = caught?.sqlState { #expect(state.endsTheSession, "\(state)") }
        #expect(SQLState(rawValue: "57P01").endsTheSession && SQLState(rawValue: "57P02").endsTheSession)
        #expect(!SQLState.queryCanceled.endsTheSession && !SQLState.uniqueViolation.endsTheSession)
    }

    @Test func serverErrorsCarrySQLStateAndConstraint() throws {
        let db = try TestCluster.superuser()
        try db.query("CREATE TEMP TABLE t (id int PRIMARY KEY, n int CONSTRAINT n_positive CHECK (n > 0))")
        try db.query("INSERT INTO t VALUES (1, 1)")
        #expect { try db.query("INSERT INTO t VALUES (1, 1)") } throws: { error in
            let e = error as? PostgresError
            return e?.sqlState == .uniqueViolation && e?.constraint == "t_pkey" && e?.detail?.contains("(id)=(1)") == true
        }
        #expect { try db.query("INSERT INTO t VALUES (2, -1)") } throws: { error in
            (error as? PostgresError)?.constraint == "n_positive"
        }
        // The connection stays usable after an error.
        #expect(try db.query("SELECT count(*) AS c FROM t").first?.decode("c", as: Int.self) == 1)
    }

    @Test func transactionsCommitRollBackAndNest() throws {
        let db = try TestCluster.superuser()
        try db.query("CREATE TEMP TABLE t (v text)")
        try db.withTransaction { try db.query("INSERT INTO t VALUES ('committed')") }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.withTransaction {
                try db.query("INSERT INTO t VALUES ('rolled back')")
                throw Boom()
            }
        }
        try db.withTransaction {
            try db.query("INSERT INTO t VALUES ('outer')")
            _ = try? db.withTransaction {
                try db.query("INSERT INTO t VALUES ('inner')")
                throw Boom()
            }
        }
        let values = try db.query("SELECT v FROM t ORDER BY v").rows.map { try $0.decode("v", as: String.self) }
        #expect(values == ["committed", "outer"])
        #expect(!db.isInTransaction)
    }

    @Test func parameterizedStatementsArePreparedOnceAndSurviveSchemaChanges() throws {
        let db = try TestCluster.superuser()
        try db.query("CREATE TEMP TABLE t (id int, name text)")
        try db.query("INSERT INTO t VALUES (1, 'one'), (2, 'two')")
        let select = "SELECT * FROM t WHERE id = $1"
        for id in [1, 2, 1] {
            #expect(try db.query(select, [Int32(id)]).first?.decode("name", as: String.self) == (id == 1 ? "one" : "two"))
        }
        let prepared = try db.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [select])
        #expect(try prepared.first?.decode("n", as: Int.self) == 1)
        // A new column changes what the prepared SELECT * returns; the server refuses the old
        // statement, and outside a transaction the connection prepares it again.
        try db.query("ALTER TABLE t ADD COLUMN note text DEFAULT 'added'")
        #expect(try db.query(select, [Int32(2)]).first?.decode("note", as: String.self) == "added")
        #expect(try db.query(select, [Int32(2)]).first?.decode("note", as: String.self) == "added") // prepared again
        #expect(try db.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [select])
            .first?.decode("n", as: Int.self) == 1, "the stale statement was released")
        // Inside a transaction the failure stands (the transaction is already aborted) but the
        // stale statement is forgotten, so the next call works, and released once idle.
        try db.query("ALTER TABLE t ADD COLUMN more text DEFAULT 'more'")
        #expect(throws: PostgresError.self) { try db.withTransaction { try db.query(select, [Int32(1)]) } }
        #expect(try db.query(select, [Int32(1)]).first?.decode("more", as: String.self) == "more")
        #expect(try db.query(select, [Int32(1)]).first?.decode("more", as: String.self) == "more") // prepared again
        #expect(try db.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1", [select])
            .first?.decode("n", as: Int.self) == 1, "the statement invalidated inside the transaction was released after it")
        // A statement that fails to prepare is reported like any other and not remembered.
        #expect { try db.query("SELECT nope FROM t WHERE id = $1", [Int32(1)]) } throws: { error in
            (error as? PostgresError)?.sqlState == SQLState(rawValue: "42703")
        }
        #expect(throws: PostgresError.self) { try db.query("SELECT nope FROM t WHERE id = $1", [Int32(1)]) }
        // Several statements in one string are still refused.
        #expect(throws: PostgresError.self) { try db.query("SELECT 1; SELECT 2") }
    }

    @Test func copyInAndOutRoundTrip() throws {
        let db = try TestCluster.superuser()
        try db.query("CREATE TEMP TABLE t (id int, name text)")
        let copied = try db.copyIn("COPY t FROM STDIN (FORMAT csv)") { writer in
            for i in 1...1000 { try writer.write("\(i),\"name, \(i)\"\n") }
        }
        #expect(copied == 1000)
        var lines: [String] = []
        try db.copyOut("COPY (SELECT * FROM t ORDER BY id LIMIT 2) TO STDOUT (FORMAT csv)") { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == ["1,\"name, 1\"\n", "2,\"name, 2\"\n"])
    }

    @Test func copyInThatThrowsLeavesNothingBehind() throws {
        let db = try TestCluster.superuser()
        try db.query("CREATE TEMP TABLE t (id int)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.copyIn("COPY t FROM STDIN") { writer in
                try writer.write("1\n2\n")
                throw Stop()
            }
        }
        #expect(try db.query("SELECT count(*) AS c FROM t").first?.decode("c", as: Int.self) == 0)
        #expect { try db.copyIn("COPY t FROM STDIN") { try $0.write("not a number\n") } } throws: { error in
            (error as? PostgresError)?.sqlState == .invalidTextRepresentation
        }
    }

    @Test func streamingDeliversEveryRowOneAtATime() throws {
        let db = try TestCluster.superuser()
        var count = 0
        var sum = 0
        try db.stream("SELECT g AS n FROM generate_series(1, $1::int) g", [Int(200_000)]) { row in
            count += 1
            sum += try row.decode("n", as: Int.self)
        }
        #expect(count == 200_000)
        #expect(sum == 200_000 * 200_001 / 2)
        // Stopping early cancels the rest and leaves the connection usable.
        struct Enough: Error {}
        #expect(throws: Enough.self) {
            try db.stream("SELECT g FROM generate_series(1, 10000000) g") { _ in throw Enough() }
        }
        #expect(try db.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
    }

    @Test func noticesAreCaptured() throws {
        let db = try TestCluster.superuser()
        try db.query("DO $$ BEGIN RAISE NOTICE 'heads up %', 42; END $$")
        let notices = db.takeNotices()
        #expect(notices.map(\.message) == ["heads up 42"])
        #expect(db.takeNotices().isEmpty)
    }

    @Test func cancelTokenStopsARunningStatementFromAnotherThread() throws {
        let db = try TestCluster.superuser()
        let token = try #require(db.makeCancelToken())
        let canceller = Thread {
            usleep(300_000)
            token.cancel()
        }
        canceller.start()
        let started = ContinuousClock.now
        #expect { try db.query("SELECT pg_sleep(30)") } throws: { error in
            (error as? PostgresError)?.sqlState == .queryCanceled
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(db.isAlive)
    }

    @Test func terminatedBackendIsReportedAsConnectionLost() throws {
        let victim = try TestCluster.superuser()
        let pid: Int = try #require(try victim.query("SELECT pg_backend_pid() AS pid").first).decode("pid")
        try TestCluster.superuser().query("SELECT pg_terminate_backend($1::int)", [pid])
        #expect { try victim.query("SELECT 1") } throws: { error in
            (error as? PostgresError)?.kind == .connectionLost
        }
        #expect(!victim.isAlive)
    }
}
