public import Foundation
import Glibc

/// SHA-256 (FIPS 180-4 §6.2), one-shot or incremental.
///
/// ```swift
/// let digest = try SHA256.hash(Array("abc".utf8))      // 32 bytes
/// var hasher = try SHA256()
/// try hasher.update(part1); try hasher.update(part2)
/// let same = try hasher.finalize()
/// let fileDigest = try SHA256.hash(contentsOf: url)     // streams, never loads the file whole
/// ```
///
/// A value type: copying a hasher mid-stream gives two independent hashers (copy-on-write over the
/// underlying `EVP_MD_CTX`).
public struct SHA256 {
    /// The digest length in bytes (32).
    public static let digestByteCount = 32
    /// The block length in bytes (64), as HMAC needs it (RFC 2104 §2).
    public static let blockByteCount = 64

    private var context: DigestContext

    /// Creates a hasher with an empty state.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL cannot create the context.
    public init() throws(CryptoError) {
        context = try DigestContext()
    }

    /// Feeds `bytes` into the hash.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL rejects the update.
    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(CryptoError) {
        if !isKnownUniquelyReferenced(&context) { context = try context.copy() }
        let context = self.context
        try withContiguousBytes(bytes) { (raw) throws(CryptoError) in try context.update(raw) }
    }

    /// Returns the 32-byte digest of everything fed so far and resets the hasher to empty.
    /// - Throws: `CryptoError` with code `.openSSL` when OpenSSL cannot finish the digest.
    public mutating func finalize() throws(CryptoError) -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = try context.copy() }
        return try context.finish()
    }

    /// The SHA-256 digest of `bytes`.
    /// - Throws: `CryptoError` with code `.openSSL` on an OpenSSL failure.
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(CryptoError) -> [UInt8] {
        var hasher = try SHA256()
        try hasher.update(bytes)
        return try hasher.finalize()
    }

    /// The SHA-256 digest of a file's contents, read in chunks so large files never sit in memory.
    ///
    /// - Parameters:
    ///   - url: The file to hash.
    ///   - chunkSize: How many bytes to read at a time (default 1 MiB).
    /// - Throws: `CryptoError` with code `.fileUnreadable` naming the file when it cannot be opened or read,
    ///   or `.openSSL` on an OpenSSL failure.
    public static func hash(contentsOf url: URL, chunkSize: Int = 1 << 20) throws(CryptoError) -> [UInt8] {
        precondition(chunkSize > 0, "chunkSize must be positive")
        let operation = "SHA256.hash(contentsOf: \(url.path))"
        func failure(_ what: String) -> CryptoError {
            CryptoError(.fileUnreadable, operation: operation, detail: "\(what): \(String(cString: strerror(errno)))")
        }
        let descriptor = Glibc.open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open") }
        defer { close(descriptor) }
        // The buffer fits the file (read(2) straight into it, one call for a small file) up to `chunkSize`.
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure("cannot stat") }
        var buffer = [UInt8](repeating: 0, count: min(chunkSize, max(4096, Int(status.st_size) + 1)))
        var hasher = try SHA256()
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in Glibc.read(descriptor, raw.baseAddress, raw.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read failed")
            }
            if count == 0 { break }
            try hasher.update(buffer[0..<count])
        }
        return try hasher.finalize()
    }
}

@available(*, unavailable)
extension SHA256: Sendable {}
