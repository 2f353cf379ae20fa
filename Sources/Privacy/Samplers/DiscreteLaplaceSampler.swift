import Crypto

/// Exact samples of the discrete Laplace distribution Lap_ℤ(t): P[X = x] ∝ e^−|x|/t for x ∈ ℤ.
///
/// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
/// Algorithm 2, in integer arithmetic only, with randomness from a ``RandomStream``. For a scale t = a/b in lowest
/// terms the algorithm runs with the paper's (s, t) = (b, a): X = U + a·V with U uniform below a and V geometric,
/// kept when Bernoulli(e^−U/a) succeeds, then Y = ⌊X/b⌋ and a random sign, rejecting "−0".
///
/// Every trial does the same work whatever the values drawn (see ``ExactBernoulli``), and V is read from a single
/// uniform real (P[V ≥ v] = e^−v, compared with exact expansions of e^−v), so the time taken does not depend
/// on the sample returned, except with probability below 10^−17 per sample (see the "Timing" article).
///
/// ```swift
/// let sampler = try DiscreteLaplaceSampler(scale: Rational(parsing: "7/3"))
/// let stream = RandomStream()
/// let noise = try sampler.sample(using: stream)
/// ```
public struct DiscreteLaplaceSampler: Sendable {
    /// The scale t > 0.
    public let scale: Rational

    enum Parameters: Sendable {
        /// Numerator a (the paper's t) and denominator b (the paper's s) when a · 64 fits in 128 bits.
        case fast(t: UInt128, s: UInt128)
        case big(t: BigNumber, s: BigNumber)
    }

    let parameters: Parameters

    /// A sampler of Lap_ℤ(`scale`).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when `scale` ≤ 0.
    public init(scale: Rational) throws(PrivacyError) {
        guard scale.isPositive else {
            throw PrivacyError(.invalidParameter, subject: "DiscreteLaplaceSampler(scale:)", reason: "scale must be > 0")
        }
        self.scale = scale
        if let (a, b) = scale.int128Parts, a.magnitude < UInt128.max >> 7 {
            parameters = .fast(t: UInt128(a), s: UInt128(b))
        } else {
            parameters = .big(t: scale.numerator, s: scale.denominator)
        }
    }

    /// One sample.
    /// - Throws: ``PrivacyError`` `.randomnessFailure` when the DRBG fails, `.overflow` when the sample does not
    ///   fit `Int128` (only conceivable for scales near 10^38).
    public func sample(using stream: RandomStream) throws(PrivacyError) -> Int128 {
        switch parameters {
        case .fast(let t, let s):
            let (magnitude, negative) = try DiscreteLaplaceSampler.sampleFast(t: t, s: s, using: stream)
            guard magnitude <= UInt128(Int128.max) else { throw DiscreteLaplaceSampler.overflow }
            return negative ? -Int128(magnitude) : Int128(magnitude)
        case .big(let t, let s):
            let value = try DiscreteLaplaceSampler.sampleBig(t: t, s: s, using: stream)
            guard let small = value.int128Value else { throw DiscreteLaplaceSampler.overflow }
            return small
        }
    }

    /// `count` independent samples.
    public func samples(_ count: Int, using stream: RandomStream) throws(PrivacyError) -> [Int128] {
        var result: [Int128] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try sample(using: stream)) }
        return result
    }

    static let overflow = PrivacyError(
        .overflow, subject: "DiscreteLaplaceSampler.sample", reason: "sample does not fit 128 bits")

    /// V with P[V ≥ v] = e^−v: the number of v ≥ 1 with U < e^−v for one uniform real U. One 128-bit draw is
    /// compared with every table entry; V ≥ bound (probability e^−40) adds a fresh V (the exponential's
    /// memorylessness: given U < e^−40, U·e^40 is uniform).
    @inline(__always)
    static func geometric(using stream: RandomStream) throws(PrivacyError) -> UInt128 {
        var total: UInt128 = 0
        let prefixes = ExpNegativeTable.prefixes
        while true {
            let r = try stream.word128()
            var count = 0
            var tie = 0
            for v in 1...ExpNegativeTable.bound {
                count += r < prefixes[v] ? 1 : 0
                tie |= r == prefixes[v] ? v : 0
            }
            if tie != 0, try ExpNegativeTable.settleTie(m: tie, using: stream) { count += 1 }
            total += UInt128(count)
            if count < ExpNegativeTable.bound { return total }
        }
    }

    /// Algorithm 2 with (s, t) in 128-bit integers; returns |Y| and the sign.
    @inline(__always)
    static func sampleFast(t: UInt128, s: UInt128, using stream: RandomStream) throws(PrivacyError) -> (
        UInt128, Bool
    ) {
        while true {
            let u = try stream.uniform(below: t)
            let d = try ExactBernoulli.expMinusFraction(u, t, using: stream)
            let v = try geometric(using: stream)
            let negative = try stream.bits(1) == 1
            let (tv, o1) = t.multipliedReportingOverflow(by: v)
            let (x, o2) = u.addingReportingOverflow(tv)
            guard !o1, !o2 else { throw overflow }
            let y = s == 1 ? x : x / s
            if d && !(negative && y == 0) { return (y, negative) }
        }
    }

    /// Algorithm 2 in `BIGNUM`s, for scales beyond the 128-bit path (running time not padded).
    static func sampleBig(t: BigNumber, s: BigNumber, using stream: RandomStream) throws(PrivacyError) -> BigNumber {
        while true {
            let u = try stream.uniform(below: t)
            let gamma = try Rational(numerator: u, denominator: t)
            guard try ExactBernoulli.expMinus(gamma, using: stream) else { continue }
            let v = try geometric(using: stream)
            let x = u + t * BigNumber(v)
            let y = x.quotientAndRemainder(dividingBy: s).quotient
            let negative = try stream.bits(1) == 1
            if negative && y.isZero { continue }
            return negative ? -y : y
        }
    }
}
