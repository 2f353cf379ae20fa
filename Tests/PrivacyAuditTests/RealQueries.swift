import Privacy

/// The cohort queries answered by the real mechanisms of `Privacy` (``Releaser`` over a seeded stream): the
/// integration the lake's query path makes, and what the clean audits sample. The mutants that misuse the real
/// releaser (a wrong sensitivity, a missing clamp) live in `Mutants.swift`.
final class RealQueries {
    let releaser: Releaser

    init(seed: UInt64) { releaser = .seeded(seed) }

    /// A noisy count of patients (each patient counts once).
    func count(_ cohort: [AuditPatient], mechanism: NoiseMechanism) throws -> Int {
        try releaser.count(cohort.count, mechanism: mechanism).values[0]
    }

    /// A noisy histogram over a patient-level category (the patient's first category): one patient, one bin.
    func histogram(_ cohort: [AuditPatient], bins: Int, mechanism: NoiseMechanism) throws -> [Int] {
        try releaser.histogram(RealQueries.patientCounts(cohort, bins: bins), mechanism: mechanism).values
    }

    /// A noisy histogram over a study-level category (a patient with CT and MR studies is in both bins), so one
    /// patient can change two bins: declared as such (`binsPerPatient: 2`).
    func studyHistogram(_ cohort: [AuditPatient], bins: Int, mechanism: NoiseMechanism) throws -> [Int] {
        try releaser.histogram(RealQueries.studyCounts(cohort, bins: bins), binsPerPatient: 2, mechanism: mechanism)
            .values
    }

    /// A noisy sum of the patients' values clamped to [lower, upper] (grid 2⁰: the values are integers).
    func boundedSum(_ cohort: [AuditPatient], lower: Int, upper: Int, mechanism: NoiseMechanism) throws -> Int {
        try releaser.boundedSum(
            cohort.map { Rational($0.value) }, lower: Rational(lower), upper: Rational(upper), gridExponent: 0,
            mechanism: mechanism
        ).values[0]
    }

    /// A noisy mean of the patients' values clamped to [lower, upper]; −∞ stands for "no mean released" (the noisy
    /// count was below 1), so it still falls in threshold events.
    func mean(_ cohort: [AuditPatient], lower: Int, upper: Int, mechanism: NoiseMechanism) throws -> Double {
        let release = try releaser.mean(
            cohort.map { Rational($0.value) }, lower: Rational(lower), upper: Rational(upper), gridExponent: 0,
            mechanism: mechanism)
        return release.mean?.doubleApproximation ?? -.infinity
    }

    /// Exact counts per patient-level category.
    static func patientCounts(_ cohort: [AuditPatient], bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for patient in cohort { if let first = patient.categories.first { counts[first] += 1 } }
        return counts
    }

    /// Exact counts per study-level category: a patient counts once in each distinct category of their first two.
    static func studyCounts(_ cohort: [AuditPatient], bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for patient in cohort { for category in Set(patient.categories.prefix(2)) { counts[category] += 1 } }
        return counts
    }

    /// The exact sum of the values clamped to [lower, upper].
    static func clampedSum(_ cohort: [AuditPatient], lower: Int, upper: Int) -> Int {
        cohort.reduce(0) { $0 + min(max($1.value, lower), upper) }
    }
}

extension PrivacyClaim {
    /// The guarantee a mechanism states: pure ε for discrete Laplace, ρ-zCDP for the discrete Gaussian, each read
    /// as the smallest `Double` not below the exact rational (so rounding never tightens the claim).
    static func stated(by mechanism: NoiseMechanism) -> PrivacyClaim {
        switch mechanism {
        case .laplace(let epsilon): .pure(epsilon: epsilon.doubleUpperBound)
        case .gaussian(let rho): .zCDP(rho: rho.doubleUpperBound)
        }
    }
}

extension NoiseMechanism {
    /// A mechanism from a literal such as `"1/2"`, for test parameters.
    static func gaussian(_ rho: String) throws -> NoiseMechanism { try .gaussian(spending: Rational(parsing: rho)) }
    /// A mechanism from a literal such as `"1"`, for test parameters.
    static func laplace(_ epsilon: String) throws -> NoiseMechanism {
        try .laplace(spending: Rational(parsing: epsilon))
    }
}
