import Privacy

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

/// A stream for a test: seeded (CI) unless FEDLAKE_SAMPLERS_FULL asks for OpenSSL's DRBG.
func testStream(seed: UInt64) -> RandomStream {
    if Statistics.fullRun { return RandomStream() }
    return RandomStream(source: SeededRandomSource(seed: seed))
}
