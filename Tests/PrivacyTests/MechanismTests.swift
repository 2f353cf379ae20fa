// `@_optimize(none)` on these tests: `make test-samplers-full` builds this module with -O, and Swift 6.3.1's
// optimizer crashed on RationalTests.arithmetic (CopyPropagation, "Found ownership error" on a borrowed Rational).
// The suites heavy in Rational comparisons are all kept unoptimized; they are fast either way.

import Foundation
import Testing

@testable import Privacy

/// Releaser against the samplers it calls: with a seeded stream, each release's noise must be exactly the
/// samples a sampler of the documented scale draws from the same seed (so the scale, the sensitivity and the
/// order of draws are all checked), and the bookkeeping (ρ, ε, half-widths, grid) must match the formulas.
@Suite struct MechanismTests {
    static func r(_ text: String) throws -> Rational { try Rational(parsing: text) }

    /// The noise a sampler of the given kind and scale draws first from seed `seed`.
    static func noise(_ distribution: NoiseDistribution, scale: Rational, count: Int, seed: UInt64) throws -> [Int] {
        let stream = seededStream(seed)
        let samples: [Int128] =
            switch distribution {
            case .discreteGaussian: try DiscreteGaussianSampler(sigmaSquared: scale).samples(count, using: stream)
            case .discreteLaplace: try DiscreteLaplaceSampler(scale: scale).samples(count, using: stream)
            }
        return samples.map { Int($0) }
    }

    // MARK: - Count

    @Test("count: Gaussian σ² = Δ₂²/(2ρ), Laplace t = Δ₁/ε, noise from the sampler", arguments: 0..<5)
    @_optimize(none)
    func count(seed: Int) throws {
        let seed = UInt64(seed)
        let rho = try Self.r("0.05")
        let gaussian = try Releaser(stream: seededStream(seed)).count(412, mechanism: .gaussian(spending: rho))
        #expect(gaussian.noiseScale == (try Self.r("10")))  // 1 / (2 · 0.05)
        #expect(gaussian.distribution == .discreteGaussian)
        #expect(gaussian.rho == rho)
        #expect(gaussian.pureEpsilon == nil)
        #expect(gaussian.statistic == .count)
        #expect(
            gaussian.values == [412 + (try Self.noise(.discreteGaussian, scale: Rational(10), count: 1, seed: seed))[0]]
        )
        #expect(gaussian.halfWidth95 == NoiseInterval.gaussianHalfWidth(sigmaSquared: Rational(10)))

        let epsilon = try Self.r("1/2")
        let laplace = try Releaser(stream: seededStream(seed))
            .count(412, perPatientBound: 3, mechanism: .laplace(spending: epsilon))
        #expect(laplace.noiseScale == Rational(6))  // 3 / (1/2)
        #expect(laplace.sensitivity == (try Sensitivity.perPatient(bound: 3)))
        #expect(laplace.rho == (try Self.r("1/8")))  // ε²/2
        #expect(laplace.pureEpsilon == epsilon)
        #expect(
            laplace.values == [412 + (try Self.noise(.discreteLaplace, scale: Rational(6), count: 1, seed: seed))[0]])
        #expect(laplace.halfWidth95 == NoiseInterval.laplaceHalfWidth(scale: Rational(6)))
    }

    @Test("a release rejects costs ≤ 0 and bounds < 1, however the mechanism was built")
    @_optimize(none)
    func invalidParameters() throws {
        let releaser = Releaser(stream: seededStream(1))
        for mechanism in [NoiseMechanism.gaussian(rho: .zero), .gaussian(rho: -Rational.one), .laplace(epsilon: .zero)]
        {
            #expect(throws: PrivacyError.self) { try releaser.count(3, mechanism: mechanism) }
        }
        #expect(throws: PrivacyError.self) { try NoiseMechanism.gaussian(spending: .zero) }
        #expect(throws: PrivacyError.self) { try NoiseMechanism.laplace(spending: -Rational.one) }
        #expect(throws: PrivacyError.self) {
            try releaser.count(3, perPatientBound: 0, mechanism: .gaussian(rho: .one))
        }
        #expect(throws: PrivacyError.self) { try Sensitivity(l1: .zero, l2Squared: .one) }
    }

    // MARK: - Histogram

    @Test("histogram: every bin noised, empty ones included; L2 and L1 sensitivities per bin bound")
    @_optimize(none)
    func histogram() throws {
        let counts = [5, 0, 0, 12, 0, 0, 0, 3]
        let rho = try Self.r("0.01")
        let gaussian = try Releaser(stream: seededStream(21))
            .histogram(counts, binsPerPatient: 3, perBinBound: 2, mechanism: .gaussian(spending: rho))
        // Δ₂² = 2²·3 = 12, σ² = 12 / 0.02 = 600.
        #expect(gaussian.noiseScale == Rational(600))
        #expect(gaussian.sensitivity.l2Squared == Rational(12))
        #expect(gaussian.sensitivity.l1 == Rational(6))
        #expect(gaussian.statistic == .histogram)
        let gaussianNoise = try Self.noise(.discreteGaussian, scale: Rational(600), count: counts.count, seed: 21)
        #expect(gaussian.values == zip(counts, gaussianNoise).map { $0 + $1 })

        let epsilon = try Self.r("0.3")
        let laplace = try Releaser(stream: seededStream(22))
            .histogram(counts, binsPerPatient: 3, perBinBound: 2, mechanism: .laplace(spending: epsilon))
        // Δ₁ = 2·3 = 6, t = 6 / 0.3 = 20.
        #expect(laplace.noiseScale == Rational(20))
        let laplaceNoise = try Self.noise(.discreteLaplace, scale: Rational(20), count: counts.count, seed: 22)
        #expect(laplace.values == zip(counts, laplaceNoise).map { $0 + $1 })

        // A catalogue of 500 empty bins: all 500 get independent noise (Lap_Z(20) is 0 with probability 2.5%).
        let empty = try Releaser(stream: seededStream(23))
            .histogram([Int](repeating: 0, count: 500), mechanism: .laplace(spending: Self.r("1/20")))
        #expect(empty.values.count == 500)
        #expect(empty.values.filter { $0 != 0 }.count > 400)
        #expect(Set(empty.values).count > 5)
    }

    @Test("histogram rejects no bins, binsPerPatient above the bins, and bounds below 1")
    @_optimize(none)
    func histogramErrors() {
        let releaser = Releaser(stream: seededStream(2))
        let mechanism = NoiseMechanism.gaussian(rho: .one)
        #expect(throws: PrivacyError.self) { try releaser.histogram([], mechanism: mechanism) }
        #expect(throws: PrivacyError.self) { try releaser.histogram([1, 2], binsPerPatient: 3, mechanism: mechanism) }
        #expect(throws: PrivacyError.self) { try releaser.histogram([1, 2], perBinBound: 0, mechanism: mechanism) }
        #expect(throws: PrivacyError.self) { try releaser.histogram([1, 2], binsPerPatient: 0, mechanism: mechanism) }
    }

    // MARK: - Bounded sum and mean

    @Test("bounded sum: clamps to the bounds, rounds to the 2^-k grid (halves up), sensitivity in grid units")
    @_optimize(none)
    func boundedSum() throws {
        let values = try ["-5", "0.3", "2.5", "100", "-1/8", "1/8"].map(Self.r)
        // k = 2: clamp to [−1, 3] → −1, 0.3, 2.5, 3, −1/8, 1/8 → ×4 → −4, 1.2, 10, 12, −0.5, 0.5 → −4, 1, 10, 12, 0, 1.
        let grid = try Releaser.discretize(values, lower: Rational(-1), upper: Rational(3), k: 2)
        #expect(grid.0 == [-4, 1, 10, 12, 0, 1])
        #expect(grid.1 == (try Sensitivity.perPatient(bound: 12)))
        let rho = try Self.r("1/2")
        let release = try Releaser(stream: seededStream(31))
            .boundedSum(
                values, lower: Rational(-1), upper: Rational(3), gridExponent: 2, mechanism: .gaussian(spending: rho))
        // Δ₂² = 144, σ² = 144 / 1.
        #expect(release.noiseScale == Rational(144))
        #expect(release.gridExponent == 2)
        #expect(release.statistic == .boundedSum)
        let noise = try Self.noise(.discreteGaussian, scale: Rational(144), count: 1, seed: 31)[0]
        #expect(release.values == [20 + noise])
        #expect(release.estimate(at: 0) == (try Rational(numerator: Int128(20 + noise), denominator: 4)))

        // Non-dyadic bounds: [−1/3, 7/3] on the 2^−3 grid → round(−8/3) = −3, round(56/3) = 19; c = 19.
        let nonDyadic = try Releaser.discretize(
            try ["-1", "1/3", "7/3"].map(Self.r), lower: Self.r("-1/3"), upper: Self.r("7/3"), k: 3)
        #expect(nonDyadic.0 == [-3, 3, 19])
        #expect(nonDyadic.1.l1 == Rational(19))
        // k = 0: integers; Laplace scale Δ₁/ε.
        let laplace = try Releaser(stream: seededStream(32))
            .boundedSum(
                values, lower: Rational(-2), upper: Rational(5), gridExponent: 0,
                mechanism: .laplace(spending: Self.r("1/4")))
        #expect(laplace.noiseScale == Rational(20))  // c = 5, t = 5 / (1/4)
        let laplaceNoise = try Self.noise(.discreteLaplace, scale: Rational(20), count: 1, seed: 32)[0]
        // −2, round(0.3) = 0, round(2.5) = 3, 5, round(−1/8) = 0, round(1/8) = 0.
        #expect(laplace.values == [6 + laplaceNoise])
    }

    @Test("bounded sum rejects bad bounds, grids, and sums beyond 64 bits")
    @_optimize(none)
    func boundedSumErrors() throws {
        let releaser = Releaser(stream: seededStream(3))
        let mechanism = NoiseMechanism.gaussian(rho: .one)
        let values = [Rational.one]
        #expect(throws: PrivacyError.self) {
            try releaser.boundedSum(
                values, lower: Rational(2), upper: Rational(1), gridExponent: 0, mechanism: mechanism)
        }
        #expect(throws: PrivacyError.self) {
            try releaser.boundedSum(values, lower: .zero, upper: .one, gridExponent: 61, mechanism: mechanism)
        }
        #expect(throws: PrivacyError.self) {
            try releaser.boundedSum(values, lower: .zero, upper: .one, gridExponent: -1, mechanism: mechanism)
        }
        // Bounds that round to 0 on the grid.
        #expect(throws: PrivacyError.self) {
            try releaser.boundedSum(
                values, lower: .zero, upper: try Self.r("1/16"), gridExponent: 2, mechanism: mechanism)
        }
        // 3 × 2^62 overflows.
        let large = [Rational(4), Rational(4), Rational(4)]
        #expect(throws: PrivacyError.self) {
            try releaser.boundedSum(large, lower: .zero, upper: Rational(4), gridExponent: 60, mechanism: mechanism)
        }
    }

    @Test(
        "mean: half the cost each to the sum and the count, clamped, nil below a count of 1", arguments: [false, true])
    @_optimize(none)
    func mean(laplace: Bool) throws {
        let values = try ["-5", "0.3", "2.5", "100", "1/8"].map(Self.r)
        let mechanism: NoiseMechanism = laplace ? .laplace(epsilon: Rational(1)) : .gaussian(rho: Rational(1))
        // Sum: grid −4, 1, 10, 12, 1 = 20, c = 12. Gaussian ρ/2 = 1/2 each: σ² = 144 and 1; Laplace ε/2 each:
        // t = 24 and 2.
        let (sumScale, countScale): (Rational, Rational) = laplace ? (Rational(24), Rational(2)) : (Rational(144), .one)
        let distribution: NoiseDistribution = laplace ? .discreteLaplace : .discreteGaussian
        var sawNil = false
        var sawValue = false
        for seed in UInt64(40)..<UInt64(60) {
            let release = try Releaser(stream: seededStream(seed))
                .mean(values, lower: Rational(-1), upper: Rational(3), gridExponent: 2, mechanism: mechanism)
            #expect(release.rho == (laplace ? try Self.r("1/4") : Rational(1)))
            #expect(release.sum.noiseScale == sumScale)
            #expect(release.count.noiseScale == countScale)
            // Replay: the sum's noise is drawn first, then the count's, from the same stream.
            let stream = seededStream(seed)
            let sumNoise: Int128
            let countNoise: Int128
            if laplace {
                sumNoise = try DiscreteLaplaceSampler(scale: sumScale).sample(using: stream)
                countNoise = try DiscreteLaplaceSampler(scale: countScale).sample(using: stream)
            } else {
                sumNoise = try DiscreteGaussianSampler(sigmaSquared: sumScale).sample(using: stream)
                countNoise = try DiscreteGaussianSampler(sigmaSquared: countScale).sample(using: stream)
            }
            #expect(release.sum.values == [20 + Int(sumNoise)])
            #expect(release.count.values == [5 + Int(countNoise)])
            #expect(release.sum.distribution == distribution)
            if 5 + countNoise >= 1 {
                let raw = try Rational(numerator: 20 + sumNoise, denominator: 4) / Rational(5 + countNoise)
                #expect(release.mean == Rational.minimum(Rational.maximum(raw, Rational(-1)), Rational(3)))
                sawValue = true
            } else {
                #expect(release.mean == nil)
            }
        }
        #expect(sawValue)
        // An empty input: the noisy count is below 1 for some seeds, and then there is no mean.
        for seed in UInt64(60)..<UInt64(100) {
            let release = try Releaser(stream: seededStream(seed))
                .mean([], lower: Rational(-1), upper: Rational(3), gridExponent: 2, mechanism: mechanism)
            if release.count.values[0] < 1 {
                #expect(release.mean == nil)
                sawNil = true
            } else {
                #expect(release.mean.map { $0 >= Rational(-1) && $0 <= Rational(3) } == true)
            }
        }
        #expect(sawNil)
    }

    // MARK: - Quantiles

    @Test("histogram quantiles: negative counts as zero, interpolation within the bin")
    @_optimize(none)
    func quantiles() throws {
        let counts = [0, 10, -3, 30, 60]
        let edges = (0...5).map { Rational($0 * 10) }
        func value(_ q: String) throws -> Rational? {
            try HistogramQuantiles.value(quantile: Self.r(q), counts: counts, edges: edges)
        }
        #expect(try value("1/2") == (try Self.r("125/3")))  // 40 + 10·(50 − 40)/60
        #expect(try value("0") == Rational(10))
        #expect(try value("1") == Rational(50))
        #expect(try value("1/10") == Rational(20))
        #expect(try value("0.3") == (try Self.r("110/3")))  // bin 3: 30 + 10·(30 − 10)/30
        #expect(try HistogramQuantiles.binIndex(quantile: Self.r("1/2"), counts: counts) == 4)
        #expect(try HistogramQuantiles.binIndex(quantile: Self.r("0.05"), counts: counts) == 1)
        #expect(try HistogramQuantiles.binIndex(quantile: Self.r("1/2"), counts: [0, -4, 0]) == nil)
        #expect(
            try HistogramQuantiles.value(quantile: .one, counts: [-1, 0], edges: [.zero, .one, Rational(2)]) == nil)
        #expect(throws: PrivacyError.self) { try HistogramQuantiles.binIndex(quantile: Self.r("3/2"), counts: counts) }
        #expect(throws: PrivacyError.self) { try HistogramQuantiles.binIndex(quantile: Self.r("-1/2"), counts: counts) }
        #expect(throws: PrivacyError.self) {
            try HistogramQuantiles.value(quantile: Self.r("1/2"), counts: counts, edges: [.zero, .one])
        }
    }

    @Test("quantiles read from a released histogram are post-processing of its values")
    @_optimize(none)
    func quantilesOfRelease() throws {
        let release = try Releaser(stream: seededStream(50))
            .histogram([0, 40, 100, 40, 0], mechanism: .gaussian(spending: Rational(1)))
        let median = try HistogramQuantiles.binIndex(quantile: Self.r("1/2"), counts: release.values)
        #expect(median == 2)
    }

    // MARK: - Release record

    @Test("release: 95% interval saturates, Codable round trip keeps rationals as text")
    @_optimize(none)
    func releaseRecord() throws {
        let release = try Releaser(stream: seededStream(60))
            .boundedSum(
                [Self.r("1/3")], lower: .zero, upper: .one, gridExponent: 3,
                mechanism: .laplace(spending: Self.r("2/7")))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(release)
        #expect(String(decoding: data, as: UTF8.self).contains("\"2/7\""))
        #expect(try JSONDecoder().decode(Release.self, from: data) == release)
        let edge = Release(
            statistic: .count, values: [Int.max - 1, Int.min + 1], distribution: .discreteLaplace, noiseScale: .one,
            sensitivity: try Sensitivity.perPatient(bound: 1), rho: .one, pureEpsilon: nil, halfWidth95: 10,
            gridExponent: 0)
        #expect(edge.interval95(at: 0) == (Int.max - 11)...Int.max)
        #expect(edge.interval95(at: 1) == Int.min...(Int.min + 11))
        // For a Laplace release, ε(δ) is at most the pure ε.
        let laplace = try Releaser(stream: seededStream(61)).count(3, mechanism: .laplace(spending: Self.r("1/2")))
        let epsilon = try laplace.epsilon(delta: 1e-6)
        #expect(epsilon >= 0.5 && epsilon < 0.5 + 1e-12)
        let gaussian = try Releaser(stream: seededStream(61)).count(3, mechanism: .gaussian(spending: Self.r("1/8")))
        #expect(try gaussian.epsilon(delta: 1e-6) == (try ZeroConcentratedDP.epsilon(rho: Self.r("1/8"), delta: 1e-6)))
    }

    // MARK: - 95% half-widths against the exact pmf

    /// P[|X| > h] from the exact pmf, summed (Σ_{|x| ≤ h} subtracted from 1, or the tail summed directly).
    static func tail(_ distribution: Statistics.Distribution, beyond h: Int, radius: Int) -> Double {
        if h < 0 { return 1 }
        var sum = 0.0
        var x = radius
        while x > h {
            sum += 2 * distribution.pmf(x)
            x -= 1
        }
        return sum
    }

    @Test("Laplace half-width is the smallest h with P[|X| > h] ≤ 5%", arguments: SamplerDistributionTests.scales)
    @_optimize(none)
    func laplaceHalfWidth(scale text: String) throws {
        let scale = try Self.r(text)
        let h = NoiseInterval.laplaceHalfWidth(scale: scale)
        let t = scale.doubleApproximation
        let reference = Statistics.laplace(scale: t)
        // Summed pmf for scales up to a few thousand; the closed form 2p^(h+1)/(1+p) beyond.
        let tail: (Int) -> Double
        if t < 5000 {
            let radius = Int(60 * t) + 10
            tail = { Self.tail(reference, beyond: $0, radius: radius) }
        } else {
            tail = { 2 * exp(-Double($0 + 1) / t) / (1 + exp(-1 / t)) }
        }
        #expect(tail(h) <= 0.05, "t = \(text), h = \(h): tail \(tail(h))")
        #expect(tail(h - 1) > 0.05, "t = \(text), h = \(h) is not the smallest: tail(h−1) = \(tail(h - 1))")
    }

    @Test(
        "Gaussian half-width covers 95% and is at most one above the smallest that does",
        arguments: ["1/4", "1/2", "1", "49/9", "100", "12345/7", "1000000", "100000000"])
    @_optimize(none)
    func gaussianHalfWidth(sigmaSquared text: String) throws {
        let sigmaSquared = try Self.r(text)
        let h = NoiseInterval.gaussianHalfWidth(sigmaSquared: sigmaSquared)
        let reference = Statistics.gaussian(sigmaSquared: sigmaSquared.doubleApproximation)
        let radius = Int(12 * sigmaSquared.doubleApproximation.squareRoot()) + 10
        let tail = { (h: Int) in Self.tail(reference, beyond: h, radius: radius) }
        #expect(tail(h) <= 0.05, "σ² = \(text), h = \(h): tail \(tail(h))")
        #expect(tail(h - 2) > 0.05, "σ² = \(text), h = \(h) is loose: tail(h−2) = \(tail(h - 2))")
    }

    @Test("the mechanism's cost and scaling")
    @_optimize(none)
    func mechanismCost() throws {
        #expect(NoiseMechanism.laplace(epsilon: try Self.r("3/5")).rho == (try Self.r("9/50")))
        #expect(NoiseMechanism.gaussian(rho: try Self.r("3/5")).rho == (try Self.r("3/5")))
        #expect(
            NoiseMechanism.gaussian(rho: Rational(1)).scaled(by: try Self.r("1/3")) == .gaussian(rho: try Self.r("1/3"))
        )
        #expect(NoiseMechanism.laplace(epsilon: Rational(1)).scaled(by: try Self.r("1/2")).rho == (try Self.r("1/8")))
        #expect(ZeroConcentratedDP.rho(pureEpsilon: try Self.r("1/2")) == (try Self.r("1/8")))
        #expect(
            ZeroConcentratedDP.composition([try Self.r("0.1"), try Self.r("0.2"), try Self.r("1/3")])
                == (try Self.r("19/30")))
    }
}
