/// Comparisons whose running time does not depend on the bytes compared (`CRYPTO_memcmp`).
///
/// Use for MAC tags, signatures and password hashes, where `==` would leak the length of the matching
/// prefix through timing.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. The lengths themselves are not secret: differing lengths
    /// return `false` at once.
    public static func equals<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Bool {
        withContiguousBytes(a) { left in
            withContiguousBytes(b) { right in
                left.count == right.count && constantTimeEqualBuffers(left, right)
            }
        }
    }
}
