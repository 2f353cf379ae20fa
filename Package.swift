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
        // Layer 1
        .target(name: "DICOM", dependencies: ["CZlib"]),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "HTTP", dependencies: ["CCurl", "COpenSSL"]),
        .target(name: "Storage", dependencies: ["CSQLite"]),
        // Layer 2
        .target(name: "Connectors", dependencies: ["HTTP", "Crypto", "DICOM"]),
        .target(name: "Deidentify", dependencies: ["DICOM", "Crypto"]),
        // Layer 3
        .target(name: "Lake", dependencies: ["Storage", "DICOM", "Deidentify", "Connectors", "Crypto"]),
        .target(name: "Synthesis", dependencies: ["DICOM", "Deidentify"]),
        // Layer 5
        .executableTarget(name: "fedlake", dependencies: ["DICOM", "Crypto", "Deidentify", "Synthesis"]),
        // Tests only
        .target(name: "TestSupport", dependencies: ["DICOM", "Crypto", "HTTP", "Synthesis"]),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM", "Synthesis", "TestSupport"]),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "DICOM", "Deidentify", "TestSupport"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "ConnectorsTests", dependencies: ["Connectors", "HTTP", "Crypto", "DICOM", "Synthesis", "TestSupport"]),
        .testTarget(name: "DeidentifyTests", dependencies: ["Deidentify", "DICOM", "Crypto", "Synthesis", "TestSupport"]),
        .testTarget(name: "LakeTests", dependencies: ["Lake", "Storage", "TestSupport"]),
        .testTarget(name: "PrivacyAuditTests"),
        .testTarget(name: "CLITests", dependencies: ["DICOM", "Deidentify", "Synthesis", "TestSupport"]),
        // Benchmarks against peer tools (bench/README.md)
        .executableTarget(name: "fedlake-bench", dependencies: ["DICOM"], path: "bench/Sources/fedlake-bench"),
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
}
