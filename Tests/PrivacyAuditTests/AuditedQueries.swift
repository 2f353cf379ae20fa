import Privacy

/// One patient of an audit cohort: the categories (bins) the patient's studies fall in, and a numeric value
/// (e.g. age at study) for sums and means.
struct AuditPatient: Sendable {
    var categories: [Int]
    var value: Int
}

/// The neighbouring cohorts of the audits: D and D′ = D plus one patient (the privacy unit is the patient).
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

/// The budget check in front of the releases: grants a cost while the total stays within the limit (ρ-zCDP
/// composes additively). The real one is `Privacy.PrivacyFilter`; a mutant forgets to record the charge.
protocol BudgetGate: AnyObject {
    /// Charges `rho` and returns true, or returns false (nothing charged) when it does not fit.
    func charge(_ rho: Rational) -> Bool
    /// What the gate has recorded as spent.
    var recordedSpent: Rational { get }
}

/// `Privacy.PrivacyFilter`, unchanged, behind the gate protocol.
final class FilterGate: BudgetGate {
    private var filter: PrivacyFilter

    init(limit: Rational) throws { filter = try PrivacyFilter(limit: limit) }

    func charge(_ rho: Rational) -> Bool {
        guard filter.canSpend(rho) else { return false }
        do { try filter.spend(rho) } catch { return false }
        return true
    }

    var recordedSpent: Rational { filter.spent }
}

/// The attacker of the budget audit: ask the same count `attempts` times through one budget (one requester, one
/// project) and add up what was released; refused queries add nothing. Averaging k answers shrinks the noise by
/// √k, so the sum is exactly as private as the budget lets through, and no more.
enum RepeatedQueryAttack {
    /// The attack's output and the accounting it saw.
    struct Outcome {
        /// Σ of the released answers (the attacker's sufficient statistic).
        var total: Int
        /// Σ of the ρ each release states it cost (black-box: read from the releases themselves).
        var releasedRho: Rational
        /// What the gate recorded as spent.
        var recordedSpent: Rational
    }

    static func run(
        _ cohort: [AuditPatient], attempts: Int, mechanism: NoiseMechanism, gate: some BudgetGate,
        queries: RealQueries
    ) throws -> Outcome {
        var outcome = Outcome(total: 0, releasedRho: .zero, recordedSpent: .zero)
        for _ in 0..<attempts where gate.charge(mechanism.rho) {
            let release = try queries.releaser.count(cohort.count, mechanism: mechanism)
            outcome.total += release.values[0]
            outcome.releasedRho = outcome.releasedRho + release.rho
        }
        outcome.recordedSpent = gate.recordedSpent
        return outcome
    }
}
