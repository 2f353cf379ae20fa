// libFuzzer entry point for the node configuration parser (see fuzz/README.md). Built through SwiftPM only when
// FEDLAKE_FUZZ is set (Package.swift), with -sanitize=fuzzer,address -parse-as-library.
//
// Properties checked for every input:
// 1. Parsing never crashes, hangs or exhausts memory (nesting, sizes and escapes are bounded).
// 2. An input is either refused with a NodeError that names the configuration file (and the key, unless the
//    document is not a JSON object), or accepted as a
//    configuration that keeps the documented invariants: a non-empty institution, at least one source, absolute
//    paths, values inside their documented ranges.
// 3. Parsing is deterministic: the same input gives an equal configuration or the same error.
// A broken property calls fatalError, which libFuzzer reports as a crash and saves the input.

import Foundation
import Node

private let file = URL(fileURLWithPath: "/fuzz/node.json")

private func parse(_ data: Data) -> Result<NodeConfiguration, NodeError> {
    do {
        return .success(try NodeConfiguration.parse(data, file: file))
    } catch {
        return .failure(error)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(UnsafeBufferPointer(start: data, count: size))
    let first = parse(input)
    switch first {
    case .failure(let error):
        if !error.description.hasPrefix(file.path) { fatalError("an error does not name the configuration file") }
        // Every configuration error names its key, except a document that is not an object at all.
        if error.code == .invalidConfiguration, error.key == nil, !error.reason.hasPrefix("expected an object") {
            fatalError("a configuration error names no key")
        }
    case .success(let configuration):
        if configuration.institution.trimmingCharacters(in: .whitespaces).isEmpty { fatalError("empty institution") }
        if configuration.sources.isEmpty { fatalError("no sources accepted") }
        if !configuration.lake.path.hasPrefix("/") || !configuration.secretKeyFile.path.hasPrefix("/") {
            fatalError("a relative path survived")
        }
        let ingest = configuration.ingest
        if ingest.batchSize < 1 || ingest.concurrency < 1 || ingest.maxAttempts < 1 || !(ingest.pollIntervalSeconds > 0) {
            fatalError("an ingest value is out of range")
        }
        if configuration.privacy.minimumCount < 1 { fatalError("minimumCount out of range") }
    }
    let second = parse(input)
    switch (first, second) {
    case (.success(let a), .success(let b)) where a == b: break
    case (.failure(let a), .failure(let b)) where a == b: break
    default: fatalError("parsing is not deterministic")
    }
    return 0
}

// SwiftPM links an executable target's entry point as `<module>_main`; hand it to libFuzzer's driver
// (LLVMFuzzerRunDriver, libFuzzer ≥ LLVM 11), which parses the usual libFuzzer flags.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("fuzz_config_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
