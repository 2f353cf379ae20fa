/// The noise mechanism a cohort release uses: given exact integer aggregates, their sensitivity and a zCDP cost,
/// it returns noisy values. The node uses the `Privacy` module's exact discrete Gaussian sampler; tests inject
/// their own. The lake never releases a value that did not pass through one.
///
/// Implementations must calibrate the noise so that releasing the vector satisfies `rho`-zCDP for vectors whose
/// L2 distance between neighbours is at most √``CohortSensitivity/l2Squared`` (the discrete Gaussian with
/// σ² = Δ₂² / (2ρ), Canonne, Kamath and Steinke 2020, Theorem 14).
public protocol CohortNoise: Sendable {
    /// The mechanism's name as releases record it (`discreteGaussian`).
    var mechanism: String { get }

    /// Noisy copies of `values`.
    ///
    /// - Parameters:
    ///   - values: the exact aggregates, in grid units.
    ///   - sensitivity: how much one patient can change them.
    ///   - rho: the zCDP cost this vector may spend.
    /// - Returns: the noisy values with the noise scale and a 95% interval half-width.
    /// - Throws: when the mechanism cannot draw (entropy source failure, arithmetic limits).
    func privatize(_ values: [Int64], sensitivity: CohortSensitivity, rho: Rho) throws -> CohortNoisyVector

    /// The (ε, δ)-DP guarantee implied by `rho`-zCDP, rounded outward (CKS 2020, Corollary 13).
    ///
    /// - Throws: when the conversion fails.
    func privacyLoss(rho: Rho) throws -> CohortPrivacyLoss
}

/// A noisy vector and how it was made.
public struct CohortNoisyVector: Sendable, Hashable {
    /// The noisy values, in grid units.
    public var values: [Int64]
    /// The noise scale as the mechanism states it (for the discrete Gaussian, σ² as an exact rational: `"50"`).
    public var scale: String
    /// The half-width of a 95% interval around each noisy value, in grid units (rounded up).
    public var interval95: Int64

    /// A noisy vector from its parts.
    public init(values: [Int64], scale: String, interval95: Int64) {
        self.values = values
        self.scale = scale
        self.interval95 = interval95
    }
}

/// An (ε, δ) guarantee, written as decimal strings rounded outward.
public struct CohortPrivacyLoss: Sendable, Hashable, Codable {
    /// ε.
    public var epsilon: String
    /// δ.
    public var delta: String

    /// A guarantee from its parts.
    public init(epsilon: String, delta: String) {
        self.epsilon = epsilon
        self.delta = delta
    }
}
