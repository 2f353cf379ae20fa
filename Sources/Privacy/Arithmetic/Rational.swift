public import Crypto

/// An exact rational number: a numerator and a positive denominator in lowest terms.
///
/// Numbers whose numerator and denominator fit in 128 bits are kept in `Int128`; others in OpenSSL `BIGNUM`s
/// (``Crypto/BigNumber``), switching automatically and losslessly in both directions. Privacy costs, noise scales
/// and bounds are all `Rational`, so budgets add up exactly and never drift the way `Double` sums do.
///
/// ```swift
/// let rho = try Rational(parsing: "0.5")               // 1/2
/// let third = try Rational(parsing: "1/3")
/// let total = rho + third                              // 5/6, exactly
/// let back = try Rational(parsing: total.description)  // lossless: "5/6"
/// ```
///
/// The text form (``description``) is `n` or `n/d` and is what ``Codable`` writes: store it as TEXT and read it
/// back with ``init(parsing:)``.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        /// Numerator (never `Int128.min`) and denominator (≥ 1), coprime.
        case small(Int128, Int128)
        /// Numerator and denominator (> 0), coprime, at least one of them outside the `small` range.
        case big(BigNumber, BigNumber)
    }

    let storage: Storage

    private init(storage: Storage) { self.storage = storage }

    /// Zero.
    public static let zero = Rational(storage: .small(0, 1))
    /// One.
    public static let one = Rational(storage: .small(1, 1))

    /// The integer `value`.
    public init(_ value: Int) { storage = .small(Int128(value), 1) }

    /// The integer `value`.
    public init(_ value: Int128) {
        storage = value == .min ? Rational.normalized(BigNumber(value), BigNumber(1)).storage : .small(value, 1)
    }

    /// The integer `value`.
    public init(_ value: BigNumber) { self = Rational.normalized(value, BigNumber(1)) }

    /// `numerator / denominator`, reduced to lowest terms.
    /// - Throws: ``PrivacyError`` `.invalidNumber` when `denominator` is zero.
    public init(numerator: Int128, denominator: Int128) throws(PrivacyError) {
        guard denominator != 0 else {
            throw PrivacyError(.invalidNumber, subject: "Rational(numerator:denominator:)", reason: "zero denominator")
        }
        self = Rational.normalized(numerator, denominator)
    }

    /// `numerator / denominator`, reduced to lowest terms.
    /// - Throws: ``PrivacyError`` `.invalidNumber` when `denominator` is zero.
    public init(numerator: BigNumber, denominator: BigNumber) throws(PrivacyError) {
        guard !denominator.isZero else {
            throw PrivacyError(.invalidNumber, subject: "Rational(numerator:denominator:)", reason: "zero denominator")
        }
        self = Rational.normalized(numerator, denominator)
    }

    // MARK: - Parts

    /// The numerator in lowest terms (negative for negative numbers).
    public var numerator: BigNumber {
        switch storage {
        case .small(let n, _): BigNumber(n)
        case .big(let n, _): n
        }
    }

    /// The denominator in lowest terms, always ≥ 1.
    public var denominator: BigNumber {
        switch storage {
        case .small(_, let d): BigNumber(d)
        case .big(_, let d): d
        }
    }

    /// Numerator and denominator when both fit in `Int128` (the fast path), else nil.
    public var int128Parts: (numerator: Int128, denominator: Int128)? {
        if case .small(let n, let d) = storage { return (n, d) }
        return nil
    }

    /// True below zero.
    public var isNegative: Bool {
        switch storage {
        case .small(let n, _): n < 0
        case .big(let n, _): n.isNegative
        }
    }

    /// True for zero.
    public var isZero: Bool { storage == .small(0, 1) }

    /// True when above zero.
    public var isPositive: Bool { !isNegative && !isZero }

    /// True when the denominator is 1.
    public var isInteger: Bool {
        switch storage {
        case .small(_, let d): d == 1
        case .big(_, let d): d == BigNumber(1)
        }
    }

    /// The largest integer not above the number.
    public var floor: BigNumber {
        switch storage {
        case .small(let n, let d):
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            return BigNumber(r < 0 ? q - 1 : q)
        case .big(let n, let d):
            let (q, r) = n.quotientAndRemainder(dividingBy: d)
            return r.isNegative ? q - BigNumber(1) : q
        }
    }

    /// The smallest integer not below the number.
    public var ceiling: BigNumber { -((-self).floor) }

    /// `n` or `n/d` in lowest terms: the lossless text form, read back by ``init(parsing:)``.
    public var description: String {
        switch storage {
        case .small(let n, let d): d == 1 ? "\(n)" : "\(n)/\(d)"
        case .big(let n, let d): d == BigNumber(1) ? n.description : "\(n)/\(d)"
        }
    }

    // MARK: - Normalisation

    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    /// Reduces `n/d` (d ≠ 0): sign on the numerator, coprime parts.
    static func normalized(_ n: Int128, _ d: Int128) -> Rational {
        guard n != .min, d != .min else { return normalized(BigNumber(n), BigNumber(d)) }
        if n == 0 { return .zero }
        let g = Int128(gcd(n.magnitude, d.magnitude))
        var (num, den) = (n / g, d / g)
        if den < 0 { (num, den) = (-num, -den) }
        return Rational(storage: .small(num, den))
    }

    /// Reduces `n/d` (d ≠ 0) and moves it to the `Int128` representation when it fits.
    static func normalized(_ n: BigNumber, _ d: BigNumber) -> Rational {
        if n.isZero { return .zero }
        let g = n.greatestCommonDivisor(with: d)
        var num = n.quotientAndRemainder(dividingBy: g).quotient
        var den = d.quotientAndRemainder(dividingBy: g).quotient
        if den.isNegative { (num, den) = (-num, -den) }
        if let smallN = num.int128Value, let smallD = den.int128Value, smallN != .min {
            return Rational(storage: .small(smallN, smallD))
        }
        return Rational(storage: .big(num, den))
    }

    // MARK: - Arithmetic

    /// The exact sum.
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        if case .small(let a, let b) = lhs.storage, case .small(let c, let d) = rhs.storage {
            if b == d, case (let s, false) = a.addingReportingOverflow(c) { return normalized(s, b) }
            let (ad, o1) = a.multipliedReportingOverflow(by: d)
            let (cb, o2) = c.multipliedReportingOverflow(by: b)
            let (bd, o3) = b.multipliedReportingOverflow(by: d)
            if !o1, !o2, !o3, case (let s, false) = ad.addingReportingOverflow(cb) { return normalized(s, bd) }
        }
        return normalized(
            lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }

    /// The number with the opposite sign.
    public static prefix func - (value: Rational) -> Rational {
        switch value.storage {
        case .small(let n, let d): Rational(storage: .small(-n, d))
        case .big(let n, let d): normalized(-n, d)
        }
    }

    /// The exact difference.
    public static func - (lhs: Rational, rhs: Rational) -> Rational { lhs + (-rhs) }

    /// The exact product.
    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        if case .small(let a, let b) = lhs.storage, case .small(let c, let d) = rhs.storage {
            let (ac, o1) = a.multipliedReportingOverflow(by: c)
            let (bd, o2) = b.multipliedReportingOverflow(by: d)
            if !o1, !o2 { return normalized(ac, bd) }
        }
        return normalized(lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }

    /// The exact quotient.
    /// - Throws: ``PrivacyError`` `.invalidNumber` when `rhs` is zero.
    public static func / (lhs: Rational, rhs: Rational) throws(PrivacyError) -> Rational {
        guard !rhs.isZero else {
            throw PrivacyError(.invalidNumber, subject: "Rational division", reason: "division by zero")
        }
        return lhs * rhs.reciprocalOfNonZero
    }

    /// 1/self for a non-zero number.
    var reciprocalOfNonZero: Rational {
        switch storage {
        case .small(let n, let d): Rational.normalized(d, n)
        case .big(let n, let d): Rational.normalized(d, n)
        }
    }

    /// The number raised to a non-negative integer power.
    public func power(_ exponent: Int) -> Rational {
        precondition(exponent >= 0, "Rational.power needs a non-negative exponent")
        var result = Rational.one
        var base = self
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            base = base * base
            e >>= 1
        }
        return result
    }

    /// Numeric order.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        if case .small(let a, let b) = lhs.storage, case .small(let c, let d) = rhs.storage {
            let (ad, o1) = a.multipliedReportingOverflow(by: d)
            let (cb, o2) = c.multipliedReportingOverflow(by: b)
            if !o1, !o2 { return ad < cb }
        }
        return lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    /// The smaller of two numbers.
    public static func minimum(_ a: Rational, _ b: Rational) -> Rational { b < a ? b : a }
    /// The larger of two numbers.
    public static func maximum(_ a: Rational, _ b: Rational) -> Rational { a < b ? b : a }
}
