/// An arbitrary-precision signed integer backed by OpenSSL's `BIGNUM`.
///
/// A value type: every operation returns a new number, so values can be shared between threads. It is the
/// slow path behind exact rational arithmetic; numbers that fit in 128 bits are better kept in `Int128`.
///
/// ```swift
/// let big = BigNumber(UInt128.max) * BigNumber(UInt128.max)
/// print(big)                                // 115792089237316195423570985008687907852589419931798687112530834793049593217025
/// let (q, r) = big.quotientAndRemainder(dividingBy: BigNumber(7))
/// ```
///
/// Allocation failure inside OpenSSL traps, like any Swift allocation. See
/// https://www.openssl.org/docs/man3.0/man3/BN_add.html.
public struct BigNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    let owner: BIGNUMOwner

    init(owner: BIGNUMOwner) { self.owner = owner }

    /// The integer `value`.
    public init(_ value: Int128) {
        let negative = value < 0
        self.init(magnitude: value.magnitude, negative: negative)
    }

    /// The integer `value`.
    public init(_ value: UInt128) { self.init(magnitude: value, negative: false) }

    /// The integer `value`.
    public init(_ value: Int) { self.init(Int128(value)) }

    /// The integer with the given magnitude and sign (a zero magnitude is never negative).
    public init(magnitude: UInt128, negative: Bool) {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 { bytes[15 - index] = UInt8(truncatingIfNeeded: magnitude >> (8 * index)) }
        owner = BIGNUMOwner.make(bigEndianMagnitude: bytes, negative: negative && magnitude != 0)
    }

    /// The integer whose magnitude is the big-endian `bytes`, with the given sign.
    public init(bigEndianMagnitude bytes: [UInt8], negative: Bool = false) {
        owner = BIGNUMOwner.make(bigEndianMagnitude: bytes, negative: negative)
    }

    /// Parses an optional `-` followed by decimal digits and nothing else; nil otherwise.
    public init?(decimal text: String) {
        guard !text.isEmpty, text.utf8.count <= 100_000 else { return nil }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard let owner = BIGNUMOwner.make(decimal: text) else { return nil }
        self.owner = owner
    }

    /// True when the number is below zero.
    public var isNegative: Bool { owner.isNegative }
    /// True when the number is zero.
    public var isZero: Bool { owner.isZero }
    /// True when the number is odd.
    public var isOdd: Bool { owner.isOdd }
    /// The number of bits of the magnitude (0 for zero).
    public var bitWidth: Int { owner.bitCount }

    /// The value as an `Int128`, or nil when it does not fit.
    public var int128Value: Int128? {
        guard bitWidth <= 128, let bytes = owner.magnitudeBytes(count: 16) else { return nil }
        var magnitude: UInt128 = 0
        for byte in bytes { magnitude = magnitude << 8 | UInt128(byte) }
        if isNegative {
            if magnitude <= UInt128(Int128.max) { return -Int128(magnitude) }
            return magnitude == UInt128(Int128.max) + 1 ? Int128.min : nil
        }
        return magnitude <= UInt128(Int128.max) ? Int128(magnitude) : nil
    }

    /// The magnitude as exactly `count` big-endian bytes, or nil when it needs more.
    public func magnitudeBytes(count: Int) -> [UInt8]? { owner.magnitudeBytes(count: count) }

    /// Decimal text, with a leading `-` when negative.
    public var description: String { owner.decimalText }

    /// The sum.
    public static func + (lhs: BigNumber, rhs: BigNumber) -> BigNumber { BigNumber(owner: lhs.owner.adding(rhs.owner)) }
    /// The difference.
    public static func - (lhs: BigNumber, rhs: BigNumber) -> BigNumber {
        BigNumber(owner: lhs.owner.subtracting(rhs.owner))
    }
    /// The product.
    public static func * (lhs: BigNumber, rhs: BigNumber) -> BigNumber {
        BigNumber(owner: lhs.owner.multiplying(rhs.owner))
    }
    /// The number with the opposite sign.
    public static prefix func - (value: BigNumber) -> BigNumber { BigNumber(owner: value.owner.negated()) }

    /// Truncating division: the quotient rounds toward zero, the remainder has the sign of `self`.
    /// - Precondition: `divisor` is not zero (a programmer error).
    public func quotientAndRemainder(dividingBy divisor: BigNumber) -> (quotient: BigNumber, remainder: BigNumber) {
        precondition(!divisor.isZero, "BigNumber division by zero")
        let (quotient, remainder) = owner.quotientAndRemainder(dividingBy: divisor.owner)
        return (BigNumber(owner: quotient), BigNumber(owner: remainder))
    }

    /// The greatest common divisor of the magnitudes; gcd(0, 0) = 0.
    public func greatestCommonDivisor(with other: BigNumber) -> BigNumber {
        BigNumber(owner: owner.gcd(other.owner))
    }

    /// `self` × 2^`bits`.
    public func shiftedLeft(by bits: Int) -> BigNumber {
        precondition(bits >= 0 && bits <= Int(Int32.max), "shift out of range")
        return BigNumber(owner: owner.shiftedLeft(bits))
    }

    /// The magnitude divided by 2^`bits`, rounded toward zero, with the sign of `self`.
    public func shiftedRight(by bits: Int) -> BigNumber {
        precondition(bits >= 0 && bits <= Int(Int32.max), "shift out of range")
        return BigNumber(owner: owner.shiftedRight(bits))
    }

    /// A uniform integer in [0, `range`) from OpenSSL's private DRBG, by rejection (`BN_priv_rand_range_ex`),
    /// so without modulo bias.
    /// - Throws: `CryptoError` `.invalidArgument` when `range` ≤ 0, `.openSSL` when the generator fails.
    public static func privateRandom(below range: BigNumber) throws(CryptoError) -> BigNumber {
        guard !range.isNegative, !range.isZero else {
            throw CryptoError(.invalidArgument, operation: "BigNumber.privateRandom", detail: "range must be positive")
        }
        return BigNumber(owner: try BIGNUMOwner.privateRandom(below: range.owner))
    }

    /// Numeric equality.
    public static func == (lhs: BigNumber, rhs: BigNumber) -> Bool { lhs.owner.compare(rhs.owner) == 0 }
    /// Numeric order.
    public static func < (lhs: BigNumber, rhs: BigNumber) -> Bool { lhs.owner.compare(rhs.owner) < 0 }

    /// Hashes the decimal value, so equal numbers hash equally.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
