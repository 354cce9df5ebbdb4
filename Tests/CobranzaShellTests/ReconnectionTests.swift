import CobranzaShell
import Testing

/// The decision a lost connection takes, without a socket: interactive sessions reconnect once
/// per loss and go on, scripts stop, and a command cut off is reported, never retried.
@Suite("Reconnection")
struct ReconnectionTests {
    @Test func anInteractiveSessionReconnectsOnceAndGoesOn() {
        var link = Reconnection(interactive: true)
        #expect(link.handle(.lostWhileIdle) == .reconnect)
        #expect(link.state == .reconnecting(duringCommand: false))
        #expect(link.handle(.reconnected) == .resume(message: "connection to the server was lost; reconnected"))
        #expect(link.state == .connected)
        // A later loss gets its own attempt.
        #expect(link.handle(.lostWhileIdle) == .reconnect)
    }

    @Test func aCommandCutOffIsSaidToMaybeNotHaveCompleted() {
        var link = Reconnection(interactive: true)
        #expect(link.handle(.lostDuringCommand) == .reconnect)
        #expect(link.handle(.reconnected)
            == .resume(message: "connection to the server was lost; reconnected (the last command may not have completed)"))
    }

    @Test func aFailedReconnectGivesUp() {
        var link = Reconnection(interactive: true)
        _ = link.handle(.lostDuringCommand)
        #expect(link.handle(.reconnectFailed)
            == .exit(message: "connection to the server was lost; could not reconnect (the last command may not have completed)"))
        #expect(link.state == .gaveUp)
        // Given up is final: nothing more is tried.
        #expect(link.handle(.lostWhileIdle) == .none)
        #expect(link.handle(.reconnected) == .none)
    }

    @Test func aScriptStopsWithoutReconnecting() {
        var link = Reconnection(interactive: false)
        #expect(link.handle(.lostDuringCommand) == .exit(message: "connection to the server was lost"))
        #expect(link.state == .gaveUp)
    }

    @Test func eventsThatDoNotApplyChangeNothing() {
        var link = Reconnection(interactive: true)
        #expect(link.handle(.reconnected) == .none)
        #expect(link.handle(.reconnectFailed) == .none)
        #expect(link.state == .connected)
        _ = link.handle(.lostWhileIdle)
        #expect(link.handle(.lostDuringCommand) == .none)
        #expect(link.state == .reconnecting(duringCommand: false))
    }
}
