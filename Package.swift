// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cobranza",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cobranza", targets: ["cobranza"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // A C target, not a system library: its signal flag needs a single definition (see shim.c).
        // libreadline-dev comes from scripts/setup.
        .target(name: "CReadline", linkerSettings: [.linkedLibrary("readline")]),
        // libcurl (OpenSSL flavour): SMTP and HTTPS for the notice channels. libcurl4-openssl-dev
        // comes from scripts/setup.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .target(name: "Postgres", dependencies: ["CLibpq"]),
        // Notices that leave the building: email by SMTP and SMS/WhatsApp through an HTTP provider.
        .target(name: "Delivery", dependencies: ["CCurl", "CobranzaCore"]),
        .target(name: "CobranzaCore"),
        // The delivery worker (`cobranza worker`): claims the outbox's due messages, sends them
        // through Delivery, records what happened. Its decisions are pure (DeliveryDecision).
        .target(name: "Outbox", dependencies: ["Delivery", "Postgres", "CobranzaCore"]),
        .target(name: "CobranzaStore", dependencies: ["Postgres", "CobranzaCore"]),
        .target(name: "CobranzaShell", dependencies: ["CobranzaStore", "CReadline"]),
        .executableTarget(
            name: "cobranza",
            dependencies: [
                "CobranzaShell",
                "CobranzaStore",
                "Postgres",
                "Outbox",
                "Delivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmarks' load generator (scripts/bench payments): not part of the shell.
        .executableTarget(name: "cobranza-bench", dependencies: ["CobranzaStore", "Postgres"]),
        // Real PostgreSQL for the tests that need one: the throwaway cluster scripts/test starts.
        .target(name: "TestSupport", dependencies: ["Postgres", "CobranzaStore"], path: "Tests/Support"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "CobranzaCoreTests", dependencies: ["CobranzaCore"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "TestSupport"]),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "Delivery", "CobranzaCore", "TestSupport"]),
        .testTarget(name: "CobranzaStoreTests", dependencies: ["CobranzaStore", "TestSupport"]),
        .testTarget(
            name: "CobranzaShellTests", dependencies: ["CobranzaShell", "TestSupport"],
            exclude: []),
    ],
    swiftLanguageModes: [.v6]
)
