// `@_optimize(none)` on these tests: `make test-samplers-full` builds this module with -O, and Swift 6.3.1's
// optimizer crashed on RationalTests.arithmetic (CopyPropagation, "Found ownership error" on a borrowed Rational).
// The suites heavy in Rational comparisons are all kept unoptimized; they are fast either way.

import Crypto
import Foundation
import Testing

@testable import Privacy

@Suite struct RationalTests {
    static func r(_ text: String) throws -> Rational { try Rational(parsing: text) }

    @Test(
        "parses integers, fractions and JSON numbers exactly",
        arguments: [
            ("12", "12"), ("-3", "-3"), ("0", "0"), ("-0", "0"), ("007", "7"), ("1/3", "1/3"), ("-22/7", "-22/7"),
            ("6/4", "3/2"), ("0/5", "0"), ("0.5", "1/2"), ("0.1", "1/10"), ("-0.25", "-1/4"), ("1.25e-3", "1/800"),
            ("2E+10", "20000000000"), ("2e10", "20000000000"), ("3.14159", "314159/100000"), ("1e0", "1"),
            ("12.50", "25/2"),
        ])
    @_optimize(none)
    func parsing(text: String, expected: String) throws {
        let value = try Self.r(text)
        #expect(value.description == expected)
        #expect(try Rational(parsing: value.description) == value)
    }

    @Test(
        "rejects anything that is not a finite rational",
        arguments: [
            "", " 1", "1 ", "+1", "NaN", "nan", "inf", "-inf", "Infinity", "1/0", "1/-2", "1/", "/2", "1e", "1e+",
            "1.", ".5", "-", "--1", "1..2", "0x10", "1,5", "1/2/3", "1.5/2", "1e1001", "1e-1001", "١", "1_000",
        ])
    @_optimize(none)
    func rejects(text: String) {
        #expect(throws: PrivacyError.self) { try Rational(parsing: text) }
        do {
            _ = try Rational(parsing: text)
        } catch {
            #expect(error.code == .invalidNumber)
        }
    }

    @Test("rejects text over the length limit, accepts exponents at the limit")
    @_optimize(none)
    func limits() throws {
        let long = String(repeating: "1", count: Rational.maximumTextLength + 1)
        #expect(throws: PrivacyError.self) { try Rational(parsing: long) }
        let big = try Self.r("1e1000")
        #expect(big.int128Parts == nil)
        #expect(big.numerator == Rational.powerOfTen(1000))
        let tiny = try Self.r("1e-1000")
        #expect(tiny.isPositive)
        #expect(tiny.denominator == Rational.powerOfTen(1000))
        #expect(tiny * big == .one)
    }

    @Test("arithmetic is exact and stays in lowest terms")
    @_optimize(none)
    func arithmetic() throws {
        // Values are parsed first and compared outside `try` (an `#expect(try a < b)` form of this function
        // crashed the 6.3.1 optimizer in release builds).
        let values = try ["1/3", "1/2", "5/6", "-1/6", "1/6", "2/3", "-3/2", "0.1", "1024/59049", "-7/2", "7/2", "-4"]
            .map(Self.r)
        let (third, half, fiveSixths, minusSixth, sixth, twoThirds) =
            (values[0], values[1], values[2], values[3], values[4], values[5])
        let (minusThreeHalves, tenth, power, minusSevenHalves, sevenHalves, minusFour) =
            (values[6], values[7], values[8], values[9], values[10], values[11])
        #expect(third + half == fiveSixths)
        #expect(third - half == minusSixth)
        #expect(third * half == sixth)
        let quotient = try third / half
        #expect(quotient == twoThirds)
        #expect(throws: PrivacyError.self) { try third / .zero }
        #expect(throws: PrivacyError.self) { try Rational(numerator: 1, denominator: 0) }
        let reduced = try Rational(numerator: 6, denominator: -4)
        #expect(reduced == minusThreeHalves)
        #expect(reduced.int128Parts.map { $0 == (-3, 2) } == true)
        // Ten tenths are exactly one (they are not in Double).
        var sum = Rational.zero
        for _ in 0..<10 { sum = sum + tenth }
        #expect(sum == .one)
        #expect(twoThirds.power(10) == power)
        #expect(minusSevenHalves.floor == BigNumber(-4))
        #expect(minusSevenHalves.ceiling == BigNumber(-3))
        #expect(sevenHalves.floor == BigNumber(3))
        #expect(minusFour.floor == BigNumber(-4))
        #expect(minusSixth < .zero)
        #expect(third < half)
        #expect(Rational.minimum(third, half) == third)
        #expect(Rational.maximum(third, half) == half)
        let twoQuarters = try Rational(numerator: 2, denominator: 4)
        #expect(twoQuarters.hashValue == half.hashValue)
    }

    @Test("goes to BIGNUM beyond Int128 and back when it fits again")
    @_optimize(none)
    func bigNumberPath() throws {
        let max = Rational(Int128.max)
        let beyond = max + .one  // 2^127
        #expect(beyond.int128Parts == nil)
        #expect(beyond.description == "170141183460469231731687303715884105728")
        #expect(beyond - .one == max)
        #expect((beyond - .one).int128Parts != nil)
        // Int128.min is kept as a BIGNUM (its negation does not fit); negation is exact both ways.
        let minimum = Rational(Int128.min)
        #expect(minimum.description == "-170141183460469231731687303715884105728")
        #expect(-minimum == beyond)
        #expect(-beyond == minimum)
        // Products and quotients of large numbers.
        let e30 = try Self.r("1e30")
        let e60 = e30 * e30
        #expect(e60.int128Parts == nil)
        #expect(e60.description == "1" + String(repeating: "0", count: 60))
        #expect(try e60 / e30 == e30)
        #expect((try e60 / e30).int128Parts != nil)
        // Overflowing the Int128 fast path in sums and comparisons falls back exactly.
        let a = try Self.r("170141183460469231731687303715884105727/3")
        let b = try Self.r("1/170141183460469231731687303715884105727")
        let sum = a + b
        #expect(sum - a == b)
        #expect(a < sum)
        #expect(!(sum < a))
        // Parsing numbers over 38 digits and fractions of them.
        let parsed = try Self.r("340282366920938463463374607431768211457/340282366920938463463374607431768211456")
        #expect(parsed.int128Parts == nil)
        #expect(parsed > .one)
        #expect(
            parsed - .one == (try Rational(numerator: BigNumber(1), denominator: BigNumber(1).shiftedLeft(by: 128))))
        #expect(try Rational(parsing: parsed.description) == parsed)
        // A big fraction that reduces into Int128.
        #expect(
            try Self.r("340282366920938463463374607431768211456/680564733841876926926749214863536422912")
                == (try Self.r("1/2")))
        #expect(
            (try Self.r("340282366920938463463374607431768211456/680564733841876926926749214863536422912")).int128Parts
                != nil)
        // Floor of a negative BIGNUM fraction rounds down.
        let negative = try Self.r("-340282366920938463463374607431768211457/2")
        #expect(negative.floor == (try Self.r("-170141183460469231731687303715884105729")).numerator)
        #expect(negative.ceiling == (try Self.r("-170141183460469231731687303715884105728")).numerator)
        #expect(abs(negative.doubleApproximation + 1.7014118346046923e38) < 1e24)
        #expect(abs(parsed.doubleApproximation - 1) < 1e-15)
    }

    @Test("Double conversion is exact and rejects NaN and infinities")
    @_optimize(none)
    func doubles() throws {
        #expect(try Rational(exactly: 0.5) == (try Self.r("1/2")))
        #expect(try Rational(exactly: 0.1) == (try Self.r("3602879701896397/36028797018963968")))
        #expect(try Rational(exactly: -0.0) == .zero)
        #expect(try Rational(exactly: 1e300).doubleApproximation == 1e300)
        #expect(try Rational(exactly: .leastNonzeroMagnitude).doubleApproximation == .leastNonzeroMagnitude)
        for bad in [Double.nan, .infinity, -.infinity, .signalingNaN] {
            #expect(throws: PrivacyError.self) { try Rational(exactly: bad) }
        }
        #expect(try Self.r("1/3").doubleUpperBound > 1.0 / 3)
    }

    @Test("Codable writes the lossless text and rejects bad text")
    @_optimize(none)
    func codable() throws {
        let values = [try Self.r("1/3"), try Self.r("-22/7"), try Self.r("1e40") + (try Self.r("1/7"))]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(values)
        #expect(String(decoding: data, as: UTF8.self).contains("\"1/3\""))
        #expect(try JSONDecoder().decode([Rational].self, from: data) == values)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rational].self, from: Data("[\"NaN\"]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rational].self, from: Data("[0.5]".utf8)) }
    }
}
