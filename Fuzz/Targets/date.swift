// Fuzz target: dates and months as people type them (placement files, bank files, flags).
// Properties: an accepted date is a real date in 1...9999 that its ISO form reads back to;
// day arithmetic round-trips; a month reads back from its description.
@testable import CobranzaCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDate(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)

    if let date = CalendarDate(parsing: text) {
        property(CalendarDate(year: date.year, month: date.month, day: date.day) == date, "\(text.debugDescription) is no real date")
        property(CalendarDate(parsing: date.description) == date, "\(date) does not read back")
        // (A letter writes the year unpadded, so only four-digit years read back from it.)
        property(date.year < 1000 || CalendarDate(parsing: date.spanishShort) == date, "\(date.spanishShort) does not read back")
        _ = date.spanishLong
        // A shift of up to ten years either way, from the input's last two bytes.
        let shift = (Int(bytes[bytes.count - 1]) << 8 | Int(bytes[max(0, bytes.count - 2)])) % 3653 * (bytes.count % 2 == 0 ? 1 : -1)
        if (12...9988).contains(date.year) {
            let moved = date.adding(days: shift)
            property(moved.days(since: date) == shift, "\(date) + \(shift) days is \(moved)")
            property(moved.adding(days: -shift) == date, "\(date) + \(shift) - \(shift) days is not \(date)")
        }
        let later = date.adding(years: 1)
        property(later >= date || date.year == 9999, "\(date) + 1 year is \(later)")
    }
    if let month = CalendarMonth(parsing: text) {
        property(CalendarMonth(parsing: month.description) == month, "\(month) does not read back")
        property(month.firstDay <= month.lastDay || month.year == 9999 && month.month == 12, "\(month) has no days")
    }
    return 0
}
