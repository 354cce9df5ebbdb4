import CLibpq

/// A NOTICE/WARNING the server sent alongside a result (RAISE NOTICE, implicit index creation).
public struct Notice: Sendable, Equatable {
    public var severity: String
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
}

/// Collects notices for one connection; libpq calls back into it through an opaque pointer,
/// so it must outlive the PGconn (the Connection keeps it).
final class NoticeCollector {
    var notices: [Notice] = []

    static let receiver: PQnoticeReceiver = { argument, result in
        guard let argument, let result else { return }
        let collector = Unmanaged<NoticeCollector>.fromOpaque(argument).takeUnretainedValue()
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        collector.notices.append(Notice(
            severity: field("V") ?? field("S") ?? "NOTICE",
            sqlState: field("C"),
            message: field("M") ?? "",
            detail: field("D"),
            hint: field("H")))
    }
}
