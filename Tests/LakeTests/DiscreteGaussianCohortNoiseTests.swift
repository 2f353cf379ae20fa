import Foundation
@testable import Lake
import Synthesis
import Testing

/// The node's cohort noise: calibration of σ² from the sensitivity and ρ, and the outward rounding of ε.
@Suite struct DiscreteGaussianCohortNoiseTests {
    @Test func sigmaSquaredIsTheSensitivitySquaredOverTwoRho() throws {
        let noise = DiscreteGaussianCohortNoise()
        let rho = try #require(Rho("1/10"))
        let vector = try noise.privatize(
            [100, 0, 7], sensitivity: CohortSensitivity(l1: 2, l2Squared: 2), rho: rho)
        #expect(vector.values.count == 3)
        #expect(vector.scale == "10")  // 2 / (2 · 1/10)
        #expect(vector.interval95 >= 6 && vector.interval95 <= 7)  // 1.96 · √10 ≈ 6.2, on the integers
    }

    @Test func epsilonIsRoundedOutwardToSixDigits() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            let value = Double(random.int(in: 1...1_000_000_000)) / Double(random.int(in: 1...1_000_000))
            let text = DiscreteGaussianCohortNoise.roundedUp(value)
            let written = Double(text) ?? 0
            #expect(written >= value, "\(value) → \(text)")
            #expect(written <= value * (1 + 2e-5), "\(value) → \(text)")
        }
        #expect(DiscreteGaussianCohortNoise.roundedUp(0) == "0")
    }

    @Test func statesTheTightConversionAtDeltaOneInAMillion() throws {
        let loss = try DiscreteGaussianCohortNoise().privacyLoss(rho: try #require(Rho("1/2")))
        #expect(loss.delta == "1e-6")
        // ρ = 1/2, δ = 10⁻⁶: ε ≈ 5.22153 by CKS 2020 Corollary 13 (the classic ρ + 2√(ρ ln(1/δ)) gives 5.76).
        let epsilon = try #require(Double(loss.epsilon))
        #expect(epsilon >= 5.22153 && epsilon < 5.2216, "\(loss.epsilon)")
    }
}
