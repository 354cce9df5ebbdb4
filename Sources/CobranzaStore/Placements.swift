import CobranzaCore
import Foundation
import Postgres

/// Invoices handed over for collection, one at a time (`submit invoice`) or by file (`submit
/// import`, `submission import`). Both go the same way: every row is validated in Swift field by
/// field while it streams through COPY into a temporary staging table (COPY into an RLS table is
/// refused; into a temp table it is not), then debtors, submissions and invoices are inserted
/// set-wise. The rules that need the whole file or the stored data (a number once, a bounded
/// total) run set-wise in SQL: first when the file has bad rows, skips them or was imported
/// before; otherwise only if the database's keys and triggers refuse the insert, to name each bad
/// line. One transaction: a refused file leaves nothing behind. Client memory stays flat whatever
/// the size.
public struct Placements {
    let session: Session
    var connection: Connection { session.connection }

    public struct Outcome: Sendable, Equatable {
        public var invoices: Int
        public var newDebtors: Int
        /// The new submissions and the file's batch as the person who placed them names them
        /// (`12` for the client's own users, `ACME-12` for staff): numbered per client (0019).
        public var submissions: [String]
        public var batch: String?
        /// The first warnings (prescription risk); `warningCount` counts them all. Capped so a
        /// million-row file keeps the client's memory flat.
        public var warnings: [String]
        public var warningCount: Int
        public var skipped: [PlacementProblem]
    }

    /// Refused input: every problem found, each with line, column and rule.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var problems: [PlacementProblem]
        public var totalBadRows: Int
        public var headline: String { "nothing imported: \(totalBadRows) row(s) have problems" }
        /// The first fifty problems, one a line, and how many more there are.
        public var listing: [String] {
            problems.prefix(50).map(\.description) + (problems.count > 50 ? ["… and \(problems.count - 50) more"] : [])
        }
        public var description: String { ([headline] + listing).joined(separator: "\n  ") }
    }

    // MARK: - One invoice

    public struct SingleInvoice: Sendable {
        public var debtorTaxID: String
        public var debtorName: String
        public var number: String
        public var issued: String
        public var due: String
        public var amount: String
        public var currency: String?
        public var note: String?
        public init(debtorTaxID: String, debtorName: String, number: String, issued: String, due: String,
                    amount: String, currency: String? = nil, note: String? = nil) {
            self.debtorTaxID = debtorTaxID
            self.debtorName = debtorName
            self.number = number
            self.issued = issued
            self.due = due
            self.amount = amount
            self.currency = currency
            self.note = note
        }
    }

    /// `submit invoice`: the same rules as a file of one row; its refusal names the fields by
    /// their columns, one problem after another.
    public func submit(_ invoice: SingleInvoice, client: String?) throws -> Outcome {
        let header = try PlacementHeader(["debtor_tax_id", "debtor_name", "number", "issued", "due", "amount", "currency", "note"])
        let record = CSVReader.Record(line: 1, fields: [
            invoice.debtorTaxID, invoice.debtorName, invoice.number, invoice.issued, invoice.due, invoice.amount,
            invoice.currency ?? "", invoice.note ?? "",
        ])
        do {
            return try run(client: client, fileName: nil, checksum: nil, skipInvalid: false, progress: WorkProgress.ignore) { stage in
                try stage([record], header)
            }
        } catch let refusal as Refusal {
            throw StoreError(all: refusal.problems.map { StoreError(field: $0.column, $0.rule) }) ?? refusal
        }
    }

    // MARK: - A file

    /// `progress` hears the rows read after each chunk of the file (with the share of its bytes
    /// read), then each set-wise step; throwing from it stops the import and keeps nothing.
    public func importFile(at path: String, client: String?, skipInvalid: Bool,
                           progress: WorkProgress.Handler = WorkProgress.ignore) throws -> Outcome {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot read \(path)") }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        var checksum = FNV1a()
        return try run(client: client, fileName: URL(fileURLWithPath: path).lastPathComponent, checksum: { checksum.hex }, skipInvalid: skipInvalid,
                       progress: progress) { stage in
            var reader = CSVReader()
            var header: PlacementHeader?
            var rows = 0
            var bytes = 0
            func take(_ records: [CSVReader.Record]) throws {
                var rest = records[...]
                if header == nil, let first = rest.first {
                    do { header = try PlacementHeader(first.fields) } catch {
                        throw Refusal(problems: error.problems, totalBadRows: 1)
                    }
                    rest = rest.dropFirst()
                }
                if let header, !rest.isEmpty {
                    try stage(rest, header)
                    rows += rest.count
                }
            }
            do {
                // 64 KB at a time: a batch of some 600 rows, whose COPY text the server parses
                // while the next is read and validated.
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    checksum.add(chunk)
                    bytes += chunk.count
                    try take(try reader.feed(chunk))
                    try progress(WorkProgress(done: rows, bytesRead: bytes, of: size))
                }
                try take(try reader.finish())
            } catch let failure as CSVReader.Failure {
                throw Refusal(problems: [PlacementProblem(line: failure.line, column: "(file)", rule: failure.message)], totalBadRows: 1)
            }
            if header == nil { throw StoreError("\(path) is empty: a header row is required (\(PlacementHeader.required.joined(separator: ",")))") }
        }
    }

    // MARK: - The pipeline

    /// Takes the records read so far (after the header), in order.
    typealias Stage = (ArraySlice<CSVReader.Record>, PlacementHeader) throws -> Void

    private func run(client: String?, fileName: String?, checksum: (() -> String)?, skipInvalid: Bool,
                     progress: WorkProgress.Handler, produce: (Stage) throws -> Void) throws -> Outcome {
        var timing = PhaseTiming()
        defer { timing.total() }
        return try connection.withTransaction {
            // The statements below hash and group whole files, and the invoice triggers read
            // their statement's rows from a transition table: at the default 4 MB a 200,000-row
            // file spilled all of them to temporary files (0.4-0.5 s of a 7 s import). For this
            // transaction only, as a bulk load is entitled to.
            try connection.query("SET LOCAL work_mem = '128MB'")
            // The temporary tables are analyzed for their joins' row counts only: a sample of
            // 3,000 rows (a tenth of the default) plans them as well, in a fraction of the time.
            try connection.query("SET LOCAL default_statistics_target = 10")
            let scope = try TenantScope.resolve(session, client: client)
            let context = PlacementContext(
                country: scope.country, defaultCurrency: scope.currency,
                currencies: try session.currencies(), today: try session.today(),
                preDueDays: try Contracts.preDueDays(connection, tenant: scope.id))
            try connection.query("""
                CREATE TEMP TABLE placement_staging (
                    line int NOT NULL, tax_id text NOT NULL, name text NOT NULL, kind text NOT NULL,
                    email text, phone text, address text, city text, region text,
                    number text NOT NULL, issued date NOT NULL, due date NOT NULL,
                    amount bigint NOT NULL, currency text NOT NULL, note text
                ) ON COMMIT DROP
                """)
            var problems: [PlacementProblem] = []
            var badLines = Set<Int>()
            var warnings: [String] = []
            var warningCount = 0
            var rows = 0
            timing.mark("setup")
            var writing = Duration.zero
            let clock = ContinuousClock()
            try connection.copyIn("COPY placement_staging FROM STDIN") { writer in
                try produce { records, header in
                    for part in PlacementEncoding.encodeSplitting(records, header: header, context: context) {
                        rows += part.rows
                        warningCount += part.warningCount
                        for warning in part.warnings where warnings.count < PlacementEncoding.warningsShown { warnings.append(warning) }
                        for refused in part.refused {
                            badLines.insert(refused.line)
                            if problems.count < 10_000 { problems += refused.problems }
                        }
                        // Sent in pieces smaller than a socket's buffer, so the server parses one
                        // while the next is validated here; a 256 KB piece made each send wait
                        // for the server to drain it, and the two took turns (0.35 s of 1 s).
                        var offset = 0
                        while offset < part.bytes.count {
                            let end = min(offset + (1 << 15), part.bytes.count)
                            let started = clock.now
                            try writer.write(part.bytes[offset..<end])
                            writing += clock.now - started
                            offset = end
                        }
                    }
                }
            }
            timing.mark("read, validate and COPY into staging")
            timing.report("  of which COPY writes", writing)
            if rows == 0 { throw StoreError("nothing to import: the file has a header and no rows") }
            try progress(WorkProgress(done: rows, step: "checking"))
            try connection.query("ANALYZE placement_staging (line, tax_id, number, currency)")
            timing.mark("analyze staging")

            // Whole-file and stored-data rules, set-wise: refuses the file naming every problem by
            // line, or (--skip-invalid) leaves only the good rows in staging.
            func checkWholeFile() throws {
                let clashes = try connection.query("""
                    SELECT s.line, s.number, 'also on line ' || first.line AS rule
                    FROM placement_staging s
                    JOIN (SELECT number, min(line) AS line FROM placement_staging GROUP BY number HAVING count(*) > 1) first
                      ON first.number = s.number AND s.line <> first.line
                    UNION ALL
                    SELECT s.line, s.number,
                           CASE WHEN c.number IS NOT NULL THEN 'already in case ' || c.number
                                ELSE 'already in submission ' || $2 || sub.number END
                    FROM placement_staging s
                    JOIN cobranza.invoice i ON i.tenant_id = $1 AND i.number = s.number
                    JOIN cobranza.submission sub ON sub.tenant_id = i.tenant_id AND sub.id = i.submission_id
                    LEFT JOIN cobranza.collection_case c ON c.tenant_id = i.tenant_id AND c.id = i.case_id
                    ORDER BY 1
                    """, [scope.id, session.referencePrefix(client: scope.code)])
                let clashLines = try clashes.rows.map { try $0.decode("line", as: Int.self) }
                for row in clashes.rows {
                    let number: String = try row.decode("number")
                    problems.append(PlacementProblem(
                        line: try row.decode("line"), column: "number", rule: "invoice \(number) is \(try row.decode("rule", as: String.self))"))
                }
                badLines.formUnion(clashLines)
                // A submission is one debtor's invoices in one currency, and its total is bounded
                // (0016): said here by line, rather than by the trigger about a submission that
                // never was.
                let oversized = try connection.query("""
                    SELECT s.line, s.tax_id, s.currency
                    FROM placement_staging s
                    JOIN (SELECT tax_id, currency FROM placement_staging GROUP BY tax_id, currency HAVING sum(amount) > $1) g
                      ON g.tax_id = s.tax_id AND g.currency = s.currency
                    ORDER BY s.line
                    """, [Money.largestAmount])
                var oversizedLines: [Int] = []
                for row in oversized.rows {
                    let line: Int = try row.decode("line")
                    let code = CurrencyCode(rawValue: try row.decode("currency", as: String.self))
                    let largest = code.flatMap { context.currencies[$0] }.map { Money(minorUnits: Money.largestAmount, currency: $0).formatted }
                        ?? String(Money.largestAmount)
                    oversizedLines.append(line)
                    problems.append(PlacementProblem(
                        line: line, column: "amount",
                        rule: "the invoices of debtor \(try row.decode("tax_id", as: String.self)) in this file add up to more than \(largest), the most one submission holds (split them over files)"))
                }
                badLines.formUnion(oversizedLines)
                timing.mark("whole-file checks")
                problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }

                if let checksum, rows > 0, badLines.count == rows, !clashLines.isEmpty,
                   let earlier = try connection.query(
                    "SELECT number, imported_on::text AS day FROM cobranza.import_batch WHERE tenant_id = $1 AND checksum = $2",
                    [scope.id, checksum()]).first {
                    throw StoreError("nothing imported: this file was already imported on \(try earlier.decode("day", as: String.self)) as batch \(session.reference(client: scope.code, number: try earlier.decode("number")))")
                }
                if !badLines.isEmpty && !skipInvalid { throw Refusal(problems: problems, totalBadRows: badLines.count) }
                if !clashLines.isEmpty || !oversizedLines.isEmpty {
                    try connection.query("DELETE FROM placement_staging WHERE line = ANY($1::int[])", [(clashLines + oversizedLines).map(String.init)])
                }
                if rows - badLines.count == 0 {
                    throw Refusal(problems: problems, totalBadRows: badLines.count)
                }
            }
            // A file that reads clean is inserted first and checked only if the database refuses
            // it: each of these rules is also a key or trigger of the tables (an invoice number
            // once per client, a submission's bounded total), so a bad file is still refused, and
            // then, back at a savepoint, named line by line as before. A file with bad rows, one
            // whose rows are to be skipped, or one imported before is checked first.
            let sameFileBefore = try checksum.map { checksum in
                try connection.query("SELECT 1 FROM cobranza.import_batch WHERE tenant_id = $1 AND checksum = $2",
                                     [scope.id, checksum()]).first != nil
            } ?? false
            let checkFirst = skipInvalid || !badLines.isEmpty || sameFileBefore
            if checkFirst { try checkWholeFile() }

            /// The batch, debtors, submissions and invoices of the rows left in staging.
            func insertAll() throws -> Outcome {
                let good = rows - badLines.count
                var batch: (id: Int64, number: Int64)?
                if let fileName, let checksum {
                    do {
                        let row = try connection.query("""
                            INSERT INTO cobranza.import_batch (tenant_id, file_name, checksum, row_count)
                            VALUES ($1, $2, $3, $4) RETURNING id, number
                            """, [scope.id, fileName, checksum(), good]).first!
                        batch = (try row.decode("id"), try row.decode("number"))
                    } catch let error as PostgresError where error.sqlState == .uniqueViolation {
                        throw StoreError("nothing imported: this file was already imported (same contents)")
                    }
                }
                timing.mark("batch")
                try progress(WorkProgress(done: good, step: "inserting debtors"))
                // The file's debtors and currencies, each with its first line, from one grouping of
                // the staging rows (each further pass over them cost as much as the debtors' insert).
                try connection.query("""
                    CREATE TEMP TABLE placement_key ON COMMIT DROP AS
                    SELECT tax_id, currency, min(line) AS line FROM placement_staging GROUP BY tax_id, currency
                    """)
                try connection.query("ANALYZE placement_key")
                // Each new debtor as its first line in the file names it, matched as a semi-join,
                // which hashes those lines rather than every wide staging row. The debtors already
                // stored are left out by an anti-join, and the rest inserted plainly: ON CONFLICT
                // made each row a speculative insertion (0.4 s of 100,000 debtors). A debtor
                // another session stores at the same moment makes that insert fail on the key;
                // then, back at the savepoint, ON CONFLICT takes it as it is.
                let debtorsOfTheFile = """
                    INSERT INTO cobranza.debtor (tenant_id, country, tax_id, name, kind, email, phone, address, city, region)
                    SELECT $1::bigint, $2, s.tax_id, s.name, s.kind, s.email, s.phone, s.address, s.city, s.region
                    FROM placement_staging s
                    WHERE s.line IN (SELECT min(line) FROM placement_key GROUP BY tax_id)
                    """
                let newDebtors: Int
                do {
                    newDebtors = try connection.withTransaction {
                        try connection.query("""
                            \(debtorsOfTheFile)
                              AND NOT EXISTS (SELECT 1 FROM cobranza.debtor d WHERE d.tenant_id = $1 AND d.country = $2 AND d.tax_id = s.tax_id)
                            ORDER BY s.tax_id
                            """, [scope.id, scope.country.code]).affectedRows
                    }
                } catch let error as PostgresError where error.sqlState == .uniqueViolation {
                    newDebtors = try connection.query("""
                        \(debtorsOfTheFile)
                        ORDER BY s.tax_id
                        ON CONFLICT (tenant_id, country, tax_id) DO NOTHING
                        """, [scope.id, scope.country.code]).affectedRows
                }
                // Submissions first, one per debtor and currency, remembered in analysed temp tables so
                // every join below is planned on real row counts: the debtors inserted a moment ago
                // have no statistics, and a join planned on "1 row" runs as a quadratic nested loop.
                try connection.query("""
                    CREATE TEMP TABLE placement_debtor ON COMMIT DROP AS
                    SELECT k.tax_id, k.currency, d.id AS debtor_id
                    FROM placement_key k
                    JOIN cobranza.debtor d ON d.tenant_id = $1 AND d.country = $2 AND d.tax_id = k.tax_id
                    """, [scope.id, scope.country.code])
                timing.mark("debtors")
                try connection.query("ANALYZE placement_debtor")
                timing.mark("debtor map")
                try progress(WorkProgress(done: good, step: "inserting submissions"))
                try connection.query("""
                    CREATE TEMP TABLE placement_submission ON COMMIT DROP AS
                    WITH submitted AS (
                        INSERT INTO cobranza.submission (tenant_id, debtor_id, currency, batch_id)
                        SELECT $1, debtor_id, currency, $2 FROM placement_debtor
                        RETURNING id, number, debtor_id, currency)
                    SELECT s.id, s.number, s.debtor_id, s.currency, pd.tax_id
                    FROM submitted s JOIN placement_debtor pd ON pd.debtor_id = s.debtor_id AND pd.currency = s.currency
                    """, [scope.id, batch?.id])
                try connection.query("ANALYZE placement_submission")
                timing.mark("submissions")
                try progress(WorkProgress(done: good, step: "inserting invoices"))
                let inserted = try connection.query("""
                    INSERT INTO cobranza.invoice (tenant_id, submission_id, debtor_id, number, issued, due, amount, currency, note)
                    SELECT $1, sub.id, sub.debtor_id, s.number, s.issued, s.due, s.amount, s.currency, s.note
                    FROM placement_staging s
                    JOIN placement_submission sub ON sub.tax_id = s.tax_id AND sub.currency = s.currency
                    """, [scope.id]).affectedRows
                timing.mark("invoices")
                let submissions = try connection.query(
                    "SELECT array_agg(number ORDER BY number)::text[] AS numbers, $1::bigint AS invoices FROM placement_submission", [inserted])
                let numbers = (try submissions.first!.decodeIfPresent("numbers", as: [String].self) ?? []).compactMap { Int64($0) }
                return Outcome(
                    invoices: try submissions.first!.decode("invoices"), newDebtors: newDebtors,
                    submissions: numbers.map { session.reference(client: scope.code, number: $0) },
                    batch: batch.map { session.reference(client: scope.code, number: $0.number) }, warnings: warnings, warningCount: warningCount, skipped: skipInvalid ? problems : [])
            }
            if checkFirst { return try insertAll() }
            do {
                return try connection.withTransaction { try insertAll() }
            } catch {
                // A cancelled import (Ctrl-C) or anything not the database's refusal stands as it is.
                guard let refused = error as? PostgresError, refused.sqlState != .queryCanceled else { throw error }
                try checkWholeFile()
                throw error
            }
        }
    }
}

/// COPY's text format: tab-separated, `\N` for NULL, backslash escapes. Written straight into
/// the buffer, numbers and dates digit by digit and text from its UTF-8 storage, with no
/// intermediate strings: it runs once per row of a million-row placement.
enum CopyText {
    static func append(_ row: PlacementRow, to buffer: inout [UInt8]) {
        appendInteger(Int64(row.line), to: &buffer)
        for text in [row.debtorTaxID.normalized, row.debtorName, row.debtorKind] {
            buffer.append(9)
            appendText(text, to: &buffer)
        }
        for text in [row.debtorEmail, row.debtorPhone, row.debtorAddress, row.debtorCity, row.debtorRegion] {
            buffer.append(9)
            appendText(text, to: &buffer)
        }
        buffer.append(9)
        appendText(row.number, to: &buffer)
        buffer.append(9)
        appendDate(row.issued, to: &buffer)
        buffer.append(9)
        appendDate(row.due, to: &buffer)
        buffer.append(9)
        appendInteger(row.amount, to: &buffer)
        buffer.append(9)
        appendText(row.currency.rawValue, to: &buffer)
        buffer.append(9)
        appendText(row.note, to: &buffer)
        buffer.append(10)
    }

    static func appendText(_ text: String?, to buffer: inout [UInt8]) {
        guard var text else {
            buffer.append(contentsOf: [92, 78]) // \N
            return
        }
        text.withUTF8 { bytes in
            if !bytes.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 92: buffer.append(contentsOf: [92, 92])
                case 9: buffer.append(contentsOf: [92, 116])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                default: buffer.append(byte)
                }
            }
        }
    }

    static func appendInteger(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(45) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { slots in
            repeat {
                slots[count] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(slots[index]) }
        }
    }

    /// `YYYY-MM-DD`, as `CalendarDate.description` writes it.
    static func appendDate(_ date: CalendarDate, to buffer: inout [UInt8]) {
        buffer.append(UInt8(48 + date.year / 1000 % 10))
        buffer.append(UInt8(48 + date.year / 100 % 10))
        buffer.append(UInt8(48 + date.year / 10 % 10))
        buffer.append(UInt8(48 + date.year % 10))
        buffer.append(45)
        buffer.append(UInt8(48 + date.month / 10))
        buffer.append(UInt8(48 + date.month % 10))
        buffer.append(45)
        buffer.append(UInt8(48 + date.day / 10))
        buffer.append(UInt8(48 + date.day % 10))
    }
}

/// A 64-bit FNV-1a digest: enough to recognise the same file imported twice (not a security
/// measure: the rows themselves are checked against stored invoices regardless).
struct FNV1a {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ bytes: Data) {
        // Over the raw bytes: Data's iterator costs a call per byte.
        var state = self.state
        bytes.withUnsafeBytes { raw in
            for byte in raw {
                state ^= UInt64(byte)
                state = state &* 0x0000_0100_0000_01b3
            }
        }
        self.state = state
    }
    var hex: String { "fnv1a64:" + String(state, radix: 16) }
}
