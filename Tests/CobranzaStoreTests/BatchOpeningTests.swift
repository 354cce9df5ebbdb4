import CobranzaCore
import CobranzaStore
import Foundation
import Postgres
import TestSupport
import Testing

/// Issue 20, item 1: `case open --batch` accepts every pending submission of a placement in one
/// transaction, assigns the new cases by rule, lists what the database refuses (a debtor in
/// dispute) and goes on, or with all-or-nothing opens nothing; a second run finds nothing.
@Suite("Opening a whole batch")
struct BatchOpeningTests {
    let fixture: PaymentFixture
    let bea: String

    init() throws {
        fixture = try PaymentFixture()
        bea = try fixture.db.addPerson("bea", kind: "collector")
    }

    var batch: ClientReference { ClientReference(clientCode: "ACME", number: 1) }

    /// Imports ACME's batch 1: a placement of these debtors (RUT, invoice count), one
    /// submission each, in this order.
    func place(_ debtors: [(rut: String, invoices: Int)]) throws {
        var lines = ["debtor_tax_id,debtor_name,number,issued,due,amount"]
        for (d, debtor) in debtors.enumerated() {
            for i in 0..<debtor.invoices { lines.append("\(debtor.rut),Deudor \(d),B\(d)-\(i),2025-10-01,2025-10-31,10000") }
        }
        let path = NSTemporaryDirectory() + "batch-\(TestCluster.uniqueSuffix()).csv"
        try lines.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try fixture.session(fixture.admin).placements.importFile(at: path, client: "ACME", skipInvalid: false)
        #expect(outcome.submissions.count == debtors.count)
    }

    /// A debtor with an open case under a case-wide dispute; its RUT.
    func disputedDebtor() throws -> String {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [50_000])
        return try fixture.db.asSuperuser { su in
            let row = try su.query("""
                SELECT c.id, d.tax_id FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                 WHERE c.number = $1
                """, [number]).first!
            try su.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'no reconoce la deuda')",
                         [fixture.acme, try row.decode("id", as: Int64.self)])
            return try row.decode("tax_id")
        }
    }

    func pending() throws -> Int {
        try fixture.db.asSuperuser { try $0.query("SELECT count(*) AS n FROM cobranza.submission WHERE status = 'pending'").first!.decode("n") }
    }

    @Test func roundRobinSharesTheNewCasesInTurnAndListsTheDisputedDebtor() throws {
        let disputed = try disputedDebtor()
        try place([(TestCluster.randomRUT(), 2), (TestCluster.randomRUT(), 1), (disputed, 1), (TestCluster.randomRUT(), 3)])
        let cases = try fixture.session(fixture.admin).cases
        // The batch's submissions by number (the import numbers them, not in file order).
        let submissions: [(reference: String, rut: String)] = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT 'ACME-' || s.number AS reference, d.tax_id FROM cobranza.submission s
                  JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id
                 WHERE s.batch_id IS NOT NULL ORDER BY s.number
                """).rows.map { (try $0.decode("reference"), try $0.decode("tax_id")) }
        }
        let result = try cases.open(batch: batch, assignTo: [fixture.collector, bea], rule: .roundRobin)
        #expect(result.batch == "ACME-1")
        #expect(result.opened.map(\.opened.submission) == submissions.filter { $0.rut != disputed }.map(\.reference))
        #expect(result.opened.allSatisfy { !$0.opened.joinedExisting })
        #expect(result.opened.map(\.assignedTo) == [fixture.collector, bea, fixture.collector])
        #expect(result.refused.map(\.submission) == submissions.filter { $0.rut == disputed }.map(\.reference))
        #expect(result.refused.first?.reason.contains("is disputed") == true, "\(result.refused)")
        // The database agrees: each case is held by the collector named.
        for (opened, who) in result.opened {
            let holder: String? = try fixture.db.asSuperuser {
                try $0.query("SELECT assigned_to::text AS who FROM cobranza.collection_case WHERE number = $1", [opened.caseNumber]).first!
                    .decodeIfPresent("who")
            }
            #expect(holder == who)
        }
        #expect(try pending() == 1)
        // Again: only the refused one is pending, and it is refused again; nothing else happens.
        let again = try cases.open(batch: batch, assignTo: [fixture.collector, bea])
        #expect(again.opened.isEmpty && again.refused.map(\.submission) == result.refused.map(\.submission))
    }

    @Test func allOrNothingOpensNothingWhenOneIsRefused() throws {
        let disputed = try disputedDebtor()
        try place([(TestCluster.randomRUT(), 1), (disputed, 1)])
        #expect(throws: StoreError.self) {
            try fixture.session(fixture.admin).cases.open(batch: batch, assignTo: [fixture.collector], allOrNothing: true)
        }
        #expect(try pending() == 2)
    }

    @Test func loadGivesEachCaseToTheCollectorWithFewestOpenCases() throws {
        for _ in 0..<2 {
            let number = try fixture.openCase(tenant: fixture.acme, amounts: [1_000])
            try fixture.db.asSuperuser { try $0.query("UPDATE cobranza.collection_case SET assigned_to = $1 WHERE number = $2", [fixture.collector, number]) }
        }
        try place([(TestCluster.randomRUT(), 1), (TestCluster.randomRUT(), 1), (TestCluster.randomRUT(), 1)])
        let result = try fixture.session(fixture.admin).cases.open(batch: batch, assignTo: [fixture.collector, bea], rule: .load)
        // ana holds 2, bea 0: bea, bea, then a tie goes to the one named first.
        #expect(result.opened.map(\.assignedTo) == [bea, bea, fixture.collector])
        #expect(result.refused.isEmpty)
        // A second run finds nothing pending.
        let again = try fixture.session(fixture.admin).cases.open(batch: batch, assignTo: [fixture.collector, bea], rule: .load)
        #expect(again.opened.isEmpty && again.refused.isEmpty)
    }

    @Test func aNameThatCannotHoldCasesRefusesTheWholeCommand() throws {
        try place([(TestCluster.randomRUT(), 1)])
        #expect(throws: StoreError.self) {
            try fixture.session(fixture.admin).cases.open(batch: batch, assignTo: [fixture.maria])
        }
        #expect(try pending() == 1)
    }

    /// The set-wise path (item 4) makes the writes the one-by-one loop made: a debtor's open
    /// case is joined (and keeps its holder), new cases are numbered gaplessly in submission
    /// order, the turn passes only on cases the rule assigns, every invoice moves, and each
    /// case gets its 'opened' and, when assigned here, its 'assigned' event.
    @Test func aBatchJoiningHeldAndUnheldCasesIsOpenedAsOneByOneWould() throws {
        let admin = try fixture.session(fixture.admin)
        let held = try fixture.openCase(tenant: fixture.acme, amounts: [1_000])
        try admin.cases.assign(held, to: bea)
        let unheld = try fixture.openCase(tenant: fixture.acme, amounts: [1_000])
        func rut(_ caseNumber: String) throws -> String {
            try fixture.db.asSuperuser { try $0.query("""
                SELECT d.tax_id FROM cobranza.collection_case c JOIN cobranza.debtor d ON d.tenant_id = c.tenant_id AND d.id = c.debtor_id
                 WHERE c.number = $1
                """, [caseNumber]).first!.decode("tax_id") }
        }
        let heldRUT = try rut(held), unheldRUT = try rut(unheld)
        try place([(TestCluster.randomRUT(), 2), (heldRUT, 1), (TestCluster.randomRUT(), 1), (unheldRUT, 3), (TestCluster.randomRUT(), 1)])
        let submissions: [(reference: String, rut: String, invoices: Int)] = try fixture.db.asSuperuser { su in
            try su.query("""
                SELECT 'ACME-' || s.number AS reference, d.tax_id, (SELECT count(*) FROM cobranza.invoice i WHERE i.submission_id = s.id) AS n
                  FROM cobranza.submission s JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id
                 WHERE s.batch_id IS NOT NULL ORDER BY s.number
                """).rows.map { (try $0.decode("reference"), try $0.decode("tax_id"), try $0.decode("n")) }
        }
        let result = try admin.cases.open(batch: batch, assignTo: [fixture.collector, bea], rule: .roundRobin)
        #expect(result.refused.isEmpty)
        #expect(result.opened.map(\.opened.submission) == submissions.map(\.reference))
        #expect(result.opened.map(\.opened.invoices) == submissions.map(\.invoices))
        #expect(result.opened.map(\.opened.total) == submissions.map { Int64($0.invoices) * 10_000 })
        var turn = 0
        let expected: [String] = submissions.map { submission in
            if submission.rut == heldRUT { return bea }
            defer { turn += 1 }
            return [fixture.collector, bea][turn % 2]
        }
        #expect(result.opened.map(\.assignedTo) == expected)
        for (opened, _) in result.opened {
            let rut = submissions.first { $0.reference == opened.submission }!.rut
            #expect(opened.joinedExisting == (rut == heldRUT || rut == unheldRUT))
            if rut == heldRUT { #expect(opened.caseNumber == held) }
            if rut == unheldRUT { #expect(opened.caseNumber == unheld) }
        }
        // New cases: consecutive numbers, in submission order, right after the last one.
        let fresh = result.opened.filter { !$0.opened.joinedExisting }.map { Int($0.opened.caseNumber.suffix(6))! }
        #expect(fresh == Array(fresh.first!..<(fresh.first! + fresh.count)))
        #expect(fresh.first! == Int(unheld.suffix(6))! + 1)
        try fixture.db.asSuperuser { su in
            let left = try su.query("""
                SELECT (SELECT count(*) FROM cobranza.submission WHERE batch_id IS NOT NULL AND (status <> 'accepted' OR case_id IS NULL)) AS submissions,
                       (SELECT count(*) FROM cobranza.invoice i JOIN cobranza.submission s ON s.id = i.submission_id
                         WHERE s.batch_id IS NOT NULL AND i.case_id IS DISTINCT FROM s.case_id) AS invoices
                """).first!
            #expect(try left.decode("submissions", as: Int.self) == 0)
            #expect(try left.decode("invoices", as: Int.self) == 0)
            for (opened, who) in result.opened {
                let number = String(opened.submission.split(separator: "-").last!)
                let events = try su.query("""
                    SELECT kind, note FROM cobranza.case_event e JOIN cobranza.collection_case c ON c.tenant_id = e.tenant_id AND c.id = e.case_id
                     WHERE c.number = $1 AND (e.note LIKE '%submission ' || $2 || ' %' OR (e.kind = 'assigned' AND e.id > (
                           SELECT max(id) FROM cobranza.case_event WHERE kind = 'opened' AND note LIKE '%submission ' || $2 || ' %')))
                     ORDER BY e.id
                    """, [opened.caseNumber, number]).rows
                    .map { "\(try $0.decode("kind", as: String.self)): \(try $0.decode("note", as: String.self))" }
                let n = opened.invoices
                let openedNote = (opened.joinedExisting ? "opened: submission \(number) joined the case" : "opened: case opened from submission \(number)")
                    + " (\(n) invoice\(n == 1 ? "" : "s"))"
                let byRule = opened.caseNumber != held
                #expect(events == [openedNote] + (byRule ? ["assigned: assigned to \(who!)"] : []), "\(opened.caseNumber)")
            }
        }
    }

    @Test func onlyStaffOpenABatch() throws {
        try place([(TestCluster.randomRUT(), 1)])
        #expect(throws: (any Error).self) { try fixture.session(fixture.maria).cases.open(batch: batch, assignTo: []) }
        #expect(try pending() == 1)
    }
}

/// The rule of 0045 holds for plain SQL too, and the batch's other halves: rejecting a whole
/// batch, and moving a collector's open cases.
@Suite("Batch review in the database")
struct BatchReviewTests {
    let fixture: PaymentFixture
    init() throws { fixture = try PaymentFixture() }

    @Test func plainSQLCannotAcceptASubmissionIntoADisputedCase() throws {
        let number = try fixture.openCase(tenant: fixture.acme, amounts: [50_000])
        let staff = try fixture.connect(fixture.collector)
        let ids: (caseID: Int64, debtor: Int64) = try fixture.db.asSuperuser { su in
            let row = try su.query("SELECT id, debtor_id FROM cobranza.collection_case WHERE number = $1", [number]).first!
            return (try row.decode("id"), try row.decode("debtor_id"))
        }
        try staff.query("INSERT INTO cobranza.dispute (tenant_id, case_id, reason) VALUES ($1, $2, 'no reconoce')", [fixture.acme, ids.caseID])
        let submission: Int64 = try fixture.db.asSuperuser { try $0.query("""
            INSERT INTO cobranza.submission (tenant_id, debtor_id, currency) VALUES ($1, $2, 'CLP') RETURNING id
            """, [fixture.acme, ids.debtor]).first!.decode("id") }
        var refused: String?
        do {
            try staff.query("UPDATE cobranza.submission SET status = 'accepted', case_id = $2, reviewed_by = session_user, reviewed_at = now() WHERE id = $1",
                            [submission, ids.caseID])
        } catch { refused = error.message }
        #expect(refused?.contains("is disputed") == true, "\(refused ?? "accepted")")
    }

    @Test func aWholeBatchIsRejectedAndACollectorsOpenCasesMove() throws {
        let bea = try fixture.db.addPerson("bea", kind: "collector")
        let admin = try fixture.session(fixture.admin)
        let path = NSTemporaryDirectory() + "reject-\(TestCluster.uniqueSuffix()).csv"
        try "debtor_tax_id,debtor_name,number,issued,due,amount\n\(TestCluster.randomRUT()),A,R-1,2025-10-01,2025-10-31,1000\n\(TestCluster.randomRUT()),B,R-2,2025-10-01,2025-10-31,1000\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try admin.placements.importFile(at: path, client: "ACME", skipInvalid: false)
        let batch = ClientReference(clientCode: "ACME", number: 1)
        let (shown, rejected) = try admin.submissions.reject(batch: batch, reason: "colocado dos veces")
        #expect(shown == "ACME-1" && rejected.count == 2)
        #expect(try admin.submissions.reject(batch: batch, reason: "otra vez").rejected.isEmpty)
        #expect(try admin.cases.open(batch: batch, assignTo: []).opened.isEmpty)

        let held = try (0..<2).map { _ in try fixture.openCase(tenant: fixture.acme, amounts: [1_000]) }
        for number in held {
            try admin.cases.assign(number, to: fixture.collector)
        }
        let moved = try admin.cases.reassign(from: fixture.collector, to: bea)
        #expect(moved == held.sorted())
        #expect(try admin.cases.list(.init(collector: bea)).map(\.number).sorted() == held.sorted())
        #expect(try admin.cases.list(.init(collector: fixture.collector)).isEmpty)
        // The database refuses a person who may not hold cases, and nothing moves.
        #expect(throws: StoreError.self) { try admin.cases.reassign(from: bea, to: fixture.maria) }
        #expect(try admin.cases.list(.init(collector: bea)).count == 2)
    }
}
