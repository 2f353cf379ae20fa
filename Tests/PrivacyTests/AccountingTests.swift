// `@_optimize(none)` on these tests: `make test-samplers-full` builds this module with -O, and Swift 6.3.1's
// optimizer crashed on RationalTests.arithmetic (CopyPropagation, "Found ownership error" on a borrowed Rational).
// The suites heavy in Rational comparisons are all kept unoptimized; they are fast either way.

import Foundation
import Testing

@testable import Privacy

@Suite struct PrivacyFilterTests {
    static func r(_ text: String) throws -> Rational { try Rational(parsing: text) }

    @Test("rejects negative, zero, NaN and infinite costs, and leaves the filter unchanged")
    @_optimize(none)
    func rejectsBadCosts() throws {
        var filter = try PrivacyFilter(limit: Self.r("1"), spent: Self.r("1/4"))
        let before = filter
        for cost in [Rational.zero, -Rational.one, try Self.r("-1e-30")] {
            #expect(!filter.canSpend(cost))
            #expect(throws: PrivacyError(.invalidParameter, subject: "PrivacyFilter.spend", reason: "cost must be > 0"))
            {
                try filter.spend(cost)
            }
        }
        for cost in [Double.nan, .infinity, -.infinity, .signalingNaN] {
            do {
                try filter.spend(exactly: cost)
                Issue.record("\(cost) was accepted")
            } catch {
                #expect(error.code == .invalidNumber)
            }
        }
        for cost in [0.0, -0.0, -0.5] {
            do {
                try filter.spend(exactly: cost)
                Issue.record("\(cost) was accepted")
            } catch {
                #expect(error.code == .invalidParameter)
            }
        }
        for text in ["NaN", "nan", "inf", "-inf", "Infinity", "", "1/0", "0", "-0.1", "0x1p-3"] {
            #expect(throws: PrivacyError.self) { try filter.spend(parsing: text) }
        }
        #expect(filter == before)
    }

    @Test("limits and spending are checked at creation")
    @_optimize(none)
    func creation() throws {
        #expect(throws: PrivacyError.self) { try PrivacyFilter(limit: -Rational.one) }
        #expect(throws: PrivacyError.self) { try PrivacyFilter(limit: .one, spent: -Rational.one) }
        #expect(throws: PrivacyError.self) { try PrivacyFilter(limit: .one, spent: Self.r("1.0000001")) }
        let empty = try PrivacyFilter(limit: .zero)
        #expect(!empty.canSpend(try Self.r("1e-1000")))
        let full = try PrivacyFilter(limit: .one, spent: .one)
        #expect(full.remaining == .zero)
    }

    @Test("spends exactly: ten costs of 0.1 fill a limit of 1, and nothing more fits")
    @_optimize(none)
    func exactSpending() throws {
        var filter = try PrivacyFilter(limit: .one)
        for _ in 0..<10 { try filter.spend(parsing: "0.1") }
        #expect(filter.spent == .one)
        #expect(filter.remaining == .zero)
        #expect(!filter.canSpend(try Self.r("1e-1000")))
        let tiny = try Self.r("1e-1000")
        do {
            try filter.spend(tiny)
            Issue.record("spent past the limit")
        } catch {
            #expect(error.code == .budgetExceeded)
        }
        #expect(filter.spent == .one)
        // The double nearest 0.1 is slightly above 1/10: the tenth such cost does not fit.
        var doubles = try PrivacyFilter(limit: .one)
        for _ in 0..<9 { try doubles.spend(exactly: 0.1) }
        #expect(throws: PrivacyError.self) { try doubles.spend(exactly: 0.1) }
        #expect(doubles.spent == (try Rational(exactly: 0.1)) * Rational(9))
    }

    @Test("never exceeds its limit under a random sequence of costs", arguments: [1, 2, 3])
    @_optimize(none)
    func neverExceeds(seed: Int) throws {
        let stream = seededStream(UInt64(seed))
        var filter = try PrivacyFilter(limit: Self.r("3/7"))
        var accepted = Rational.zero
        for _ in 0..<400 {
            let numerator = Int128(try stream.uniform(below: UInt64(50))) + 1
            let denominator = Int128(try stream.uniform(below: UInt64(997))) + 1
            let cost = try Rational(numerator: numerator, denominator: denominator * 100)
            let before = filter
            do {
                try filter.spend(cost)
                accepted = accepted + cost
                #expect(before.canSpend(cost))
            } catch {
                #expect(error.code == .budgetExceeded)
                #expect(!before.canSpend(cost))
                #expect(filter == before)
            }
            #expect(filter.spent <= filter.limit)
            #expect(filter.spent == accepted)
        }
        #expect(filter.spent > .zero)
    }

    @Test("a stored filter is restored losslessly, and one past its limit is refused")
    @_optimize(none)
    func codable() throws {
        var filter = try PrivacyFilter(limit: Self.r("1/3"))
        try filter.spend(Self.r("1/7"))
        let data = try JSONEncoder().encode(filter)
        #expect(try JSONDecoder().decode(PrivacyFilter.self, from: data) == filter)
        for json in [
            #"{"limit":"1","spent":"2"}"#, #"{"limit":"-1","spent":"0"}"#, #"{"limit":"1","spent":"-1/2"}"#,
            #"{"limit":"NaN","spent":"0"}"#, #"{"limit":"1"}"#,
        ] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(PrivacyFilter.self, from: Data(json.utf8)) }
        }
    }
}

@Suite struct ZeroConcentratedDPTests {
    struct Fixture: Decodable {
        struct Point: Decodable {
            let rho: String
            let delta: String
            let epsilon: String
        }
        let opendp_version: String
        let count: Int
        let points: [Point]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/privacy/zcdp-conversion.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test("ρ → (ε, δ) equals OpenDP's make_zCDP_to_approxDP within 1e-9 relative on 1,000 points")
    @_optimize(none)
    func matchesOpenDP() throws {
        let fixture = try Self.fixture()
        #expect(fixture.count == 1000)
        #expect(fixture.points.count == 1000)
        var worst = 0.0
        var zeros = 0
        for point in fixture.points {
            guard let rho = Double(point.rho), let delta = Double(point.delta), let expected = Double(point.epsilon)
            else {
                Issue.record("unreadable point \(point)")
                continue
            }
            let ours = try ZeroConcentratedDP.epsilon(rho: rho, delta: delta)
            // The exact-rational entry point gives the same value for the same double.
            let exact = try ZeroConcentratedDP.epsilon(rho: Rational(exactly: rho), delta: delta)
            if expected == 0 {
                // δ above the total variation bound: ε = 0 for both (59 of the points).
                zeros += 1
                #expect(ours == 0 && exact == 0, "ρ = \(point.rho), δ = \(point.delta): ours \(ours), OpenDP 0")
                continue
            }
            let relative = abs(ours - expected) / expected
            worst = max(worst, relative, abs(exact - expected) / expected)
            #expect(relative <= 1e-9, "ρ = \(point.rho), δ = \(point.delta): ours \(ours), OpenDP \(expected)")
            #expect(abs(exact - expected) / expected <= 1e-9, "ρ = \(point.rho), δ = \(point.delta) (rational)")
        }
        print(
            "ZeroConcentratedDPTests: OpenDP \(fixture.opendp_version), 1000 points (\(zeros) with ε = 0), worst relative \(worst)"
        )
    }

    @Test("the conversion is below the classic ρ + 2√(ρ ln(1/δ)), monotone, and validates its inputs")
    @_optimize(none)
    func properties() throws {
        for rho in [1e-6, 1e-3, 0.1, 1, 10] {
            var previous = Double.infinity
            for delta in [1e-12, 1e-9, 1e-6, 1e-3, 0.1] {
                let epsilon = try ZeroConcentratedDP.epsilon(rho: rho, delta: delta)
                #expect(epsilon <= rho + 2 * (rho * log(1 / delta)).squareRoot())
                #expect(epsilon >= 0)
                #expect(epsilon < previous || epsilon == 0)
                previous = epsilon
            }
        }
        #expect(try ZeroConcentratedDP.epsilon(rho: 0, delta: 1e-6) == 0)
        #expect(try ZeroConcentratedDP.epsilon(rho: Rational.zero, delta: 1e-6) == 0)
        #expect(try ZeroConcentratedDP.epsilon(rho: 0.5, delta: 1) == 0)
        for delta in [0, -1e-6, 1.5, Double.nan, .infinity] {
            #expect(throws: PrivacyError.self) { try ZeroConcentratedDP.epsilon(rho: 0.5, delta: delta) }
        }
        for rho in [-1e-6, Double.nan, .infinity] {
            #expect(throws: PrivacyError.self) { try ZeroConcentratedDP.epsilon(rho: rho, delta: 1e-6) }
        }
        #expect(throws: PrivacyError.self) { try ZeroConcentratedDP.epsilon(rho: -Rational.one, delta: 1e-6) }
    }
}
