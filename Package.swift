// swift-tools-version:6.3
import PackageDescription

let package = Package(
    name: "FedLake",
    products: [.executable(name: "fedlake", targets: ["fedlake"])],
    targets: [
        // Layer 0: module maps over Debian -dev packages. Nothing else.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "blas", providers: [.apt(["libblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinux"),
        // Layer 1
        .target(name: "DICOM", dependencies: ["CZlib"]),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "HTTP", dependencies: ["CCurl", "COpenSSL"]),
        .target(name: "Storage", dependencies: ["CSQLite", "CLinux"]),
        .target(name: "Telemetry"),
        // Layer 2
        .target(name: "Connectors", dependencies: ["HTTP", "Crypto", "DICOM"]),
        .target(name: "Deidentify", dependencies: ["DICOM", "Crypto"]),
        .target(name: "Privacy", dependencies: ["Crypto"]),
        // Layer 3
        .target(name: "Lake", dependencies: ["Storage", "DICOM", "Deidentify", "Connectors", "Crypto", "Privacy", "Telemetry"]),
        .target(name: "Synthesis", dependencies: ["DICOM", "Deidentify", "Telemetry"]),
        // Layer 4
        .target(name: "Node", dependencies: ["Lake", "Connectors", "Deidentify", "Crypto", "Telemetry", "HTTP"]),
        // Layer 5
        .executableTarget(name: "fedlake", dependencies: ["DICOM", "Crypto", "Deidentify", "Synthesis", "Lake", "Node", "Storage", "Telemetry"]),
        // Tests only
        .target(name: "TestSupport", dependencies: ["DICOM", "Crypto", "HTTP", "Synthesis"]),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM", "Synthesis", "TestSupport"]),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "DICOM", "Deidentify", "TestSupport"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry"]),
        .testTarget(name: "ConnectorsTests", dependencies: ["Connectors", "HTTP", "Crypto", "DICOM", "Synthesis", "TestSupport"]),
        .testTarget(name: "DeidentifyTests", dependencies: ["Deidentify", "DICOM", "Crypto", "Synthesis", "TestSupport"]),
        .testTarget(name: "LakeTests", dependencies: [
            "Lake", "Storage", "Connectors", "Deidentify", "DICOM", "Crypto", "HTTP", "Synthesis", "TestSupport",
            "cohort-ledger-stress",
        ]),
        .executableTarget(name: "cohort-ledger-stress", dependencies: ["Lake", "Storage"], path: "Tests/CohortLedgerStress"),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "Crypto"]),
        .testTarget(name: "PrivacyAuditTests", dependencies: ["Privacy", "Lake", "Storage"], exclude: ["README.md"]),
        .testTarget(name: "NodeTests", dependencies: [
            "Node", "Lake", "Storage", "Connectors", "Crypto", "HTTP", "DICOM", "Synthesis", "Telemetry", "TestSupport",
        ]),
        .testTarget(name: "CLITests", dependencies: ["DICOM", "Deidentify", "Synthesis", "Storage", "HTTP", "TestSupport"]),
        // Benchmarks against peer tools (bench/README.md)
        .executableTarget(name: "fedlake-bench", dependencies: ["DICOM"], path: "bench/Sources/fedlake-bench"),
        .executableTarget(name: "privacy-bench", dependencies: ["Privacy"], path: "bench/Sources/privacy-bench"),
        .executableTarget(name: "cohort-bench", dependencies: ["Lake", "Storage"], path: "bench/Sources/cohort-bench"),
    ],
    swiftLanguageModes: [.v6]
)

// One place for compiler strictness (as swift-log does in its Package.swift).
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
        .treatAllWarnings(as: .error),
    ]
}

// Fuzz targets: libFuzzer supplies `main`, so they are declared only for fuzzing builds
// (`make fuzz-deid`: FEDLAKE_FUZZ=1 and -sanitize=fuzzer,address -parse-as-library), never in the normal build.
if Context.environment["FEDLAKE_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "fuzz-deidentify", dependencies: ["DICOM", "Deidentify", "Crypto"], path: "fuzz/DeidentifyFuzz"))
    package.targets.append(
        .executableTarget(name: "fuzz-http-parser", dependencies: ["HTTP"], path: "fuzz/HTTPParserFuzz"))
    package.targets.append(
        .executableTarget(name: "fuzz-config", dependencies: ["Node"], path: "fuzz/NodeConfigFuzz"))
}
