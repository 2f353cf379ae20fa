import Foundation

/// Goodness-of-fit tests for the sampler suites, all at significance α = 10⁻⁶, and the exact distributions the
/// samplers are tested against (computed here, independently of the samplers, in `Double`).
enum Statistics {
    /// `make test-samplers-full` sets FEDLAKE_SAMPLERS_FULL=1: OpenSSL randomness and ≥ 10⁶ draws.
    static let fullRun = ProcessInfo.processInfo.environment["FEDLAKE_SAMPLERS_FULL"] == "1"

    /// Draws per distribution test: FEDLAKE_SAMPLER_DRAWS in the full run (default 10⁶, never fewer), `light`
    /// otherwise.
    static func draws(light: Int) -> Int {
        guard fullRun else { return light }
        let requested = Int(ProcessInfo.processInfo.environment["FEDLAKE_SAMPLER_DRAWS"] ?? "") ?? 1_000_000
        return max(requested, 1_000_000)
    }

    /// The significance level of every test.
    static let alpha = 1e-6
    /// The standard normal quantile at 1 − α/2 (two-sided), for Wilson intervals.
    static let zTwoSided = 4.891638475698358

    // MARK: - p-values

    /// Q(a, x) = Γ(a, x)/Γ(a), the regularized upper incomplete gamma function (series below a + 1, Lentz's
    /// continued fraction above; relative accuracy ~10⁻¹⁴, far finer than the α tested).
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0)
        if x == 0 { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<100_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logPrefix) * h
    }

    /// P[χ²_df ≥ statistic].
    static func chiSquarePValue(_ statistic: Double, degreesOfFreedom df: Int) -> Double {
        regularizedUpperGamma(Double(df) / 2, statistic / 2)
    }

    /// The asymptotic Kolmogorov p-value of a KS distance D for n draws, with Stephens' small-sample correction.
    /// For a discrete null distribution the test is conservative (the true p-value is smaller than for a
    /// continuous one, so this p-value is an upper bound).
    static func kolmogorovPValue(distance: Double, n: Int) -> Double {
        let root = Double(n).squareRoot()
        let lambda = (root + 0.12 + 0.11 / root) * distance
        if lambda < 0.2 { return 1 }
        var sum = 0.0
        for j in 1...200 {
            let term = exp(-2 * Double(j * j) * lambda * lambda)
            sum += j % 2 == 1 ? term : -term
            if term < 1e-18 { break }
        }
        return min(1, max(0, 2 * sum))
    }

    /// The Wilson score interval for `successes` out of `n` at α.
    static func wilson(successes: Int, n: Int) -> ClosedRange<Double> {
        let z = zTwoSided
        let nn = Double(n)
        let p = Double(successes) / nn
        let center = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        // At 0 or n successes the exact bound is 0 or 1; the expression above rounds it to within an ulp.
        let low = successes == 0 ? 0 : max(0, center - half)
        let high = successes == n ? 1 : min(1, center + half)
        return low...high
    }

    /// The two-sided normal-approximation p-value of `successes` out of `n` against probability `p`, reported
    /// alongside the Wilson interval.
    static func binomialPValue(successes: Int, n: Int, p: Double) -> Double {
        let sd = (p * (1 - p) / Double(n)).squareRoot()
        guard sd > 0 else { return successes == Int((p * Double(n)).rounded()) ? 1 : 0 }
        let z = abs(Double(successes) / Double(n) - p) / sd
        return erfc(z / 2.0.squareRoot())
    }

    // MARK: - Exact distributions on ℤ

    /// A distribution on ℤ, given by its CDF at sorted integer points.
    struct Distribution: Sendable {
        /// A short name for messages, such as `Lap_Z(7/3)`.
        let name: String
        /// P[X ≤ x] for every x of a sorted array.
        let cdfAtSorted: @Sendable ([Int]) -> [Double]
        /// The smallest x with P[X ≤ x] ≥ q, for every q of a sorted array of levels in (0, 1).
        let quantilesAtSorted: @Sendable ([Double]) -> [Int]
        /// P[X = x], for spot checks.
        let pmf: @Sendable (Int) -> Double
    }

    /// Lap_ℤ(t): P[x] = (1 − p)/(1 + p)·p^|x|, p = e^(−1/t); closed-form CDF: P[X ≤ x] = p^|x|/(1 + p) for x < 0
    /// and 1 − p^(x+1)/(1 + p) for x ≥ 0.
    static func laplace(scale t: Double) -> Distribution {
        let inverse = 1 / t
        let p = exp(-inverse)
        let oneMinusP = -expm1(-inverse)
        @Sendable func cdf(_ x: Int) -> Double {
            x < 0 ? exp(-Double(-x) * inverse) / (1 + p) : 1 - exp(-Double(x + 1) * inverse) / (1 + p)
        }
        @Sendable func quantile(_ q: Double) -> Int {
            // Invert the closed form, then correct the rounding by stepping.
            var x: Int
            if q < 1 / (1 + p) {
                x = -Int((log(q * (1 + p)) / -inverse).rounded(.down))
            } else {
                x = Int((log((1 - q) * (1 + p)) / -inverse).rounded(.up)) - 1
            }
            while cdf(x) < q { x += 1 }
            while cdf(x - 1) >= q { x -= 1 }
            return x
        }
        return Distribution(
            name: "Lap_Z(\(t))",
            cdfAtSorted: { points in points.map(cdf) },
            quantilesAtSorted: { levels in levels.map(quantile) },
            pmf: { x in oneMinusP / (1 + p) * exp(-Double(abs(x)) * inverse) })
    }

    /// N_ℤ(0, σ²): P[x] = e^(−x²/2σ²)/Z. Z by Poisson summation, Z = σ√(2π)·Σ_k e^(−2π²σ²k²) (exact to double
    /// precision with a few terms), the CDF by summing the pmf from −R, R = ⌈8σ⌉ + 2 (the mass beyond R is below
    /// 10^−14 and is included in the tail bins, so that both ends are open).
    static func gaussian(sigmaSquared: Double) -> Distribution {
        let sigma = sigmaSquared.squareRoot()
        var theta = 1.0
        for k in 1...50 {
            let term = exp(-2 * Double.pi * Double.pi * sigmaSquared * Double(k * k))
            theta += 2 * term
            if term < 1e-20 { break }
        }
        let normalizer = sigma * (2 * Double.pi).squareRoot() * theta
        let radius = Int((8 * sigma).rounded(.up)) + 2
        @Sendable func pmf(_ x: Int) -> Double { exp(-Double(x) * Double(x) / (2 * sigmaSquared)) / normalizer }
        /// Calls `visit(x, P[X ≤ x])` for x = −R … R in order, while it returns true; Kahan-compensated.
        @Sendable func sweep(_ visit: (Int, Double) -> Bool) {
            var sum = 0.0
            var compensation = 0.0
            for x in -radius...radius {
                let y = pmf(x) - compensation
                let t = sum + y
                compensation = (t - sum) - y
                sum = t
                if !visit(x, sum) { return }
            }
        }
        return Distribution(
            name: "N_Z(0, \(sigmaSquared))",
            cdfAtSorted: { points in
                var result = [Double](repeating: 0, count: points.count)
                var index = 0
                while index < points.count, points[index] < -radius {
                    index += 1
                }
                sweep { x, cumulative in
                    while index < points.count, points[index] == x {
                        result[index] = cumulative
                        index += 1
                    }
                    return index < points.count
                }
                while index < points.count {
                    result[index] = 1
                    index += 1
                }
                return result
            },
            quantilesAtSorted: { levels in
                var result = [Int](repeating: radius, count: levels.count)
                var index = 0
                sweep { x, cumulative in
                    while index < levels.count, cumulative >= levels[index] {
                        result[index] = x
                        index += 1
                    }
                    return index < levels.count
                }
                return result
            },
            pmf: pmf)
    }

    // MARK: - Tests

    /// A goodness-of-fit result.
    struct Fit: CustomStringConvertible {
        let draws: Int
        let bins: Int
        let chiSquare: Double
        let chiSquarePValue: Double
        let ksDistance: Double
        let ksPValue: Double
        var description: String {
            "n=\(draws) bins=\(bins) chi2=\(chiSquare) chi2_p=\(chiSquarePValue) ks_D=\(ksDistance) ks_p=\(ksPValue)"
        }
    }

    /// Bins over ℤ with edges at quantiles of `distribution` (about n/100 bins, at most 500), the first and last
    /// bins open-ended (so the tails are included), and any bin expected to hold fewer than 20 draws merged into
    /// its neighbour. Returns the upper edges (inclusive) of all bins but the last, and each bin's probability.
    static func bins(_ distribution: Distribution, draws: Int) -> (edges: [Int], masses: [Double]) {
        let target = max(2, min(500, draws / 100))
        let levels = (1..<target).map { Double($0) / Double(target) }
        var edges: [Int] = []
        for edge in distribution.quantilesAtSorted(levels) where edges.last != edge {
            edges.append(edge)
        }
        let cdf = distribution.cdfAtSorted(edges)
        var masses: [Double] = []
        var previous = 0.0
        for value in cdf {
            masses.append(value - previous)
            previous = value
        }
        masses.append(1 - previous)
        // Merge sparse bins (expected count < 20) into the following bin, and a sparse last bin into the one
        // before it.
        let minimum = 20 / Double(draws)
        var mergedEdges: [Int] = []
        var mergedMasses: [Double] = []
        var carried = 0.0
        for (index, mass) in masses.enumerated() {
            carried += mass
            if index == masses.count - 1 {
                if carried < minimum, !mergedMasses.isEmpty {
                    mergedMasses[mergedMasses.count - 1] += carried
                    mergedEdges.removeLast()
                } else {
                    mergedMasses.append(carried)
                }
            } else if carried >= minimum {
                mergedEdges.append(edges[index])
                mergedMasses.append(carried)
                carried = 0
            }
        }
        return (mergedEdges, mergedMasses)
    }

    /// χ² (quantile bins, tails included) and Kolmogorov–Smirnov tests of `samples` against `distribution`.
    static func fit(_ samples: [Int128], _ distribution: Distribution) -> Fit {
        let values = samples.map { Int(clamping: $0) }.sorted()
        let n = values.count
        let (edges, masses) = bins(distribution, draws: n)
        var observed = [Int](repeating: 0, count: masses.count)
        var bin = 0
        for value in values {
            while bin < edges.count, value > edges[bin] { bin += 1 }
            observed[bin] += 1
        }
        var statistic = 0.0
        for (index, mass) in masses.enumerated() {
            let expected = Double(n) * mass
            let difference = Double(observed[index]) - expected
            statistic += difference * difference / expected
        }
        let chiP = chiSquarePValue(statistic, degreesOfFreedom: masses.count - 1)

        // KS: both CDFs are step functions on ℤ; the empirical one is constant between distinct sample values,
        // so the supremum is attained at some v or v − 1 for a sample value v.
        var distinct: [Int] = []
        var counts: [Int] = []
        for value in values {
            if distinct.last == value {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(value); counts.append(1)
            }
        }
        var points: [Int] = []
        points.reserveCapacity(2 * distinct.count)
        for value in distinct {
            if points.last != value - 1 { points.append(value - 1) }
            points.append(value)
        }
        let cdf = distribution.cdfAtSorted(points)
        var cdfAt: [Int: Double] = [:]
        cdfAt.reserveCapacity(points.count)
        for (point, value) in zip(points, cdf) { cdfAt[point] = value }
        var cumulative = 0
        var distance = 0.0
        for (value, count) in zip(distinct, counts) {
            let before = Double(cumulative) / Double(n)
            cumulative += count
            let after = Double(cumulative) / Double(n)
            distance = max(distance, abs(before - (cdfAt[value - 1] ?? 0)), abs(after - (cdfAt[value] ?? 0)))
        }
        return Fit(
            draws: n, bins: masses.count, chiSquare: statistic, chiSquarePValue: chiP, ksDistance: distance,
            ksPValue: kolmogorovPValue(distance: distance, n: n))
    }
}
