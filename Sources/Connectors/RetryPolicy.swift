import Synchronization

/// When and how often a source retries a failed request: exponential backoff with full jitter.
///
/// The delay before retry `n` (1 for the first retry) is drawn uniformly from
/// `0 ... min(maxDelay, baseDelay × 2^(n-1))` ("full jitter", as described in the AWS Architecture Blog
/// post "Exponential Backoff And Jitter", 2015), so many nodes that lost the same server do not come back
/// in lockstep. Only errors with ``ConnectorError/isRetryable`` are retried; others are thrown at once.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(20))
/// let batch = try await policy.run { try await listOnce() }
/// let testing = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), seed: 42)   // same delays every run
/// ```
public struct RetryPolicy: Sendable {
    /// The most attempts, the first included (at least 1).
    public let maxAttempts: Int
    /// The cap of the first retry's delay; each later retry doubles it.
    public let baseDelay: Duration
    /// The largest cap.
    public let maxDelay: Duration
    private let random: JitterSource

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: The most attempts, the first included (values below 1 count as 1).
    ///   - baseDelay: The cap of the first retry's delay.
    ///   - maxDelay: The largest delay.
    ///   - seed: Fixes the jitter sequence (for tests); nil draws a seed from the system generator.
    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(30),
        seed: UInt64? = nil
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(.zero, maxDelay)
        var system = SystemRandomNumberGenerator()
        self.random = JitterSource(seed: seed ?? system.next())
    }

    /// A policy that never retries.
    public static var never: RetryPolicy { RetryPolicy(maxAttempts: 1, baseDelay: .zero, maxDelay: .zero, seed: 0) }

    /// The upper bound of the delay before retry `retry` (1-based): `min(maxDelay, baseDelay × 2^(retry-1))`.
    public func delayCap(beforeRetry retry: Int) -> Duration {
        let base = Self.nanoseconds(baseDelay)
        let cap = Self.nanoseconds(maxDelay)
        let shift = max(0, min(retry - 1, 62))
        let grown = base > (cap >> UInt64(shift)) ? cap : base << UInt64(shift)
        return .nanoseconds(Int64(min(grown, cap)))
    }

    /// Draws the delay before retry `retry` (1-based), uniformly in `0 ... delayCap(beforeRetry: retry)`.
    /// Successive calls continue one random sequence, fixed by the seed.
    public func delay(beforeRetry retry: Int) -> Duration {
        let cap = Self.nanoseconds(delayCap(beforeRetry: retry))
        return .nanoseconds(Int64(random.next(upTo: cap)))
    }

    /// Runs `operation` until it succeeds, throws an error that is not retryable, or has used
    /// ``maxAttempts``; sleeps (`Task.sleep`) between attempts.
    ///
    /// - Returns: The first successful result.
    /// - Throws: The last error; `CancellationError` when the task is cancelled while sleeping.
    public func run<T>(_ operation: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let error as ConnectorError where error.isRetryable && attempt < maxAttempts {
                try await Task.sleep(for: delay(beforeRetry: attempt))
                attempt += 1
            }
        }
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow || whole > UInt64(Int64.max) / 2 { return UInt64(Int64.max) / 2 }
        return whole + UInt64(attoseconds / 1_000_000_000)
    }
}

/// A SplitMix64 generator (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", 2014)
/// shared by copies of one policy. Not for cryptography: it only spreads retry times.
private final class JitterSource: Sendable {
    private let state: Mutex<UInt64>

    init(seed: UInt64) { state = Mutex(seed) }

    /// A uniform value in `0 ... bound`.
    func next(upTo bound: UInt64) -> UInt64 {
        let value = state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        if bound == .max { return value }
        // Multiply-high maps the 64-bit value onto 0...bound with negligible bias for these bounds.
        return value.multipliedFullWidth(by: bound + 1).high
    }
}
