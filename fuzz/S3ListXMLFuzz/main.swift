// libFuzzer entry point for the S3 XML reader of the Connectors module (see fuzz/README.md).
//
// fuzz/build.sh compiles this file with Sources/Connectors/ConnectorError.swift and
// Sources/Connectors/S3/{MiniXML,ListBucketXML}.swift as one module named Connectors; those files need
// nothing but the standard library, so the rest of the module (libcurl, OpenSSL) stays out.
//
// Properties checked for every input:
// 1. Neither parser crashes, hangs or exhausts memory; a `ConnectorError` with code
//    `.malformedResponse` is the only acceptable failure.
// 2. An accepted listing is consistent: no empty keys, no negative sizes, ETags without quotes.
// A broken property calls `fatalError`, which libFuzzer reports as a crash and saves the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let page = try ListBucketXML.parse(bytes: bytes)
        for object in page.contents {
            if object.key.isEmpty { fatalError("accepted an empty key") }
            if object.size < 0 { fatalError("accepted a negative size") }
            if object.eTag.contains("\"") { fatalError("ETag kept its quotes") }
        }
    } catch {
        if error.code != .malformedResponse { fatalError("unexpected error code \(error.code)") }
    }
    do {
        let document = try ListBucketXML.parseError(bytes: bytes)
        if document.code.isEmpty { fatalError("accepted an error document without a code") }
    } catch {
        if error.code != .malformedResponse { fatalError("unexpected error code \(error.code)") }
    }
    return 0
}
