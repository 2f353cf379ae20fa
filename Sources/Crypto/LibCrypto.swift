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

// MARK: - BIGNUM

/// Owns one `BIGNUM` (arbitrary-precision signed integer) and frees it with `BN_free`.
///
/// Immutable once a constructor below returns: every operation writes into a fresh owner, so an owner can be
/// shared between threads (`BN_*` functions only read their `const BIGNUM *` operands).
/// Allocation failure traps, as Swift's own allocations do; nothing else in this section can fail on valid input.
/// See https://www.openssl.org/docs/man3.0/man3/BN_new.html.
// @unchecked: the wrapped BIGNUM is never written after construction (see above).
final class BIGNUMOwner: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { BN_free(pointer) }

    /// A fresh zero, to be written by exactly one operation before it is shared.
    private static func fresh() -> BIGNUMOwner {
        guard let pointer = BN_new() else { fatalError("BN_new: out of memory") }
        return BIGNUMOwner(owning: pointer)
    }

    /// Runs `body` with a temporary `BN_CTX` (scratch space for multiplication and division).
    private static func withContext<T>(_ body: (OpaquePointer) -> T) -> T {
        guard let context = BN_CTX_new() else { fatalError("BN_CTX_new: out of memory") }
        defer { BN_CTX_free(context) }
        return body(context)
    }

    private static func check(_ status: Int32, _ operation: String) {
        // The operations below fail only when memory runs out (their inputs are checked by the callers).
        if status != 1 { fatalError("\(operation) failed: \(openSSLErrorText())") }
    }

    /// The integer whose magnitude is `bytes` (big-endian) with the given sign.
    static func make(bigEndianMagnitude bytes: [UInt8], negative: Bool) -> BIGNUMOwner {
        let result = fresh()
        let made = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), result.pointer) }
        if made == nil { fatalError("BN_bin2bn failed: \(openSSLErrorText())") }
        if negative { BN_set_negative(result.pointer, 1) }
        return result
    }

    /// Parses optional `-` and decimal digits (`BN_dec2bn`); nil when the text is not entirely such digits.
    static func make(decimal text: String) -> BIGNUMOwner? {
        var pointer: OpaquePointer? = nil
        let consumed = text.withCString { BN_dec2bn(&pointer, $0) }
        guard let pointer else { return nil }
        let owner = BIGNUMOwner(owning: pointer)
        guard Int(consumed) == text.utf8.count else { return nil }
        return owner
    }

    /// The magnitude as big-endian bytes, exactly `count` long (`BN_bn2binpad`); nil when it does not fit.
    func magnitudeBytes(count: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: count)
        let written = output.withUnsafeMutableBufferPointer { BN_bn2binpad(pointer, $0.baseAddress, Int32(count)) }
        return written < 0 ? nil : output
    }

    var isNegative: Bool { BN_is_negative(pointer) == 1 }
    var isZero: Bool { BN_is_zero(pointer) == 1 }
    var isOdd: Bool { BN_is_odd(pointer) == 1 }
    var bitCount: Int { Int(BN_num_bits(pointer)) }

    /// Signed comparison: negative, zero or positive as `self` is below, equal to or above `other`.
    func compare(_ other: BIGNUMOwner) -> Int { Int(BN_cmp(pointer, other.pointer)) }

    /// Decimal text with a leading `-` when negative (`BN_bn2dec`).
    var decimalText: String {
        guard let text = BN_bn2dec(pointer) else { fatalError("BN_bn2dec: out of memory") }
        defer { CRYPTO_free(text, nil, 0) }
        return String(cString: text)
    }

    func adding(_ other: BIGNUMOwner) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.check(BN_add(result.pointer, pointer, other.pointer), "BN_add")
        return result
    }

    func subtracting(_ other: BIGNUMOwner) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.check(BN_sub(result.pointer, pointer, other.pointer), "BN_sub")
        return result
    }

    func multiplying(_ other: BIGNUMOwner) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.withContext { context in
            BIGNUMOwner.check(BN_mul(result.pointer, pointer, other.pointer, context), "BN_mul")
        }
        return result
    }

    /// Truncating division (quotient rounded toward zero, remainder with the sign of `self`), as `BN_div`.
    /// The caller guarantees `divisor` is not zero.
    func quotientAndRemainder(dividingBy divisor: BIGNUMOwner) -> (BIGNUMOwner, BIGNUMOwner) {
        let quotient = BIGNUMOwner.fresh()
        let remainder = BIGNUMOwner.fresh()
        BIGNUMOwner.withContext { context in
            BIGNUMOwner.check(BN_div(quotient.pointer, remainder.pointer, pointer, divisor.pointer, context), "BN_div")
        }
        return (quotient, remainder)
    }

    /// The greatest common divisor of the magnitudes (`BN_gcd`), never negative.
    func gcd(_ other: BIGNUMOwner) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.withContext { context in
            BIGNUMOwner.check(BN_gcd(result.pointer, pointer, other.pointer, context), "BN_gcd")
        }
        return result
    }

    func shiftedLeft(_ bits: Int) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.check(BN_lshift(result.pointer, pointer, Int32(bits)), "BN_lshift")
        return result
    }

    func shiftedRight(_ bits: Int) -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        BIGNUMOwner.check(BN_rshift(result.pointer, pointer, Int32(bits)), "BN_rshift")
        return result
    }

    func negated() -> BIGNUMOwner {
        let result = BIGNUMOwner.fresh()
        guard BN_copy(result.pointer, pointer) != nil else { fatalError("BN_copy: out of memory") }
        BN_set_negative(result.pointer, isNegative ? 0 : 1)
        return result
    }

    /// A uniform integer in [0, range) from the private DRBG (`BN_priv_rand_range_ex`, which rejects rather
    /// than reducing modulo `range`); the caller guarantees `range` > 0.
    static func privateRandom(below range: BIGNUMOwner) throws(CryptoError) -> BIGNUMOwner {
        let result = fresh()
        let status = withContext { context in BN_priv_rand_range_ex(result.pointer, range.pointer, 0, context) }
        guard status == 1 else { throw openSSLFailure("BN_priv_rand_range_ex") }
        return result
    }
}
