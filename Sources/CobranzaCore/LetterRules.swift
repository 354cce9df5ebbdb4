/// Who a debtor is, for the way a letter addresses it.
public enum DebtorKind: String, CaseIterable, Sendable {
    case company, person
}

/// How a person is addressed ("Señor", "Señora"); unknown, a letter writes "Señor(a)".
public enum Salutation: String, CaseIterable, Sendable {
    case senor = "señor", senora = "señora"

    /// Also the unaccented spelling people type on a keyboard without ñ.
    public init?(typed text: String) {
        switch text.trimmingSpaces().lowercased() {
        case "señor", "senor", "sr", "sr.": self = .senor
        case "señora", "senora", "sra", "sra.": self = .senora
        default: return nil
        }
    }

    public var title: String { self == .senor ? "Señor" : "Señora" }
}

/// What a collection letter may say about a case: how it greets the debtor, which remedies the
/// last notice announces, and the date it gives the debtor to answer. A letter threatens only
/// what the agency could in fact do, and gives a deadline the debtor can in fact meet.
public enum LetterRules {
    /// The line above the debtor's name: "Señores" for a company; "Señor" or "Señora" for a
    /// person, "Señor(a)" when nobody recorded which.
    public static func greeting(kind: DebtorKind, salutation: Salutation?) -> String {
        switch kind {
        case .company: "Señores"
        case .person: salutation?.title ?? "Señor(a)"
        }
    }

    /// The remedies a last notice may announce.
    public struct Remedies: Equatable, Sendable {
        /// Public posting in a commercial registry: the contract consents and the debt could be posted.
        public var posting: Bool
        /// A lawsuit: the case is at or above the client's judicial threshold, or an admin overrode it.
        public var lawsuit: Bool
        public init(posting: Bool, lawsuit: Bool) {
            self.posting = posting
            self.lawsuit = lawsuit
        }
    }

    /// `postingBarred`: the reasons the debt could never be posted (`PostingRules.barriers`);
    /// `overridden`: an admin referred the case below the threshold.
    public static func remedies(postingBarred: [String], outstanding: Int64, judicialThreshold: Int64, overridden: Bool) -> Remedies {
        Remedies(posting: postingBarred.isEmpty, lawsuit: outstanding >= judicialThreshold || overridden)
    }

    /// The reply deadline of a letter sent on `sentOn` giving `days` days: that day when it is a
    /// business day of the debtor's country, else the next business day. `holidays`: the
    /// country's public holidays from the day the letter is sent on (the `holiday` table).
    public static func replyDeadline(sentOn: CalendarDate, days: Int, holidays: Set<CalendarDate>) -> CalendarDate {
        sentOn.adding(days: max(0, days)).nextBusinessDay(skipping: holidays)
    }
}
