import Crypto

/// One differentially private release: noisy integers and everything needed to read them and account for them.
///
/// `Codable`, with every rational written as its lossless text (`"1/200"`), so it can be stored as JSON and
/// returned unchanged when the same query is asked again.
public struct Release: Sendable, Hashable, Codable {
    /// What was released.
    public enum Statistic: String, Sendable, Hashable, Codable {
        /// A count of patients (one value).
        case count
        /// Counts per bin (one value per bin, in the caller's bin order).
        case histogram
        /// A sum of clamped values in grid units of 2^−``Release/gridExponent`` (one value).
        case boundedSum
    }

    /// What was released.
    public let statistic: Statistic
    /// The noisy values (true value + noise), in grid units for ``Statistic/boundedSum``.
    public let values: [Int]
    /// The noise distribution.
    public let distribution: NoiseDistribution
    /// t for ``NoiseDistribution/discreteLaplace``, σ² for ``NoiseDistribution/discreteGaussian``.
    public let noiseScale: Rational
    /// The sensitivity the noise was calibrated to (grid units for sums).
    public let sensitivity: Sensitivity
    /// The zCDP cost of this release.
    public let rho: Rational
    /// ε of the pure-DP guarantee, for Laplace releases; nil for Gaussian ones (see `epsilon(delta:)`).
    public let pureEpsilon: Rational?
    /// h such that each value's noise satisfies P[|noise| > h] ≤ 5 %: [value − h, value + h] is a 95 % interval
    /// for the true value. Computed from the exact tail of the discrete distribution or a proven upper bound on
    /// it, rounded outward (see ``NoiseInterval``).
    public let halfWidth95: Int
    /// k when values are in units of 2^−k (bounded sums); 0 otherwise.
    public let gridExponent: Int

    /// Creates a release record; mechanisms build these, and storage code rebuilds them.
    public init(
        statistic: Statistic, values: [Int], distribution: NoiseDistribution, noiseScale: Rational,
        sensitivity: Sensitivity, rho: Rational, pureEpsilon: Rational?, halfWidth95: Int, gridExponent: Int
    ) {
        self.statistic = statistic
        self.values = values
        self.distribution = distribution
        self.noiseScale = noiseScale
        self.sensitivity = sensitivity
        self.rho = rho
        self.pureEpsilon = pureEpsilon
        self.halfWidth95 = halfWidth95
        self.gridExponent = gridExponent
    }

    /// The 95 % interval around `values[index]`, in the same units, saturating at the `Int` range.
    public func interval95(at index: Int) -> ClosedRange<Int> {
        let value = values[index]
        let (low, o1) = value.subtractingReportingOverflow(halfWidth95)
        let (high, o2) = value.addingReportingOverflow(halfWidth95)
        return (o1 ? Int.min : low)...(o2 ? Int.max : high)
    }

    /// `values[index]` in the statistic's own units: divided by 2^``gridExponent`` for sums.
    public func estimate(at index: Int) -> Rational {
        Rational(values[index]) * Rational.powerOfTwo(-gridExponent)
    }
}

extension Rational {
    /// 2^`exponent` for any integer exponent.
    static func powerOfTwo(_ exponent: Int) -> Rational {
        let magnitude = Rational(BigNumber(1).shiftedLeft(by: abs(exponent)))
        return exponent >= 0 ? magnitude : magnitude.reciprocalOfNonZero
    }
}
