import Crypto

/// Releases integer statistics with exact discrete noise: counts, histograms, bounded sums and means.
///
/// The caller computes true values (bounding each patient's contribution) and passes them with the mechanism;
/// the releaser draws **all noise first**, from samplers whose running time does not depend on the values drawn,
/// and only then adds it to the true values, so neither the true values nor the noise shape the time taken.
///
/// ```swift
/// let releaser = Releaser()
/// let rho = try Rational(parsing: "0.05")
/// let release = try releaser.count(412, mechanism: .gaussian(spending: rho))
/// print(release.values[0], release.interval95(at: 0))
/// ```
///
/// Confinement: a releaser owns a ``RandomStream`` and is used by one thread at a time.
public final class Releaser {
    private let stream: RandomStream

    /// A releaser drawing from OpenSSL's private DRBG.
    public init() { stream = RandomStream() }

    /// A releaser over a given stream (tests inject seeded streams this way).
    package init(stream: RandomStream) { self.stream = stream }

    /// A noisy count of patients.
    /// - Parameters:
    ///   - trueCount: the exact count.
    ///   - perPatientBound: how much one patient can change the count (1 when each patient counts once).
    ///   - mechanism: noise kind and cost.
    /// - Throws: ``PrivacyError`` for a bound below 1, a non-positive cost, randomness failure or overflow.
    public func count(_ trueCount: Int, perPatientBound: Int = 1, mechanism: NoiseMechanism) throws(PrivacyError)
        -> Release
    {
        try release(
            [trueCount], statistic: .count, sensitivity: .perPatient(bound: perPatientBound), mechanism: mechanism)
    }

    /// A noisy histogram: every bin, including empty ones, gets independent noise.
    /// - Parameters:
    ///   - trueCounts: the exact count of every bin of the catalogue, zero-filled.
    ///   - binsPerPatient: how many bins one patient can appear in (1 for a partition such as sex or modality).
    ///   - perBinBound: how much one patient can add to one bin.
    ///   - mechanism: noise kind and cost for the whole histogram; Gaussian noise is calibrated to the L2
    ///     sensitivity √(binsPerPatient)·perBinBound, Laplace noise to the L1 sensitivity binsPerPatient·perBinBound.
    /// - Throws: ``PrivacyError`` for bounds below 1, no bins, a non-positive cost, randomness failure or overflow.
    public func histogram(
        _ trueCounts: [Int], binsPerPatient: Int = 1, perBinBound: Int = 1, mechanism: NoiseMechanism
    ) throws(PrivacyError) -> Release {
        guard !trueCounts.isEmpty, binsPerPatient <= trueCounts.count else {
            throw PrivacyError(
                .invalidParameter, subject: "Releaser.histogram", reason: "needs bins, and binsPerPatient ≤ bins")
        }
        let sensitivity = try Sensitivity.perPatient(bound: perBinBound, coordinates: binsPerPatient)
        return try release(trueCounts, statistic: .histogram, sensitivity: sensitivity, mechanism: mechanism)
    }

    /// A noisy sum of one value per patient, each clamped to [lower, upper] and rounded to the grid 2^−gridExponent.
    ///
    /// Each value x becomes round(clamp(x)·2^k) (halves round up), an integer; one patient changes the sum by at
    /// most c = max(|round(lower·2^k)|, |round(upper·2^k)|) grid units, the sensitivity used. The release's values
    /// are in grid units; ``Release/estimate(at:)`` converts back.
    /// - Parameters:
    ///   - values: one value per patient (aggregate a patient's rows first).
    ///   - lower: the clamp's lower bound; `upper` ≥ `lower`.
    ///   - gridExponent: k in 0…60.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for bad bounds or k, and as ``release(_:statistic:sensitivity:mechanism:)``.
    public func boundedSum(
        _ values: [Rational], lower: Rational, upper: Rational, gridExponent: Int, mechanism: NoiseMechanism
    ) throws(PrivacyError) -> Release {
        let (grid, sensitivity) = try Releaser.discretize(values, lower: lower, upper: upper, k: gridExponent)
        var total = 0
        for value in grid {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else {
                throw PrivacyError(.overflow, subject: "Releaser.boundedSum", reason: "sum exceeds 64 bits")
            }
            total = sum
        }
        return try release(
            [total], statistic: .boundedSum, sensitivity: sensitivity, mechanism: mechanism, gridExponent: gridExponent
        )
    }

    /// A noisy mean of one value per patient: a noisy bounded sum divided by a noisy count.
    ///
    /// Budget split: the sum and the count each get half the mechanism's cost parameter (ρ/2 each for Gaussian,
    /// so ρ in total by composition; ε/2 each for Laplace, so ε in total). The mean is post-processing: nil when
    /// the noisy count is below 1, otherwise clamped to [lower, upper].
    /// - Throws: as ``boundedSum(_:lower:upper:gridExponent:mechanism:)``.
    public func mean(
        _ values: [Rational], lower: Rational, upper: Rational, gridExponent: Int, mechanism: NoiseMechanism
    ) throws(PrivacyError) -> MeanRelease {
        let half = mechanism.scaled(by: Rational(numerator1: 1, over: 2))
        let sum = try boundedSum(values, lower: lower, upper: upper, gridExponent: gridExponent, mechanism: half)
        let count = try count(values.count, mechanism: half)
        var mean: Rational? = nil
        if count.values[0] >= 1 {
            let raw = try sum.estimate(at: 0) / Rational(count.values[0])
            mean = Rational.minimum(Rational.maximum(raw, lower), upper)
        }
        return MeanRelease(sum: sum, count: count, mean: mean)
    }

    /// The general case: noisy integers for true integers with a declared sensitivity.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a non-positive cost, `.randomnessFailure`, and
    ///   `.overflow` when a noisy value leaves the `Int` range.
    public func release(
        _ trueValues: [Int], statistic: Release.Statistic, sensitivity: Sensitivity, mechanism: NoiseMechanism,
        gridExponent: Int = 0
    ) throws(PrivacyError) -> Release {
        let mechanism = try mechanism.validated()
        let noiseScale: Rational
        let noise: [Int128]
        switch mechanism {
        case .gaussian(let rho):
            noiseScale = try sensitivity.l2Squared / (Rational(2) * rho)
            noise = try DiscreteGaussianSampler(sigmaSquared: noiseScale).samples(trueValues.count, using: stream)
        case .laplace(let epsilon):
            noiseScale = try sensitivity.l1 / epsilon
            noise = try DiscreteLaplaceSampler(scale: noiseScale).samples(trueValues.count, using: stream)
        }
        var values: [Int] = []
        values.reserveCapacity(trueValues.count)
        for (index, trueValue) in trueValues.enumerated() {
            let sum = Int128(trueValue) + noise[index]
            guard let value = Int(exactly: sum) else {
                throw PrivacyError(.overflow, subject: "Releaser.release", reason: "noisy value exceeds 64 bits")
            }
            values.append(value)
        }
        let pureEpsilon: Rational? =
            if case .laplace(let epsilon) = mechanism { epsilon } else { nil }
        return Release(
            statistic: statistic, values: values, distribution: mechanism.distribution, noiseScale: noiseScale,
            sensitivity: sensitivity, rho: mechanism.rho, pureEpsilon: pureEpsilon,
            halfWidth95: NoiseInterval.halfWidth(distribution: mechanism.distribution, noiseScale: noiseScale),
            gridExponent: gridExponent)
    }

    /// Clamps and rounds values to the 2^−k grid; returns grid integers and the per-patient sensitivity.
    static func discretize(_ values: [Rational], lower: Rational, upper: Rational, k: Int) throws(PrivacyError) -> (
        [Int], Sensitivity
    ) {
        guard lower <= upper, (0...60).contains(k) else {
            throw PrivacyError(
                .invalidParameter, subject: "Releaser.boundedSum", reason: "needs lower ≤ upper and 0 ≤ k ≤ 60")
        }
        let scale = Rational.powerOfTwo(k)
        let half = Rational(numerator1: 1, over: 2)
        func gridPoint(_ x: Rational) throws(PrivacyError) -> Int {
            let rounded = (x * scale + half).floor
            guard let small = rounded.int128Value, let value = Int(exactly: small) else {
                throw PrivacyError(.overflow, subject: "Releaser.boundedSum", reason: "bound beyond 64 bits on the grid")
            }
            return value
        }
        let low = try gridPoint(lower)
        let high = try gridPoint(upper)
        var grid: [Int] = []
        grid.reserveCapacity(values.count)
        for value in values {
            let clamped = Rational.minimum(Rational.maximum(value, lower), upper)
            grid.append(try gridPoint(clamped))
        }
        let bound = max(low.magnitude, high.magnitude)
        guard bound >= 1, bound <= UInt(Int.max) else {
            throw PrivacyError(
                .invalidParameter, subject: "Releaser.boundedSum", reason: "bounds round to 0 on the grid; raise k")
        }
        return (grid, try Sensitivity.perPatient(bound: Int(bound)))
    }
}

@available(*, unavailable)
extension Releaser: Sendable {}

/// A noisy mean: the two releases it is computed from and their ratio.
public struct MeanRelease: Sendable, Hashable, Codable {
    /// The noisy bounded sum (half the cost).
    public let sum: Release
    /// The noisy count (half the cost).
    public let count: Release
    /// sum / count, clamped to the bounds; nil when the noisy count is below 1.
    public let mean: Rational?

    /// The total zCDP cost (sum of both parts).
    public var rho: Rational { sum.rho + count.rho }
}
