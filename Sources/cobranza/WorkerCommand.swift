import ArgumentParser
import CobranzaStore
import Delivery
import Dispatch
import Foundation
import Outbox
import Postgres

/// `cobranza worker [--once]`: delivers the outbox. It logs in as a delivery worker (a member of
/// cobranza_worker, see 0080_delivery_worker.sql) with the same connection settings as the shell;
/// with nothing configured, the embedded database's own "worker" login. The channels come from
/// canales.conf (COBRANZA_CHANNELS_CONF). Exit codes: 0 done (or stopped by SIGINT/SIGTERM),
/// 1 a configuration error, 2 the database unreachable (--once, or at start).
/// Running, a connection lost later is opened again every 2 seconds until it succeeds.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Deliver queued notices (email, SMS, WhatsApp) as they fall due.",
        discussion: """
            Runs until SIGINT/SIGTERM, woken by LISTEN/NOTIFY when a message is queued; --once delivers \
            what is due now and exits, printing what it did. Channels: the file COBRANZA_CHANNELS_CONF names.
            """,
        helpNames: [.customShort("?"), .long])

    @OptionGroup var connection: ConnectionFlags
    @Flag(help: "Deliver what is due now, print a summary and exit.")
    var once = false
    @Option(help: "Messages claimed at a time (1 to 1000).")
    var batch = 10
    @Option(help: "Seconds a claimed message stays this worker's; after that, still unsent (its worker died), any worker takes it back and sends it under the same key.")
    var lease = 300
    @Option(help: "Attempts before a message whose send keeps failing is marked failed.")
    var maxAttempts = 8
    @Option(help: "Milliseconds to wait after a first failed attempt; doubled after each further one.")
    var backoff = 60_000
    @Option(help: "The longest wait between two attempts, in milliseconds.")
    var backoffCap = 6 * 3_600_000

    /// Pins the worker's clock (cobranza.as_of) for tests and training: honoured by the database
    /// only for a login that is a member of cobranza_clock, as for everyone else.
    static let clockVariable = "COBRANZA_WORKER_AS_OF"

    func validate() throws {
        guard (1...1000).contains(batch) else { throw ValidationError("--batch: between 1 and 1000") }
        guard lease >= 1 else { throw ValidationError("--lease: at least 1 second") }
        guard (1...1000).contains(maxAttempts) else { throw ValidationError("--max-attempts: between 1 and 1000") }
        guard backoff >= 0, backoffCap >= backoff else { throw ValidationError("--backoff: 0 or more, and not above --backoff-cap") }
    }

    var options: DeliveryWorker.Options {
        DeliveryWorker.Options(batch: batch, leaseSeconds: lease,
                               retry: RetryPolicy(maxAttempts: maxAttempts, baseMilliseconds: backoff, capMilliseconds: backoffCap))
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let dispatcher: NoticeDispatcher
        do {
            dispatcher = try NoticeDispatcher(settings: ChannelSettings.load(environment: environment))
        } catch {
            Self.fail("\(error)")
            throw ExitCode(1)
        }
        let stop = StopRequest()
        let database: Connection
        do {
            database = try open(environment: environment)
        } catch {
            Self.fail("cannot reach the database: \(error)")
            throw ExitCode(2)
        }
        if once {
            let worker = DeliveryWorker(connection: database, sender: dispatcher, options: options)
            do {
                let summary = try worker.deliverDue(stop: stop.isRequested)
                FileHandle.standardOutput.write(Data(("worker: " + summary.line + "\n").utf8))
            } catch {
                Self.fail(database.isAlive ? "\(error)" : "the database connection was lost: \(error)")
                throw ExitCode(database.isAlive ? 1 : 2)
            }
            return
        }
        // Running: a lost connection (a restart, a failover) is opened again after a pause; what
        // this worker had claimed and not settled is taken back by the lease, so nothing is lost.
        var current = database
        while !stop.isRequested() {
            let worker = DeliveryWorker(connection: current, sender: dispatcher, options: options)
            do {
                try worker.run(stop: stop.isRequested) { summary in
                    FileHandle.standardOutput.write(Data(("worker: " + summary.line + "\n").utf8))
                }
                return
            } catch {
                // A terminated session says so (57P01) before its socket closes: under load the
                // worker saw the connection still alive and exited instead of connecting again.
                let ended = (error as? PostgresError)?.sqlState?.endsTheSession == true
                guard ended || !current.isAlive || !current.pollIsAlive() else {
                    Self.fail("\(error)")
                    throw ExitCode(1)
                }
                Self.fail("the database connection was lost (\(error)); connecting again")
            }
            while !stop.isRequested() {
                Self.pause(seconds: Self.reconnectSeconds, unless: stop.isRequested)
                if stop.isRequested() { return }
                do {
                    current = try open(environment: environment)
                    break
                } catch {
                    Self.fail("cannot reach the database: \(error)")
                }
            }
        }
    }

    /// The pause between two attempts to reach a lost database.
    static let reconnectSeconds = 2

    static func pause(seconds: Int, unless stop: () -> Bool) {
        for _ in 0..<(seconds * 10) where !stop() { usleep(100_000) }
    }

    /// The connection: a named server as the shell reaches it, else the embedded database's worker.
    func open(environment: [String: String]) throws -> Connection {
        var parameters: [(keyword: String, value: String)]
        let plan = connection.plan
        switch plan.target {
        case .embedded(let user):
            guard let sql = MigrationSource.locate(environment: environment) else {
                throw StoreError("cannot find the sql/ directory with the migrations (set COBRANZA_SQL_DIR)")
            }
            let cluster = EmbeddedCluster(root: EmbeddedCluster.defaultRoot(environment: environment))
            let notes = try cluster.prepare(migrations: try Migrator(directory: sql), environment: environment)
            notes.forEach { FileHandle.standardError.write(Data(("cobranza: " + $0 + "\n").utf8)) }
            parameters = user == nil ? try cluster.workerConnectionParameters() : try cluster.connectionParameters(user: user)
        case .server(let planned):
            parameters = planned.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        parameters.append(("application_name", "cobranza worker"))
        let database = try Connection(parameters: parameters)
        if let pinned = environment[Self.clockVariable], !pinned.isEmpty {
            try database.query("SELECT pg_catalog.set_config('cobranza.as_of', $1, false)", [pinned])
        }
        return database
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data(("cobranza worker: " + message + "\n").utf8))
    }
}

/// SIGINT/SIGTERM ask the worker to stop between messages: the signals are ignored as signals and
/// delivered to a dispatch source instead, which sets the flag the loop reads.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        // A parent may have blocked them (a test runner's threads do), and a child inherits that.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }

    func request() { lock.withLock { requested = true } }

    func isRequested() -> Bool { lock.withLock { requested } }
}
