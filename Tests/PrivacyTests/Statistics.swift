import Foundation

/// Goodness-of-fit helpers for the sampler tests, all at significance α = 10⁻⁶.
enum Statistics {
    /// `make test-samplers-full` sets FEDLAKE_SAMPLERS_FULL=1: OpenSSL randomness and ≥ 10⁶ draws.
    static let fullRun = ProcessInfo.processInfo.environment["FEDLAKE_SAMPLERS_FULL"] == "1"

    /// Draws per distribution test: FEDLAKE_SAMPLER_DRAWS in the full run (default 10⁶), `light` otherwise.
    static func draws(light: Int) -> Int {
        guard fullRun else { return light }
        return Int(ProcessInfo.processInfo.environment["FEDLAKE_SAMPLER_DRAWS"] ?? "") ?? 1_000_000
    }

    static let alpha = 1e-6
    /// Standard normal quantile at 1 − α (one-sided), for χ².
    static let zOneSided = 4.753424308822899
    /// Standard normal quantile at 1 − α/2 (two-sided), for Wilson intervals.
    static let zTwoSided = 4.891638475698358

    /// The χ² critical value for `df` degrees of freedom at α (Wilson–Hilferty approximation).
    static func chiSquareCritical(df: Int) -> Double {
        let k = Double(df)
        let term = 1 - 2 / (9 * k) + zOneSided * (2 / (9 * k)).squareRoot()
        return k * term * term * term
    }

    /// The Kolmogorov–Smirnov critical distance for n draws at α by the Dvoretzky–Kiefer–Wolfowitz inequality
    /// (P[D > d] ≤ 2e^(−2nd²), valid, and conservative, for discrete distributions too).
    static func ksCritical(n: Int) -> Double { (log(2 / alpha) / (2 * Double(n))).squareRoot() }

    /// The Wilson score interval for `successes` out of `n` at α.
    static func wilson(successes: Int, n: Int) -> ClosedRange<Double> {
        let z = zTwoSided
        let nn = Double(n)
        let p = Double(successes) / nn
        let center = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        return (center - half)...(center + half)
    }

    /// A discrete distribution on ℤ given by its pmf, enumerated on [−radius, radius] with the rest as tails.
    struct Distribution {
        let pmf: (Int) -> Double
        let radius: Int

        /// Bins over ℤ with expected mass ≥ `minimumMass` each; the first and last absorb the tails.
        /// Returns the upper edge (inclusive) of each bin but the last, and each bin's mass.
        func bins(minimumMass: Double) -> (edges: [Int], masses: [Double]) {
            var edges: [Int] = []
            var masses: [Double] = []
            var mass = tailMass(below: -radius)
            for x in -radius...radius {
                mass += pmf(x)
                if mass >= minimumMass {
                    edges.append(x)
                    masses.append(mass)
                    mass = 0
                }
            }
            mass += tailMass(above: radius)
            // Merge the remainder into the last bin.
            if masses.isEmpty {
                masses = [mass]
            } else {
                masses[masses.count - 1] += mass
                edges.removeLast()
            }
            return (edges, masses)
        }

        func tailMass(below x: Int) -> Double { 0 }
        func tailMass(above x: Int) -> Double { 0 }

        /// The CDF at each of the sorted `points`.
        func cdf(atSorted points: [Int]) -> [Double] {
            var result: [Double] = []
            result.reserveCapacity(points.count)
            var cumulative = 0.0
            var x = -radius
            for point in points {
                let target = min(point, radius)
                while x <= target {
                    cumulative += pmf(x)
                    x += 1
                }
                result.append(point < -radius ? 0 : min(1, cumulative))
            }
            return result
        }
    }

    /// χ² statistic and its critical value for `samples` against `distribution`.
    static func chiSquare(_ samples: [Int128], _ distribution: Distribution) -> (statistic: Double, critical: Double) {
        let n = Double(samples.count)
        let targetBins = max(2, min(200, samples.count / 100))
        let (edges, masses) = distribution.bins(minimumMass: 1 / Double(targetBins))
        var observed = [Int](repeating: 0, count: masses.count)
        for sample in samples {
            // The first edge ≥ sample, by binary search.
            var low = 0
            var high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if Int128(edges[middle]) < sample { low = middle + 1 } else { high = middle }
            }
            observed[low] += 1
        }
        var statistic = 0.0
        for (index, mass) in masses.enumerated() {
            let expected = n * mass
            let difference = Double(observed[index]) - expected
            statistic += difference * difference / expected
        }
        return (statistic, chiSquareCritical(df: masses.count - 1))
    }

    /// The Kolmogorov–Smirnov distance between the empirical CDF of `samples` and `distribution`'s CDF.
    static func ksDistance(_ samples: [Int128], _ distribution: Distribution) -> Double {
        let sorted = samples.map { Int($0) }.sorted()
        var distinct: [Int] = []
        var counts: [Int] = []
        for value in sorted {
            if distinct.last == value { counts[counts.count - 1] += 1 } else { distinct.append(value); counts.append(1) }
        }
        var points: [Int] = []
        for value in distinct { points.append(value - 1); points.append(value) }
        let cdf = distribution.cdf(atSorted: points)
        let n = Double(samples.count)
        var cumulative = 0
        var distance = 0.0
        for (index, count) in counts.enumerated() {
            let before = Double(cumulative) / n
            cumulative += count
            let after = Double(cumulative) / n
            distance = max(distance, abs(before - cdf[2 * index]), abs(after - cdf[2 * index + 1]))
        }
        return distance
    }

    /// Lap_ℤ(b): P[x] = (1 − p)/(1 + p)·p^|x|, p = e^(−1/b).
    static func laplace(scale b: Double) -> Distribution {
        let p = exp(-1 / b)
        let normalizer = (1 - p) / (1 + p)
        return Distribution(pmf: { normalizer * pow(p, Double(abs($0))) }, radius: Int((b * 60).rounded(.up)) + 5)
    }

    /// N_ℤ(0, σ²): P[x] ∝ e^(−x²/2σ²), normalised by summation.
    static func gaussian(sigmaSquared: Double) -> Distribution {
        let sigma = sigmaSquared.squareRoot()
        let radius = Int((sigma * 14).rounded(.up)) + 5
        var normalizer = 0.0
        for x in -radius...radius { normalizer += exp(-Double(x) * Double(x) / (2 * sigmaSquared)) }
        return Distribution(pmf: { exp(-Double($0) * Double($0) / (2 * sigmaSquared)) / normalizer }, radius: radius)
    }
}
