import Crypto

/// Exact samples of the discrete Gaussian N_ℤ(0, σ²): P[X = x] ∝ e^−x²/(2σ²) for x ∈ ℤ.
///
/// Canonne, Kamath and Steinke (NeurIPS 2020), Algorithm 3, for a rational σ² in integer arithmetic only:
/// with t = ⌊σ⌋ + 1, draw Y from Lap_ℤ(t) (``DiscreteLaplaceSampler``) and keep it with probability
/// e^−γ, γ = (|Y| − σ²/t)² / (2σ²). For σ² = a/b that exponent is (|Y|·t·b − a)² / (2·a·b·t²), a ratio of integers, so
/// no square root or exponential is ever evaluated; ⌊σ⌋ is the integer square root of ⌊a/b⌋.
///
/// Each trial does the same work whatever is drawn; the number of rejected trials is independent of the value
/// finally returned (rejection sampling), so the time taken does not depend on the sample (see "Timing").
///
/// ```swift
/// let sampler = try DiscreteGaussianSampler(sigmaSquared: Rational(parsing: "49/9"))
/// let noise = try sampler.sample(using: RandomStream())
/// ```
public struct DiscreteGaussianSampler: Sendable {
    /// The variance parameter σ² > 0.
    public let sigmaSquared: Rational

    enum Parameters: Sendable {
        /// σ² = a/b, t = ⌊σ⌋ + 1, denominator 2·a·b·t², all with headroom in 128 bits.
        case fast(a: UInt128, b: UInt128, t: UInt128, denominator: UInt128)
        case big(t: BigNumber)
    }

    let parameters: Parameters

    /// A sampler of N_ℤ(0, `sigmaSquared`).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when `sigmaSquared` ≤ 0.
    public init(sigmaSquared: Rational) throws(PrivacyError) {
        guard sigmaSquared.isPositive else {
            throw PrivacyError(
                .invalidParameter, subject: "DiscreteGaussianSampler(sigmaSquared:)", reason: "σ² must be > 0")
        }
        self.sigmaSquared = sigmaSquared
        let t = DiscreteGaussianSampler.integerSquareRoot(sigmaSquared.floor) + BigNumber(1)
        if let (a, b) = sigmaSquared.int128Parts, let small = t.int128Value {
            let (a, b, t) = (UInt128(a), UInt128(b), UInt128(small))
            let (ab, o1) = a.multipliedReportingOverflow(by: b)
            let (tt, o2) = t.multipliedReportingOverflow(by: t)
            let (abtt, o3) = ab.multipliedReportingOverflow(by: tt)
            let (denominator, o4) = abtt.multipliedReportingOverflow(by: 2)
            if !o1, !o2, !o3, !o4, denominator < UInt128.max >> 7, t < UInt128.max >> 7 {
                parameters = .fast(a: a, b: b, t: t, denominator: denominator)
                return
            }
        }
        parameters = .big(t: t)
    }

    /// ⌊√n⌋ for n ≥ 0 (Newton's method on integers).
    static func integerSquareRoot(_ n: BigNumber) -> BigNumber {
        if n.isZero || n.isNegative { return BigNumber(0) }
        var x = BigNumber(1).shiftedLeft(by: (n.bitWidth + 1) / 2)  // ≥ √n
        while true {
            let y = (x + n.quotientAndRemainder(dividingBy: x).quotient).shiftedRight(by: 1)
            if y >= x { return x }
            x = y
        }
    }

    /// One sample.
    /// - Throws: ``PrivacyError`` `.randomnessFailure` when the DRBG fails, `.overflow` when the sample does not
    ///   fit `Int128`.
    public func sample(using stream: RandomStream) throws(PrivacyError) -> Int128 {
        switch parameters {
        case .fast(let a, let b, let t, let denominator):
            while true {
                let (y, negative) = try DiscreteLaplaceSampler.sampleFast(t: t, s: 1, using: stream)
                let (yt, o1) = y.multipliedReportingOverflow(by: t)
                let (ytb, o2) = yt.multipliedReportingOverflow(by: b)
                let difference = ytb >= a ? ytb - a : a - ytb
                let (numerator, o3) = difference.multipliedReportingOverflow(by: difference)
                let keep: Bool
                if o1 || o2 || o3 {
                    // |Y| beyond ~2^64 / (t·b): astronomically unlikely; exact in rationals.
                    keep = try ExactBernoulli.expMinus(gamma(Int128(y), t: BigNumber(t)), using: stream)
                } else {
                    keep = try ExactBernoulli.expMinus(numerator, denominator, using: stream)
                }
                guard keep else { continue }
                guard y <= UInt128(Int128.max) else { throw DiscreteLaplaceSampler.overflow }
                return negative ? -Int128(y) : Int128(y)
            }
        case .big(let t):
            let laplace = try DiscreteLaplaceSampler(scale: Rational(t))
            while true {
                let y = try laplace.sample(using: stream)
                guard try ExactBernoulli.expMinus(gamma(y, t: t), using: stream) else { continue }
                return y
            }
        }
    }

    /// (|y| − σ²/t)² / (2σ²) as a rational.
    func gamma(_ y: Int128, t: BigNumber) throws(PrivacyError) -> Rational {
        let shifted = Rational(y.magnitude <= UInt128(Int128.max) ? Int128(y.magnitude) : Int128.max)
            - (try sigmaSquared / Rational(t))
        return try (shifted * shifted) / (Rational(2) * sigmaSquared)
    }

    /// `count` independent samples.
    public func samples(_ count: Int, using stream: RandomStream) throws(PrivacyError) -> [Int128] {
        var result: [Int128] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try sample(using: stream)) }
        return result
    }
}
