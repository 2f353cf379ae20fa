import Privacy
import Testing

/// The six planted mutants: each must be flagged, with fixed seeds. Each test runs its clean counterpart through
/// the very same check (same cohorts, claim, candidate events, sample sizes), which must pass, so a detection is
/// owed to the planted fault and not to a harness that flags everything; where the counterpart is a real
/// mechanism already audited in ``CleanMechanismAuditTests``, the test names it.
@Suite struct MutantDetectionTests {
    let profile = AuditProfile.current

    /// (a) Floating-point inverse-CDF Laplace (Mironov 2012), against the real discrete Laplace count.
    @Test func flagsFloatingPointInverseCDFLaplace() throws {
        let generator = AuditGenerator(seed: 0xA1)
        let mutant = FloatLaplaceCountMutant(scale: 1, generator: generator)
        // A small cohort: D is empty, D′ holds one patient (counts 0 and 1, the region where doubles are densest).
        let d: [AuditPatient] = []
        let dPrime = [AuditPatient(categories: [0], value: 0)]
        let auditor = HockeyStickAuditor(claim: .pure(epsilon: 1), profile: profile)
        let verdict = auditor.audit(
            sampleD: { mutant.release(d) }, sampleDPrime: { mutant.release(dPrime) },
            candidates: AuditEvents.floatingPoint)
        AuditLog.record("mutant (a) float inverse-CDF Laplace count", verdict)
        #expect(verdict.violated, "\(verdict)")

        let real = RealQueries(seed: 0xA2)
        let mechanism = try NoiseMechanism.laplace("1")
        let control = try auditor.audit(
            sampleD: { Double(try real.count(d, mechanism: mechanism)) },
            sampleDPrime: { Double(try real.count(dPrime, mechanism: mechanism)) },
            candidates: AuditEvents.floatingPoint)
        AuditLog.record("control (a) real discrete Laplace count, same events", control)
        #expect(!control.violated, "\(control)")
    }

    /// (b) Sensitivity off by one: a patient in two bins, declared in one. Counterpart:
    /// ``CleanMechanismAuditTests/histogramWithDiscreteGaussian()`` (same cohorts, ρ and events).
    @Test func flagsSensitivityOffByOneInHistogram() throws {
        let mutant = OffByOneHistogramMutant(queries: RealQueries(seed: 0xB1))
        let mechanism = try NoiseMechanism.gaussian("2")
        let verdict = try HockeyStickAuditor(claim: .stated(by: mechanism), profile: profile).audit(
            sampleD: { try mutant.release(AuditCohorts.base, bins: 4, mechanism: mechanism) },
            sampleDPrime: { try mutant.release(AuditCohorts.plusTwoCategories, bins: 4, mechanism: mechanism) },
            candidates: AuditEvents.projectedThresholds)
        AuditLog.record("mutant (b) histogram declared 1 bin per patient, patient in 2", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    /// (c) Missing clamp on a bounded sum. Counterpart: ``CleanMechanismAuditTests/boundedSumWithDiscreteGaussian()``.
    @Test func flagsMissingClamp() throws {
        let mutant = UnclampedSumMutant(queries: RealQueries(seed: 0xC1))
        let mechanism = try NoiseMechanism.gaussian("1/2")
        let verdict = try HockeyStickAuditor(claim: .stated(by: mechanism), profile: profile).audit(
            sampleD: { try mutant.release(AuditCohorts.base, upper: 100, mechanism: mechanism) },
            sampleDPrime: { try mutant.release(AuditCohorts.plusOutlier, upper: 100, mechanism: mechanism) },
            candidates: { AuditEvents.thresholds("sum", of: { Double($0) }, fromD: $0, fromDPrime: $1) })
        AuditLog.record("mutant (c) bounded sum without clamp", verdict)
        #expect(verdict.violated, "\(verdict)")
    }

    /// (d) Budget not charged: 8 repeated counts of ρ = 1/4 each against a limit of 1/2. The real filter lets two
    /// through (the attack's sum is then 1/2-zCDP, as claimed); the mutant lets all eight through (2-zCDP). Two
    /// black-box checks: the averaged answers (hockey-stick against the limit) and the books (Σ of the ρ the
    /// releases state vs. the limit and vs. what the gate recorded).
    @Test func flagsBudgetNotCharged() throws {
        let limit = try Rational(parsing: "1/2")
        let mechanism = try NoiseMechanism.gaussian("1/4")
        let claim = PrivacyClaim.zCDP(rho: limit.doubleUpperBound)
        func audit(_ label: String, seed: UInt64, gate: @escaping () throws -> any BudgetGate) throws
            -> (verdict: HockeyStickVerdict, books: RepeatedQueryAttack.Outcome)
        {
            let queries = RealQueries(seed: seed)
            // Each run of the attack starts from a fresh budget (one requester, one project).
            let attack = { (cohort: [AuditPatient]) in
                try RepeatedQueryAttack.run(
                    cohort, attempts: 8, mechanism: mechanism, gate: try gate(), queries: queries)
            }
            let verdict = try HockeyStickAuditor(claim: claim, profile: profile).audit(
                sampleD: { try attack(AuditCohorts.base).total },
                sampleDPrime: { try attack(AuditCohorts.plusOrdinary).total },
                candidates: { AuditEvents.thresholds("Σ answers", of: { Double($0) }, fromD: $0, fromDPrime: $1) })
            let books = try attack(AuditCohorts.base)
            AuditLog.record(label, verdict)
            AuditLog.record(
                label + ", books",
                "released ρ = \(books.releasedRho), recorded spent = \(books.recordedSpent), limit = \(limit)")
            return (verdict, books)
        }
        let mutant = try audit("mutant (d) budget not charged, 8 repeated counts", seed: 0xD1) {
            try UnchargedGateMutant(limit: limit)
        }
        #expect(mutant.verdict.violated, "\(mutant.verdict)")
        #expect(mutant.books.releasedRho > limit, "the releases state more ρ than the limit allows")
        #expect(mutant.books.releasedRho != mutant.books.recordedSpent)

        let control = try audit("control (d) real PrivacyFilter, same attack", seed: 0xD2) {
            try FilterGate(limit: limit)
        }
        #expect(!control.verdict.violated, "\(control.verdict)")
        #expect(control.books.releasedRho <= limit)
        #expect(control.books.releasedRho == control.books.recordedSpent)
        #expect(control.books.releasedRho == limit, "the real filter should let exactly two queries through")
    }

    /// (e) Modulo-biased uniform (one byte mod 192) under the exact CKS samplers, through the noise of a count.
    /// Controls: the same reference sampler over an unbiased uniform, and the real releaser, same test.
    @Test func flagsModuloBiasedUniform() throws {
        // σ = 191, so the discrete Laplace proposals draw U uniform in 0..<192 from one byte.
        let sigmaSquared: UInt64 = 191 * 191
        let pmf = DistributionDistinguisher.discreteGaussianPMF(sigmaSquared: Double(sigmaSquared))
        func noiseOfCounts(_ release: ([AuditPatient]) throws -> Int) rethrows -> [Int] {
            try (0..<profile.distributionSamples).map { _ in try release(AuditCohorts.base) - AuditCohorts.base.count }
        }
        let biased = ReferenceSampler(source: ModuloBiasedUniform(generator: AuditGenerator(seed: 0xE1)))
        let mutant = CountWithNoise { biased.discreteGaussian(sigmaSquaredNumerator: sigmaSquared, denominator: 1) }
        let verdict = DistributionDistinguisher.test(samples: noiseOfCounts(mutant.release), pmf: pmf)
        AuditLog.record("mutant (e) modulo-biased uniform, count noise vs N_Z(0, 191²)", verdict)
        #expect(verdict.rejected, "\(verdict)")

        let unbiased = ReferenceSampler(source: AuditGenerator(seed: 0xE2))
        let reference = CountWithNoise {
            unbiased.discreteGaussian(sigmaSquaredNumerator: sigmaSquared, denominator: 1)
        }
        let referenceVerdict = DistributionDistinguisher.test(samples: noiseOfCounts(reference.release), pmf: pmf)
        AuditLog.record("control (e) reference sampler, unbiased uniform", referenceVerdict)
        #expect(!referenceVerdict.rejected, "\(referenceVerdict)")

        let real = RealQueries(seed: 0xE3)
        let mechanism = NoiseMechanism.gaussian(rho: try Rational(numerator: 1, denominator: 2 * Int128(sigmaSquared)))
        let realVerdict = DistributionDistinguisher.test(
            samples: try noiseOfCounts { try real.count($0, mechanism: mechanism) }, pmf: pmf)
        AuditLog.record("control (e) real discrete Gaussian count", realVerdict)
        #expect(!realVerdict.rejected, "\(realVerdict)")
    }

    /// (f) Discrete Laplace without its final rejection step, through a count claiming ε = 1 (t = 1): the output
    /// distribution (χ²) and, as the doubled zero is also a privacy loss of 1 + ln 2, the hockey-stick audit.
    /// Counterpart: ``CleanMechanismAuditTests/countWithDiscreteLaplace()`` (same cohorts, claim, events, pmf).
    @Test func flagsMissingRejectionStep() {
        let sampler = DiscreteLaplaceWithoutRejectionMutant(
            sampler: ReferenceSampler(source: AuditGenerator(seed: 0xF1)))
        let mutant = CountWithNoise { sampler.sample(t: 1) }
        let pmf = DistributionDistinguisher.discreteLaplacePMF(scale: 1)
        let noise = (0..<profile.distributionSamples).map { _ in
            mutant.release(AuditCohorts.base) - AuditCohorts.base.count
        }
        let distribution = DistributionDistinguisher.test(samples: noise, pmf: pmf)
        AuditLog.record("mutant (f) discrete Laplace without final rejection, count noise vs Lap_Z(1)", distribution)
        #expect(distribution.rejected, "\(distribution)")

        let verdict = HockeyStickAuditor(claim: .pure(epsilon: 1), profile: profile).audit(
            sampleD: { mutant.release(AuditCohorts.base) }, sampleDPrime: { mutant.release(AuditCohorts.plusOrdinary) },
            candidates: AuditEvents.integerPoints)
        AuditLog.record("mutant (f) discrete Laplace without final rejection, count", verdict)
        #expect(verdict.violated, "\(verdict)")

        let reference = ReferenceSampler(source: AuditGenerator(seed: 0xF2))
        let referenceNoise = (0..<profile.distributionSamples).map { _ in reference.discreteLaplace(t: 1) }
        let control = DistributionDistinguisher.test(samples: referenceNoise, pmf: pmf)
        AuditLog.record("control (f) reference sampler with the rejection step", control)
        #expect(!control.rejected, "\(control)")
    }
}
