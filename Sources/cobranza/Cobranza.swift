import ArgumentParser
import CobranzaShell
import CobranzaStore
import Foundation
import Postgres

/// `cobranza`: the shell, and `cobranza db …` for the embedded cluster. Parsing is
/// swift-argument-parser's; everything that prints or exits happens in `run()`.
@main
struct Cobranza: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cobranza",
        abstract: "The debt-collection agency's shell: cases, payments and fees on PostgreSQL.",
        discussion: """
            With no server named (-d, -h, DATABASE_URL, PGHOST, PGSERVICE) it uses the embedded \
            database under $COBRANZA_DATA (default ~/.local/share/cobranza), creating it on first use.
            Exit codes: 0 ok, 1 a command failed, 2 connection lost, 3 a script stopped at its \
            first error under --on-error-stop, or by Ctrl-C.
            """,
        subcommands: [Interactive.self, Database.self, Worker.self],
        defaultSubcommand: Interactive.self,
        helpNames: [.customShort("?"), .long])

    /// Runs, mapping argument errors to exit code 1 (psql's habit) rather than 64.
    static func main() {
        if let refusal = ScriptLine.invalidArgument() {
            FileHandle.standardError.write(Data(("cobranza: " + refusal + "\n").utf8))
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let text = fullMessage(for: error)
            if status == .success {
                print(text)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data(("cobranza: " + text + "\n").utf8))
            Foundation.exit(1)
        }
    }
}

/// Connection flags shared by the shell and `db` subcommands, spelled as psql spells them.
struct ConnectionFlags: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("dbname")], help: "Connection string or URI (postgresql://…).")
    var database: String?
    @Option(name: [.customShort("h"), .customLong("host")], help: "Server host or socket directory.")
    var host: String?
    @Option(name: [.customShort("p"), .customLong("port")], help: "Server port.")
    var port: String?
    @Option(name: [.customShort("U"), .customLong("username")], help: "Log in as this person.")
    var user: String?

    var plan: ConnectionPlan {
        ConnectionPlan.resolve(
            .init(database: database, host: host, port: port, user: user),
            environment: ProcessInfo.processInfo.environment)
    }
}

extension OutputFormat: ExpressibleByArgument {}

struct Interactive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell", abstract: "Open the shell (the default).", helpNames: [.customShort("?"), .long])

    @OptionGroup var connection: ConnectionFlags
    @Option(name: [.customShort("c"), .customLong("command")], help: "Run this command and exit (repeatable).")
    var commands: [String] = []
    @Option(name: [.customShort("f"), .customLong("file")], help: "Run the commands in this file and exit.")
    var file: String?
    @Option(help: "Output format: aligned, csv or json.")
    var format: OutputFormat?
    @Flag(help: "Stop a script (-c, -f, stdin) at its first error, exiting 3.")
    var onErrorStop = false
    @Flag(name: [.customShort("a"), .customLong("echo-all")], help: "Print each command, with its prompt, before its output.")
    var echoAll = false

    func run() throws {
        let console = Console()
        let environment = ProcessInfo.processInfo.environment
        let connector = Connector(plan: connection.plan, environment: environment, console: console)
        let session: CobranzaStore.Session
        do {
            session = try connector.open()
        } catch {
            console.error("cobranza: " + ErrorMessage.line(for: error))
            throw ExitCode(2)
        }
        let shell = Shell(
            session: session, connector: connector,
            options: .init(format: format ?? .aligned, onErrorStop: onErrorStop, echo: echoAll),
            console: console)
        let result: Shell.ExitCode
        if !commands.isEmpty {
            result = shell.runScript(commands)
        } else if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                console.error("cobranza: cannot read \(file)")
                throw ExitCode(1)
            }
            result = shell.runScript(lines: ScriptLine.lines(of: data), source: file)
        } else if Console.stdinIsTerminal {
            let home = environment["HOME"] ?? NSHomeDirectory()
            result = shell.runInteractive(historyPath: environment["COBRANZA_HISTORY"] ?? home + "/.cobranza_history")
        } else {
            result = shell.runStandardInput()
        }
        throw ExitCode(result.rawValue)
    }
}

struct Database: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the embedded database: start, stop, status; or migrate a server.",
        helpNames: [.customShort("?"), .long])

    enum Action: String, ExpressibleByArgument, CaseIterable { case start, stop, status, migrate }

    @Argument(help: "start | stop | status | migrate")
    var action: Action
    @OptionGroup var connection: ConnectionFlags

    func run() throws {
        let console = Console()
        let environment = ProcessInfo.processInfo.environment
        let connector = Connector(plan: connection.plan, environment: environment, console: console)
        let cluster = connector.cluster
        do {
            switch action {
            case .start:
                _ = try connector.open()
                console.out("embedded database running in \(cluster.root.path)\n")
            case .stop:
                let stopped = try cluster.stop(environment: environment)
                console.out(stopped ? "embedded database stopped\n" : "embedded database was not running\n")
            case .status:
                let status = try cluster.status(environment: environment)
                console.out("""
                    data directory: \(cluster.root.path)
                    initialized:    \(status.initialized ? "yes" : "no")
                    running:        \(status.running ? "yes (socket in \(cluster.socketDirectory.path))" : "no")

                    """)
            case .migrate:
                try migrateServer(console: console, environment: environment)
            }
        } catch {
            console.error("cobranza: " + ErrorMessage.line(for: error))
            throw ExitCode(1)
        }
    }

    /// Applies the migrations to a named server; the connecting role must be able to create roles.
    private func migrateServer(console: Console, environment: [String: String]) throws {
        guard case .server(let parameters) = connection.plan.target else {
            _ = try Connector(plan: connection.plan, environment: environment, console: console).open()
            console.out("embedded database is up to date\n")
            return
        }
        guard let sql = MigrationSource.locate(environment: environment) else {
            throw StoreError("cannot find the sql/ directory with the migrations (set COBRANZA_SQL_DIR)")
        }
        let db = try Postgres.Connection(parameters: parameters.map { ($0.key, $0.value) })
        let applied = try Migrator(directory: sql).migrate(db)
        console.out(applied.isEmpty ? "nothing to apply\n" : applied.map { "applied \($0)\n" }.joined())
    }
}
