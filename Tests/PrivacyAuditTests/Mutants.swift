import Foundation

// Six faithful wrong implementations. Each breaks one thing and is otherwise the reference code.

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

/// Mutant (b): sensitivity off by one — a histogram over a study-level category (a patient with CT and MR studies
/// is counted in both bins, so one patient changes up to two bins and the L2 sensitivity is √2), calibrated as if
/// the sensitivity were 1.
struct TwoBinHistogramMutant {
    let noise: any GaussianNoise

    func release(_ cohort: [AuditPatient], bins: Int, rho: Fraction) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for patient in cohort { for category in Set(patient.categories.prefix(2)) { counts[category] += 1 } }
        let sigma = AuditedQueries.sigmaSquared(sensitivity: 1, rho: rho)  // should be Δ² = 2
        return counts.map { $0 + noise.noise(sigmaSquared: sigma) }
    }
}

/// Mutant (c): a bounded sum calibrated to [0, upper] that forgets to clamp the values.
struct UnclampedSumMutant {
    let noise: any GaussianNoise

    func release(_ cohort: [AuditPatient], upper: Int, rho: Fraction) -> Int {
        let sum = cohort.reduce(0) { $0 + $1.value }  // missing: min(max(value, 0), upper)
        return sum + noise.noise(sigmaSquared: AuditedQueries.sigmaSquared(sensitivity: UInt64(upper), rho: rho))
    }
}

/// Mutant (d): a budget that checks the limit but never records the charge, so every repeated query passes.
final class UnchargedBudgetMutant: AuditBudget {
    let limit: Fraction
    init(limit: Fraction) { self.limit = limit }

    func charge(_ rho: Fraction) -> Bool {
        rho.numerator * limit.denominator <= limit.numerator * rho.denominator  // missing: spent += rho
    }
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
