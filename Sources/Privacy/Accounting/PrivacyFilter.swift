/// A privacy filter: a limit on total ρ-zCDP spending and what has been spent, in exact rationals.
///
/// A value type with no storage of its own: the lake keeps one per (lake, project, requester) in SQLite, writing
/// ``limit`` and ``spent`` as their lossless text (``Rational/description``) and reading them back with
/// ``Rational/init(parsing:)``. Under zCDP, spending ρ₁, ρ₂, … adds up (composition), so a filter that
/// never lets the sum exceed its limit keeps the whole interaction within it, even when costs are chosen
/// adaptively (privacy filters: Rogers, Roth, Ullman and Vadhan 2016; for Rényi/zCDP costs, Feldman and Zrnic 2021).
///
/// ```swift
/// var filter = try PrivacyFilter(limit: Rational(parsing: "1"))
/// let cost = try Rational(parsing: "0.05")
/// if filter.canSpend(cost) { try filter.spend(cost) }
/// ```
public struct PrivacyFilter: Sendable, Hashable, Codable {
    /// The most that may ever be spent.
    public let limit: Rational
    /// The total spent so far.
    public private(set) var spent: Rational

    /// A filter with a limit and what is already spent (0 for a new one).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when the limit is negative, `spent` is negative, or `spent`
    ///   exceeds the limit.
    public init(limit: Rational, spent: Rational = .zero) throws(PrivacyError) {
        guard !limit.isNegative, !spent.isNegative, spent <= limit else {
            throw PrivacyError(
                .invalidParameter, subject: "PrivacyFilter(limit:spent:)", reason: "needs 0 ≤ spent ≤ limit")
        }
        self.limit = limit
        self.spent = spent
    }

    /// What may still be spent: limit − spent.
    public var remaining: Rational { limit - spent }

    /// Whether `cost` is a valid cost (> 0) that fits in what remains.
    public func canSpend(_ cost: Rational) -> Bool { cost.isPositive && spent + cost <= limit }

    /// Records spending `cost`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a cost ≤ 0, `.budgetExceeded` when it does not fit (the
    ///   filter is then unchanged; the reason states what remains).
    public mutating func spend(_ cost: Rational) throws(PrivacyError) {
        guard cost.isPositive else {
            throw PrivacyError(.invalidParameter, subject: "PrivacyFilter.spend", reason: "cost must be > 0")
        }
        guard spent + cost <= limit else {
            throw PrivacyError(
                .budgetExceeded, subject: "PrivacyFilter.spend", reason: "cost exceeds the remaining ρ \(remaining)")
        }
        spent = spent + cost
    }

    /// Records spending a cost given as text (as from a configuration or a request), rejecting `NaN`, `inf`, and
    /// anything ``Rational/init(parsing:)`` rejects.
    /// - Throws: ``PrivacyError`` `.invalidNumber` for text that is not a finite rational, else as ``spend(_:)``.
    public mutating func spend(parsing text: String) throws(PrivacyError) {
        try spend(try Rational(parsing: text))
    }

    /// Records spending a cost given as a `Double`, exactly (NaN and infinities are rejected).
    /// - Throws: ``PrivacyError`` `.invalidNumber` for NaN or infinite costs, else as ``spend(_:)``.
    public mutating func spend(exactly cost: Double) throws(PrivacyError) {
        try spend(try Rational(exactly: cost))
    }

    private enum CodingKeys: String, CodingKey {
        case limit
        case spent
    }

    /// Reads `limit` and `spent` and checks them as ``init(limit:spent:)`` does, so that a stored filter with
    /// spending above its limit (or negative values) is refused rather than restored.
    /// - Throws: `DecodingError.dataCorrupted` when the values break 0 ≤ spent ≤ limit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let limit = try container.decode(Rational.self, forKey: .limit)
        let spent = try container.decode(Rational.self, forKey: .spent)
        do {
            self = try PrivacyFilter(limit: limit, spent: spent)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .spent, in: container, debugDescription: error.description)
        }
    }
}
