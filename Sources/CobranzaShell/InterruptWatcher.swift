import CReadline
import Foundation
import Postgres

/// While a command runs, watches for Ctrl-C and asks the server to cancel the statement; the
/// SIGINT handler itself only sets a flag, so nothing unsafe runs inside it.
final class InterruptWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var interrupted = false
    private let token: CancelToken?

    init(token: CancelToken?) {
        self.token = token
        _ = cobranza_take_sigint()
        let thread = Thread { [self] in self.watch() }
        thread.start()
    }

    func stop() {
        lock.lock()
        running = false
        lock.unlock()
        _ = cobranza_take_sigint()
    }

    /// Whether Ctrl-C came while the command ran: work the client does itself (reading a file)
    /// checks this at each progress report, since the server's cancel cannot stop it.
    var wasInterrupted: Bool { lock.withLock { interrupted } }

    private func watch() {
        while true {
            lock.lock()
            let keepGoing = running
            lock.unlock()
            guard keepGoing else { return }
            if cobranza_sigint_is_pending() != 0 {
                _ = cobranza_take_sigint()
                token?.cancel()
                // Set after the server was asked, so the client's own abort follows the cancel.
                lock.withLock { interrupted = true }
            }
            usleep(20_000)
        }
    }

    static func install() { cobranza_install_sigint_handler() }
}
