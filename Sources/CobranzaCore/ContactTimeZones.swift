/// The time zones a debtor's contact hours may be read in, by country: Chile's mainland (and
/// Magallanes, which keeps summer time all year), Colombia's one, Mexico's main ones. The
/// database holds the same list (debtor_time_zone_check, 0055); the first of each is the
/// country's default (debtor_time_zone).
public enum ContactTimeZones {
    public static func zones(of country: Country) -> [String] {
        switch country {
        case .chile: ["America/Santiago", "America/Punta_Arenas"]
        case .colombia: ["America/Bogota"]
        case .mexico: ["America/Mexico_City", "America/Cancun", "America/Monterrey", "America/Chihuahua",
                       "America/Hermosillo", "America/Mazatlan", "America/Tijuana"]
        }
    }
}
