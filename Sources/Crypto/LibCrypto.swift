// The one file of this module that talks to libcrypto (OpenSSL 3). Everything else in `Crypto` uses the
// Swift types declared here; no OpenSSL type leaves this file.
internal import COpenSSL

/// The text of the oldest error on OpenSSL's per-thread error queue, after which the queue is emptied.
///
/// See https://www.openssl.org/docs/man3.0/man3/ERR_get_error.html.
func openSSLErrorText() -> String {
    let code = ERR_get_error()
    defer { ERR_clear_error() }
    guard code != 0 else { return "no OpenSSL error reported" }
    var buffer = [CChar](repeating: 0, count: 256)
    let count = buffer.count
    buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, count) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// An OpenSSL failure in `operation`, carrying OpenSSL's own message.
func openSSLFailure(_ operation: String) -> CryptoError {
    CryptoError(.openSSL, operation: operation, detail: openSSLErrorText())
}

// MARK: - Digest

/// Owns one `EVP_MD_CTX` computing SHA-256 (FIPS 180-4 §6.2).
///
/// Confinement: used by one `SHA256` value at a time; copies go through `copy()`.
final class DigestContext {
    private let context: OpaquePointer

    init() throws(CryptoError) {
        guard let context = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw openSSLFailure("EVP_DigestInit_ex(SHA-256)")
        }
        self.context = context
    }

    private init(owning context: OpaquePointer) { self.context = context }

    /// A context in the same state, for copy-on-write.
    func copy() throws(CryptoError) -> DigestContext {
        guard let duplicate = EVP_MD_CTX_new() else { throw openSSLFailure("EVP_MD_CTX_new") }
        guard EVP_MD_CTX_copy_ex(duplicate, context) == 1 else {
            EVP_MD_CTX_free(duplicate)
            throw openSSLFailure("EVP_MD_CTX_copy_ex")
        }
        return DigestContext(owning: duplicate)
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw openSSLFailure("EVP_DigestUpdate")
        }
    }

    /// Finishes the digest and re-initialises the context so it can be used again.
    func finish() throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard ok == 1 else { throw openSSLFailure("EVP_DigestFinal_ex") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw openSSLFailure("EVP_DigestInit_ex(SHA-256)")
        }
        return Array(output.prefix(Int(length)))
    }

    deinit { EVP_MD_CTX_free(context) }
}

@available(*, unavailable)
extension DigestContext: Sendable {}

// MARK: - HMAC

/// Owns one `EVP_MAC_CTX` computing HMAC-SHA-256 (RFC 2104, FIPS 198-1).
///
/// Confinement: used by one `HMACSHA256` value at a time; copies go through `copy()`.
final class MACContext {
    private let context: OpaquePointer

    init(key: UnsafeRawBufferPointer) throws(CryptoError) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw openSSLFailure("EVP_MAC_fetch(HMAC)") }
        // The context holds its own reference to the algorithm.
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw openSSLFailure("EVP_MAC_CTX_new") }
        // An empty key still needs a non-NULL pointer: NULL means "keep the previous key".
        var emptyKey: UInt8 = 0
        let ok = withUnsafeMutablePointer(to: &emptyKey) { emptyPointer in
            "digest".withCString { name in
                "SHA256".withCString { digest in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    let keyPointer = key.baseAddress?.assumingMemoryBound(to: UInt8.self)
                        ?? UnsafePointer(emptyPointer)
                    return EVP_MAC_init(context, keyPointer, key.count, &parameters)
                }
            }
        }
        guard ok == 1 else {
            EVP_MAC_CTX_free(context)
            throw openSSLFailure("EVP_MAC_init(HMAC-SHA256)")
        }
        self.context = context
    }

    private init(owning context: OpaquePointer) { self.context = context }

    func copy() throws(CryptoError) -> MACContext {
        guard let duplicate = EVP_MAC_CTX_dup(context) else { throw openSSLFailure("EVP_MAC_CTX_dup") }
        return MACContext(owning: duplicate)
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        guard EVP_MAC_update(context, base.assumingMemoryBound(to: UInt8.self), bytes.count) == 1 else {
            throw openSSLFailure("EVP_MAC_update")
        }
    }

    func finish() throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        let capacity = output.count
        let ok = output.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &length, capacity) }
        guard ok == 1 else { throw openSSLFailure("EVP_MAC_final") }
        return Array(output.prefix(length))
    }

    deinit { EVP_MAC_CTX_free(context) }
}

@available(*, unavailable)
extension MACContext: Sendable {}

// MARK: - Randomness, zeroisation, comparison

/// Fills `buffer` from OpenSSL's private DRBG (`RAND_priv_bytes`), meant for secret values.
func fillPrivateRandom(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
    guard buffer.count > 0, let base = buffer.baseAddress else { return }
    guard buffer.count <= Int(Int32.max) else {
        throw CryptoError(.invalidArgument, operation: "RAND_priv_bytes", detail: "count above 2^31-1")
    }
    guard RAND_priv_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
        throw openSSLFailure("RAND_priv_bytes")
    }
}

/// Overwrites `buffer` with zeros in a way the compiler may not optimise away (`OPENSSL_cleanse`).
func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count > 0, let base = buffer.baseAddress else { return }
    OPENSSL_cleanse(base, buffer.count)
}

/// Compares two equally long buffers in time independent of their contents (`CRYPTO_memcmp`).
func constantTimeEqualBuffers(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    precondition(a.count == b.count, "constantTimeEqualBuffers needs equal lengths")
    guard a.count > 0, let left = a.baseAddress, let right = b.baseAddress else { return true }
    return CRYPTO_memcmp(left, right, a.count) == 0
}
