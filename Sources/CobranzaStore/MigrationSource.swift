import Foundation

/// Finds the `sql/` directory shipped beside the program. Migrations stay plain files (reviewed
/// as SQL, checksummed when applied) rather than strings compiled into the binary.
public enum MigrationSource {
    /// Looks in `$COBRANZA_SQL_DIR`, then upwards from the executable (a build tree or an
    /// install prefix with `share/cobranza/sql`), then beside this source file (tests).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        ShippedFiles.locate("sql", variable: "COBRANZA_SQL_DIR", marker: "migrations", environment: environment)
    }
}

/// Plain files the program reads at run time (migrations, letter templates), found the same way
/// wherever it runs: from a build tree, an install prefix or the tests.
public enum ShippedFiles {
    /// `$variable` if set; else the first `folder` (or `share/cobranza/folder`) holding `marker`
    /// upwards from the executable; else the repository's, beside this source file.
    public static func locate(_ folder: String, variable: String, marker: String,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let explicit = environment[variable], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent(folder))
            candidates.append(directory.appendingPathComponent("share/cobranza/\(folder)"))
            directory.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../\(folder)").standardizedFileURL)
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(marker).path) }
    }
}
