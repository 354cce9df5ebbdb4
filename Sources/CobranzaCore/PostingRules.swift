/// The law on posting a debt in a public commercial registry (Chile's Boletín Comercial,
/// Colombia's Datacrédito), per debtor country. The database checks the same rules when a
/// posting is published (`posting_prepare` in 0005_workflow.sql).
public enum PostingRules {
    /// Colombia's habeas-data law fixes 20 calendar days between the prior notice and the report;
    /// Chile and Mexico leave it to the agency's contract with its client.
    public static func noticeDays(country: Country, contractDays: Int) -> Int {
        country == .colombia ? 20 : contractDays
    }

    /// The first day the debt may be published after a notice given on `noticeOn`.
    public static func earliestPublication(noticeOn: CalendarDate, country: Country, contractDays: Int) -> CalendarDate {
        noticeOn.adding(days: noticeDays(country: country, contractDays: contractDays))
    }

    /// Chile forbids reporting debts more than five years past due.
    public static let chileanLimitYears = 5

    /// The reasons the debt could not be posted on `on` whatever notice is given: no consent in
    /// the contract, an open dispute, or (Chile) an invoice more than five years past due, which
    /// only gets older. A notice of posting (`posting notify`) is refused for any of them, and a
    /// last notice letter does not threaten a posting that cannot happen. The database checks the
    /// same before a notice (`posting_notified`, 0027_posting_notice_guard.sql).
    public static func barriers(on: CalendarDate, country: Country, consent: Bool, disputed: Bool, oldestDue: CalendarDate?) -> [String] {
        var reasons: [String] = []
        if !consent { reasons.append("the client's contract does not consent to public posting") }
        if disputed { reasons.append("the case has an open dispute") }
        if country == .chile, let oldestDue, oldestDue.adding(years: chileanLimitYears) < on {
            reasons.append("the oldest invoice fell due on \(oldestDue), more than \(chileanLimitYears) years ago: Chilean law forbids posting it")
        }
        return reasons
    }

    /// Every reason the debt may not be published on `on`, worded for the person trying.
    /// `latestDue`: the last due date of the case's invoices (not cancelled); a debt not yet due
    /// is not published (pre-collection, 0101's `posting_publish_not_yet_due`).
    public static func refusals(on: CalendarDate, country: Country, contractDays: Int, consent: Bool, disputed: Bool,
                                noticeOn: CalendarDate?, oldestDue: CalendarDate?, latestDue: CalendarDate? = nil) -> [String] {
        var reasons = barriers(on: on, country: country, consent: consent, disputed: disputed, oldestDue: oldestDue)
        if let latestDue, latestDue > on {
            reasons.append("an invoice falls due on \(latestDue): a debt is posted only once it is due")
        }
        if let noticeOn {
            let allowed = earliestPublication(noticeOn: noticeOn, country: country, contractDays: contractDays)
            if on < allowed {
                reasons.append("the debtor was notified on \(noticeOn); \(noticeDays(country: country, contractDays: contractDays)) days' notice is required, so posting is allowed from \(allowed)")
            }
        } else {
            reasons.append("the debtor has not been notified (posting notify)")
        }
        return reasons
    }

    /// Business days a posting stays up after the debt is paid, settled or upheld as disputed.
    public static let withdrawalBusinessDays = 7

    /// `holidays`: the debtor's country's (the `holiday` table), as case_closed_withdrawal counts them.
    public static func withdrawalDeadline(closedOn: CalendarDate, holidays: Set<CalendarDate> = []) -> CalendarDate {
        closedOn.adding(businessDays: withdrawalBusinessDays, skipping: holidays)
    }
}
