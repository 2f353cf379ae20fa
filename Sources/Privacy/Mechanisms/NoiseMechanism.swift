/// How a release is noised and what it costs, in ρ-zCDP (Bun and Steinke 2016).
///
/// ```swift
/// let mechanism = try NoiseMechanism.gaussian(rho: Rational(parsing: "0.01"))   // the default kind
/// let pure = try NoiseMechanism.laplace(epsilon: Rational(parsing: "1/2"))      // ε-DP, ρ = ε²/2
/// ```
public enum NoiseMechanism: Sendable, Hashable, Codable {
    /// Discrete Gaussian noise with σ² = Δ₂² / (2ρ) for L2 sensitivity Δ₂: ρ-zCDP (CKS 2020, Theorem 14).
    case gaussian(rho: Rational)
    /// Discrete Laplace noise with scale t = Δ₁ / ε for L1 sensitivity Δ₁: ε-DP (CKS 2020, Proposition 2), which
    /// is (ε²/2)-zCDP (Bun and Steinke 2016, Proposition 1.4).
    case laplace(epsilon: Rational)

    /// A discrete Gaussian mechanism spending `rho`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when `rho` ≤ 0.
    public static func gaussian(spending rho: Rational) throws(PrivacyError) -> NoiseMechanism {
        guard rho.isPositive else {
            throw PrivacyError(.invalidParameter, subject: "NoiseMechanism.gaussian(rho)", reason: "ρ must be > 0")
        }
        return .gaussian(rho: rho)
    }

    /// A discrete Laplace mechanism with privacy parameter `epsilon`.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when `epsilon` ≤ 0.
    public static func laplace(spending epsilon: Rational) throws(PrivacyError) -> NoiseMechanism {
        guard epsilon.isPositive else {
            throw PrivacyError(.invalidParameter, subject: "NoiseMechanism.laplace(epsilon)", reason: "ε must be > 0")
        }
        return .laplace(epsilon: epsilon)
    }

    /// The zCDP cost: ρ, or ε²/2 for Laplace.
    public var rho: Rational {
        switch self {
        case .gaussian(let rho): rho
        case .laplace(let epsilon): epsilon * epsilon * Rational(numerator1: 1, over: 2)
        }
    }

    /// The noise distribution this mechanism draws from.
    public var distribution: NoiseDistribution {
        switch self {
        case .gaussian: .discreteGaussian
        case .laplace: .discreteLaplace
        }
    }

    /// The same kind of mechanism with its cost multiplied by `fraction` (ρ scales linearly for Gaussian; ε for
    /// Laplace, so that its ρ scales by the fraction squared).
    public func scaled(by fraction: Rational) -> NoiseMechanism {
        switch self {
        case .gaussian(let rho): .gaussian(rho: rho * fraction)
        case .laplace(let epsilon): .laplace(epsilon: epsilon * fraction)
        }
    }

    /// Checks the parameter is positive.
    func validated() throws(PrivacyError) -> NoiseMechanism {
        switch self {
        case .gaussian(let rho): try .gaussian(spending: rho)
        case .laplace(let epsilon): try .laplace(spending: epsilon)
        }
    }
}

/// The noise distribution of a release.
public enum NoiseDistribution: String, Sendable, Hashable, Codable {
    /// N_ℤ(0, σ²); the release's noise scale is σ².
    case discreteGaussian
    /// Lap_ℤ(t); the release's noise scale is t.
    case discreteLaplace
}

extension Rational {
    /// `numerator1/over` for small constants known to be valid.
    init(numerator1 n: Int, over d: Int) {
        self = Rational.normalized(Int128(n), Int128(d))
    }
}
