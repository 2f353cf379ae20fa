import Privacy
import Testing

/// The real mechanisms of `Privacy`, audited on neighbouring cohorts (one patient added) once per seed of the
/// profile: no hockey-stick violation of the stated guarantee, and noise that fits the stated distribution.
///
/// Each run draws from ``Releaser`` over a seeded stream (`AuditGenerator` through `RandomBytesSource`), so a
/// verdict can be reproduced from the seed it prints. The outputs drawn from M(D) during the hockey-stick audit are
/// also the samples of the χ² test of the noise (output − exact value, known for the audit's own cohorts).
@Suite struct CleanMechanismAuditTests {
    let profile = AuditProfile.current

    @Test func countWithDiscreteGaussian() throws {
        let mechanism = try NoiseMechanism.gaussian("1/2")
        try CleanAudit.run(
            "count, discrete Gaussian", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.count(cohort, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOrdinary,
            candidates: AuditEvents.integerPoints,
            noise: { [$0 - AuditCohorts.base.count] }, pmf: CleanAudit.pmf(mechanism, l1: 1, l2Squared: 1))
    }

    @Test func countWithDiscreteLaplace() throws {
        let mechanism = try NoiseMechanism.laplace("1")
        let runs = try CleanAudit.run(
            "count, discrete Laplace", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.count(cohort, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOrdinary,
            candidates: AuditEvents.integerPoints,
            noise: { [$0 - AuditCohorts.base.count] }, pmf: CleanAudit.pmf(mechanism, l1: 1, l2Squared: 1))
        // Not vacuous: for Lap_ℤ(1) every threshold event has privacy loss exactly ε = 1, and the audit must see
        // most of it; a harness that could not measure privacy loss would pass every clean run.
        for run in runs {
            #expect(run.verdict.epsilonLowerBound > 0.75, "the audit sees too little of ε = 1: \(run.verdict)")
        }
    }

    @Test func histogramWithDiscreteGaussian() throws {
        // Study-level categories: the added patient has studies in two bins, the releaser is told binsPerPatient 2.
        let mechanism = try NoiseMechanism.gaussian("2")
        let truth = RealQueries.studyCounts(AuditCohorts.base, bins: 4)
        try CleanAudit.run(
            "histogram (4 bins, 2 per patient), discrete Gaussian", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.studyHistogram(cohort, bins: 4, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusTwoCategories,
            candidates: AuditEvents.projectedThresholds,
            noise: { zip($0, truth).map { $0 - $1 } }, pmf: CleanAudit.pmf(mechanism, l1: 2, l2Squared: 2))
    }

    @Test func histogramWithDiscreteLaplace() throws {
        let mechanism = try NoiseMechanism.laplace("1")
        let truth = RealQueries.patientCounts(AuditCohorts.base, bins: 4)
        try CleanAudit.run(
            "histogram (4 bins, 1 per patient), discrete Laplace", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.histogram(cohort, bins: 4, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOrdinary,
            candidates: AuditEvents.projectedThresholds,
            noise: { zip($0, truth).map { $0 - $1 } }, pmf: CleanAudit.pmf(mechanism, l1: 1, l2Squared: 1))
    }

    @Test func boundedSumWithDiscreteGaussian() throws {
        // The added patient's value (10⁶) is far outside [0, 100]: the clamp is what keeps the sensitivity at 100.
        let mechanism = try NoiseMechanism.gaussian("1/2")
        let truth = RealQueries.clampedSum(AuditCohorts.base, lower: 0, upper: 100)
        try CleanAudit.run(
            "bounded sum [0, 100], discrete Gaussian", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.boundedSum(cohort, lower: 0, upper: 100, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOutlier,
            candidates: { AuditEvents.thresholds("sum", of: { Double($0) }, fromD: $0, fromDPrime: $1) },
            noise: { [$0 - truth] }, pmf: CleanAudit.pmf(mechanism, l1: 100, l2Squared: 10_000))
    }

    @Test func boundedSumWithDiscreteLaplace() throws {
        let mechanism = try NoiseMechanism.laplace("1")
        let truth = RealQueries.clampedSum(AuditCohorts.base, lower: 0, upper: 100)
        try CleanAudit.run(
            "bounded sum [0, 100], discrete Laplace", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.boundedSum(cohort, lower: 0, upper: 100, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOutlier,
            candidates: { AuditEvents.thresholds("sum", of: { Double($0) }, fromD: $0, fromDPrime: $1) },
            noise: { [$0 - truth] }, pmf: CleanAudit.pmf(mechanism, l1: 100, l2Squared: 10_000))
    }

    @Test func meanWithDiscreteGaussian() throws {
        let mechanism = try NoiseMechanism.gaussian("1/2")
        try CleanAudit.run(
            "mean [0, 100], discrete Gaussian", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.mean(cohort, lower: 0, upper: 100, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOutlier,
            candidates: { AuditEvents.thresholds("mean", of: { $0 }, fromD: $0, fromDPrime: $1) })
    }

    @Test func meanWithDiscreteLaplace() throws {
        let mechanism = try NoiseMechanism.laplace("1")
        try CleanAudit.run(
            "mean [0, 100], discrete Laplace", mechanism: mechanism, profile: profile,
            sample: { queries, cohort in try queries.mean(cohort, lower: 0, upper: 100, mechanism: mechanism) },
            d: AuditCohorts.base, dPrime: AuditCohorts.plusOutlier,
            candidates: { AuditEvents.thresholds("mean", of: { $0 }, fromD: $0, fromDPrime: $1) })
    }
}

/// One clean run: its seed and verdicts.
struct CleanRun {
    let seed: UInt64
    let verdict: HockeyStickVerdict
    let distribution: DistributionVerdict?
}

/// The loop over seeds shared by the clean audits.
enum CleanAudit {
    /// Audits `sample` on D and D′ once per clean seed of `profile`, checks the noise of the M(D) outputs against
    /// `pmf` when given, records every verdict and a summary line, and expects no alarm.
    @discardableResult
    static func run<Output>(
        _ label: String, mechanism: NoiseMechanism, profile: AuditProfile,
        sample: (RealQueries, [AuditPatient]) throws -> Output, d: [AuditPatient], dPrime: [AuditPatient],
        candidates: ([Output], [Output]) -> [AuditEvent<Output>],
        noise: ((Output) -> [Int])? = nil, pmf: ((Int) -> Double)? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [CleanRun] {
        let claim = PrivacyClaim.stated(by: mechanism)
        var runs: [CleanRun] = []
        for seed in profile.cleanSeeds {
            let queries = RealQueries(seed: seed)
            var noiseFromD: [Int] = []
            let verdict = try HockeyStickAuditor(claim: claim, profile: profile).audit(
                sampleD: {
                    let output = try sample(queries, d)
                    if let noise { noiseFromD += noise(output) }
                    return output
                },
                sampleDPrime: { try sample(queries, dPrime) }, candidates: candidates)
            var distribution: DistributionVerdict?
            if let pmf { distribution = DistributionDistinguisher.test(samples: noiseFromD, pmf: pmf) }
            AuditLog.record("clean \(label), seed \(hex(seed))", verdict)
            if let distribution { AuditLog.record("clean \(label), seed \(hex(seed)), noise", distribution) }
            #expect(!verdict.violated, "seed \(hex(seed)): \(verdict)", sourceLocation: sourceLocation)
            #expect(
                distribution?.rejected != true, "seed \(hex(seed)): \(distribution?.description ?? "")",
                sourceLocation: sourceLocation)
            runs.append(CleanRun(seed: seed, verdict: verdict, distribution: distribution))
        }
        AuditLog.summary(
            label, claim: claim, verdicts: runs.map(\.verdict),
            rejections: runs.filter { $0.distribution?.rejected == true }.count)
        return runs
    }

    /// The exact pmf of the noise a mechanism draws for a statistic of sensitivity (Δ₁, Δ₂²): Lap_ℤ(Δ₁/ε) or
    /// N_ℤ(0, Δ₂²/(2ρ)).
    static func pmf(_ mechanism: NoiseMechanism, l1: Int, l2Squared: Int) -> (Int) -> Double {
        switch mechanism {
        case .laplace(let epsilon):
            DistributionDistinguisher.discreteLaplacePMF(scale: Double(l1) / epsilon.doubleApproximation)
        case .gaussian(let rho):
            DistributionDistinguisher.discreteGaussianPMF(
                sigmaSquared: Double(l2Squared) / (2 * rho.doubleApproximation))
        }
    }

    static func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16, uppercase: true) }
}
