// `@_optimize(none)` on these tests: `make test-samplers-full` builds this module with -O, and Swift 6.3.1's
// optimizer crashed on RationalTests.arithmetic (CopyPropagation, "Found ownership error" on a borrowed Rational).
// The suites heavy in Rational comparisons are all kept unoptimized; they are fast either way.

import Crypto
import Foundation
import Testing

@testable import Privacy

/// The exact parts of the samplers that random draws almost never reach: the e^−m table, ties with it (probability
/// 2^−128), and the padding bounds (probability below 10^−17), driven by scripted words.
@Suite struct ExactBernoulliTests {
    /// ⌊e^−m·2^128⌋ and the next 64 bits of e^−m, from Python's `decimal` at 200 digits.
    static let expected: [(m: Int, prefix: UInt128, next: UInt64)] = [
        (1, 0x5e2d_58d8_b3bc_df1a_bade_c782_9054_f90d, 0xda98_05aa_b56c_7733),
        (2, 0x22a5_5547_7f03_973f_b6ed_d5c2_5a05_2ae3, 0xf0dd_961d_a28a_c995),
        (7, 0x3b_c2d7_3849_531d_5733_2efd_57ef_4a2b, 0x8a39_2cd9_a929_a15f),
        (40, 0x4e_5e49_266c_6890_a552, 0x8520_d6f4_fa11_158e),
    ]

    @Test("e^-m table equals an independent high-precision computation")
    @_optimize(none)
    func table() {
        #expect(ExpNegativeTable.prefixes.count == ExpNegativeTable.bound + 1)
        for (m, prefix, next) in Self.expected {
            #expect(ExpNegativeTable.prefixes[m] == prefix, "e^-\(m)")
            let extended = ExpNegativeTable.floorScaled(m: m, bits: 192)
            #expect(extended.shiftedRight(by: 64) == BigNumber(prefix))
            #expect(extended - BigNumber(prefix).shiftedLeft(by: 64) == BigNumber(UInt128(next)))
        }
        for m in 1..<ExpNegativeTable.bound {
            #expect(ExpNegativeTable.prefixes[m] > ExpNegativeTable.prefixes[m + 1])
        }
    }

    @Test("a uniform equal to the table's 128 bits is settled by the following bits", arguments: [1, 2, 7, 40])
    @_optimize(none)
    func ties(m: Int) throws {
        let prefix = ExpNegativeTable.prefixes[m]
        guard let next = Self.expected.first(where: { $0.m == m })?.next else {
            Issue.record("no reference for \(m)")
            return
        }
        // U = prefix·2^−128 + (next − 1)·2^−192 + …: below e^−m.
        let below = RandomStream(source: ScriptedRandomSource(words(prefix) + [next - 1], filler: .max))
        #expect(try ExactBernoulli.expMinusInteger(m, using: below))
        // U = prefix·2^−128 + (next + 1)·2^−192: above e^−m.
        let above = RandomStream(source: ScriptedRandomSource(words(prefix) + [next + 1], filler: 0))
        #expect(try !ExactBernoulli.expMinusInteger(m, using: above))
        // The geometric step counts v = m when U is just below e^−m, and stops at m − 1 just above.
        let geometricBelow = RandomStream(source: ScriptedRandomSource(words(prefix) + [next - 1], filler: .max))
        #expect(try DiscreteLaplaceSampler.geometric(using: geometricBelow) == UInt128(m))
        let geometricAbove = RandomStream(source: ScriptedRandomSource(words(prefix) + [next + 1], filler: .max))
        #expect(try DiscreteLaplaceSampler.geometric(using: geometricAbove) == UInt128(m - 1))
    }

    @Test("e^-m for m beyond the table is e^-40 times a fresh e^-(m-40)")
    @_optimize(none)
    func beyondTable() throws {
        // First U = 0 (< e^−40); the second U decides e^−5.
        let yes = RandomStream(source: ScriptedRandomSource([0, 0, 0, 0], filler: .max))
        #expect(try ExactBernoulli.expMinusInteger(45, using: yes))
        let no = RandomStream(source: ScriptedRandomSource([0, 0], filler: .max))
        #expect(try !ExactBernoulli.expMinusInteger(45, using: no))
        // U just above e^−40 fails at once.
        let high = RandomStream(source: ScriptedRandomSource(words(ExpNegativeTable.prefixes[40] + 1), filler: 0))
        #expect(try !ExactBernoulli.expMinusInteger(45, using: high))
        // The rational form γ = 90/2 takes the same path: U = 0 passes e^−40, then U ≈ 1/3 fails e^−5.
        let rational = RandomStream(source: ScriptedRandomSource([0, 0], filler: 0x5555_5555_5555_5555))
        #expect(try !ExactBernoulli.expMinus(90, 2, using: rational))
    }

    @Test("the geometric step adds a fresh draw past its bound (memorylessness)")
    @_optimize(none)
    func geometricBeyondBound() throws {
        // U = 0 counts all 40 entries, then U = max counts none: V = 40.
        let stream = RandomStream(source: ScriptedRandomSource([0, 0], filler: .max))
        #expect(try DiscreteLaplaceSampler.geometric(using: stream) == 40)
        // Twice past the bound, then U just below e^−3: V = 83.
        let prefix = ExpNegativeTable.prefixes[3]
        let twice = RandomStream(source: ScriptedRandomSource([0, 0, 0, 0] + words(prefix - 1), filler: .max))
        #expect(try DiscreteLaplaceSampler.geometric(using: twice) == 83)
    }

    /// Bernoulli(e^−2/3) when the first 20 trials all succeed: Algorithm 1 goes on past the padding and answers
    /// "K odd" for the first failure K (found by simulating the stream's bit reads: K = 24 with two zero words,
    /// K = 33 with three).
    @Test("the fraction loop continues exactly past its 20 padded trials")
    @_optimize(none)
    func fractionBeyondPadding() throws {
        let filler: UInt64 = 0x5555_5555_5555_5555
        let even = RandomStream(source: ScriptedRandomSource([0, 0], filler: filler))
        #expect(try !ExactBernoulli.expMinusFraction(2, 3, using: even))
        let odd = RandomStream(source: ScriptedRandomSource([0, 0, 0], filler: filler))
        #expect(try ExactBernoulli.expMinusFraction(2, 3, using: odd))
        // γ = 0 is certain and γ = 0 in the rational form too.
        #expect(try ExactBernoulli.expMinusFraction(0, 7, using: seededStream(1)))
        #expect(try ExactBernoulli.expMinus(Rational.zero, using: seededStream(1)))
    }

    @Test("uniform integers are uniform on every path (64-bit, 128-bit, BIGNUM)")
    @_optimize(none)
    func uniform() throws {
        let stream = testStream(seed: 9)
        let n = 30_000
        // 64-bit: below 7. 128-bit: below 3·2^64, read through the top word. BIGNUM: below 3·2^130.
        var small = [Int](repeating: 0, count: 7)
        var wide = [Int](repeating: 0, count: 3)
        var big = [Int](repeating: 0, count: 3)
        let bigBound = BigNumber(3).shiftedLeft(by: 130)
        for _ in 0..<n {
            small[Int(try stream.uniform(below: UInt64(7)))] += 1
            wide[Int(try stream.uniform(below: UInt128(3) << 64) >> 64)] += 1
            let value = try stream.uniform(below: bigBound).shiftedRight(by: 130)
            big[Int(value.int128Value ?? 99)] += 1
        }
        for (label, counts) in [("64", small), ("128", wide), ("big", big)] {
            let expected = Double(n) / Double(counts.count)
            let statistic = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            let p = Statistics.chiSquarePValue(statistic, degreesOfFreedom: counts.count - 1)
            #expect(p >= Statistics.alpha, "uniform \(label): \(counts)")
        }
    }

    @Test("the statistics helpers give known values")
    @_optimize(none)
    func statisticsHelpers() {
        // Wilson: all successes reach 1 exactly, none reach 0; 50/100 is centred.
        #expect(Statistics.wilson(successes: 1_000_000, n: 1_000_000).contains(1))
        #expect(Statistics.wilson(successes: 0, n: 1_000_000).contains(0))
        let middle = Statistics.wilson(successes: 50, n: 100)
        #expect(abs(middle.lowerBound + middle.upperBound - 1) < 1e-12 && middle.contains(0.5))
        // χ²₁ at 3.841459 has p = 0.05; χ²₁₀ at 18.307038 has p = 0.05; χ²₂ at x has p = e^(−x/2).
        #expect(abs(Statistics.chiSquarePValue(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-9)
        #expect(abs(Statistics.chiSquarePValue(18.307038053275146, degreesOfFreedom: 10) - 0.05) < 1e-9)
        #expect(abs(Statistics.chiSquarePValue(7, degreesOfFreedom: 2) - exp(-3.5)) < 1e-12)
        // Kolmogorov: Q(1.358) ≈ 0.05.
        #expect(abs(Statistics.kolmogorovPValue(distance: 1.358 / (100 + 0.12 + 0.0011), n: 10_000) - 0.05) < 1e-3)
        // The reference pmfs are normalised.
        for sigmaSquared in [0.25, 49.0 / 9, 1e4] {
            let gaussian = Statistics.gaussian(sigmaSquared: sigmaSquared)
            let radius = Int(12 * sigmaSquared.squareRoot()) + 3
            let total = (-radius...radius).reduce(0.0) { $0 + gaussian.pmf($1) }
            #expect(abs(total - 1) < 1e-12, "N_Z(0, \(sigmaSquared))")
            #expect(abs((gaussian.cdfAtSorted([radius]).first ?? 0) - 1) < 1e-12)
        }
        let laplace = Statistics.laplace(scale: 7.0 / 3)
        let total = (-400...400).reduce(0.0) { $0 + laplace.pmf($1) }
        #expect(abs(total - 1) < 1e-12)
        let cdf = laplace.cdfAtSorted([-3, 0, 4])
        let summed = [-3, 0, 4].map { x in (-400...x).reduce(0.0) { $0 + laplace.pmf($1) } }
        for (a, b) in zip(cdf, summed) { #expect(abs(a - b) < 1e-12) }
        let levels = [0.01, 0.1, 0.5, 0.9, 0.999]
        for (level, x) in zip(levels, laplace.quantilesAtSorted(levels)) {
            let around = laplace.cdfAtSorted([x - 1, x])
            #expect(around[0] < level && around[1] >= level, "quantile \(level) = \(x)")
        }
    }
}
