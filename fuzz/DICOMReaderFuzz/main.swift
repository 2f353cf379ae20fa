// libFuzzer entry point for the DICOM reader and writer (see fuzz/README.md).
//
// This file is compiled into the DICOM module itself (fuzz/build.sh passes Sources/DICOM and this
// file to one swiftc invocation with -module-name DICOM), so it uses the module's API without an
// import. It is not a SwiftPM target: a libFuzzer binary has no `main` of its own, which would
// break the normal build.
//
// Properties checked for every input:
// 1. No read crashes, in strict and lenient mode, with and without stopping before the pixel data.
//    A typed `DICOMError` is a correct answer to malformed input.
// 2. Whatever strict mode accepts, the writer writes, and strict mode reads back with the same
//    top-level tags; writing that again gives the same bytes (the writer is canonical, PS3.5 §7.1).
// 3. Whatever lenient mode accepts either is refused by the writer with a `DICOMError`, or
//    writes bytes that lenient mode reads back.
// 4. Whatever either mode accepts, the DICOM JSON encoder (the compact writer the lake stores headers
//    with) either refuses with a `DICOMError` or gives exactly the bytes of the JSONValue tree serialised
//    compactly, and refuses exactly when the tree does.
// A broken property calls `fatalError`, which libFuzzer reports as a crash and saves the input.

/// Top-level tags other than group lengths, which a canonical writer may drop or recompute.
private func comparableTags(_ dataset: Dataset) -> [Tag] {
    dataset.map(\.tag).filter { !$0.isGroupLength }
}

private func roundTrip(_ file: DICOMFile, mode: DICOMReader.Options.Mode, label: String) {
    let written: [UInt8]
    do {
        written = try DICOMWriter.encode(file)
    } catch {
        if mode == .strict { fatalError("\(label): strict read succeeded but writing failed: \(error)") }
        return
    }
    var options = DICOMReader.Options()
    options.mode = mode
    let reread: DICOMFile
    do {
        reread = try DICOMReader.read(bytes: written, options: options)
    } catch {
        fatalError("\(label): reading our own output failed: \(error)")
    }
    guard mode == .strict else { return }
    let before = comparableTags(file.dataset)
    let after = comparableTags(reread.dataset)
    if before != after {
        fatalError("\(label): round trip changed the tags: \(before.count) elements before, \(after.count) after")
    }
    let rewritten: [UInt8]
    do {
        rewritten = try DICOMWriter.encode(reread)
    } catch {
        fatalError("\(label): writing a re-read file failed: \(error)")
    }
    if rewritten != written {
        fatalError("\(label): writer is not stable: \(written.count) bytes, then \(rewritten.count) bytes")
    }
}

private func jsonMatchesTheTree(_ dataset: Dataset, label: String) {
    let fast = try? DICOMJSON.encode(dataset)
    let tree = try? DICOMJSON.value(of: dataset, characterSet: SpecificCharacterSet(terms: dataset.inheritedCharacterSetTerms))
        .serialized(pretty: false)
    if fast != tree {
        fatalError("\(label): the compact JSON writer and the tree disagree (\(fast?.count ?? -1) vs \(tree?.count ?? -1) bytes)")
    }
}

/// libFuzzer calls this once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for mode in [DICOMReader.Options.Mode.strict, .lenient] {
        for stopBeforePixels in [false, true] {
            var options = DICOMReader.Options()
            options.mode = mode
            options.stopBeforePixels = stopBeforePixels
            guard let file = try? DICOMReader.read(bytes: bytes, options: options) else { continue }
            roundTrip(file, mode: mode, label: "\(mode) stopBeforePixels=\(stopBeforePixels)")
            jsonMatchesTheTree(file.dataset, label: "\(mode) stopBeforePixels=\(stopBeforePixels)")
        }
    }
    return 0
}
