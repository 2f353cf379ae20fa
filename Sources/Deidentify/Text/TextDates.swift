import DICOM

/// Reading and rewriting dates written in free text, keeping the way they were written.
enum TextDates {
    /// Month names and abbreviations, lower case, to month numbers.
    static let months: [String: Int] = {
        var table: [String: Int] = ["sept": 9]
        for (index, name) in fullNames.enumerated() {
            table[name.lowercased()] = index + 1
            table[String(name.prefix(3)).lowercased()] = index + 1
        }
        return table
    }()

    static let fullNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// The regular-expression alternation of month names, longest first.
    static let monthPattern =
        "January|February|March|April|May|June|July|August|September|October|November|December"
        + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"

    /// A two-digit year read as a full year: 00-49 are 2000-2049, 50-99 are 1950-1999 (fixed, so output is
    /// deterministic).
    static func fullYear(_ text: String) -> Int? {
        guard let value = Int(text) else { return nil }
        if text.count == 4 { return value }
        guard text.count == 2 else { return nil }
        return value < 50 ? 2000 + value : 1900 + value
    }

    /// `value` written with the width of `original`: two digits if the original had two, else as few as needed.
    static func number(_ value: Int, like original: String) -> String {
        if original.count >= 2, value < 10 { return "0\(value)" }
        return String(value)
    }

    /// The year written as the original was: two or four digits.
    static func year(_ value: Int, like original: String) -> String {
        if original.count == 2 {
            let short = value % 100
            return short < 10 ? "0\(short)" : String(short)
        }
        return String(value)
    }

    /// The month's name in the original's form: full or abbreviated (`May` counts as full), upper, lower or
    /// capitalised case.
    static func monthName(_ month: Int, like original: String) -> String {
        let bare = original.hasSuffix(".") ? String(original.dropLast()) : original
        let lower = bare.lowercased()
        let full = fullNames[month - 1]
        var name: String
        if lower == "sept" {
            name = month == 9 ? "Sept" : String(full.prefix(3))
        } else if lower.count >= 4 || lower == "may" {
            name = full
        } else {
            name = String(full.prefix(3))
        }
        if bare.count > 1, bare == bare.uppercased() {
            name = name.uppercased()
        } else if bare == bare.lowercased() {
            name = name.lowercased()
        }
        return name
    }

    /// The ordinal suffix of a day of the month: `st`, `nd`, `rd`, `th`, in the case of the original.
    static func ordinal(_ day: Int, like original: String) -> String {
        let suffix: String
        switch day {
        case 1, 21, 31: suffix = "st"
        case 2, 22: suffix = "nd"
        case 3, 23: suffix = "rd"
        default: suffix = "th"
        }
        return original == original.uppercased() && !original.isEmpty ? suffix.uppercased() : suffix
    }

    /// The date moved by the shift, or `nil` if the date does not exist or leaves years 0-9999.
    static func shift(year: Int, month: Int, day: Int, by shift: DateShift) -> DICOMDate? {
        guard let date = DICOMDate(year: year, month: month, day: day) else { return nil }
        return shift.apply(to: date)
    }

    /// A month of a year moved as DICOM DT values of month precision are (PS3.15 §E.3.6 with
    /// ``DICOMDateTime/adding(days:)``): the first day of the month shifted, truncated to its month.
    static func shift(year: Int, month: Int, by shift: DateShift) -> (year: Int, month: Int)? {
        guard let first = DICOMDate(year: year, month: month, day: 1), let moved = shift.apply(to: first) else {
            return nil
        }
        return (moved.year, moved.month)
    }
}
