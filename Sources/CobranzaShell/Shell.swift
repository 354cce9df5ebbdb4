import CobranzaStore
import Foundation
import Postgres

/// The REPL: reads lines (from readline, a file, stdin or -c), runs meta-commands and domain
/// commands, prints results, and keeps the exit code psql users expect.
public final class Shell {
    public struct Options: Sendable {
        public var format: OutputFormat
        public var onErrorStop: Bool
        /// Echo each command with its prompt before its output (`-a`), as transcripts show it.
        public var echo: Bool

        public init(format: OutputFormat = .aligned, onErrorStop: Bool = false, echo: Bool = false) {
            self.format = format
            self.onErrorStop = onErrorStop
            self.echo = echo
        }
    }

    /// Process exit codes, as psql's: 0 ok, 1 a command failed, 2 connection lost, 3 a script
    /// stopped at its first error under --on-error-stop, or stopped by Ctrl-C.
    public enum ExitCode: Int32, Sendable {
        case ok = 0, failed = 1, connectionLost = 2, stoppedOnError = 3
    }

    /// `cancelled`: Ctrl-C stopped the command. The interactive loop goes on; a script stops,
    /// as psql's does (its EXIT_USER), since the lines after it assumed it had run.
    enum Outcome { case ok, failed, cancelled, quit, connectionLost }

    var session: Session
    var renderer: Renderer
    var timing = false
    let options: Options
    let connector: Connector
    let console: Console
    let parser = CommandParser()
    var interactive = false

    public init(session: Session, connector: Connector, options: Options, console: Console = Console()) {
        self.session = session
        self.connector = connector
        self.options = options
        self.console = console
        self.renderer = Renderer(format: options.format, chartStyle: .current())
        InterruptWatcher.install()
    }

    public var prompt: String {
        "\(session.identity.user)@\(session.identity.clientCode ?? "agency")> "
    }

    // MARK: - Sources of lines

    /// Runs `-c` commands, a file or piped stdin: every line in order; the first error stops
    /// the run under --on-error-stop (exit 3), otherwise the run goes on and exits 1.
    public func runScript(_ lines: [String], source: String? = nil) -> ExitCode {
        runScript(lines: lines.map { .text($0) }, source: source)
    }

    /// As `runScript(_:source:)`, for lines read from bytes: a line that is not UTF-8 fails as
    /// a command would, named by its place (`stdin:2` when there is no file).
    public func runScript(lines: [ScriptLine], source: String? = nil) -> ExitCode {
        var failed = false
        for (index, line) in lines.enumerated() {
            let outcome: Outcome
            switch line {
            case .text(let text):
                outcome = runLine(text, location: source.map { "\($0):\(index + 1)" })
            case .invalid(let problem):
                console.error("error: " + TerminalText.escaped("\(source ?? "stdin"):\(index + 1): ") + problem.description)
                outcome = .failed
            }
            switch outcome {
            case .ok: continue
            case .quit: return failed ? .failed : .ok
            case .connectionLost: return .connectionLost
            case .cancelled: return .stoppedOnError
            case .failed:
                failed = true
                if options.onErrorStop { return .stoppedOnError }
            }
        }
        return failed ? .failed : .ok
    }

    /// Reads standard input to its end, then runs it; each line is checked to be UTF-8 on its
    /// own (`readLine` would replace bad bytes with U+FFFD and run them).
    public func runStandardInput() -> ExitCode {
        var data = Data()
        while case let chunk = FileHandle.standardInput.availableData, !chunk.isEmpty { data.append(chunk) }
        var lines = ScriptLine.lines(of: data)
        if lines.last == .text("") { lines.removeLast() }
        return runScript(lines: lines)
    }

    /// The interactive loop: readline, history, completion; Ctrl-C abandons the line. A lost
    /// connection is reopened once, as psql does (`Reconnection`); exit 2 only if that fails.
    public func runInteractive(historyPath: String) -> ExitCode {
        interactive = true
        var link = Reconnection(interactive: true)
        let editor = LineEditor(historyPath: historyPath, completer: Completer(), live: LiveLookup(shell: self))
        console.out("cobranza — \(session.identity.user) (\(session.identity.kind.rawValue)). Type help for commands, \\q to quit.\n")
        while true {
            switch editor.read(prompt: prompt) {
            case .end:
                console.out("\n")
                return .ok
            case .interrupted:
                continue
            case .invalid(let problem):
                console.error("error: " + problem.description)
            case .line(let line):
                // A server that went away while the shell waited for this line is noticed now,
                // so the line runs on a new session instead of failing (\q needs no server).
                if Self.needsServer(line), !session.connection.pollIsAlive(), !recover(&link, from: .lostWhileIdle) {
                    return .connectionLost
                }
                switch runLine(line, location: nil) {
                case .quit: return .ok
                case .connectionLost:
                    if !recover(&link, from: .lostDuringCommand) { return .connectionLost }
                case .ok, .failed, .cancelled: continue
                }
            }
        }
    }

    /// Carries out what `Reconnection` decides about a loss; false when the shell must exit 2.
    func recover(_ link: inout Reconnection, from event: Reconnection.Event) -> Bool {
        var action = link.handle(event)
        if action == .reconnect {
            do {
                session = try connector.reopen()
                action = link.handle(.reconnected)
            } catch {
                console.error("error: " + ErrorMessage.line(for: error))
                action = link.handle(.reconnectFailed)
            }
        }
        switch action {
        case .resume(let message):
            console.error(message + "\n")
            return true
        case .exit(let message):
            console.error(message + "\n")
            return false
        case .reconnect, .none:
            return false
        }
    }

    /// Whether a line would talk to the server: not blank, a comment or `\q`.
    static func needsServer(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("--") { return false }
        if case .quit? = try? MetaCommand.parse(trimmed) { return false }
        return true
    }

    // MARK: - One line

    func runLine(_ line: String, location: String?) -> Outcome {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .ok }
        // The echo (-a) shows what was read, escaped like any other text for the terminal.
        if trimmed.hasPrefix("#") || trimmed.hasPrefix("--") {
            if options.echo { console.out(TerminalText.escaped(line) + "\n") }
            return .ok
        }
        if options.echo { console.out(prompt + TerminalText.escaped(trimmed) + "\n") }
        let started = ContinuousClock.now
        let outcome: Outcome
        do {
            if let meta = try MetaCommand.parse(trimmed) {
                outcome = try runMeta(meta)
            } else if let invocation = try parser.parse(trimmed) {
                let watcher = InterruptWatcher(token: session.connection.makeCancelToken())
                defer { watcher.stop() }
                let meter = ProgressMeter(label: invocation.spec.name) { watcher.wasInterrupted }
                defer { meter.clear() }
                let write: (String) -> Void = { [console] text in
                    // Rows written to the terminal itself would tangle with the progress line.
                    if Console.stdoutIsTerminal { meter.hide() }
                    console.out(text)
                }
                let runner = CommandRunner(session: session, write: write, progress: meter.handler(unit:)) { [interactive] user in
                    guard interactive || PasswordPrompt.isAvailable else {
                        throw UsageError("\(invocation.spec.name): give --password-file FILE when not on a terminal")
                    }
                    return try PasswordPrompt.readNew(for: user)
                }
                console.out(renderer.render(try runner.run(invocation)))
                outcome = .ok
            } else {
                outcome = .ok
            }
        } catch {
            console.error("error: " + (location.map { TerminalText.escaped("\($0): ") } ?? "") + ErrorMessage.line(for: error))
            if ErrorMessage.isConnectionLost(error) || !session.connection.isAlive { return .connectionLost }
            outcome = ErrorMessage.isCancellation(error) ? .cancelled : .failed
        }
        if timing { console.out("Time: \(Self.milliseconds(ContinuousClock.now - started)) ms\n") }
        return outcome
    }

    func runMeta(_ meta: MetaCommand) throws -> Outcome {
        switch meta {
        case .help:
            console.out(MetaCommand.helpText)
        case .quit:
            return .quit
        case .format(let format):
            if let format { renderer.format = format }
            console.out("Output format is \(renderer.format.rawValue).\n")
        case .expanded(let value):
            renderer.expanded = value ?? !renderer.expanded
            console.out("Expanded display is \(renderer.expanded ? "on" : "off").\n")
        case .timing(let value):
            timing = value ?? !timing
            console.out("Timing is \(timing ? "on" : "off").\n")
        case .connect(let user):
            let next = try connector.open(user: user ?? session.identity.user)
            session = next
            console.out("You are now connected as \(next.identity.user) (\(next.identity.kind.rawValue)).\n")
        case .include(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw UsageError("\\i: cannot read \(path)")
            }
            switch runScript(lines: ScriptLine.lines(of: data), source: path) {
            case .ok: return .ok
            case .connectionLost: return .connectionLost
            case .failed: return .failed
            case .stoppedOnError: return options.onErrorStop ? .failed : .cancelled
            }
        }
        return .ok
    }

    /// `12.345` for a duration, in integer arithmetic.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// Completion's window on the database: what this session may see, fetched on demand.
struct LiveLookup: LiveValues {
    unowned let shell: Shell
    func clientCodes() -> [String] { (try? shell.session.clients.codes()) ?? [] }
    func userNames() -> [String] { (try? shell.session.users.names()) ?? [] }
    func caseNumbers() -> [String] { (try? shell.session.cases.numbers()) ?? [] }
}
