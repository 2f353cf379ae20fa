/// An Age String (AS) value: three digits and a unit, `nnnD`, `nnnW`, `nnnM` or `nnnY` (PS3.5 §6.2, Table 6.2-1).
///
/// ```swift
/// let age = AgeString(parsing: "018M")!
/// age.value   // 18
/// age.years   // 1.5
/// ```
public struct AgeString: Sendable, Hashable, CustomStringConvertible {
    /// The unit letter of an age.
    public enum Unit: Character, Sendable, Hashable, CaseIterable {
        /// `D`
        case days = "D"
        /// `W`
        case weeks = "W"
        /// `M`
        case months = "M"
        /// `Y`
        case years = "Y"
    }

    /// The number, 0-999.
    public let value: Int
    /// The unit.
    public let unit: Unit

    /// Creates an age; `nil` unless `value` is 0-999.
    public init?(value: Int, unit: Unit) {
        guard (0...999).contains(value) else { return nil }
        self.value = value
        self.unit = unit
    }

    /// Parses `nnnU`; padding spaces are ignored and, leniently, one or two digits are accepted too.
    public init?(parsing text: String) {
        let trimmed = CivilCalendar.trimmed(text)
        guard let letter = trimmed.last, let unit = Unit(rawValue: letter),
            (1...3).contains(trimmed.count - 1), let number = CivilCalendar.number(trimmed.dropLast())
        else { return nil }
        self.init(value: number, unit: unit)
    }

    /// The age in years, approximately: days / 365.25, weeks × 7 / 365.25, months / 12.
    public var years: Double {
        switch unit {
        case .days: Double(value) / 365.25
        case .weeks: Double(value) * 7 / 365.25
        case .months: Double(value) / 12
        case .years: Double(value)
        }
    }

    /// The standard text, three digits and the unit, e.g. `018M`.
    public var description: String { CivilCalendar.padded(value, 3) + String(unit.rawValue) }
}
