import Connectors
import Testing

@Suite struct RetryPolicyTests {
    @Test func capsDoubleFromTheBaseDelayUpToTheMaximum() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .milliseconds(500), seed: 1)
        let caps = (1...6).map { policy.delayCap(beforeRetry: $0) }
        #expect(caps == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500),
                         .milliseconds(500), .milliseconds(500)])
        #expect(policy.delayCap(beforeRetry: 1_000) == .milliseconds(500))
    }

    @Test func drawsTheSameDelaysForTheSameSeedAndStaysUnderTheCaps() {
        func delays(seed: UInt64) -> [Duration] {
            let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(2), seed: seed)
            return (1...8).map { policy.delay(beforeRetry: $0) }
        }
        let first = delays(seed: 42)
        #expect(first == delays(seed: 42))
        #expect(first != delays(seed: 43))
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(2), seed: 42)
        for (index, delay) in first.enumerated() {
            #expect(delay >= .zero)
            #expect(delay <= policy.delayCap(beforeRetry: index + 1))
        }
        // Full jitter spreads the delays: they are not all equal to their caps.
        #expect(Set(first).count > 1)
    }

    @Test func retriesRetryableErrorsUpToTheAttemptLimit() async throws {
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2), seed: 7)
        var calls = 0
        let error = await #expect(throws: ConnectorError.self) {
            try await policy.run { () async throws -> Int in
                calls += 1
                throw ConnectorError(.unavailable, source: "test", operation: "op", reason: "refused")
            }
        }
        #expect(calls == 4)
        #expect(error?.isRetryable == true)
    }

    @Test func returnsTheFirstSuccessAfterRetryableFailures() async throws {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2), seed: 7)
        var calls = 0
        let value = try await policy.run { () async throws -> Int in
            calls += 1
            if calls < 3 { throw ConnectorError(.serverError, source: "test", operation: "op", reason: "503") }
            return 99
        }
        #expect(value == 99)
        #expect(calls == 3)
    }

    @Test func doesNotRetryErrorsThatAreNotRetryable() async throws {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .seconds(60), maxDelay: .seconds(60), seed: 7)
        for code in [ConnectorError.Code.credentials, .notFound, .clockSkew, .malformedResponse, .invalidCursor] {
            var calls = 0
            await #expect(throws: ConnectorError.self) {
                try await policy.run { () async throws -> Int in
                    calls += 1
                    throw ConnectorError(code, source: "test", operation: "op", reason: "no")
                }
            }
            #expect(calls == 1, "\(code)")
        }
    }
}
