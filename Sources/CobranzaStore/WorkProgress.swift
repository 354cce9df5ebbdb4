/// How a long piece of work (a placement file, a bank file, a whole batch accepted, an export)
/// tells its caller how far it has come, and the one place where the caller may stop it: the
/// handler throws (the shell's after Ctrl-C) and the work ends there, inside its transaction, so
/// nothing it did is kept. The store only counts; drawing, throttling and the terminal are the
/// shell's business.
public struct WorkProgress: Sendable, Equatable {
    /// Rows, lines or submissions done so far.
    public var done: Int
    /// How many there are in all, when known before the end (a batch's pending submissions).
    public var total: Int?
    /// The share of the work done when the count of items is not known but the input's size is
    /// (the bytes of a file read so far over its size), 0...1.
    public var share: Double?
    /// What runs once counting is over (the set-wise checks and inserts after a file is read).
    public var step: String?

    public init(done: Int, total: Int? = nil, share: Double? = nil, step: String? = nil) {
        self.done = done
        self.total = total
        self.share = share
        self.step = step
    }

    /// Rows done while reading a file: the share is the bytes read over the file's size, when
    /// the size is known (a pipe has none). Display only: never money.
    public init(done: Int, bytesRead: Int, of size: Int?) {
        self.init(done: done, share: size.map { $0 > 0 ? Double(bytesRead) / Double($0) : 1 })
    }

    /// Called often (every row or every chunk); must be cheap. Throwing stops the work.
    public typealias Handler = (WorkProgress) throws -> Void

    /// For callers that want no report.
    public static var ignore: Handler { { _ in } }
}

/// Work stopped by its caller (Ctrl-C) before it finished; its transaction was rolled back.
public struct WorkCancelled: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}
