import Foundation
import Crypto

extension Rational {
    /// The longest text ``init(parsing:)`` accepts.
    public static let maximumTextLength = 4096
    /// The largest decimal exponent magnitude ``init(parsing:)`` accepts (`1e-1000` is fine, `1e5000` is not).
    public static let maximumDecimalExponent = 1000

    /// Parses a finite rational from text, exactly.
    ///
    /// Accepted forms: an integer (`"12"`, `"-3"`), a fraction of integers (`"1/3"`, `"-22/7"`), and a JSON number
    /// (`"0.5"`, `"1.25e-3"`, `"2E+10"`) — decimal fractions are converted exactly, so `"0.1"` is 1/10, not the
    /// binary double nearest to it. Nothing else: no spaces, no `+` sign, no `NaN` or `inf`.
    ///
    /// ```swift
    /// try Rational(parsing: "0.5") == Rational(numerator: 1, denominator: 2)   // true
    /// ```
    /// - Throws: ``PrivacyError`` `.invalidNumber`, naming the character position, for any other text, a zero
    ///   denominator, or a text or exponent above ``maximumTextLength`` / ``maximumDecimalExponent``.
    public init(parsing text: String) throws(PrivacyError) {
        func failure(_ reason: String) -> PrivacyError {
            PrivacyError(.invalidNumber, subject: "Rational(parsing:)", reason: reason)
        }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw failure("empty text") }
        guard bytes.count <= Rational.maximumTextLength else {
            throw failure("text longer than \(Rational.maximumTextLength) characters")
        }
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        /// Reads `[-]digits` from `index`; returns the digits' text with its sign.
        func readInteger(allowSign: Bool, what: String) throws(PrivacyError) -> String {
            let start = index
            if allowSign, index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart else {
                throw failure("expected digits of the \(what) at character \(digitsStart + 1)")
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let integerText = try readInteger(allowSign: true, what: "number")
        if index == bytes.count {
            self = Rational(try Rational.integer(integerText))
            return
        }
        if bytes[index] == UInt8(ascii: "/") {
            index += 1
            let denominatorText = try readInteger(allowSign: false, what: "denominator")
            guard index == bytes.count else { throw failure("unexpected character at position \(index + 1)") }
            let denominator = try Rational.integer(denominatorText)
            guard !denominator.isZero else { throw failure("zero denominator") }
            self = try Rational(numerator: try Rational.integer(integerText), denominator: denominator)
            return
        }
        // JSON number: int [frac] [exp]
        var fractionDigits = ""
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start else { throw failure("expected digits after '.' at character \(start + 1)") }
            fractionDigits = String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var negativeExponent = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > start else { throw failure("expected exponent digits at character \(start + 1)") }
            guard index - start <= 6, let magnitude = Int(String(decoding: bytes[start..<index], as: UTF8.self)),
                magnitude <= Rational.maximumDecimalExponent
            else { throw failure("exponent beyond ±\(Rational.maximumDecimalExponent)") }
            exponent = negativeExponent ? -magnitude : magnitude
        }
        guard index == bytes.count else { throw failure("unexpected character at position \(index + 1)") }
        let mantissa = try Rational.integer(integerText + fractionDigits)
        let scale = exponent - fractionDigits.utf8.count
        let power = Rational(Rational.powerOfTen(abs(scale)))
        self = scale >= 0 ? Rational(mantissa) * power : try Rational(numerator: mantissa, denominator: power.numerator)
    }

    /// Parses `[-]digits` already validated.
    private static func integer(_ text: String) throws(PrivacyError) -> BigNumber {
        if text.utf8.count <= 38, let small = Int128(text) { return BigNumber(small) }
        guard let big = BigNumber(decimal: text) else {
            throw PrivacyError(.invalidNumber, subject: "Rational(parsing:)", reason: "not an integer")
        }
        return big
    }

    /// 10^`exponent`.
    static func powerOfTen(_ exponent: Int) -> BigNumber {
        if exponent <= 38 {
            var value: Int128 = 1
            for _ in 0..<exponent { value *= 10 }
            return BigNumber(value)
        }
        return (Rational(10).power(exponent)).numerator
    }
}

extension Rational: Codable {
    /// Reads the text form (`"n"` or `"n/d"`, or any form ``init(parsing:)`` accepts) from a single string.
    /// - Throws: `DecodingError.dataCorrupted` naming the coding path when the text is not a finite rational.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Rational(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Writes ``description`` as a single string, which is lossless.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Rational {
    /// The exact value of a finite `Double` (every finite double is a dyadic rational).
    /// - Throws: ``PrivacyError`` `.invalidNumber` for NaN and ±infinity.
    public init(exactly value: Double) throws(PrivacyError) {
        guard value.isFinite else {
            throw PrivacyError(.invalidNumber, subject: "Rational(exactly:)", reason: "NaN or infinite value")
        }
        if value == 0 {
            self = .zero
            return
        }
        let significand = Int128(value.significandBitPattern | (value.isNormal ? 1 << 52 : 0))
        let exponent = value.isNormal ? Int(value.exponent) - 52 : -1074
        let signed = value < 0 ? -significand : significand
        let two = Rational(2)
        self = exponent >= 0 ? Rational(signed) * two.power(exponent) : try Rational(signed) / two.power(-exponent)
    }

    /// A `Double` within a few units in the last place of the number, for display and for accounting code that
    /// works in floating point (which must round its own results outward).
    public var doubleApproximation: Double {
        switch storage {
        case .small(let n, let d): return Double(n) / Double(d)
        case .big(let n, let d):
            // Keep the leading 64 bits of each part.
            let shiftN = max(0, n.bitWidth - 64)
            let shiftD = max(0, d.bitWidth - 64)
            let headN = Double(n.shiftedRight(by: shiftN).int128Value ?? 0)
            let headD = Double(d.shiftedRight(by: shiftD).int128Value ?? 1)
            return (headN / headD) * pow(2, Double(shiftN - shiftD))
        }
    }

    /// A `Double` not below the number (the approximation moved up by a few ulps).
    public var doubleUpperBound: Double { doubleApproximation.nextUp.nextUp.nextUp.nextUp }
}
