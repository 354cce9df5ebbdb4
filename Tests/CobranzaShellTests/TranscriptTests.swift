import Foundation
import Postgres
import Testing
import TestSupport

/// Transcript tests, as PostgreSQL's regression suite does it: `Tests/Transcripts/NAME.txt`
/// is exactly what the shell prints with `-a` (each command echoed after its prompt), split
/// into sections by `@as USER [flags]`; an `@exit N` line checks the section's exit code. The
/// runner feeds each section's commands to the real binary, as that user, against a fresh
/// database with the clock pinned (2026-03-16, or the section's `on=DATE`), and compares. `@PASSWORD_FILE@` and `@FILES@`
/// (Tests/Transcripts/files) stand for paths. COBRANZA_ACCEPT=1 rewrites the transcripts.
///
/// What happens outside the shell between two sections is written on lines of its own before the
/// next `@as`, and carried out in order before that section runs (they print nothing; one that
/// fails fails the transcript with its reason):
/// - `@servers` starts the channels' loopback servers (scripts/test-smtp-server.py, and
///   scripts/test-provider-server.py for SMS and WhatsApp) for the rest of the transcript and
///   writes a `canales.conf` pointing at them, which every later shell and `@run` reads through
///   `COBRANZA_CHANNELS_CONF` (`TranscriptServers`).
/// - `@run cobranza ARGS…` runs the binary with ARGS (split at spaces, no quoting) as the run's
///   admin — `@run cobranza worker …` as the database's delivery worker (`deliveryWorker`) —,
///   clock pinned as the next section's, e.g. `@run cobranza worker --once`; it must exit 0,
///   and its output is not compared (a worker's timings vary).
/// - `@received email|sms|whatsapp N`: the servers hold exactly N messages of that channel (mails
///   received; messages the provider created, so a retry under the same key is not counted).
/// - `@sql STATEMENT` runs one statement as the tables' owner (`cobranza_owner`), clock pinned as
///   the next section's: the part of a program the transcript does not run (a worker's failure).
///
/// Transcripts run at once, each in its own database. Roles are cluster-wide, so each run's
/// people log in under names tagged for that run and read back as written (`TranscriptPeople`).
@Suite("Transcripts")
struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Transcripts").standardizedFileURL

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
    }

    struct Section {
        var user: String
        var flags: [String]
        var lines: [String] = []
        var exitCode: Int32 = 0
        /// `@servers`, `@run`, `@received`, `@sql` lines written before the section's `@as`.
        var directives: [String] = []
        var input: String {
            lines.filter { Self.command(in: $0) != nil || $0.hasPrefix("#") }
                .map { Self.command(in: $0) ?? $0 }.joined(separator: "\n") + "\n"
        }
        var expected: String { lines.joined(separator: "\n") + "\n" }

        /// The command on a prompt line (`maria@ACME> client list`), nil for output lines.
        static func command(in line: String) -> String? {
            guard let range = line.range(of: "> "), !line.hasPrefix(" ") else { return nil }
            let prompt = line[..<range.lowerBound]
            let parts = prompt.split(separator: "@")
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else { return nil }
            return String(line[range.upperBound...])
        }
    }

    static func sections(_ text: String) -> [Section] {
        var sections: [Section] = []
        var pending: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("@as ") {
                let words = line.dropFirst(4).split(separator: " ").map(String.init)
                sections.append(Section(user: words[0], flags: Array(words.dropFirst()), directives: pending))
                pending = []
            } else if Self.isDirective(line) {
                pending.append(line)
            } else if line.hasPrefix("@exit ") {
                sections[sections.count - 1].exitCode = Int32(line.dropFirst(6)) ?? -1
            } else if !sections.isEmpty {
                sections[sections.count - 1].lines.append(line)
            }
        }
        for index in sections.indices {
            while sections[index].lines.last == "" { sections[index].lines.removeLast() }
        }
        return sections
    }

    static func isDirective(_ line: String) -> Bool {
        line == "@servers" || ["@run ", "@received ", "@sql "].contains { line.hasPrefix($0) }
    }

    /// Carries out one directive line (see the type's comment) before a section runs as of `day`.
    static func perform(_ directive: String, day: String, db: TestDatabase, admin: String, worker workerLogin: String?,
                        servers: inout TranscriptServers?, environment: inout [String: String]) throws {
        if directive == "@servers" {
            guard servers == nil else { throw TranscriptDirectiveFailure("@servers: already started") }
            let started = try TranscriptServers()
            servers = started
            environment["COBRANZA_CHANNELS_CONF"] = started.configuration.path
        } else if directive.hasPrefix("@run ") {
            let words = directive.dropFirst(5).split(separator: " ").map(String.init)
            guard words.first == "cobranza" else { throw TranscriptDirectiveFailure("\(directive): only `@run cobranza ARGS…` is run") }
            let settings = try TestCluster.settings()
            // `cobranza worker` logs in as the transcript's delivery worker, not as a person.
            let worker = words.dropFirst().first == "worker"
            let connection = ["-h", settings.host, "-p", settings.port, "-d", db.name,
                              "-U", worker ? try deliveryWorker(db, login: workerLogin ?? "worker") : admin]
            let result = try Subprocess.run(
                [Subprocess.cobranzaBinary] + (worker ? ["worker"] + connection + words.dropFirst(2) : connection + words.dropFirst()),
                environment: baseEnvironment(day: day).merging(environment) { $1 })
            guard result.status == 0 else { throw TranscriptDirectiveFailure("\(directive) exited \(result.status):\n\(result.output)") }
        } else if directive.hasPrefix("@received ") {
            let words = directive.dropFirst(10).split(separator: " ").map(String.init)
            guard words.count == 2, ["email", "sms", "whatsapp"].contains(words[0]), let expected = Int(words[1]) else {
                throw TranscriptDirectiveFailure("\(directive): write @received email|sms|whatsapp N")
            }
            guard let servers else { throw TranscriptDirectiveFailure("\(directive): no @servers before it") }
            let received = try servers.received(words[0])
            guard received == expected else { throw TranscriptDirectiveFailure("\(directive): the servers hold \(received)") }
        } else if directive.hasPrefix("@sql ") {
            let statement = String(directive.dropFirst(5))
            try db.asSuperuser { su in
                try su.query("SELECT set_config('cobranza.as_of', $1, false)", [day])
                try su.query("SET ROLE cobranza_owner")
                defer { _ = try? su.query("RESET ROLE"); _ = try? su.query("RESET cobranza.as_of") }
                do { try su.query(statement) } catch { throw TranscriptDirectiveFailure("\(directive): \(error)") }
            }
        }
    }

    /// The transcript's delivery worker (0080_delivery_worker.sql), made on first use through
    /// create_worker under the run's tagged name for `worker` (the timeline shows it as `worker`).
    static func deliveryWorker(_ db: TestDatabase, login: String) throws -> String {
        try db.asSuperuser { su in
            if try su.query("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", [login]).first == nil {
                try su.query("SELECT cobranza.create_worker($1, $2)", [login, TestDatabase.password])
            }
        }
        return login
    }

    /// The tag of each transcript's people (see `TranscriptPeople`); the demo takes the last
    /// character, which no transcript reaches: with 13 transcripts the next one, `d`, made the
    /// demo's ana `and`, a word of its comments.
    static func tag(of name: String) -> Int { names.firstIndex(of: name) ?? names.count }
    static let demoTag = TranscriptPeople.tagCharacters.count - 1

    @Test(arguments: names)
    func transcript(_ name: String) async throws {
        let file = Self.directory.appendingPathComponent(name)
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("transcript-password")
        try (TestDatabase.password + "\n").write(to: passwordFile, atomically: true, encoding: .utf8)
        let files = Self.directory.appendingPathComponent("files").path
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "@PASSWORD_FILE@", with: passwordFile.path)
            .replacingOccurrences(of: "@FILES@", with: files)
        let sections = Self.sections(text)
        #expect(!sections.isEmpty, "\(name) has no @as section")

        let people = try TranscriptPeople(
            sections.map(\.user) + text.matches(of: /user add ([a-z0-9_]+)/).map { String($0.1) } + ["admin"]
                + (text.contains("@run cobranza worker") ? ["worker"] : []),
            tag: Self.tag(of: name), text: text)
        let inputs = try sections.map { section in
            try section.input.split(separator: "\n", omittingEmptySubsequences: false)
                .map { try people.command(String($0)) }.joined(separator: "\n")
        }
        // Blocking work (libpq, the shell as a child process) runs off the test pool, so the
        // transcripts wait on their shells side by side.
        let (results, created) = try await offThePool {
            let db = try Self.database(for: people)
            var servers: TranscriptServers?
            var environment: [String: String] = [:]
            defer { servers?.stop() }
            let results = try zip(sections, inputs).map { section, input in
                // `@as USER on=YYYY-MM-DD` moves the pinned clock for that section (month-end work).
                let day = section.flags.first { $0.hasPrefix("on=") }.map { String($0.dropFirst(3)) } ?? "2026-03-16"
                for directive in section.directives {
                    try Self.perform(directive, day: day, db: db, admin: people.login("admin"), worker: people.tagged["worker"],
                                     servers: &servers, environment: &environment)
                }
                return try Self.run(as: people.login(section.user), on: day, in: db,
                                    flags: ["-a"] + section.flags.filter { !$0.hasPrefix("on=") }, input: input, environment: environment)
            }
            return (results, try Self.people(in: db))
        }
        // A person created under a plain name would be shared with the other transcripts.
        #expect(created.allSatisfy { people.plain[$0] != nil }, "\(name) created people without this run's tag: \(created)")
        var actualText = ""
        for (section, result) in zip(sections, results) {
            let output = people.output(result.output)
            actualText += section.directives.map { $0 + "\n" }.joined()
            actualText += "@as " + ([section.user] + section.flags).joined(separator: " ") + "\n" + output
            if result.status != 0 { actualText += "@exit \(result.status)\n" }
            actualText += "\n"
            #expect(output == section.expected, "\(name), as \(section.user):\n--- expected\n\(section.expected)--- actual\n\(output)")
            #expect(result.status == section.exitCode, "\(name), as \(section.user): exit code")
        }
        if ProcessInfo.processInfo.environment["COBRANZA_ACCEPT"] == "1" {
            let restored = actualText.replacingOccurrences(of: passwordFile.path, with: "@PASSWORD_FILE@")
                .replacingOccurrences(of: files, with: "@FILES@")
            try String(restored.dropLast()).write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// A fresh database with the run's admin. Its people's names are tagged for this run alone,
    /// so any left in the cluster by an earlier run of the same transcript are dropped first.
    static func database(for people: TranscriptPeople) throws -> TestDatabase {
        let db = try TestCluster.makeDatabase()
        try db.asSuperuser { superuser in
            for person in people.tagged.values {
                // Identifiers cannot be bound as parameters; the server quotes the name instead.
                if let row = try superuser.query("SELECT quote_ident(rolname) AS role FROM pg_roles WHERE rolname = $1", [person]).first {
                    try superuser.query("DROP ROLE " + (try row.decode("role", as: String.self)))
                }
            }
            try superuser.query("SELECT cobranza.create_person($1, 'admin', NULL, $2)", [people.login("admin"), TestDatabase.password])
        }
        return db
    }

    static func people(in db: TestDatabase) throws -> [String] {
        try db.asSuperuser { try $0.query("SELECT role_name::text AS name FROM cobranza.person ORDER BY 1").rows.map { try $0.decode("name") } }
    }

    /// The real binary as `user`, with the clock pinned to `day`.
    static func run(as user: String, on day: String, in db: TestDatabase, flags: [String], input: String,
                    environment: [String: String] = [:]) throws -> Subprocess.Result {
        let settings = try TestCluster.settings()
        return try Subprocess.run(
            [Subprocess.cobranzaBinary, "-h", settings.host, "-p", settings.port, "-d", db.name, "-U", user] + flags,
            input: input, environment: baseEnvironment(day: day).merging(environment) { $1 })
    }

    static func baseEnvironment(day: String) -> [String: String] {
        [
            "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path,
            "PGPASSWORD": TestDatabase.password, "PGOPTIONS": "-c cobranza.as_of=\(day)",
            "COBRANZA_HISTORY": "/dev/null", "LANG": "C.UTF-8",
        ]
    }

    /// `scripts/run --demo` feeds scripts/demo.txt to the shell as the first admin: it must run
    /// to the end and leave the worked case the README's tour looks at.
    @Test func theDemoLoadsAWorkedCase() async throws {
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("demo-password")
        try (TestDatabase.password + "\n").write(to: passwordFile, atomically: true, encoding: .utf8)
        let demo = try String(contentsOf: Self.directory.appendingPathComponent("../../scripts/demo.txt").standardizedFileURL, encoding: .utf8)
            .replacingOccurrences(of: "@PASSWORD_FILE@", with: passwordFile.path)
            .replacingOccurrences(of: "@YEAR@", with: "2026")
            .replacingOccurrences(of: "@IN_3_DAYS@", with: "2026-11-26")
        let people = try TranscriptPeople(
            demo.matches(of: /user add ([a-z0-9_]+)/).map { String($0.1) } + ["admin"], tag: Self.demoTag, text: demo)
        let script = try demo.split(separator: "\n", omittingEmptySubsequences: false)
            .map { try people.command(String($0)) }.joined(separator: "\n")
        let (loaded, maria, pending, notices, created, log, agreement) = try await offThePool {
            let db = try Self.database(for: people)
            let admin = people.login("admin")
            return (try Self.run(as: admin, on: "2026-11-23", in: db, flags: ["--on-error-stop"], input: script),
                    try Self.run(as: people.login("maria"), on: "2026-11-23", in: db, flags: [], input: "case list\ncase show C-2026-000001\n"),
                    try Self.run(as: admin, on: "2026-11-23", in: db, flags: [], input: "submission list --pending\n"),
                    try Self.run(as: admin, on: "2026-11-23", in: db, flags: [], input: "notice list\n"),
                    try Self.people(in: db),
                    try Self.run(as: admin, on: "2026-11-23", in: db, flags: [], input: "strategy log --case C-2026-000003\n"),
                    try Self.run(as: admin, on: "2026-11-23", in: db, flags: [], input: "agreement show C-2026-000004\n"))
        }
        #expect(created.allSatisfy { people.plain[$0] != nil } && created.count == 5, "the demo's people: \(created)")
        #expect(loaded.status == 0, "\(loaded.output)")
        #expect(maria.status == 0, "\(maria.output)")
        for expected in ["C-2026-000001", "C-2026-000002", "Ferretería Sur Ltda", "recordatorio por correo", "$300.000"] {
            #expect(maria.output.contains(expected), "maria's view lacks \(expected):\n\(maria.output)")
        }
        #expect(!maria.output.contains("el gerente"), "an internal note reached the client")
        #expect(pending.output.contains("ANDES") && !pending.output.contains("ACME"), "\(pending.output)")
        #expect(notices.output.contains("pagos@ferreteriasur.cl") && notices.output.contains("queued"), "the demo's notice: \(notices.output)")
        // Pre-collection: the invoice due in three days gets its day -3 reminder in the demo's run.
        #expect(log.output.contains("reminder | done"), "\(log.output)")
        // An agreement that a cancelled invoice came off: 450.000 agreed, 150.000 cancelled from the last instalment.
        for expected in ["$450.000 CLP", "total_now", "$300.000 CLP", "| cancelled"] {
            #expect(agreement.output.contains(expected), "the demo's agreement lacks \(expected):\n\(agreement.output)")
        }
    }
}
