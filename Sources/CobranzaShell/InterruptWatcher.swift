import CReadline
import Foundation
import Postgres

/// While a command runs, watches for Ctrl-C and asks the server to cancel the statement; the
/// SIGINT handler itself only sets a flag, so nothing unsafe runs inside it.
final class InterruptWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
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

    private func watch() {
        while true {
            lock.lock()
            let keepGoing = running
            lock.unlock()
            guard keepGoing else { return }
            if cobranza_sigint_is_pending() != 0 {
                _ = cobranza_take_sigint()
                token?.cancel()
            }
            usleep(20_000)
        }
    }

    static func install() { cobranza_install_sigint_handler() }
}
