import Crypto

/// The Bernoulli steps of Canonne, Kamath and Steinke (2020), Algorithm 1, written so that the work done does
/// not depend on the outcome (see the module's "Timing" article).
///
/// All counts of trials are fixed by public parameters; "first trial that fails" is found by masks, not by
/// leaving the loop. The padding bounds are ``fractionTrials`` and ``ExpNegativeTable/bound``; going past
/// them happens with probability below 10^−17 per call and then continues exactly (so the distribution is always
/// exact) in time that may depend on the outcome.
enum ExactBernoulli {
    /// Trials of Bernoulli(γ/k) run for Bernoulli(e^−γ), γ ∈ [0, 1): P(more needed) ≤ 1/20! ≈ 4.1 × 10^−19.
    static let fractionTrials = 20

    /// Bernoulli(e^−n/d) for 0 ≤ n < d, d · 21 < 2^128: Algorithm 1's loop for γ ≤ 1 — K is the index of the
    /// first failed Bernoulli(γ/k) trial and the result is "K is odd" — with exactly ``fractionTrials`` trials.
    @inline(__always)
    static func expMinusFraction(_ n: UInt128, _ d: UInt128, using stream: RandomStream) throws(PrivacyError) -> Bool {
        var alive: UInt8 = 1
        var odd: UInt8 = 0
        var bound = d
        for k in 1...fractionTrials {
            // Bernoulli(n / (d·k)): a uniform draw below d·k is below n.
            let success: UInt8 = try stream.uniform(below: bound) < n ? 1 : 0
            let stopsHere = alive & (success ^ 1)
            odd |= stopsHere & UInt8(k & 1)
            alive &= success
            bound &+= d
        }
        if alive == 0 { return odd == 1 }
        // Past the padding bound: continue Algorithm 1 exactly.
        var k = fractionTrials + 1
        while true {
            if try stream.uniform(below: d * UInt128(k)) >= n { return k & 1 == 1 }
            k += 1
        }
    }

    /// Bernoulli(e^−m) for an integer m ≥ 0, by comparing a uniform real with the table's expansion of e^−m.
    /// The table is scanned whole, so the memory accessed does not depend on m.
    @inline(__always)
    static func expMinusInteger(_ m: Int, using stream: RandomStream) throws(PrivacyError) -> Bool {
        let clamped = min(m, ExpNegativeTable.bound)
        let r = try stream.word128()
        var threshold: UInt128 = 0
        let prefixes = ExpNegativeTable.prefixes
        for v in 1...ExpNegativeTable.bound {
            let select: UInt128 = v == clamped ? .max : 0
            threshold |= prefixes[v] & select
        }
        var result = clamped == 0 || r < threshold
        if clamped != 0, r == threshold {
            result = try ExpNegativeTable.settleTie(m: clamped, using: stream)
        }
        if result, m > ExpNegativeTable.bound {
            // U < e^−bound (probability ≈ 4 × 10^−18): the rest, e^−(m − bound), is a fresh Bernoulli.
            result = try expMinusInteger(m - ExpNegativeTable.bound, using: stream)
        }
        return result
    }

    /// Bernoulli(e^−n/d) for any n ≥ 0, d ≥ 1 with d · 41 < 2^128: e^−⌊γ⌋ from the table times e^−{γ} from the
    /// fraction loop, both always run. ⌊γ⌋ is found by comparisons with multiples of d, not by division.
    @inline(__always)
    static func expMinus(_ n: UInt128, _ d: UInt128, using stream: RandomStream) throws(PrivacyError) -> Bool {
        var floorValue = 0
        var multiple: UInt128 = 0
        var overflowed = false
        for _ in 1...ExpNegativeTable.bound {
            let (next, overflow) = multiple.addingReportingOverflow(d)
            overflowed = overflowed || overflow
            multiple = next
            floorValue += (!overflowed && n >= multiple) ? 1 : 0
        }
        // floorValue = min(⌊γ⌋, bound). Past the bound the fraction step is skipped (probability 1 is used).
        let beyond = floorValue == ExpNegativeTable.bound && n - UInt128(floorValue) * d >= d
        let fraction = beyond ? 0 : n - UInt128(floorValue) * d
        let integerPart = try expMinusInteger(floorValue, using: stream)
        let fractionPart = try expMinusFraction(fraction, d, using: stream)
        var result = integerPart && fractionPart
        if result, beyond {
            result = try expMinus(n - UInt128(ExpNegativeTable.bound) * d, d, using: stream)
        }
        return result
    }

    // MARK: - Arbitrary precision

    /// Bernoulli(e^−γ) for a rational γ ≥ 0 of any size (Algorithm 1 with `BIGNUM` uniforms). Used when the
    /// parameters do not fit 128 bits; its running time is not padded.
    static func expMinus(_ gamma: Rational, using stream: RandomStream) throws(PrivacyError) -> Bool {
        if let (n, d) = gamma.int128Parts, n >= 0, d.magnitude < UInt128.max / 64 {
            return try expMinus(UInt128(n), UInt128(d), using: stream)
        }
        var integer = gamma.floor
        let fraction = gamma - Rational(integer)
        let chunk = BigNumber(ExpNegativeTable.bound)
        while !integer.isZero {
            let step = integer < chunk ? integer : chunk
            guard try expMinusInteger(Int(step.int128Value ?? 0), using: stream) else { return false }
            integer = integer - step
        }
        let n = fraction.numerator
        let d = fraction.denominator
        var k = 1
        while true {
            if try stream.uniform(below: d * BigNumber(k)) >= n { return k & 1 == 1 }
            k += 1
        }
    }
}
