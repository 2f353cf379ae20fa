// libFuzzer entry point for the de-identifier (see fuzz/README.md). Built through SwiftPM only when
// FEDLAKE_FUZZ is set (Package.swift), with -sanitize=fuzzer,address -parse-as-library.
//
// Properties checked for every input, read leniently as the node reads vendor files:
// 1. Reading and de-identifying never crash, hang or exhaust memory.
// 2. Every outcome is either a refusal (a reader error or a quarantine) or a de-identified file — never a
//    pass-through: the written output reads back in strict mode, carries (0012,0062) YES, and holds no
//    private (odd-group) element and no Original Attributes Sequence at any depth.
// 3. De-identifying is deterministic: the same input gives byte-identical output.
// A broken property calls fatalError, which libFuzzer reports as a crash and saves the input.

import Crypto
import DICOM
import Deidentify

private let deidentifier: DICOMDeidentifier = {
    let key = SecureBytes(Array("fuzzing key: fixed, 32 bytes or more".utf8))
    do {
        return try DICOMDeidentifier(configuration: DeidentificationConfiguration(key: key))
    } catch {
        fatalError("the fuzz configuration is invalid: \(error)")
    }
}()

private func check(_ dataset: Dataset, depth: Int) {
    for element in dataset {
        if element.tag.isPrivate { fatalError("a private element survived at depth \(depth)") }
        if element.tag == Tag(0x0400_0561) { fatalError("Original Attributes Sequence survived at depth \(depth)") }
        for item in element.items ?? [] { check(item, depth: depth + 1) }
    }
}

private func deidentifyAndWrite(_ file: DICOMFile) -> [UInt8]? {
    switch deidentifier.deidentify(file) {
    case .quarantined:
        return nil
    case .deidentified(let output, _):
        do {
            return try DICOMWriter.encode(output)
        } catch {
            // The batch quarantines an unwritable output; nothing is passed through.
            return nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? DICOMReader.read(bytes: bytes, options: .lenient) else { return 0 }
    guard let written = deidentifyAndWrite(file) else { return 0 }
    let reread: DICOMFile
    do {
        reread = try DICOMReader.read(bytes: written, options: .strict)
    } catch {
        fatalError("de-identified output does not read back strictly: \(error)")
    }
    check(reread.dataset, depth: 0)
    check(reread.fileMeta, depth: 0)
    if reread.dataset.string(for: Tag(0x0012_0062)) != "YES" { fatalError("Patient Identity Removed is not YES") }
    if deidentifyAndWrite(file) != written { fatalError("de-identification is not deterministic") }
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

@_cdecl("fuzz_deidentify_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
