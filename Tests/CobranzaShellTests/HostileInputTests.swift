import Foundation
import Postgres
import Testing
import TestSupport

/// What an SME or a file can hand the shell, run through the real binary as staff and SME
/// users would: huge amounts (issue 14, item 4), control characters (items 5 and 14) and bytes
/// that are not UTF-8 (item 12). A crash shows as an exit status above 3 (a trap is 132).
@Suite("Hostile input through the shell")
struct HostileInputTests {
    let db: TestDatabase
    let admin: String
    let maria: String
    let scratch: URL

    init() throws {
        db = try TestCluster.makeDatabase()
        try db.addClient("ACME", taxID: "76123456-0")
        admin = try db.addPerson("boss", kind: "admin")
        maria = try db.addPerson("maria", kind: "client", client: "ACME")
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(TestCluster.uniqueSuffix())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// The real binary as `user` with these arguments, the clock pinned to 2026-03-16.
    func shell(_ user: String, _ arguments: [String], input: String = "") throws -> Subprocess.Result {
        try Subprocess.run(shellArgv(user) + arguments, input: input, environment: environment)
    }

    func shellArgv(_ user: String) throws -> [String] {
        let settings = try TestCluster.settings()
        return [Subprocess.cobranzaBinary, "-h", settings.host, "-p", settings.port, "-d", db.name, "-U", user]
    }

    var environment: [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "PGPASSWORD": TestDatabase.password,
         "PGOPTIONS": "-c cobranza.as_of=2026-03-16", "COBRANZA_HISTORY": "/dev/null", "LANG": "C.UTF-8"]
    }

    /// Runs a shell command line through /bin/sh, for bytes a Swift string cannot carry.
    func sh(_ script: String) throws -> Subprocess.Result {
        let argv = try shellArgv(admin).map { "'" + $0 + "'" }.joined(separator: " ")
        return try Subprocess.run(["/bin/sh", "-c", script.replacingOccurrences(of: "@SHELL@", with: argv)], environment: environment)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = scratch.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - Item 4: any accepted amount leaves every list and show working

    static let debtors = [("77.777.777-7", "Comercial Norte SpA"), ("12.345.678-5", "Juan Pérez"), ("96.543.210-8", "Ferretería Sur Ltda")]
    static let extremes = ["999.999.999.999.999.999", "1.000.000.000.000.000", "1.000.000.000.000.001", "999.999.999.999.999",
                           "500.000.000.000.000", "9.223.372.036.854.775", "1", "123.456.789.012.345.678"]

    @Test func anyAcceptedAmountLeavesEveryListAndShowWorking() async throws {
        var rng = SplitMix(state: 14_04)
        var files: [String] = []
        // The issue's file first: ten rows of 999.999.999.999.999.999 for one debtor.
        var issue = "debtor_tax_id,debtor_name,number,issued,due,amount\n"
        for n in 1...10 { issue += "77.777.777-7,Comercial Norte SpA,BIG-\(n),2025-01-01,2025-02-01,\"999.999.999.999.999.999\"\n" }
        files.append(try write("issue.csv", Array(issue.utf8)))
        for round in 1...6 {
            var text = "debtor_tax_id,debtor_name,number,issued,due,amount\n"
            for row in 1...Int.random(in: 1...12, using: &rng) {
                let (taxID, name) = Self.debtors.randomElement(using: &rng)!
                let amount = Bool.random(using: &rng) ? Self.extremes.randomElement(using: &rng)!
                    : String(UInt64.random(in: 1...(0..<Int.random(in: 1...18, using: &rng)).reduce(UInt64(10)) { v, _ in v * 10 }, using: &rng))
                text += "\(taxID),\(name),R\(round)-\(row),2025-01-01,2025-02-01,\"\(amount)\"\n"
            }
            files.append(try write("round-\(round).csv", Array(text.utf8)))
        }
        let imports = try await offThePool { [self, files] in
            // Half the files with --skip-invalid, so the rows that fit go in beside those that do not.
            try files.enumerated().map { index, file in
                try shell(admin, ["-c", "submission import \(file) --client ACME" + (index % 2 == 1 ? " --skip-invalid" : "")])
            }
        }
        for result in imports { #expect(result.status <= 1, "import crashed: \(result.output)") }

        // Staff name a submission by client and number (ACME-3); the SME reads the same.
        let pending: [String] = try db.asSuperuser {
            try $0.query("SELECT 'ACME-' || number AS ref FROM cobranza.submission ORDER BY id").rows.map { try $0.decode("ref") }
        }
        #expect(pending.count >= 3, "the extreme amounts that fit must be accepted")
        // Opening may be refused (a case has a ceiling), never crash.
        let opened = try await offThePool { [self] in
            try pending.map { try shell(admin, ["-c", "case open \($0)"]) }
        }
        for result in opened {
            #expect(result.status <= 1, "case open crashed: \(result.output)")
            #expect(!result.output.contains("overflow") && !result.output.contains("cannot read"), "\(result.output)")
        }
        let cases: [String] = try db.asSuperuser {
            try $0.query("SELECT number FROM cobranza.collection_case ORDER BY number").rows.map { try $0.decode("number") }
        }
        #expect(!cases.isEmpty)
        let reads = ["submission list --limit 1000", "case list --limit 1000", "portfolio --client ACME"]
            + pending.map { "submission show \($0)" } + cases.map { "case show \($0)" }
        let (staff, client) = try await offThePool { [self] in
            (try shell(admin, ["--on-error-stop"] + reads.flatMap { ["-c", $0] }),
             try shell(maria, ["--on-error-stop"] + reads.map { $0.replacingOccurrences(of: " --client ACME", with: "") }.flatMap { ["-c", $0] }))
        }
        #expect(staff.status == 0, "staff: \(staff.output)")
        #expect(client.status == 0, "client: \(client.output)")
    }

    /// A file whose invoices of one debtor add up past what a submission holds is refused by
    /// line, before anything is written; a case that would pass the bound refuses the
    /// submission joining it, naming the field.
    @Test func totalsPastTheBoundAreRefusedByLineAndByCase() async throws {
        var text = "debtor_tax_id,debtor_name,number,issued,due,amount\n"
        for n in 1...3 { text += "77.777.777-7,Comercial Norte SpA,T-\(n),2025-01-01,2025-02-01,\"400.000.000.000.000\"\n" }
        text += "12.345.678-5,Juan Pérez,T-4,2025-01-01,2025-02-01,1000\n"
        let file = try write("totals.csv", Array(text.utf8))
        var halves = "debtor_tax_id,debtor_name,number,issued,due,amount\n"
        halves += "96.543.210-8,Ferretería Sur Ltda,H-1,2025-01-01,2025-02-01,\"600.000.000.000.000\"\n"
        let first = try write("half-1.csv", Array(halves.utf8))
        let second = try write("half-2.csv", Array(halves.replacingOccurrences(of: "H-1", with: "H-2").utf8))
        let (refused, skipped, _) = try await offThePool { [self] in
            (try shell(admin, ["-c", "submission import \(file) --client ACME"]),
             try shell(admin, ["-c", "submission import \(file) --client ACME --skip-invalid"]),
             try shell(admin, ["-c", "submission import \(first) --client ACME", "-c", "submission import \(second) --client ACME"]))
        }
        let halvesIDs: [String] = try db.asSuperuser {
            try $0.query("""
                SELECT 'ACME-' || s.number AS ref FROM cobranza.submission s JOIN cobranza.debtor d ON d.tenant_id = s.tenant_id AND d.id = s.debtor_id
                 WHERE d.tax_id = '96543210-8' ORDER BY s.id
                """).rows.map { try $0.decode("ref") }
        }
        #expect(halvesIDs.count == 2)
        let opened = try await offThePool { [self] in
            try shell(admin, halvesIDs.flatMap { ["-c", "case open \($0)"] } + ["-c", "case show C-2026-000001"])
        }
        #expect(refused.status == 1)
        #expect(refused.output.contains("3 row(s) have problems") && refused.output.contains("line 2, amount: "), "\(refused.output)")
        #expect(skipped.status == 0 && skipped.output.contains("Imported 1 invoice(s)"), "\(skipped.output)")
        #expect(opened.status == 1, "\(opened.output)")
        #expect(opened.output.contains("error: amount: the invoices of case C-2026-000001 would add up to more than $1.000.000.000.000.000"),
                "\(opened.output)")
        #expect(opened.output.contains("$600.000.000.000.000 CLP"), "\(opened.output)")
    }

    // MARK: - Item 14: what is echoed back is escaped

    @Test func echoedCommandsAndColumnsAreEscaped() async throws {
        let csv = try write("columns.csv", Array("debtor_tax_id,debtor_name,number,issued,due,amount,\u{1B}]0;pwned\u{07}\n".utf8)
            + Array("77.777.777-7,X,F-1,2025-01-01,2025-02-01,1000,\n".utf8))
        let (command, column, value) = try await offThePool { [self] in
            // -a echoes each command before its output, as transcripts show it.
            (try shell(admin, ["-a", "-c", "\u{1B}[31mnonsense\u{07}", "-c", "# \u{1B}]0;title\u{07}"]),
             try shell(admin, ["-c", "submission import \(csv) --client ACME"]),
             try shell(admin, ["-c", "case list --sort \u{1B}[2J"]))
        }
        for result in [command, column, value] {
            #expect(result.status == 1, "\(result.output)")
            #expect(!result.output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "raw control bytes: \(result.output.debugDescription)")
        }
        #expect(command.output.contains(#"\x1B[31mnonsense\x07"#), "\(command.output.debugDescription)")
        #expect(column.output.contains(#"\x1B]0;pwned\x07"#), "\(column.output.debugDescription)")
        #expect(value.output.contains(#"\x1B[2J"#), "\(value.output.debugDescription)")
    }

    @Test func anUnknownCommandIsQuotedToEightyCharacters() async throws {
        let long = String(repeating: "x", count: 500)
        let result = try await offThePool { [self] in try shell(admin, ["-c", long]) }
        #expect(result.status == 1)
        #expect(result.output.contains(String(repeating: "x", count: 80) + "…"), "\(result.output)")
        #expect(!result.output.contains(String(repeating: "x", count: 81)), "\(result.output)")
    }

    // MARK: - Item 12: bytes that are not UTF-8 are refused, never replaced

    @Test func invalidUTF8InACommandArgumentIsRefused() async throws {
        let result = try await offThePool { [self] in try sh(#"exec @SHELL@ -c whoami -c "$(printf 'case show C-\377')""#) }
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("not valid UTF-8") && result.output.contains("byte 13"), "\(result.output)")
        #expect(!result.output.contains("\u{FFFD}"), "\(result.output)")
    }

    @Test func invalidUTF8OnStandardInputIsRefusedByLine() async throws {
        let result = try await offThePool { [self] in
            try sh(#"printf 'whoami\nsubmit invoice --debtor-tax-id 77.777.777-7 --debtor-name "A\303(" --number F-1 --issued 2025-01-01 --due 2025-02-01 --amount 10\n' | @SHELL@"#)
        }
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("stdin:2:") && result.output.contains("not valid UTF-8"), "\(result.output)")
        let stored: Int = try db.asSuperuser { try $0.query("SELECT count(*)::int AS n FROM cobranza.invoice").first!.decode("n") }
        #expect(stored == 0)
    }

    @Test func invalidUTF8InAScriptFileIsRefusedByLine() async throws {
        let script = try write("script.txt", Array("whoami\n# fine\n".utf8) + [0x63, 0x61, 0x73, 0x65, 0x20, 0xC0, 0xAF, 0x0A])
        let result = try await offThePool { [self] in try shell(admin, ["-f", script]) }
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("script.txt:3:") && result.output.contains("byte 6"), "\(result.output)")
    }

    @Test func invalidUTF8InAPlacementFileIsRefusedWithItsLine() async throws {
        let csv = try write("latin1.csv", Array("debtor_tax_id,debtor_name,number,issued,due,amount\n".utf8)
            + Array("77.777.777-7,Comercial Norte SpA,F-1,2025-01-01,2025-02-01,1000\n".utf8)
            + Array("12.345.678-5,Juan P".utf8) + [0xE9] + Array("rez,F-2,2025-01-01,2025-02-01,1000\n".utf8))
        let result = try await offThePool { [self] in try shell(admin, ["-c", "submission import \(csv) --client ACME"]) }
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("line 3") && result.output.contains("not valid UTF-8"), "\(result.output)")
        let stored: Int = try db.asSuperuser { try $0.query("SELECT count(*)::int AS n FROM cobranza.invoice").first!.decode("n") }
        #expect(stored == 0)
    }
}
