import Crypto

/// The binary expansions of e^−m for m = 1 … ``bound``, computed exactly in integer arithmetic.
///
/// ``prefixes``[m] = ⌊e^−m · 2^128⌋. A uniform real U ∈ [0, 1) is compared with e^−m by reading its first 128
/// bits R: R < prefix means U < e^−m, R > prefix means U > e^−m; R = prefix (probability 2^−128) is settled by
/// reading further bits of U and computing further bits of e^−m (``settleTie``). e^−m is irrational, so the
/// comparison ends with probability 1 and P(U < e^−m) = e^−m exactly.
///
/// The expansions come from the alternating series e^−m = Σ (−m)^k / k!: each term is computed as an exact
/// floor of a big-integer quotient (error < 1 unit of 2^−P), the tail after the last term is below one unit, so
/// the sum lies within ±(terms + 1) units of the truth; with 64 guard bits the floor is certain unless the
/// interval straddles an integer, in which case the precision is raised and the sum recomputed.
enum ExpNegativeTable {
    /// The largest m in the table. e^−40 ≈ 4.2 × 10^−18.
    static let bound = 40

    /// ⌊e^−m · 2^128⌋ for m = 0 … bound; index 0 holds 0 and is never used for a comparison (e^0 = 1).
    static let prefixes: [UInt128] = {
        var table: [UInt128] = [0]
        for m in 1...bound {
            let value = floorScaled(m: m, bits: 128)
            table.append(UInt128(value.int128Value ?? 0))
        }
        return table
    }()

    /// ⌊e^−m · 2^bits⌋, exactly.
    static func floorScaled(m: Int, bits: Int) -> BigNumber {
        var guardBits = 64
        let mBig = BigNumber(m)
        while true {
            let precision = bits + guardBits
            let scale = BigNumber(1).shiftedLeft(by: precision)
            var sum = BigNumber(0)
            var power = BigNumber(1)  // m^k
            var factorial = BigNumber(1)  // k!
            var k = 0
            var terms = 0
            while true {
                let term = (power * scale).quotientAndRemainder(dividingBy: factorial).quotient
                sum = k % 2 == 0 ? sum + term : sum - term
                terms += 1
                // Stop once terms are decreasing (k ≥ m) and below one unit: the alternating tail is smaller.
                if k >= m && term.isZero { break }
                k += 1
                power = power * mBig
                factorial = factorial * BigNumber(k)
            }
            let slack = BigNumber(terms + 1)
            let low = (sum - slack).shiftedRight(by: guardBits)
            let high = (sum + slack).shiftedRight(by: guardBits)
            if low == high, !(sum - slack).isNegative { return low }
            guardBits += 64
        }
    }

    /// Settles U < e^−m when the first 128 bits of U equal ``prefixes``[m]: compares the following 64-bit words
    /// of U (fresh random words) with the following words of e^−m.
    static func settleTie(m: Int, using stream: RandomStream) throws(PrivacyError) -> Bool {
        var bits = 128
        while true {
            bits += 64
            let expansion = floorScaled(m: m, bits: bits)
            let word = UInt64(truncatingIfNeeded: (expansion.magnitudeBytes(count: (bits + 7) / 8 + 1) ?? [])
                .suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let random = try stream.word()
            if random < word { return true }
            if random > word { return false }
        }
    }
}
