import Foundation

/// Parsing and formatting of Decimal String (DS) values (PS3.5 §6.2, Table 6.2-1).
///
/// A DS value is a fixed or floating point number of at most 16 bytes: an optional sign, digits with an
/// optional decimal point, and an optional exponent (`E` or `e`, optional sign, digits); leading and
/// trailing spaces are padding.
///
/// ```swift
/// DecimalString.parse(" -1.5e3 ")          // -1500.0
/// DecimalString.format(1.0 / 3.0)          // "0.33333333333333" (16 characters at most)
/// ```
public enum DecimalString {
    /// The maximum length of one value, in bytes.
    public static let maximumLength = 16

    /// Parses one value, ignoring padding spaces; `nil` if it is not a decimal number. Longer than 16
    /// characters is accepted here (lenient reading); ``isValid(_:)`` checks the limit.
    public static func parse(_ text: String) -> Double? {
        let value = CivilCalendar.trimmed(text)
        guard matchesGrammar(value) else { return nil }
        return Double(value)
    }

    /// Parses a backslash-separated list of values; `nil` if any value is not a number. Empty text gives `[]`.
    public static func parseValues(_ text: String) -> [Double]? {
        if CivilCalendar.trimmed(text).isEmpty { return [] }
        var result: [Double] = []
        for part in text.dicomValues {
            guard let number = parse(String(part)) else { return nil }
            result.append(number)
        }
        return result
    }

    /// Whether `text` is a conformant value: the DS grammar, at most 16 characters including padding.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count <= maximumLength && matchesGrammar(CivilCalendar.trimmed(text))
    }

    /// The shortest DS text of at most 16 characters for `value`, rounding only when the exact shortest form
    /// is longer (at least 9 significant digits survive, so the relative error is below 5e-9); `nil` for NaN
    /// and infinities, which DS cannot hold.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let shortest = value.description.replacingOccurrences(of: "e+", with: "e")
        if shortest.count <= maximumLength, matchesGrammar(Substring(shortest)) {
            return shortest.hasSuffix(".0") ? String(shortest.dropLast(2)) : shortest
        }
        for digits in stride(from: 17, through: 1, by: -1) {
            let text = String(format: "%.\(digits)G", value).replacingOccurrences(of: "E+", with: "E")
            // Rounding up may overflow near the largest doubles; take fewer digits then.
            if text.count <= maximumLength, matchesGrammar(Substring(text)), Double(text)?.isFinite == true {
                return text
            }
        }
        return nil
    }

    /// The DS grammar: `[+-]? (digits [. digits?] | . digits) ([Ee] [+-]? digits)?`.
    static func matchesGrammar(_ text: Substring) -> Bool {
        var chars = text.utf8[...]
        if let first = chars.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { chars = chars.dropFirst() }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let integerDigits = chars.prefix(while: isDigit).count
        chars = chars.dropFirst(integerDigits)
        var fractionDigits = 0
        if chars.first == UInt8(ascii: ".") {
            chars = chars.dropFirst()
            fractionDigits = chars.prefix(while: isDigit).count
            chars = chars.dropFirst(fractionDigits)
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if let e = chars.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            chars = chars.dropFirst()
            if let sign = chars.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { chars = chars.dropFirst() }
            let exponentDigits = chars.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return false }
            chars = chars.dropFirst(exponentDigits)
        }
        return chars.isEmpty
    }
}
