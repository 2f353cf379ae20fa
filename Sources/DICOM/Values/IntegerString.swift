/// Parsing and formatting of Integer String (IS) values (PS3.5 §6.2, Table 6.2-1).
///
/// An IS value is an optionally signed base-10 integer of at most 12 bytes in the range
/// -2³¹ ... 2³¹ - 1; leading and trailing spaces are padding.
///
/// ```swift
/// IntegerString.parse(" +42 ")   // 42
/// ```
public enum IntegerString {
    /// The maximum length of one value, in bytes.
    public static let maximumLength = 12

    /// Parses one value, ignoring padding spaces; `nil` if it is not an integer. The range and length are not
    /// enforced here (lenient reading); ``isValid(_:)`` checks them.
    public static func parse(_ text: String) -> Int? {
        let value = CivilCalendar.trimmed(text)
        var digits = value
        if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
        guard CivilCalendar.number(digits) != nil else { return nil }
        return Int(value.hasPrefix("+") ? value.dropFirst() : value)
    }

    /// Parses a backslash-separated list of values; `nil` if any value is not an integer. Empty text gives `[]`.
    public static func parseValues(_ text: String) -> [Int]? {
        if CivilCalendar.trimmed(text).isEmpty { return [] }
        var result: [Int] = []
        for part in text.dicomValues {
            guard let number = parse(String(part)) else { return nil }
            result.append(number)
        }
        return result
    }

    /// Whether `text` is a conformant value: at most 12 characters including padding, within -2³¹ ... 2³¹ - 1.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= maximumLength, let value = parse(text) else { return false }
        return (Int(Int32.min)...Int(Int32.max)).contains(value)
    }

    /// The IS text of `value`; `nil` outside -2³¹ ... 2³¹ - 1.
    public static func format(_ value: Int) -> String? {
        (Int(Int32.min)...Int(Int32.max)).contains(value) ? String(value) : nil
    }
}
