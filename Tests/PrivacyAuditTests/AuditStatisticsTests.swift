import Foundation
import Privacy
import Testing

/// The statistics core of the audit, checked against closed forms and published values, and the auditor itself
/// checked on a mechanism whose privacy loss is known exactly.
@Suite struct AuditStatisticsTests {
    private func close(_ x: Double, _ y: Double, _ tolerance: Double) -> Bool { abs(x - y) <= tolerance }

    @Test func regularizedBetaMatchesClosedForms() {
        for x in [0.001, 0.1, 0.37, 0.5, 0.9, 0.999] {
            #expect(close(AuditStatistics.regularizedBeta(x, 1, 1), x, 1e-12))
            #expect(close(AuditStatistics.regularizedBeta(x, 3, 1), pow(x, 3), 1e-12))
            #expect(close(AuditStatistics.regularizedBeta(x, 1, 4), 1 - pow(1 - x, 4), 1e-12))
            // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a), on the two branches of the continued fraction.
            #expect(
                close(
                    AuditStatistics.regularizedBeta(x, 7.5, 2), 1 - AuditStatistics.regularizedBeta(1 - x, 2, 7.5),
                    1e-12))
        }
        #expect(close(AuditStatistics.regularizedBeta(0.5, 40, 40), 0.5, 1e-12))
        #expect(close(AuditStatistics.inverseRegularizedBeta(0.3, 2, 5), 0.181803, 1e-6))
        #expect(
            close(
                AuditStatistics.regularizedBeta(AuditStatistics.inverseRegularizedBeta(1e-7, 300, 9_700), 300, 9_700),
                1e-7, 1e-12))
    }

    @Test func clopperPearsonMatchesPublishedIntervals() {
        // Exact 95 % intervals (two-sided, so α = 0.025 per side): 5/10 → [0.1871, 0.8129], 1/20 → [0.00127, 0.2487].
        #expect(close(AuditStatistics.clopperPearsonLower(successes: 5, trials: 10, alpha: 0.025), 0.187086, 1e-5))
        #expect(close(AuditStatistics.clopperPearsonUpper(successes: 5, trials: 10, alpha: 0.025), 0.812914, 1e-5))
        #expect(close(AuditStatistics.clopperPearsonLower(successes: 1, trials: 20, alpha: 0.025), 0.0012650, 1e-6))
        #expect(close(AuditStatistics.clopperPearsonUpper(successes: 1, trials: 20, alpha: 0.025), 0.248733, 1e-5))
        // Closed forms at the edges: 0 of n → upper 1 − α^(1/n); n of n → lower α^(1/n).
        for n in [1, 7, 5_000, 100_000] {
            let alpha = 5e-7
            #expect(
                close(
                    AuditStatistics.clopperPearsonUpper(successes: 0, trials: n, alpha: alpha),
                    1 - pow(alpha, 1 / Double(n)), 1e-12))
            #expect(
                close(
                    AuditStatistics.clopperPearsonLower(successes: n, trials: n, alpha: alpha),
                    pow(alpha, 1 / Double(n)), 1e-12))
            #expect(AuditStatistics.clopperPearsonLower(successes: 0, trials: n, alpha: alpha) == 0)
            #expect(AuditStatistics.clopperPearsonUpper(successes: n, trials: n, alpha: alpha) == 1)
        }
    }

    @Test func chiSquareSurvivalMatchesTables() {
        #expect(close(AuditStatistics.chiSquareSurvival(3.841459, degreesOfFreedom: 1), 0.05, 1e-6))
        #expect(close(AuditStatistics.chiSquareSurvival(18.307038, degreesOfFreedom: 10), 0.05, 1e-6))
        #expect(close(AuditStatistics.chiSquareSurvival(124.342113, degreesOfFreedom: 100), 0.05, 1e-6))
        #expect(close(AuditStatistics.chiSquareSurvival(149.449252, degreesOfFreedom: 100), 0.001, 1e-7))
        // Two degrees of freedom: P[χ²₂ ≥ x] = e^(−x/2) exactly, also far in the tail.
        for x in [0.5, 3, 30, 60] {
            let p = AuditStatistics.chiSquareSurvival(x, degreesOfFreedom: 2)
            #expect(close(p / exp(-x / 2), 1, 1e-9))
        }
    }

    @Test func zCDPDeltaInvertsThePrivacyModuleConversion() throws {
        // ZeroConcentratedDP.epsilon (Privacy, checked against OpenDP) and the audit's δ(ε) are the two directions of
        // the same CKS 2020 bound; the audit's grid over α can only overstate δ, so ε(δ(ε)) ≤ ε, and barely.
        for rho in [0.01, 0.125, 0.5, 2] {
            for epsilon in [0.1, 0.5, 1, 2, 4] {
                let delta = AuditStatistics.zCDPDelta(rho: rho, epsilon: epsilon)
                guard delta < 1 else { continue }
                let back = try ZeroConcentratedDP.epsilon(rho: rho, delta: delta)
                #expect(back <= epsilon + 1e-9, "ρ = \(rho), ε = \(epsilon): δ = \(delta) gives back ε = \(back)")
                #expect(back >= epsilon - 0.01, "ρ = \(rho), ε = \(epsilon): δ = \(delta) gives back ε = \(back)")
            }
        }
    }

    @Test func noisePMFsSumToOne() {
        for pmf in [
            DistributionDistinguisher.discreteLaplacePMF(scale: 1),
            DistributionDistinguisher.discreteLaplacePMF(scale: 100),
            DistributionDistinguisher.discreteGaussianPMF(sigmaSquared: 0.25),
            DistributionDistinguisher.discreteGaussianPMF(sigmaSquared: 10_000),
        ] {
            let total = (-20_000...20_000).reduce(0.0) { $0 + pmf($1) }
            #expect(close(total, 1, 1e-9))
        }
    }

    /// Randomized response on one bit with P[truth] = e^a / (1 + e^a) is exactly a-DP. The auditor must pass the
    /// true claim and flag a claim of half of it, both with fixed seeds and the light sample sizes.
    @Test func auditorPassesTheTruthAndFlagsAnUnderstatement() {
        let generator = AuditGenerator(seed: 0x5EED)
        let a = 2.0
        let keep = UInt64((exp(a) / (1 + exp(a)) * 0x1p53).rounded(.down))
        let respond = { (bit: Bool) -> Bool in (generator.next() >> 11) < keep ? bit : !bit }
        let events = { (_: [Bool], _: [Bool]) in
            [AuditEvent<Bool>(name: "y = 1") { $0 }, AuditEvent<Bool>(name: "y = 0") { !$0 }]
        }
        let truth = HockeyStickAuditor(claim: .pure(epsilon: a), profile: .light).audit(
            sampleD: { respond(false) }, sampleDPrime: { respond(true) }, candidates: events)
        AuditLog.record("randomized response ε = 2, claim ε = 2", truth)
        #expect(!truth.violated, "\(truth)")
        #expect(truth.epsilonLowerBound > 1.5, "\(truth)")
        let understated = HockeyStickAuditor(claim: .pure(epsilon: a / 2), profile: .light).audit(
            sampleD: { respond(false) }, sampleDPrime: { respond(true) }, candidates: events)
        AuditLog.record("randomized response ε = 2, claim ε = 1", understated)
        #expect(understated.violated, "\(understated)")
        // As ρ-zCDP: a-DP is (a²/2)-zCDP (Bun and Steinke 2016), and not (a²/8)-zCDP.
        let zCDPTruth = HockeyStickAuditor(claim: .zCDP(rho: a * a / 2), profile: .light).audit(
            sampleD: { respond(false) }, sampleDPrime: { respond(true) }, candidates: events)
        #expect(!zCDPTruth.violated, "\(zCDPTruth)")
        let zCDPUnderstated = HockeyStickAuditor(claim: .zCDP(rho: a * a / 8), profile: .light).audit(
            sampleD: { respond(false) }, sampleDPrime: { respond(true) }, candidates: events)
        AuditLog.record("randomized response ε = 2, claim ρ = 1/2", zCDPUnderstated)
        #expect(zCDPUnderstated.violated, "\(zCDPUnderstated)")
    }
}
