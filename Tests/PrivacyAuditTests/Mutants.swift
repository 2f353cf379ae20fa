import Foundation
import Privacy

// Six faithful wrong implementations. Each breaks one thing and is otherwise the real code of `Privacy` (b, c, d)
// or the reference samplers of CKS 2020 (a different mechanism for a, the sampler's steps for e and f).

/// Mutant (a): the textbook floating-point Laplace mechanism — a `Double` uniform through the inverse CDF,
/// noise = −b·sgn(u)·ln(1 − 2|u|) with u ∈ (−½, ½), added to the count in `Double` — as naive libraries do.
/// Mironov (CCS 2012) shows that the set of doubles it can output depends on the input: the gaps between doubles
/// near f(D) are not those near f(D′), so the low-order bits of the release leak which input it came from.
struct FloatLaplaceCountMutant {
    let scale: Double
    let generator: AuditGenerator

    func release(_ cohort: [AuditPatient]) -> Double {
        // A uniform double in [0, 1) from 53 random bits, shifted to [−½, ½).
        let u = Double(generator.next() >> 11) * 0x1p-53 - 0.5
        let noise = -scale * (u < 0 ? -1.0 : 1.0) * log(1 - 2 * abs(u))
        return Double(cohort.count) + noise
    }
}

/// Mutant (b): sensitivity off by one. A histogram over a study-level category (a patient with CT and MR studies is
/// counted in both bins, so one patient changes up to two bins: L2 sensitivity √2), handed to the real releaser as
/// if each patient were in one bin.
struct OffByOneHistogramMutant {
    let queries: RealQueries

    func release(_ cohort: [AuditPatient], bins: Int, mechanism: NoiseMechanism) throws -> [Int] {
        let counts = RealQueries.studyCounts(cohort, bins: bins)
        return try queries.releaser.histogram(counts, binsPerPatient: 1, mechanism: mechanism).values  // should be 2
    }
}

/// Mutant (c): a bounded sum that declares the sensitivity of [0, upper] to the real releaser but forgets to clamp
/// the values.
struct UnclampedSumMutant {
    let queries: RealQueries

    func release(_ cohort: [AuditPatient], upper: Int, mechanism: NoiseMechanism) throws -> Int {
        let sum = cohort.reduce(0) { $0 + $1.value }  // missing: min(max(value, 0), upper)
        return try queries.releaser.release(
            [sum], statistic: .boundedSum, sensitivity: .perPatient(bound: upper), mechanism: mechanism
        ).values[0]
    }
}

/// Mutant (d): a budget gate that checks the limit with the real `PrivacyFilter` but never records the charge,
/// so every repeated query passes.
final class UnchargedGateMutant: BudgetGate {
    private let filter: PrivacyFilter

    init(limit: Rational) throws { filter = try PrivacyFilter(limit: limit) }

    func charge(_ rho: Rational) -> Bool { filter.canSpend(rho) }  // missing: try filter.spend(rho)

    var recordedSpent: Rational { filter.spent }
}

/// Mutant (e): a uniform integer taken as `x % n` from the fewest whole random bytes that cover n. When n is not a
/// power of two the low residues are likelier: with one byte and n = 192, residues below 64 come twice as often.
struct ModuloBiasedUniform: UniformIntegers {
    let generator: AuditGenerator

    func uniform(below bound: UInt64) -> UInt64 {
        let bits = 64 - (bound - 1).leadingZeroBitCount
        let width = max(1, (bits + 7) / 8)
        var x: UInt64 = 0
        for byte in generator.bytes(count: width) { x = x << 8 | UInt64(byte) }
        return x % bound  // missing: reject x ≥ the largest multiple of bound below 256^width
    }
}

/// Mutant (f): the discrete Laplace sampler of CKS 2020 Algorithm 2 without its final rejection step ("if B = 1
/// and Y = 0, reject"), so 0 is produced both as +0 and −0 and comes out too often.
struct DiscreteLaplaceWithoutRejectionMutant {
    let sampler: ReferenceSampler

    func sample(t: UInt64) -> Int {
        while true {
            let u = sampler.source.uniform(below: t)
            if !sampler.bernoulliExpMinus(u, t) { continue }
            let y = Int(u + t * sampler.geometricExpMinusOne())
            let negative = sampler.source.uniform(below: 2) == 1
            return negative ? -y : y  // missing: if negative && y == 0 { continue }
        }
    }
}

/// A count released with noise from a given sampler: the query path of the mutants (e) and (f).
struct CountWithNoise {
    let noise: () -> Int

    func release(_ cohort: [AuditPatient]) -> Int { cohort.count + noise() }
}
