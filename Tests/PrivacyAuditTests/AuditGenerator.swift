import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) so that every audit run can be
/// reproduced from its seed. Used to drive the harness and the reference and mutant samplers; the mechanisms
/// under audit take it through the randomness seam of `Privacy` in fixed-seed runs.
final class AuditGenerator: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole stream is determined by `seed`.
    init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// `count` bytes from the stream.
    func bytes(count: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            var word = next()
            for _ in 0..<min(8, count - output.count) {
                output.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return output
    }

    /// An unbiased uniform integer in 0..<bound by rejection (the correct way).
    func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "empty range")
        let limit = UInt64.max - UInt64.max % bound  // accept x < limit: a whole number of copies of 0..<bound
        while true {
            let x = next()
            if x < limit { return x % bound }
        }
    }
}

/// Where the audit reads its sample sizes: the light fixed-seed profile (`swift test`, debug build) or the full one
/// (`make audit-privacy-full`, environment `FEDLAKE_AUDIT_PROFILE=full`).
struct AuditProfile: Sendable {
    /// Outputs drawn from each of M(D) and M(D′) to choose the event.
    let selectionSamples: Int
    /// Independent outputs drawn from each side to bound the event's probabilities.
    let evaluationSamples: Int
    /// Draws for a χ² goodness-of-fit test of a sampler on its own.
    let distributionSamples: Int
    /// Clean runs with distinct seeds per clean mechanism.
    let cleanRuns: Int
    /// The end-to-end audit through `CohortRunner` (a SQLite transaction per release): selection and evaluation
    /// releases per side, and runs (the first seeds of `cleanSeeds`).
    let endToEndSelectionSamples: Int
    let endToEndEvaluationSamples: Int
    let endToEndRuns: Int
    /// Seeds of the clean runs (distinct and fixed, so every run can be reproduced).
    var cleanSeeds: [UInt64] { (0..<UInt64(cleanRuns)).map { 0xA0D1_7000 + $0 * 7919 } }

    static let light = AuditProfile(
        selectionSamples: 1_000, evaluationSamples: 5_000, distributionSamples: 20_000, cleanRuns: 2,
        endToEndSelectionSamples: 300, endToEndEvaluationSamples: 1_500, endToEndRuns: 1)
    static let full = AuditProfile(
        selectionSamples: 10_000, evaluationSamples: 50_000, distributionSamples: 200_000, cleanRuns: 20,
        endToEndSelectionSamples: 2_000, endToEndEvaluationSamples: 10_000, endToEndRuns: 20)

    static var current: AuditProfile {
        ProcessInfo.processInfo.environment["FEDLAKE_AUDIT_PROFILE"] == "full" ? .full : .light
    }

    /// Significance α of each test (one hockey-stick audit, or one χ² test). Family-wise, by Bonferroni: the full
    /// profile runs 9 clean mechanisms × 20 seeds × 2 tests plus fewer than 40 mutant and control tests, so
    /// P[any false alarm among the clean tests] ≤ 400 × 10⁻⁶ = 4 × 10⁻⁴.
    static let alpha = 1e-6
}
