@testable import Privacy

/// A deterministic xoshiro256** generator (seeded through SplitMix64) for reproducible sampler tests.
/// Test-only: production code reads OpenSSL's DRBG.
struct SeededRandomSource: RandomBytesSource {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) throws(PrivacyError) {
        for index in words.indices { words[index] = next() }
    }
}

/// A source that hands out a fixed script of words, then `filler` forever: drives the samplers down paths that
/// random words reach with probability 2^−128 or e^−40 (ties with a table entry, the padding bounds).
struct ScriptedRandomSource: RandomBytesSource {
    private var script: [UInt64]
    private var position = 0
    let filler: UInt64

    init(_ script: [UInt64], filler: UInt64) {
        self.script = script
        self.filler = filler
    }

    mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) throws(PrivacyError) {
        for index in words.indices {
            words[index] = position < script.count ? script[position] : filler
            position += 1
        }
    }
}

/// A stream for a test: seeded unless FEDLAKE_SAMPLERS_FULL asks for OpenSSL's DRBG.
func testStream(seed: UInt64) -> RandomStream {
    if Statistics.fullRun { return RandomStream() }
    return RandomStream(source: SeededRandomSource(seed: seed))
}

/// A seeded stream, whatever the run (for tests that compare two streams drawn alike).
func seededStream(_ seed: UInt64) -> RandomStream { RandomStream(source: SeededRandomSource(seed: seed)) }

/// The high and low 64-bit words of a 128-bit value, in the order ``RandomStream`` reads them.
func words(_ value: UInt128) -> [UInt64] {
    [UInt64(truncatingIfNeeded: value >> 64), UInt64(truncatingIfNeeded: value)]
}
