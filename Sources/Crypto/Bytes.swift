/// Runs `body` over the bytes of `bytes`, contiguously, copying only when the collection is not contiguous.
func withContiguousBytes<Bytes: Sequence<UInt8>, R, E: Error>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) throws(E) -> R
) throws(E) -> R {
    // `withContiguousStorageIfAvailable` does not forward typed throws; carry the result out by hand.
    var result: Result<R, E>?
    _ = bytes.withContiguousStorageIfAvailable { buffer in
        result = Result { () throws(E) -> R in try body(UnsafeRawBufferPointer(buffer)) }
    }
    if let result { return try result.get() }
    let array = Array(bytes)
    // `Array.withUnsafeBytes` rethrows untyped; carry a `Result` out instead.
    return try array.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }.get()
}
