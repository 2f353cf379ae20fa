/// An exact, non-negative ρ (a zCDP privacy cost or budget) as a reduced fraction of 64-bit integers.
///
/// Budgets are kept exactly: a sum of costs never drifts the way floating point would, and a spent amount
/// compares with its limit without rounding. The ledger stores ρ as its ``description`` (`"1/100"`, `"3"`).
/// Arithmetic that would leave 64 bits fails instead of rounding.
///
/// ```swift
/// let limit = Rho("1")!, cost = Rho("0.01")!
/// let left = try limit.subtracting(cost)      // 99/100
/// ```
public struct Rho: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numerator of the reduced fraction.
    public let numerator: UInt64
    /// The denominator of the reduced fraction (never 0).
    public let denominator: UInt64

    /// Zero.
    public static let zero = Rho(reducing: 0, 1)

    /// `numerator / denominator`, reduced; `nil` when the denominator is 0.
    public init?(numerator: UInt64, denominator: UInt64) {
        guard denominator != 0 else { return nil }
        self.init(reducing: UInt128(numerator), UInt128(denominator))
    }

    private init(reducing numerator: UInt128, _ denominator: UInt128) {
        let divisor = Self.gcd(numerator, denominator)
        // Callers ensure the reduced parts fit (checked in `fitting`); 0/d reduces to 0/1.
        self.numerator = UInt64(truncatingIfNeeded: numerator / divisor)
        self.denominator = UInt64(truncatingIfNeeded: denominator / divisor)
    }

    private static func fitting(_ numerator: UInt128, _ denominator: UInt128) -> Rho? {
        guard denominator != 0 else { return nil }
        let divisor = gcd(numerator, denominator)
        guard numerator / divisor <= UInt128(UInt64.max), denominator / divisor <= UInt128(UInt64.max) else { return nil }
        return Rho(reducing: numerator, denominator)
    }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }

    /// Parses `"p/q"`, an integer, or a decimal (`"0.015"`, `"1e-3"`); `nil` for negative, NaN, infinite, empty
    /// or out-of-range text.
    public init?(_ text: String) {
        let trimmed = Substring(text)
        if let slash = trimmed.firstIndex(of: "/") {
            guard let p = UInt64(trimmed[..<slash]), let q = UInt64(trimmed[trimmed.index(after: slash)...]),
                let value = Rho(numerator: p, denominator: q)
            else { return nil }
            self = value
            return
        }
        var mantissa = Substring(trimmed)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let parsed = Int(mantissa[mantissa.index(after: e)...]), abs(parsed) <= 30 else { return nil }
            exponent = parsed
            mantissa = mantissa[..<e]
        }
        var digits = Substring(mantissa)
        var fractionDigits = 0
        if let dot = mantissa.firstIndex(of: ".") {
            let whole = mantissa[..<dot], fraction = mantissa[mantissa.index(after: dot)...]
            guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
            digits = Substring(String(whole) + String(fraction))
            fractionDigits = fraction.count
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmedDigits = digits.drop(while: { $0 == "0" })
        guard trimmedDigits.count <= 19, let integer = UInt128(String(trimmedDigits.isEmpty ? "0" : trimmedDigits))
        else { return nil }
        let scale = exponent - fractionDigits
        guard abs(scale) <= 38 else { return nil }
        var power: UInt128 = 1
        for _ in 0..<abs(scale) { power *= 10 }
        let value = scale >= 0 ? Self.fitting(integer * power, 1) : Self.fitting(integer, power)
        guard let value else { return nil }
        self = value
    }

    /// Whether ρ is greater than zero.
    public var isPositive: Bool { numerator > 0 }

    /// `p/q`, or `p` when the denominator is 1.
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// The sum; `nil` when it does not fit in 64-bit parts.
    public func adding(_ other: Rho) -> Rho? {
        let n = UInt128(numerator) * UInt128(other.denominator) + UInt128(other.numerator) * UInt128(denominator)
        return Self.fitting(n, UInt128(denominator) * UInt128(other.denominator))
    }

    /// The difference; `nil` when `other` is larger or the result does not fit.
    public func subtracting(_ other: Rho) -> Rho? {
        let a = UInt128(numerator) * UInt128(other.denominator), b = UInt128(other.numerator) * UInt128(denominator)
        guard a >= b else { return nil }
        return Self.fitting(a - b, UInt128(denominator) * UInt128(other.denominator))
    }

    /// The product with a fraction `p/q` (splitting a cost); `nil` when it does not fit.
    public func multiplied(by p: UInt64, over q: UInt64) -> Rho? {
        Self.fitting(UInt128(numerator) * UInt128(p), UInt128(denominator) * UInt128(q))
    }

    /// Exact comparison.
    public static func < (lhs: Rho, rhs: Rho) -> Bool {
        UInt128(lhs.numerator) * UInt128(rhs.denominator) < UInt128(rhs.numerator) * UInt128(lhs.denominator)
    }

    /// A decimal approximation for display only (never for accounting).
    public func decimal(digits: Int = 6) -> String {
        var result = "\(numerator / denominator)"
        var remainder = UInt128(numerator % denominator)
        guard remainder != 0, digits > 0 else { return result }
        result += "."
        for _ in 0..<digits {
            remainder *= 10
            result += "\(remainder / UInt128(denominator))"
            remainder %= UInt128(denominator)
        }
        while result.hasSuffix("0") { result.removeLast() }
        return result
    }
}
