/// Cryptographically secure random bytes from OpenSSL's private DRBG (`RAND_priv_bytes`,
/// NIST SP 800-90A CTR_DRBG seeded from the operating system).
///
/// ```swift
/// let nonce = try SecureRandom.bytes(count: 12)
/// let key = try SecureRandom.secureBytes(count: 32)
/// ```
public enum SecureRandom {
    /// `count` random bytes.
    /// - Throws: `CryptoError` with code `.openSSL` when the generator cannot produce output.
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        precondition(count >= 0, "count must not be negative")
        var output = [UInt8](repeating: 0, count: count)
        // `Array.withUnsafeMutableBytes` rethrows untyped; carry a `Result` out instead.
        try output.withUnsafeMutableBytes { raw in
            Result { () throws(CryptoError) in try fillPrivateRandom(raw) }
        }.get()
        return output
    }

    /// Fills `buffer` with random bytes (one `RAND_priv_bytes` call), without allocating.
    /// - Throws: `CryptoError` with code `.openSSL` when the generator cannot produce output, `.invalidArgument`
    ///   when the buffer is longer than 2^31 − 1 bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        try fillPrivateRandom(buffer)
    }

    /// `count` random bytes in zero-on-release memory, for keys and passwords.
    /// - Throws: `CryptoError` with code `.openSSL` when the generator cannot produce output.
    public static func secureBytes(count: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: count) { (raw) throws(CryptoError) in try fillPrivateRandom(raw) }
    }
}
