/// Where a ``RandomStream`` gets its bits. **For tests only**: production code uses ``RandomStream/init()``,
/// which reads OpenSSL's private DRBG (`RAND_priv_bytes`), the only production implementation.
///
/// Tests inject a seeded generator to make sampler runs reproducible. A non-cryptographic source in
/// production would void every privacy guarantee, which is why this protocol is `package`, not `public`.
package protocol RandomBytesSource {
    /// Fills `words` with independent uniform 64-bit words.
    mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) throws(PrivacyError)
}
