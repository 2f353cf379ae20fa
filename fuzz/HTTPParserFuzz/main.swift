// libFuzzer entry point for the HTTP request-head parser (see fuzz/README.md). Built through SwiftPM only when
// FEDLAKE_FUZZ is set (Package.swift), with -sanitize=fuzzer,address -parse-as-library.
//
// Properties checked for every input, under the default limits and under small ones:
// 1. Parsing never crashes, hangs or exhausts memory; an error is one of the parser's codes (it has a
//    response status) and its description does not hold the input's bytes beyond what the parser wrote.
// 2. A complete head is within the limits: its length is at most the input's and the head-size limit, its
//    field count at most the count limit.
// 3. The result depends only on the head: parsing exactly the head's bytes, or the input with more bytes
//    after it, gives the same head and length.
// 4. Serializing a parsed head (canonical CRLF form) and parsing that gives the same head back.
// 5. The listen-address parser never crashes on the same bytes read as text.
// A broken property calls fatalError, which libFuzzer reports as a crash and saves the input.

import HTTP

private let limitSets = [
    HTTPParser.Limits(),
    HTTPParser.Limits(maximumHeadBytes: 256, maximumHeaderCount: 4, maximumRequestLineBytes: 64),
]

private func check(_ bytes: [UInt8], _ limits: HTTPParser.Limits) {
    let result: HTTPParser.Result
    do {
        result = try HTTPParser.parseRequestHead(bytes, limits: limits)
    } catch {
        if error.responseStatus == nil { fatalError("a parser error without a response status: \(error.code)") }
        return
    }
    guard case .complete(let head, let length) = result else { return }
    if length > bytes.count || length > limits.maximumHeadBytes { fatalError("head length \(length) out of bounds") }
    if head.fields.count > limits.maximumHeaderCount { fatalError("\(head.fields.count) fields over the limit") }
    let exact = try? HTTPParser.parseRequestHead(Array(bytes.prefix(length)), limits: limits)
    if exact != result { fatalError("parsing the head's own bytes gives another result") }
    let extended = try? HTTPParser.parseRequestHead(bytes + Array("GET / HTTP/1.1\r\n\u{0}\r".utf8), limits: limits)
    if extended != result { fatalError("bytes after the head change the result") }
    // The canonical form may be longer (CRLF for LF, ": " after names), so it is parsed with room to spare.
    let roomy = HTTPParser.Limits(
        maximumHeadBytes: limits.maximumHeadBytes * 3, maximumHeaderCount: limits.maximumHeaderCount,
        maximumRequestLineBytes: limits.maximumRequestLineBytes)
    let serialized = head.serialized
    guard case .complete(let again, let againLength)? = try? HTTPParser.parseRequestHead(serialized, limits: roomy) else {
        fatalError("the serialized head does not parse")
    }
    if again != head || againLength != serialized.count { fatalError("the serialized head parses differently") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in limitSets { check(bytes, limits) }
    _ = try? ListenAddress(parsing: String(decoding: bytes.prefix(128), as: UTF8.self))
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

@_cdecl("fuzz_http_parser_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
