import Foundation
import Testing

@testable import Privacy

/// The samplers against their exact distributions: χ² (quantile bins, sparse bins merged, open tail bins) and
/// Kolmogorov–Smirnov for Lap_ℤ(t) and N_ℤ(0, σ²) at eight scales, and Wilson score intervals for every
/// Bernoulli(e^−γ) step, all at α = 10⁻⁶.
///
/// Light run (every `swift test`): a fixed seed (``SeededRandomSource``), 20,000 draws per scale, 20,000 trials
/// per γ. Full run (`make test-samplers-full`, FEDLAKE_SAMPLERS_FULL=1): OpenSSL's DRBG and FEDLAKE_SAMPLER_DRAWS
/// (≥ 10⁶) draws for each. Every result is printed on a line starting `SamplerDistributionTests:`.
@Suite struct SamplerDistributionTests {
    /// Eight scales from 1/2 to 10⁶, four of them not dyadic. Laplace: the scale t; Gaussian: σ (σ² = scale²).
    static let scales = ["1/2", "1", "7/3", "355/113", "10", "1000", "12345/7", "1000000"]

    static let lightDraws = 20_000
    static let lightTrials = 20_000

    static func report(_ line: String) { print("SamplerDistributionTests: \(line)") }

    static func check(_ fit: Statistics.Fit, _ label: String) {
        report("\(label) \(fit)")
        #expect(fit.chiSquarePValue >= Statistics.alpha, "χ² rejects \(label): \(fit)")
        #expect(fit.ksPValue >= Statistics.alpha, "KS rejects \(label): \(fit)")
    }

    static func seed(_ text: String, _ salt: UInt64) -> UInt64 {
        text.utf8.reduce(salt) { ($0 &* 0x100_0000_01B3) ^ UInt64($1) }
    }

    // MARK: - Discrete Laplace and discrete Gaussian

    @Test("discrete Laplace matches Lap_Z(t)", arguments: scales)
    func discreteLaplace(scale text: String) throws {
        let scale = try Rational(parsing: text)
        let sampler = try DiscreteLaplaceSampler(scale: scale)
        let draws = Statistics.draws(light: Self.lightDraws)
        let samples = try sampler.samples(draws, using: testStream(seed: Self.seed(text, 1)))
        Self.check(Statistics.fit(samples, Statistics.laplace(scale: scale.doubleApproximation)), "laplace t=\(text)")
    }

    @Test("discrete Gaussian matches N_Z(0, σ²)", arguments: scales)
    func discreteGaussian(sigma text: String) throws {
        let sigma = try Rational(parsing: text)
        let sampler = try DiscreteGaussianSampler(sigmaSquared: sigma * sigma)
        let draws = Statistics.draws(light: Self.lightDraws)
        let samples = try sampler.samples(draws, using: testStream(seed: Self.seed(text, 2)))
        let reference = Statistics.gaussian(sigmaSquared: (sigma * sigma).doubleApproximation)
        Self.check(Statistics.fit(samples, reference), "gaussian sigma=\(text)")
    }

    /// Scales outside the 128-bit fast paths: a numerator ≥ 2^121, and numerator and denominator beyond `Int128`
    /// (7/3 + 10⁻⁴⁵, indistinguishable from 7/3 by any number of draws).
    static let bigScales = [
        "2658455991569831745807614120560689153/332306998946228968225951765070086144",
        "7000000000000000000000000000000000000000000003/3000000000000000000000000000000000000000000000",
    ]

    @Test("discrete Laplace on the BIGNUM path", arguments: bigScales)
    func discreteLaplaceBig(scale text: String) throws {
        let scale = try Rational(parsing: text)
        let sampler = try DiscreteLaplaceSampler(scale: scale)
        guard case .big = sampler.parameters else {
            Issue.record("expected the BIGNUM path for \(text)")
            return
        }
        let draws = Statistics.fullRun ? 200_000 : 10_000
        let samples = try sampler.samples(draws, using: testStream(seed: Self.seed(text, 3)))
        Self.check(
            Statistics.fit(samples, Statistics.laplace(scale: scale.doubleApproximation)),
            "laplace-big t≈\(scale.doubleApproximation)")
    }

    @Test("discrete Gaussian on the BIGNUM path (σ² = 49/9 + 10^-45)")
    func discreteGaussianBig() throws {
        let sigmaSquared = try Rational(parsing: "49/9") + Rational(parsing: "1e-45")
        let sampler = try DiscreteGaussianSampler(sigmaSquared: sigmaSquared)
        guard case .big = sampler.parameters else {
            Issue.record("expected the BIGNUM path")
            return
        }
        let draws = Statistics.fullRun ? 200_000 : 10_000
        let samples = try sampler.samples(draws, using: testStream(seed: 4))
        Self.check(Statistics.fit(samples, Statistics.gaussian(sigmaSquared: 49.0 / 9)), "gaussian-big sigma2≈49/9")
    }

    /// The tests have power: the same draws are rejected against a slightly wrong scale.
    @Test("χ² and KS reject a wrong scale")
    func rejectsWrongScale() throws {
        let laplace = try DiscreteLaplaceSampler(scale: Rational(parsing: "7/3"))
            .samples(Self.lightDraws, using: seededStream(5))
        let wrongLaplace = Statistics.fit(laplace, Statistics.laplace(scale: 8.0 / 3))
        #expect(wrongLaplace.chiSquarePValue < Statistics.alpha)
        #expect(wrongLaplace.ksPValue < Statistics.alpha)
        let gaussian = try DiscreteGaussianSampler(sigmaSquared: Rational(100))
            .samples(Self.lightDraws, using: seededStream(6))
        let wrongGaussian = Statistics.fit(gaussian, Statistics.gaussian(sigmaSquared: 121))
        #expect(wrongGaussian.chiSquarePValue < Statistics.alpha)
        #expect(wrongGaussian.ksPValue < Statistics.alpha)
        // A shift by one is caught too (a sampler that forgot to reject "−0" would fail this way at small scales).
        let shifted = laplace.map { $0 + 1 }
        #expect(Statistics.fit(shifted, Statistics.laplace(scale: 7.0 / 3)).chiSquarePValue < Statistics.alpha)
    }

    /// V of the Laplace sampler: P[V ≥ v] = e^−v, so P[V = v] = (1 − e^−1)·e^−v.
    @Test("geometric step matches P[V ≥ v] = e^-v")
    func geometric() throws {
        let draws = Statistics.draws(light: Self.lightTrials)
        let stream = testStream(seed: 7)
        var samples: [Int128] = []
        samples.reserveCapacity(draws)
        for _ in 0..<draws { samples.append(Int128(try DiscreteLaplaceSampler.geometric(using: stream))) }
        let reference = Statistics.Distribution(
            name: "Geometric(1 - e^-1)",
            cdfAtSorted: { points in points.map { $0 < 0 ? 0 : -expm1(-Double($0 + 1)) } },
            quantilesAtSorted: { levels in levels.map { Int((-log1p(-$0)).rounded(.up)) - 1 } },
            pmf: { $0 < 0 ? 0 : -expm1(-1) * exp(-Double($0)) })
        Self.check(Statistics.fit(samples, reference), "geometric")
    }

    // MARK: - Bernoulli(e^−γ) steps (Wilson score intervals)

    static func checkBernoulli(_ label: String, gamma: Double, trials: Int, _ step: () throws -> Bool) rethrows {
        var successes = 0
        for _ in 0..<trials where try step() { successes += 1 }
        let p = exp(-gamma)
        let interval = Statistics.wilson(successes: successes, n: trials)
        let pValue = Statistics.binomialPValue(successes: successes, n: trials, p: p)
        report("bernoulli \(label) n=\(trials) successes=\(successes) expected=\(p) wilson=\(interval) p=\(pValue)")
        #expect(interval.contains(p), "Bernoulli(e^-\(label)): \(successes)/\(trials), e^-γ = \(p) outside \(interval)")
    }

    /// γ as n/d: below 1 (the fraction loop), at and above 1, non-dyadic, and near the 40 padding bound.
    static let gammas: [(UInt128, UInt128)] = [
        (0, 1), (1, 3), (1, 2), (5, 7), (999, 1000), (1, 1), (3, 2), (7, 3), (22, 7), (355, 113), (10, 3), (4, 1),
        (33, 5),
    ]

    @Test("Bernoulli(e^-γ) for rational γ (expMinus)", arguments: 0..<gammas.count)
    func expMinusRational(index: Int) throws {
        let (n, d) = Self.gammas[index]
        let stream = testStream(seed: 100 + UInt64(index))
        try Self.checkBernoulli(
            "\(n)/\(d)", gamma: Double(n) / Double(d), trials: Statistics.draws(light: Self.lightTrials)
        ) {
            try ExactBernoulli.expMinus(n, d, using: stream)
        }
    }

    @Test("Bernoulli(e^-γ) for γ < 1 (the fraction loop alone)", arguments: [(1, 3), (1, 2), (5, 7), (999, 1000)])
    func expMinusFraction(n: Int, d: Int) throws {
        let stream = testStream(seed: 200 + UInt64(n))
        try Self.checkBernoulli(
            "fraction \(n)/\(d)", gamma: Double(n) / Double(d), trials: Statistics.draws(light: Self.lightTrials)
        ) {
            try ExactBernoulli.expMinusFraction(UInt128(n), UInt128(d), using: stream)
        }
    }

    @Test("Bernoulli(e^-m) for integer m (the table)", arguments: [1, 2, 5])
    func expMinusInteger(m: Int) throws {
        let stream = testStream(seed: 300 + UInt64(m))
        try Self.checkBernoulli("integer \(m)", gamma: Double(m), trials: Statistics.draws(light: Self.lightTrials)) {
            try ExactBernoulli.expMinusInteger(m, using: stream)
        }
    }

    /// The BIGNUM Bernoulli (parameters beyond 128 bits): γ = 7/3 + 10⁻⁴⁵ and γ = 1/3 + 10⁻⁴⁵.
    @Test("Bernoulli(e^-γ) on the BIGNUM path", arguments: ["7/3", "1/3"])
    func expMinusBig(text: String) throws {
        let gamma = try Rational(parsing: text) + Rational(parsing: "1e-45")
        #expect(gamma.int128Parts == nil)
        let stream = testStream(seed: 400 + UInt64(text.utf8.count))
        let trials = Statistics.fullRun ? 200_000 : 10_000
        try Self.checkBernoulli("big \(text)+1e-45", gamma: gamma.doubleApproximation, trials: trials) {
            try ExactBernoulli.expMinus(gamma, using: stream)
        }
    }
}
