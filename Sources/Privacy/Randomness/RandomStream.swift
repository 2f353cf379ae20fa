import Crypto

/// Uniform random bits and integers for the samplers, from OpenSSL's private DRBG.
///
/// Reads `RAND_priv_bytes` (through ``Crypto/SecureRandom``) 4 KiB at a time and hands out bits; uniform integers
/// are drawn by rejection (a draw of ⌈log₂ n⌉ bits is kept when below n, else drawn again), so there is no modulo
/// bias, and the number of rejected draws is independent of the value finally returned. Above 128 bits it uses
/// OpenSSL's `BN_priv_rand_range_ex`, which also rejects.
///
/// Confinement: one stream is used by one thread at a time (give each task its own). The buffer is zeroed
/// when the stream is released.
public final class RandomStream {
    private static let bufferWords = 512

    /// The read position in ``buffer`` and the unused bits of the last word split by ``bits(_:)``.
    ///
    /// Kept behind a pointer, not in stored `var`s: the class's stored properties would each get a dynamic
    /// exclusivity check (`swift_beginAccess`, a thread-local lookup) on every access, which was a quarter of a
    /// sampler's time. The stream is confined to one thread, so the checks protect nothing here.
    private struct Cursor {
        var next: Int
        var reservoir: UInt64
        var reservoirBits: Int
    }

    /// An injected source, in a box so that the stream's own stored properties can all be `let`s.
    private final class SourceBox {
        var source: any RandomBytesSource
        init(_ source: any RandomBytesSource) { self.source = source }
    }

    private let buffer: UnsafeMutableBufferPointer<UInt64>
    private let cursor: UnsafeMutablePointer<Cursor>
    private let injected: SourceBox?

    /// A stream over OpenSSL's private DRBG (`RAND_priv_bytes`, NIST SP 800-90A CTR_DRBG).
    public convenience init() { self.init(injected: nil) }

    /// A stream over an injected source. For tests only (see ``RandomBytesSource``).
    package convenience init(source: any RandomBytesSource) { self.init(injected: SourceBox(source)) }

    private init(injected: SourceBox?) {
        buffer = .allocate(capacity: RandomStream.bufferWords)
        buffer.initialize(repeating: 0)
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(next: RandomStream.bufferWords, reservoir: 0, reservoirBits: 0))
        self.injected = injected
    }

    /// True when this stream reads OpenSSL's DRBG.
    public var isSystemRandomness: Bool { injected == nil }

    deinit {
        buffer.withMemoryRebound(to: UInt8.self) { bytes in
            for index in bytes.indices { bytes[index] = 0 }
        }
        buffer.deallocate()
        cursor.pointee = Cursor(next: 0, reservoir: 0, reservoirBits: 0)
        cursor.deallocate()
    }

    private func refill() throws(PrivacyError) {
        if let injected {
            try injected.source.fill(buffer)
        } else {
            do {
                try SecureRandom.fill(UnsafeMutableRawBufferPointer(buffer))
            } catch {
                throw PrivacyError(.randomnessFailure, subject: "RAND_priv_bytes", reason: error.description)
            }
        }
        cursor.pointee.next = 0
    }

    /// A uniform 64-bit word.
    @inline(__always)
    func word() throws(PrivacyError) -> UInt64 {
        if cursor.pointee.next == RandomStream.bufferWords { try refill() }
        let value = buffer[cursor.pointee.next]
        cursor.pointee.next += 1
        return value
    }

    /// `count` uniform bits (1 ≤ count ≤ 64) in the low bits of the result.
    @inline(__always)
    func bits(_ count: Int) throws(PrivacyError) -> UInt64 {
        if count == 64 { return try word() }
        if cursor.pointee.reservoirBits < count {
            cursor.pointee.reservoir = try word()
            cursor.pointee.reservoirBits = 64
        }
        let value = cursor.pointee.reservoir & ((1 << UInt64(count)) &- 1)
        cursor.pointee.reservoir >>= UInt64(count)
        cursor.pointee.reservoirBits -= count
        return value
    }

    /// A uniform integer in [0, `bound`), `bound` ≥ 1, by rejection.
    @inline(__always)
    func uniform(below bound: UInt64) throws(PrivacyError) -> UInt64 {
        if bound <= 1 { return 0 }
        let width = 64 - (bound - 1).leadingZeroBitCount
        while true {
            let candidate = try bits(width)
            if candidate < bound { return candidate }
        }
    }

    /// A uniform integer in [0, `bound`), `bound` ≥ 1, by rejection.
    @inline(__always)
    func uniform(below bound: UInt128) throws(PrivacyError) -> UInt128 {
        if bound <= UInt128(UInt64.max) { return UInt128(try uniform(below: UInt64(bound))) }
        let width = 128 - (bound - 1).leadingZeroBitCount
        while true {
            let high = try bits(width - 64)
            let candidate = UInt128(high) << 64 | UInt128(try word())
            if candidate < bound { return candidate }
        }
    }

    /// A uniform 128-bit word.
    @inline(__always)
    func word128() throws(PrivacyError) -> UInt128 {
        let high = try word()
        return UInt128(high) << 64 | UInt128(try word())
    }

    /// A uniform integer in [0, `bound`), `bound` ≥ 1: `BN_priv_rand_range_ex` for OpenSSL's DRBG, rejection over
    /// the injected source otherwise.
    func uniform(below bound: BigNumber) throws(PrivacyError) -> BigNumber {
        if let small = bound.int128Value, small > 0 { return BigNumber(try uniform(below: UInt128(small)) as UInt128) }
        guard injected != nil else {
            do {
                return try BigNumber.privateRandom(below: bound)
            } catch {
                throw PrivacyError(.randomnessFailure, subject: "BN_priv_rand_range_ex", reason: error.description)
            }
        }
        let width = bound.bitWidth
        let byteCount = (width + 7) / 8
        while true {
            var bytes = [UInt8](repeating: 0, count: byteCount)
            for index in 0..<byteCount { bytes[index] = UInt8(truncatingIfNeeded: try bits(8)) }
            let excess = byteCount * 8 - width
            bytes[0] &= UInt8(truncatingIfNeeded: 0xFF >> excess)
            let candidate = BigNumber(bigEndianMagnitude: bytes)
            if candidate < bound { return candidate }
        }
    }
}

@available(*, unavailable)
extension RandomStream: Sendable {}
