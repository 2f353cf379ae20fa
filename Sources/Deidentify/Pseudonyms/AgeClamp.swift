public import DICOM

/// Caps ages over 89 years at `090Y`, so that the oldest patients, who are few, fall into one group.
///
/// Applied to Age String (AS) values that are retained, such as Patient's Age (0010,1010) under the Retain
/// Patient Characteristics Option (PS3.15 §E.3.7, which leaves "the manner of cleaning of retained attributes"
/// to the de-identifier). The threshold is the HIPAA Safe Harbor rule (45 CFR §164.514(b)(2)(i)(C): "all ages
/// over 89 ... aggregated into a single category of age 90 or older").
///
/// ```swift
/// AgeClamp.clampedValue("093Y")   // "090Y"
/// AgeClamp.clampedValue("045Y")   // "045Y"
/// AgeClamp.clampedValue("old")    // nil: remove the attribute instead
/// ```
public enum AgeClamp {
    /// Ages above this many years are replaced.
    public static let thresholdYears = 89

    /// `age`, or `090Y` when it is over 89 years (any unit: `D`, `W`, `M`, `Y`).
    public static func clamped(_ age: AgeString) -> AgeString {
        guard age.years > Double(thresholdYears), let ceiling = AgeString(value: thresholdYears + 1, unit: .years)
        else { return age }
        return ceiling
    }

    /// Clamps the text of an AS element, each value of a multi-valued element (`\` separated).
    /// - Returns: The clamped text in the standard form, or `nil` if a value does not parse (remove the attribute).
    public static func clampedValue(_ text: String) -> String? {
        var values: [String] = []
        for part in text.dicomValues {
            if part.allSatisfy({ $0 == " " || $0 == "\0" }) {
                values.append("")
                continue
            }
            guard let age = AgeString(parsing: String(part)) else { return nil }
            values.append(clamped(age).description)
        }
        return values.joined(separator: "\\")
    }
}
