import CobranzaCore
import Foundation
import Postgres

/// Bank files (`payment import`), set-wise. A file of 50,000 lines used to be recorded one
/// `record_payment` per line, each under a savepoint, then all rolled back when line 49,999 was
/// bad: a minute either way, with the whole file in memory. Now, in one transaction:
///
/// 1. the file streams through COPY into a temporary staging table (COPY into a table under RLS
///    is refused; into a temp table it is not), each line's columns read in Swift as
///    `payment record` reads its flags — the amount in minor units for every currency, since
///    only the case knows which applies — and a line's problem staged with it, not kept in
///    memory;
/// 2. every line is judged set-wise in one statement (`bank_verdict`): its case, its amount in
///    the case's currency, its reference against the payments already recorded (skipped when
///    it is that very transfer) and against the file's earlier lines, and then what
///    `payment_prepare` would refuse, in its order: a closed case (or one this file's earlier
///    lines pay off or settle), a future date, a date before the case opened, an overpayment
///    against the case's running balance in file order, no contract in force;
/// 3. any refused line and nothing is written: the first fifty problems are listed in line
///    order with their count, in the words a line recorded alone would get;
/// 4. only then the payments are inserted in file order by one INSERT through the same
///    triggers (`payment_prepare` numbers each per case, computes the fee and refuses what it
///    refuses: the database keeps the last word for every row), under the caller's policies,
///    audited per statement. A refusal there (another session recorded a reference or a
///    payment on one of the cases meanwhile) rolls the insert back and judges the file again,
///    which then names the line.
///
/// Client memory stays flat: nothing per line is kept but what the verdict query returns.
extension Payments {
    public struct ImportOutcome: Sendable, Equatable {
        /// How many payments were recorded, and their total per currency.
        public var recorded: Int
        public var totals: [String: Int64]
        /// The cases the file paid off (closed as paid, or settled), by number.
        public var closedCases: [String]
        /// The first ten lines already recorded (the same reference on the same case, amount and
        /// date: importing a file twice adds nothing), and how many there are.
        public var alreadyRecorded: [(line: Int, ref: String)]
        public var alreadyRecordedCount: Int
        public static func == (a: Self, b: Self) -> Bool {
            a.recorded == b.recorded && a.totals == b.totals && a.closedCases == b.closedCases
                && a.alreadyRecorded.map(\.line) == b.alreadyRecorded.map(\.line) && a.alreadyRecordedCount == b.alreadyRecordedCount
        }
    }

    /// The problems of a bank file; the import is all or nothing.
    public struct ImportRefusal: Error, Sendable, CustomStringConvertible {
        /// Where in the file (`line 3`), and what is wrong there: each line is judged as one
        /// payment would be, so its refusal names that payment's fields.
        public struct Problem: Sendable {
            public var place: String?
            public var refusal: StoreError
            init(_ place: String?, _ refusal: StoreError) {
                self.place = place
                self.refusal = refusal
            }
        }
        /// The first problems in line order (at most fifty)…
        public var problems: [Problem]
        /// … and how many there are in all.
        public var count: Int

        init(problems: [Problem], count: Int? = nil) {
            self.problems = problems
            self.count = count ?? problems.count
        }

        /// Every problem listed, with the fields named by `label`.
        public func described(_ label: (String) -> String) -> String {
            let lines = problems.prefix(50).map { problem in (problem.place.map { "\($0): " } ?? "") + problem.refusal.labelled(label) }
            let more = count > lines.count ? "\n  … and \(count - lines.count) more" : ""
            return "nothing imported: \(count) problem(s)\n  \(lines.joined(separator: "\n  "))\(more)"
        }
        public var description: String { described { $0 } }
    }

    public static let importColumns = ["case", "amount", "date", "ref", "channel", "method"]

    /// Records every payment of a bank file (header `case,amount,date,ref[,channel,method]`) in
    /// one transaction: any bad line and nothing is recorded, every bad line is counted and the
    /// first fifty are named. `progress` hears the lines read after each chunk of the file (with
    /// the share of its bytes), then each set-wise step; throwing from it rolls everything back.
    public func importFile(at path: String, progress: WorkProgress.Handler = WorkProgress.ignore) throws -> ImportOutcome {
        guard [.admin, .collector].contains(session.identity.kind) else {
            throw StoreError("only agency admins and collectors record payments")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError(field: "file", "cannot read \(path)") }
        defer { try? handle.close() }
        return try connection.withTransaction {
            // Every currency, in one order: a line's amount is staged in each, the case picks.
            let currencies = try session.currencies().values.sorted { $0.code.rawValue < $1.code.rawValue }
            try connection.query("""
                CREATE TEMP TABLE bank_staging (
                    line int NOT NULL, case_number text, written_date date, channel text, method text, ref text,
                    amounts bigint[], amount_problems text[],
                    problem_column text, problem_field text, problem text
                ) ON COMMIT DROP
                """)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            let lines = try stage(handle, currencies: currencies, size: size, progress: progress)
            try connection.query("ANALYZE bank_staging")
            let codes = currencies.map(\.code.rawValue)
            let today = try session.today()
            var attempt = 0
            while true {
                attempt += 1
                try progress(WorkProgress(done: lines, step: "checking"))
                try judge(codes: codes, today: today)
                try refuseIfAnyLineIsBad()
                try progress(WorkProgress(done: lines, step: "recording"))
                do {
                    return try connection.withTransaction { try record() }
                } catch {
                    // The database's last word: a rule broken since the file was judged (another
                    // session took a reference or paid one of the cases). Judged again, the file
                    // names the line; if twice it does not, the database's refusal is the answer.
                    guard let failure = error as? PostgresError, failure.kind != .connectionLost, failure.isRuleViolation else { throw error }
                    guard attempt < 3 else { throw ImportRefusal(problems: [.init(nil, StoreError(refusing: failure))]) }
                }
            }
        }
    }

    // MARK: - 1. Staging

    /// Streams the file into `bank_staging`: the header checked first, each line's columns read
    /// as `payment record` reads them, its first problem staged with it.
    /// Returns how many lines it staged.
    private func stage(_ handle: FileHandle, currencies: [Currency], size: Int?, progress: WorkProgress.Handler) throws -> Int {
        var reader = CSVReader()
        var names: [String]?
        var lines = 0
        var bytes = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 18)
        // Reads records into the buffer (the writer is not captured: a nested function holding
        // the borrowed, non-copyable writer crashes the 6.3 compiler's move checker).
        func take(_ records: [CSVReader.Record]) throws {
            for record in records {
                guard let names else {
                    names = try Self.header(record)
                    continue
                }
                if record.fields.allSatisfy({ $0.trimmingSpacesAndNewlines().isEmpty }) { continue }
                Self.stageLine(record, names: names, currencies: currencies, into: &buffer)
                lines += 1
            }
        }
        try connection.copyIn("COPY bank_staging FROM STDIN") { writer in
            do {
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    bytes += chunk.count
                    try take(try reader.feed(chunk))
                    try progress(WorkProgress(done: lines, bytesRead: bytes, of: size))
                    if buffer.count >= 1 << 18 {
                        try writer.write(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                try take(try reader.finish())
            } catch let failure as CSVReader.Failure {
                throw ImportRefusal(problems: [.init(nil, StoreError(failure.description))])
            }
            guard names != nil else { throw ImportRefusal(problems: [.init("line 1", StoreError("the file is empty"))]) }
            if !buffer.isEmpty { try writer.write(buffer) }
        }
        return lines
    }

    /// The header's column names, or a refusal naming what is missing or unknown.
    private static func header(_ record: CSVReader.Record) throws -> [String] {
        let names = record.fields.map { $0.trimmingSpacesAndNewlines().lowercased() }
        var problems: [ImportRefusal.Problem] = []
        for required in ["case", "amount", "date", "ref"] where !names.contains(required) {
            problems.append(.init("line \(record.line)", StoreError("header: column \"\(required)\" is missing (expected \(importColumns.joined(separator: ",")))")))
        }
        for name in names where !importColumns.contains(name) {
            problems.append(.init("line \(record.line)", StoreError("header: unknown column \"\(name)\"")))
        }
        guard problems.isEmpty else { throw ImportRefusal(problems: problems) }
        return names
    }

    /// One staged line in COPY text: `line, case_number, written_date, channel, method, ref,
    /// amounts, amount_problems, problem_column, problem_field, problem`. The checks run in the
    /// order a line recorded alone met them; the first problem is staged and the rest of the
    /// line left empty.
    static func stageLine(_ record: CSVReader.Record, names: [String], currencies: [Currency], into buffer: inout [UInt8]) {
        func field(_ name: String) -> String? {
            guard let index = names.firstIndex(of: name), index < record.fields.count else { return nil }
            let value = record.fields[index].trimmingSpacesAndNewlines()
            return value.isEmpty ? nil : value
        }
        func refused(column: String? = nil, _ problem: StoreError) {
            BankCopyText.append([String(record.line), nil, nil, nil, nil, nil, nil, nil, column, problem.fields.first, problem.message],
                                to: &buffer)
        }
        guard record.fields.count == names.count else {
            return refused(StoreError("has \(record.fields.count) fields, the header has \(names.count)"))
        }
        guard let written = field("ref") else {
            return refused(column: "ref", StoreError("required (a bank file's reference makes a second import add nothing)"))
        }
        let amountText = field("amount") ?? ""
        guard let amount = WrittenAmount(amountText) else {
            return refused(StoreError(field: "amount", "\"\(amountText)\" is not an amount"))
        }
        let date: CalendarDate?
        let channel: PaymentChannel
        let method: PaymentMethod
        let ref: String
        do {
            date = try field("date").map { try parseDate($0, field: "date") }
            channel = try field("channel").map { try choice($0, field: "channel") } ?? .agency
            method = try field("method").map { try choice($0, field: "method") } ?? .transfer
            ref = try reference(written) ?? ""
        } catch {
            return refused(StoreError(refusing: error))
        }
        if let control = ControlCharacters.first(in: ref) {
            return refused(StoreError(field: "external_ref", "control character \(ControlCharacters.name(control.scalar)) at character \(control.position) is not allowed"))
        }
        let caseNumber = CaseLookup.normalized(field("case") ?? "")
        if ControlCharacters.first(in: caseNumber) != nil { return refused(CaseLookup.notFound(caseNumber)) }
        var amounts: [String] = []
        var problems: [String?] = []
        for currency in currencies {
            switch amount.minorUnits(in: currency) {
            case .success(let value):
                amounts.append(String(value))
                problems.append(nil)
            case .failure(let problem):
                amounts.append("NULL")
                problems.append("\(problem)")
            }
        }
        BankCopyText.append([
            String(record.line), caseNumber, date?.description, channel.rawValue, method.rawValue, ref,
            "{" + amounts.joined(separator: ",") + "}",
            problems.allSatisfy({ $0 == nil }) ? nil : BankCopyText.arrayLiteral(problems),
            nil, nil, nil,
        ], to: &buffer)
    }

    // MARK: - 2. The verdict

    /// Judges every staged line into `bank_verdict`: action `record`, `skip` (already recorded)
    /// or `refuse` with the field and the words of the refusal. `codes` is the order of the
    /// staged amounts. In steps, each an analysed temp table, so every join is planned on real
    /// row counts (a single statement of CTEs was planned on "1 row" and ran as nested loops:
    /// minutes for 50,000 lines).
    private func judge(codes: [String], today: CalendarDate) throws {
        try connection.query("DROP TABLE IF EXISTS bank_line, bank_case, bank_contract, bank_order, bank_verdict")
        // Each line with its case, its amount in the case's currency and the payment already
        // holding its reference: the client's own (a reference is unique per client) or, for
        // money paid into the agency's account, any client's (received_transfer, 0014).
        try connection.query("""
            CREATE TEMP TABLE bank_line ON COMMIT DROP AS
            SELECT l.*, h.id AS holder_id, h.label AS holder, h.described AS holder_described, h.same_line,
                   (l.problem IS NULL AND l.case_id IS NOT NULL AND l.amount_problem IS NULL) AS reached
              FROM (SELECT s.line, s.case_number AS written_case, s.written_date, coalesce(s.written_date, $2::date) AS paid_on,
                           s.channel, s.method, s.ref, s.problem_column, s.problem_field, s.problem,
                           c.tenant_id, c.id AS case_id, c.number AS case_number, c.currency::text AS currency, c.stage, c.close_code,
                           c.opened_on, c.on_agreement,
                           s.amounts[array_position($1::text[], c.currency::text)] AS amount,
                           s.amount_problems[array_position($1::text[], c.currency::text)] AS amount_problem
                      FROM bank_staging s
                      LEFT JOIN cobranza.collection_case c ON c.number = s.case_number) l
              LEFT JOIN LATERAL (
                    SELECT p.id, pc.number || '/' || p.number AS label,
                           cobranza.format_money(p.amount, p.currency) || ' on ' || p.paid_on::text AS described,
                           (p.case_id = l.case_id AND p.amount = l.amount AND p.paid_on = l.paid_on) AS same_line
                      FROM (SELECT y.tenant_id, y.id FROM cobranza.payment y WHERE y.tenant_id = l.tenant_id AND y.external_ref = l.ref
                            UNION ALL
                            SELECT r.tenant_id, r.payment_id FROM cobranza.received_transfer r
                             WHERE l.channel = 'agency' AND r.external_ref = l.ref) h
                      JOIN cobranza.payment p ON p.tenant_id = h.tenant_id AND p.id = h.id
                      JOIN cobranza.collection_case pc ON pc.tenant_id = p.tenant_id AND pc.id = p.case_id
                     ORDER BY p.id LIMIT 1) h ON l.case_id IS NOT NULL
            """, [codes, today.description])
        try connection.query("ANALYZE bank_line")
        // What each case of the file owed before it (its invoices and the court costs its debtor
        // bears, less its net payments: payment_prepare's sum), its last payment's number, and
        // what its agreement still expects before it settles the case (when discounted).
        try connection.query("""
            CREATE TEMP TABLE bank_case ON COMMIT DROP AS
            SELECT k.tenant_id, k.case_id,
                   (SELECT coalesce(sum(i.amount), 0) FROM cobranza.invoice i WHERE i.tenant_id = k.tenant_id AND i.case_id = k.case_id)
                   + (SELECT coalesce(sum(d.amount), 0) FROM cobranza.court_cost d
                       WHERE d.tenant_id = k.tenant_id AND d.case_id = k.case_id AND d.borne_by = 'debtor')
                   - (SELECT coalesce(sum(p.amount), 0) FROM cobranza.payment p WHERE p.tenant_id = k.tenant_id AND p.case_id = k.case_id)
                     AS outstanding,
                   (SELECT coalesce(max(p.number), 0) FROM cobranza.payment p WHERE p.tenant_id = k.tenant_id AND p.case_id = k.case_id)
                     AS last_number,
                   a.total - a.paid AS settles_after, a.total < a.owed AS discounted
              FROM (SELECT DISTINCT tenant_id, case_id, on_agreement FROM bank_line WHERE reached) k
              LEFT JOIN LATERAL (SELECT s.total, s.paid, s.owed FROM cobranza.agreement_status s
                                  WHERE k.on_agreement AND s.tenant_id = k.tenant_id AND s.case_id = k.case_id
                                  ORDER BY s.id DESC LIMIT 1) a ON true
            """)
        try connection.query("ANALYZE bank_case")
        // The contract in force on each date a client's lines are paid on.
        try connection.query("""
            CREATE TEMP TABLE bank_contract ON COMMIT DROP AS
            SELECT d.tenant_id, d.paid_on, t.code AS client,
                   EXISTS (SELECT 1 FROM cobranza.contract k WHERE k.tenant_id = d.tenant_id AND k.effective_on <= d.paid_on) AS in_force
              FROM (SELECT DISTINCT tenant_id, paid_on FROM bank_line WHERE reached) d
              JOIN cobranza.tenant t ON t.id = d.tenant_id
            """)
        try connection.query("ANALYZE bank_contract")
        // A reference nobody holds yet belongs to its first line in the file (the same client's,
        // or any agency line's when this one is paid to the agency); the lines that would be
        // recorded, in file order within their case, with what their case's earlier lines paid.
        try connection.query("""
            CREATE TEMP TABLE bank_order ON COMMIT DROP AS
            WITH fresh AS (
                SELECT l.line, l.tenant_id, l.case_id, l.amount,
                       least(min(l.line) OVER (PARTITION BY l.tenant_id, l.ref),
                             CASE WHEN l.channel = 'agency'
                                  THEN min(l.line) FILTER (WHERE l.channel = 'agency') OVER (PARTITION BY l.ref) END) AS first_line
                  FROM bank_line l
                 WHERE l.reached AND l.holder_id IS NULL
            )
            SELECT f.line, f.first_line, r.paid_before, r.lines_before, r.nth
              FROM fresh f
              LEFT JOIN (SELECT g.line, coalesce(sum(g.amount) OVER before, 0) AS paid_before, count(*) OVER before AS lines_before,
                                row_number() OVER (PARTITION BY g.tenant_id, g.case_id ORDER BY g.line) AS nth
                           FROM fresh g
                          WHERE g.first_line = g.line
                         WINDOW before AS (PARTITION BY g.tenant_id, g.case_id ORDER BY g.line
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) r ON r.line = f.line
            """)
        try connection.query("ANALYZE bank_order")
        // Each line's first broken rule, in the order a line recorded alone met them.
        try connection.query("""
            CREATE TEMP TABLE bank_verdict ON COMMIT DROP AS
            WITH judged AS (
                SELECT l.*, o.first_line, fl.case_number AS first_case, fc.last_number + fo.nth AS first_number,
                       c.outstanding - o.paid_before AS owed_before, o.nth, k.client,
                       CASE
                           WHEN l.problem IS NOT NULL THEN 'read'
                           WHEN l.case_id IS NULL THEN 'case'
                           WHEN l.amount_problem IS NOT NULL THEN 'amount'
                           WHEN l.holder_id IS NOT NULL AND l.same_line THEN 'skip'
                           WHEN l.holder_id IS NOT NULL THEN 'held'
                           WHEN o.first_line < l.line THEN 'repeated'
                           WHEN l.stage = 'closed' THEN 'closed'
                           WHEN o.lines_before > 0 AND c.outstanding - o.paid_before = 0 THEN 'paid'
                           WHEN o.lines_before > 0 AND c.discounted AND o.paid_before >= c.settles_after THEN 'settled'
                           WHEN l.paid_on > $1::date THEN 'future'
                           WHEN l.paid_on < l.opened_on THEN 'early'
                           WHEN l.amount > c.outstanding - o.paid_before THEN 'over'
                           WHEN NOT k.in_force THEN 'contract'
                           ELSE 'record'
                       END AS rule
                  FROM bank_line l
                  LEFT JOIN bank_order o ON o.line = l.line
                  LEFT JOIN bank_order fo ON fo.line = o.first_line
                  LEFT JOIN bank_line fl ON fl.line = o.first_line
                  LEFT JOIN bank_case fc ON fc.tenant_id = fl.tenant_id AND fc.case_id = fl.case_id
                  LEFT JOIN bank_case c ON c.tenant_id = l.tenant_id AND c.case_id = l.case_id
                  LEFT JOIN bank_contract k ON k.tenant_id = l.tenant_id AND k.paid_on = l.paid_on
            )
            SELECT j.line, j.tenant_id, j.case_id, j.amount, j.paid_on, j.channel, j.method, j.ref,
                   CASE j.rule WHEN 'record' THEN 'record' WHEN 'skip' THEN 'skip' ELSE 'refuse' END AS action,
                   -- Recorded apart, one line per case a statement: agreement_settle, an AFTER
                   -- trigger, must see each payment on a case under agreement as it lands.
                   coalesce(j.on_agreement, false) AS agreement, j.nth,
                   'line ' || j.line || coalesce(', column ' || j.problem_column, '') AS place,
                   CASE j.rule
                       WHEN 'read' THEN j.problem_field
                       WHEN 'case' THEN 'case'
                       WHEN 'amount' THEN 'amount'
                       WHEN 'held' THEN 'external_ref'
                       WHEN 'repeated' THEN 'external_ref'
                       WHEN 'future' THEN 'paid_on'
                       WHEN 'early' THEN 'paid_on'
                   END AS field,
                   CASE j.rule
                       WHEN 'read' THEN j.problem
                       WHEN 'case' THEN 'no case ' || CASE WHEN j.written_case = '' THEN '(empty)' ELSE j.written_case END
                       WHEN 'amount' THEN j.amount_problem
                       WHEN 'held' THEN
                           format('%s is already recorded (payment %s: %s), and this line is %s on case %s on %s: '
                                  'the same bank reference is never counted twice',
                                  j.ref, j.holder, j.holder_described, cobranza.format_money(j.amount, j.currency), j.case_number,
                                  coalesce(j.written_date::text, 'today'))
                       WHEN 'repeated' THEN
                           format('%s is already recorded by line %s of this file (payment %s/%s)', j.ref, j.first_line, j.first_case, j.first_number)
                       WHEN 'closed' THEN format('case %s is closed (%s): payments are recorded on open cases', j.case_number, j.close_code)
                       WHEN 'paid' THEN format('case %s is closed (paid): payments are recorded on open cases', j.case_number)
                       WHEN 'settled' THEN format('case %s is closed (settled): payments are recorded on open cases', j.case_number)
                       WHEN 'future' THEN format('%s is in the future', j.paid_on)
                       WHEN 'early' THEN format('%s is before case %s was opened (%s)', j.paid_on, j.case_number, j.opened_on)
                       WHEN 'over' THEN
                           format('payment of %s is more than the %s outstanding on case %s', cobranza.format_money(j.amount, j.currency),
                                  cobranza.format_money(greatest(0, j.owed_before)::bigint, j.currency), j.case_number)
                       WHEN 'contract' THEN
                           format('client %s has no contract in force on %s: an admin sets one with "client contract set"', j.client, j.paid_on)
                   END AS message
              FROM judged j
            """, [today.description])
    }

    /// Throws the file's refusal when any line is refused: the first fifty, and the count.
    private func refuseIfAnyLineIsBad() throws {
        let refused = try connection.query("""
            SELECT v.place, v.field, v.message, count(*) OVER () AS count FROM bank_verdict v
             WHERE v.action = 'refuse' ORDER BY v.line LIMIT 50
            """)
        guard let first = refused.first else { return }
        let problems = try refused.rows.map { row in
            let message: String = try row.decode("message")
            let refusal = try row.decodeIfPresent("field", as: String.self).map { StoreError(field: $0, message) } ?? StoreError(message)
            return ImportRefusal.Problem(try row.decode("place"), refusal)
        }
        throw ImportRefusal(problems: problems, count: try first.decode("count", as: Int.self))
    }

    // MARK: - 3. Recording

    /// Inserts the lines to record in file order through the payment triggers, and reads back
    /// what the shell reports.
    private func record() throws -> ImportOutcome {
        var outcome = ImportOutcome(recorded: 0, totals: [:], closedCases: [], alreadyRecorded: [], alreadyRecordedCount: 0)
        // Every line on a case with no agreement in one statement; then the lines on cases under
        // an agreement, the first of each case, then the second, …
        var round = 0
        while true {
            let totals = try connection.query("""
                WITH recorded AS (
                    INSERT INTO cobranza.payment (tenant_id, case_id, amount, paid_on, channel, method, external_ref)
                    SELECT v.tenant_id, v.case_id, v.amount, v.paid_on, v.channel, v.method, v.ref
                      FROM bank_verdict v
                     WHERE v.action = 'record' AND CASE WHEN $1 = 0 THEN NOT v.agreement ELSE v.agreement AND v.nth = $1 END
                     ORDER BY v.line
                    RETURNING currency, amount)
                SELECT currency::text AS currency, count(*) AS count, sum(amount)::bigint AS total FROM recorded GROUP BY currency
                """, [round])
            for row in totals.rows {
                outcome.recorded += try row.decode("count", as: Int.self)
                let currency: String = try row.decode("currency")
                outcome.totals[currency] = try MoneyArithmetic.add(outcome.totals[currency] ?? 0, try row.decode("total", as: Int64.self))
            }
            if round > 0 && totals.rows.isEmpty { break }
            round += 1
        }
        // A case the file paid off is closed now (payment_prepare closes it as paid, or
        // agreement_settle as settled); every case of the file was open before it.
        outcome.closedCases = try connection.query("""
            SELECT c.number FROM (SELECT DISTINCT tenant_id, case_id FROM bank_verdict WHERE action = 'record') k
              JOIN cobranza.collection_case c ON c.tenant_id = k.tenant_id AND c.id = k.case_id
             WHERE c.stage = 'closed' ORDER BY c.number
            """).rows.map { try $0.decode("number") }
        let skipped = try connection.query("""
            SELECT v.line, v.ref, count(*) OVER () AS count FROM bank_verdict v WHERE v.action = 'skip' ORDER BY v.line LIMIT 10
            """)
        outcome.alreadyRecorded = try skipped.rows.map { (try $0.decode("line"), try $0.decode("ref")) }
        outcome.alreadyRecordedCount = try skipped.first?.decode("count", as: Int.self) ?? 0
        return outcome
    }
}

/// COPY's text format for a bank file's staged lines: tab-separated, `\N` for NULL, backslash
/// escapes; array columns as array literals.
enum BankCopyText {
    static func append(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(9) }
            guard let field else {
                buffer.append(contentsOf: [92, 78]) // \N
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case 0: continue // never in a staged text: refused before (case, ref) or generated here
                case 92: buffer.append(contentsOf: [92, 92])
                case 9: buffer.append(contentsOf: [92, 116])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(10)
    }

    /// `{"a","b",NULL}`: a text array literal, each element quoted.
    static func arrayLiteral(_ elements: [String?]) -> String {
        "{" + elements.map { element in
            guard let element else { return "NULL" }
            return "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
