/// A non-negative fraction n/d, the form in which the harness states ρ and σ² (small, exact parameters).
struct Fraction: Sendable, Equatable, CustomStringConvertible {
    let numerator: UInt64
    let denominator: UInt64

    init(_ numerator: UInt64, _ denominator: UInt64 = 1) {
        precondition(denominator > 0, "zero denominator")
        self.numerator = numerator
        self.denominator = denominator
    }

    var value: Double { Double(numerator) / Double(denominator) }
    var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}

/// A source of discrete Gaussian noise N_ℤ(0, σ²): the piece of a mechanism the audit swaps between the real
/// sampler of `Privacy` and the harness's reference or mutant samplers.
protocol GaussianNoise {
    func noise(sigmaSquared: Fraction) -> Int
}

/// Noise from the harness's exact reference sampler over a uniform source.
struct ReferenceGaussianNoise: GaussianNoise {
    let sampler: ReferenceSampler
    func noise(sigmaSquared: Fraction) -> Int {
        sampler.discreteGaussian(sigmaSquaredNumerator: sigmaSquared.numerator, denominator: sigmaSquared.denominator)
    }
}

/// One patient of an audit cohort: the categories (bins) the patient's studies fall in, and a numeric value
/// (e.g. age at study) for sums and means.
struct AuditPatient: Sendable {
    var categories: [Int]
    var value: Int
}

/// The statistics of the cohort queries, written the way the mechanisms of `Privacy` define them (patient-level
/// contribution bounds, discrete Gaussian noise calibrated to ρ-zCDP: σ² = Δ²/(2ρ), CKS 2020 Theorem 4), over an
/// injected noise source. Mutants re-implement one of them with one thing wrong.
enum AuditedQueries {
    /// σ² = Δ²/(2ρ).
    static func sigmaSquared(sensitivity: UInt64, rho: Fraction) -> Fraction {
        Fraction(sensitivity * sensitivity * rho.denominator, 2 * rho.numerator)
    }

    /// Noisy count of patients: each patient contributes 1.
    static func count(_ cohort: [AuditPatient], rho: Fraction, noise: some GaussianNoise) -> Int {
        cohort.count + noise.noise(sigmaSquared: sigmaSquared(sensitivity: 1, rho: rho))
    }

    /// Noisy histogram over a patient-level category (the patient's first category): one patient changes one
    /// bin by one, so the L2 sensitivity is 1. Every bin is released, zero-filled.
    static func histogram(_ cohort: [AuditPatient], bins: Int, rho: Fraction, noise: some GaussianNoise) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for patient in cohort { if let first = patient.categories.first { counts[first] += 1 } }
        let sigma = sigmaSquared(sensitivity: 1, rho: rho)
        return counts.map { $0 + noise.noise(sigmaSquared: sigma) }
    }

    /// Noisy sum of values clamped to [0, upper]: one patient changes it by at most `upper`.
    static func boundedSum(_ cohort: [AuditPatient], upper: Int, rho: Fraction, noise: some GaussianNoise) -> Int {
        let sum = cohort.reduce(0) { $0 + min(max($1.value, 0), upper) }
        return sum + noise.noise(sigmaSquared: sigmaSquared(sensitivity: UInt64(upper), rho: rho))
    }

    /// Noisy mean: a bounded sum and a count, each with half of ρ, divided (post-processing).
    static func mean(_ cohort: [AuditPatient], upper: Int, rho: Fraction, noise: some GaussianNoise) -> Double {
        let half = Fraction(rho.numerator, 2 * rho.denominator)
        let sum = boundedSum(cohort, upper: upper, rho: half, noise: noise)
        let count = AuditedQueries.count(cohort, rho: half, noise: noise)
        return Double(sum) / Double(max(count, 1))
    }
}

/// A budget filter: grants a charge of ρ while the total stays within the limit (ρ-zCDP composes additively).
protocol AuditBudget: AnyObject {
    /// Charges `rho`; false (nothing charged) when it would exceed the limit.
    func charge(_ rho: Fraction) -> Bool
}

/// The reference filter: exact rational bookkeeping, refuses what would overspend.
final class ReferenceBudget: AuditBudget {
    let limit: Fraction
    private(set) var spent = Fraction(0)

    init(limit: Fraction) { self.limit = limit }

    func charge(_ rho: Fraction) -> Bool {
        // spent + rho ≤ limit, cross-multiplied (all small).
        let denominator = spent.denominator * rho.denominator
        let total = spent.numerator * rho.denominator + rho.numerator * spent.denominator
        guard total * limit.denominator <= limit.numerator * denominator else { return false }
        spent = Fraction(total, denominator)
        return true
    }
}

/// The attacker of the budget audit: ask the same count `attempts` times through a fresh budget and add up what
/// was released (refused queries add nothing). Averaging k answers shrinks the noise by √k, so the output is
/// as private as the budget lets through and no more.
enum RepeatedQueryAttack {
    static func run(
        _ cohort: [AuditPatient], attempts: Int, rhoPerQuery: Fraction, budget: some AuditBudget,
        noise: some GaussianNoise
    ) -> Int {
        var total = 0
        for _ in 0..<attempts where budget.charge(rhoPerQuery) {
            total += AuditedQueries.count(cohort, rho: rhoPerQuery, noise: noise)
        }
        return total
    }
}

/// The neighbouring cohorts of the audits: D and D′ = D plus one patient.
enum AuditCohorts {
    /// 40 patients spread over 4 categories, values 0…90.
    static let base: [AuditPatient] = (0..<40).map { AuditPatient(categories: [$0 % 4], value: ($0 * 37) % 91) }
    /// D plus one patient with a single category and an in-range value.
    static let plusOrdinary = base + [AuditPatient(categories: [2], value: 90)]
    /// D plus one patient whose studies fall in two categories (CT and MR, say).
    static let plusTwoCategories = base + [AuditPatient(categories: [1, 2], value: 90)]
    /// D plus one patient with a value far outside the declared bounds.
    static let plusOutlier = base + [AuditPatient(categories: [3], value: 1_000_000)]
}
