/// HMAC with SHA-256 (RFC 2104; FIPS 198-1), one-shot or incremental.
///
/// ```swift
/// let tag = try HMACSHA256.authenticationCode(for: message, key: key)
/// var mac = try HMACSHA256(key: key)
/// try mac.update(part1); try mac.update(part2)
/// let same = try mac.finalize()
/// ```
///
/// Keys of any length are accepted; keys longer than the 64-byte block are hashed first (RFC 2104 §2).
/// Compare tags with ``ConstantTime/equals(_:_:)``, never with `==`.
public struct HMACSHA256 {
    /// The tag length in bytes (32).
    public static let byteCount = 32

    private var context: MACContext

    /// Creates an HMAC-SHA-256 computation keyed with `key`.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL cannot set up the MAC.
    public init<Key: Sequence<UInt8>>(key: Key) throws(CryptoError) {
        context = try withContiguousBytes(key) { (raw) throws(CryptoError) in try MACContext(key: raw) }
    }

    /// Creates an HMAC-SHA-256 computation keyed with a secret held in ``SecureBytes``.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL cannot set up the MAC.
    public init(key: SecureBytes) throws(CryptoError) {
        context = try key.withUnsafeBytes { (raw) throws(CryptoError) in try MACContext(key: raw) }
    }

    /// Feeds `bytes` into the MAC.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL rejects the update.
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(CryptoError) {
        if !isKnownUniquelyReferenced(&context) { context = try context.copy() }
        let context = self.context
        try withContiguousBytes(bytes) { (raw) throws(CryptoError) in try context.update(raw) }
    }

    /// Returns the 32-byte tag of everything fed so far. Call it once per value.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL cannot finish the MAC.
    public mutating func finalize() throws(CryptoError) -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = try context.copy() }
        return try context.finish()
    }

    /// The HMAC-SHA-256 tag of `message` under `key`.
    /// - Throws: `CryptoError` with code `.openSSL` on an OpenSSL failure.
    public static func authenticationCode<Message: Sequence<UInt8>, Key: Sequence<UInt8>>(
        for message: Message, key: Key
    ) throws(CryptoError) -> [UInt8] {
        var mac = try HMACSHA256(key: key)
        try mac.update(message)
        return try mac.finalize()
    }

    /// The HMAC-SHA-256 tag of `message` under a key held in ``SecureBytes``.
    /// - Throws: `CryptoError` with code `.openSSL` on an OpenSSL failure.
    public static func authenticationCode<Message: Sequence<UInt8>>(
        for message: Message, key: SecureBytes
    ) throws(CryptoError) -> [UInt8] {
        var mac = try HMACSHA256(key: key)
        try mac.update(message)
        return try mac.finalize()
    }
}

@available(*, unavailable)
extension HMACSHA256: Sendable {}
