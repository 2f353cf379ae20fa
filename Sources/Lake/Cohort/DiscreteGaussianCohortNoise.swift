import Foundation
package import Privacy
import Synchronization

/// The node's cohort noise: the `Privacy` module's exact discrete Gaussian (Canonne, Kamath and Steinke 2020)
/// through its ``Releaser``, with randomness from OpenSSL's private DRBG.
///
/// σ² = Δ₂² / (2ρ) exactly, as a rational; the noise of every cell is drawn before it is added, by samplers whose
/// work does not depend on the value drawn. The (ε, δ) stated with a release is the tight conversion of
/// Corollary 13 at ``delta``, rounded up.
///
/// ```swift
/// let runner = CohortRunner(queue: queue, lake: "hospital-a", policy: .standard, noise: DiscreteGaussianCohortNoise())
/// ```
public struct DiscreteGaussianCohortNoise: CohortNoise {
    /// The δ at which releases state their ε: 10⁻⁶, far below one over the number of patients of any lake.
    public static let delta = 1e-6

    /// `discreteGaussian`.
    public let mechanism = "discreteGaussian"

    /// A releaser shared by every call (tests and audits pass a seeded one), or nil for a fresh releaser over
    /// OpenSSL's private DRBG per call.
    private let shared: SharedReleaser?

    /// The node's mechanism, drawing from OpenSSL's private DRBG.
    public init() { shared = nil }

    /// The same mechanism drawing from `releaser` (a seeded stream in tests and privacy audits).
    package init(releaser: sending Releaser) { shared = SharedReleaser(releaser) }

    public func privatize(_ values: [Int64], sensitivity: CohortSensitivity, rho: Rho) throws -> CohortNoisyVector {
        let exact = values.map { Int($0) }
        let statistic: Release.Statistic = values.count == 1 ? .count : .histogram
        let declared = try Sensitivity(
            l1: Rational(Int128(sensitivity.l1)), l2Squared: Rational(Int128(sensitivity.l2Squared)))
        let mechanism = NoiseMechanism.gaussian(rho: try Self.rational(rho))
        let release =
            if let shared {
                try shared.releaser.withLock { releaser throws(PrivacyError) in
                    try releaser.release(exact, statistic: statistic, sensitivity: declared, mechanism: mechanism)
                }
            } else {
                try Releaser().release(exact, statistic: statistic, sensitivity: declared, mechanism: mechanism)
            }
        return CohortNoisyVector(
            values: release.values.map { Int64($0) }, scale: release.noiseScale.description,
            interval95: Int64(release.halfWidth95))
    }

    public func privacyLoss(rho: Rho) throws -> CohortPrivacyLoss {
        let epsilon = try ZeroConcentratedDP.epsilon(rho: try Self.rational(rho), delta: Self.delta)
        return CohortPrivacyLoss(epsilon: Self.roundedUp(epsilon), delta: "1e-6")
    }

    /// ρ as the `Privacy` module's exact rational.
    static func rational(_ rho: Rho) throws -> Rational {
        try Rational(numerator: Int128(rho.numerator), denominator: Int128(rho.denominator))
    }

    /// `value` with six significant digits, never below it (an ε is rounded outward).
    static func roundedUp(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return value == 0 ? "0" : "\(value)" }
        var candidate = value
        for _ in 0..<20 {
            let text = String(format: "%.6g", candidate)
            if let written = Double(text), written >= value { return text }
            candidate *= 1 + 2e-6
        }
        return "\(value)"
    }
}

/// One releaser behind a lock, so that a seeded stream is shared by every call of a mechanism.
final class SharedReleaser: Sendable {
    let releaser: Mutex<Releaser>
    init(_ releaser: sending Releaser) { self.releaser = Mutex(releaser) }
}
