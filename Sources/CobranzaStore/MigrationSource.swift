import Foundation

/// Finds the `sql/` directory shipped beside the program. Migrations stay plain files (reviewed
/// as SQL, checksummed when applied) rather than strings compiled into the binary.
public enum MigrationSource {
    /// Looks in `$COBRANZA_SQL_DIR`, then upwards from the executable (a build tree or an
    /// install prefix with `share/cobranza/sql`), then beside this source file (tests).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment["COBRANZA_SQL_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("sql"))
            candidates.append(directory.appendingPathComponent("share/cobranza/sql"))
            directory.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../sql").standardizedFileURL)
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("migrations").path) }
    }
}
