import Testing

/// The six planted mutants: each must be flagged. Fixed seeds, so the light profile is reproducible in CI.
@Suite struct MutantDetectionTests {
    let profile = AuditProfile.current

    @Test func flagsFloatingPointInverseCDFLaplace() {
        let generator = AuditGenerator(seed: 0xA1)
        let mutant = FloatLaplaceCountMutant(scale: 1, generator: generator)
        // A small cohort: D is empty, D′ holds one patient (counts 0 and 1, the region where doubles are densest).
        let d: [AuditPatient] = []
        let dPrime = [AuditPatient(categories: [0], value: 0)]
        let verdict = HockeyStickAuditor(claim: .pure(epsilon: 1), profile: profile).audit(
            sampleD: { mutant.release(d) }, sampleDPrime: { mutant.release(dPrime) },
            candidates: AuditEvents.floatingPoint)
        AuditLog.record("mutant (a) float inverse-CDF Laplace", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    @Test func flagsSensitivityOffByOneInHistogram() {
        let noise = ReferenceGaussianNoise(sampler: ReferenceSampler(source: AuditGenerator(seed: 0xB1)))
        let mutant = TwoBinHistogramMutant(noise: noise)
        let rho = Fraction(2)
        let verdict = HockeyStickAuditor(claim: .zCDP(rho: rho.value), profile: profile).audit(
            sampleD: { mutant.release(AuditCohorts.base, bins: 4, rho: rho) },
            sampleDPrime: { mutant.release(AuditCohorts.plusTwoCategories, bins: 4, rho: rho) },
            candidates: AuditEvents.projectedThresholds)
        AuditLog.record("mutant (b) histogram sensitivity 1 instead of 2 bins", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    @Test func flagsMissingClamp() {
        let noise = ReferenceGaussianNoise(sampler: ReferenceSampler(source: AuditGenerator(seed: 0xC1)))
        let mutant = UnclampedSumMutant(noise: noise)
        let rho = Fraction(1, 2)
        let verdict = HockeyStickAuditor(claim: .zCDP(rho: rho.value), profile: profile).audit(
            sampleD: { mutant.release(AuditCohorts.base, upper: 100, rho: rho) },
            sampleDPrime: { mutant.release(AuditCohorts.plusOutlier, upper: 100, rho: rho) },
            candidates: { AuditEvents.thresholds("sum", of: { Double($0) }, fromD: $0, fromDPrime: $1) })
        AuditLog.record("mutant (c) bounded sum without clamp", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    @Test func flagsBudgetNotCharged() {
        let noise = ReferenceGaussianNoise(sampler: ReferenceSampler(source: AuditGenerator(seed: 0xD1)))
        let limit = Fraction(1, 2)
        // Each run of the attack starts from a fresh budget of `limit` (one requester, one project).
        let attack = { (cohort: [AuditPatient]) in
            RepeatedQueryAttack.run(
                cohort, attempts: 8, rhoPerQuery: limit, budget: UnchargedBudgetMutant(limit: limit), noise: noise)
        }
        let verdict = HockeyStickAuditor(claim: .zCDP(rho: limit.value), profile: profile).audit(
            sampleD: { attack(AuditCohorts.base) }, sampleDPrime: { attack(AuditCohorts.plusOrdinary) },
            candidates: { AuditEvents.thresholds("Σ answers", of: { Double($0) }, fromD: $0, fromDPrime: $1) })
        AuditLog.record("mutant (d) budget not charged, 8 repeated counts", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    @Test func flagsModuloBiasedUniform() {
        let sampler = ReferenceSampler(source: ModuloBiasedUniform(generator: AuditGenerator(seed: 0xE1)))
        // σ = 191, so the discrete Laplace proposals draw U uniform in 0..<192 from one byte.
        let sigmaSquared = Fraction(191 * 191)
        let noise = (0..<profile.distributionSamples).map { _ in
            AuditedQueries.count(AuditCohorts.base, rho: Fraction(1, 2 * 191 * 191), noise: ReferenceGaussianNoise(sampler: sampler))
                - AuditCohorts.base.count
        }
        let verdict = DistributionDistinguisher.test(
            samples: noise, pmf: DistributionDistinguisher.discreteGaussianPMF(sigmaSquared: sigmaSquared.value))
        AuditLog.record("mutant (e) modulo-biased uniform, count noise vs N_Z(0, 191²)", verdict)
        #expect(verdict.rejected, "\(verdict)")
    }

    @Test func flagsMissingRejectionStep() {
        let mutant = DiscreteLaplaceWithoutRejectionMutant(sampler: ReferenceSampler(source: AuditGenerator(seed: 0xF1)))
        let noise = (0..<profile.distributionSamples).map { _ in mutant.sample(t: 2) }
        let verdict = DistributionDistinguisher.test(
            samples: noise, pmf: DistributionDistinguisher.discreteLaplacePMF(scale: 2))
        AuditLog.record("mutant (f) discrete Laplace without final rejection vs Lap_Z(2)", verdict)
        #expect(verdict.rejected, "\(verdict)")
    }
}
