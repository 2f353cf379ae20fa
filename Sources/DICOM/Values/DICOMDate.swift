/// Proleptic Gregorian calendar arithmetic shared by DA and DT (days counted from 1970-01-01).
enum CivilCalendar {
    static func isLeapYear(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (0...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= daysInMonth(month, year: year)
    }

    /// Days from 1970-01-01 to the given date (negative before it), by 400-year eras.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The value of a run of ASCII digits, or `nil` if any character is not one.
    static func number<S: StringProtocol>(_ text: S) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// `value` as decimal digits, zero-padded on the left to `width`.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Removes the spaces a DICOM string value may carry as padding (PS3.5 §6.2), and trailing NULs.
    static func trimmed(_ text: String) -> Substring {
        var value = Substring(text)
        while let last = value.last, last == " " || last == "\0" { value.removeLast() }
        while let first = value.first, first == " " { value.removeFirst() }
        return value
    }
}

/// A Date (DA) value: a calendar date written `YYYYMMDD` (PS3.5 §6.2, Table 6.2-1).
///
/// Parsing also accepts the ACR-NEMA form `YYYY.MM.DD` that PS3.5 Table 6.2-1 mentions for older data;
/// ``description`` always gives the standard form. Dates are validated (month 1-12, day within the month,
/// leap years included) and can be shifted by whole days, which preserves every interval between dates.
///
/// ```swift
/// let birth = DICOMDate(parsing: "19700228")!
/// birth.adding(days: 1)?.description   // "19700301"
/// birth.daysSinceEpoch                 // 58
/// ```
public struct DICOMDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 0-9999.
    public let year: Int
    /// The month, 1-12.
    public let month: Int
    /// The day of the month, 1-31.
    public let day: Int

    /// Creates a date; `nil` unless it exists in the proleptic Gregorian calendar with a four-digit year.
    public init?(year: Int, month: Int, day: Int) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYYMMDD` (or legacy `YYYY.MM.DD`), ignoring padding spaces; `nil` if malformed or invalid.
    public init?(parsing text: String) {
        let value = CivilCalendar.trimmed(text)
        let digits: Substring
        if value.count == 10, value.dropFirst(4).first == ".", value.dropFirst(7).first == "." {
            digits = Substring(value.filter { $0 != "." })
        } else {
            digits = value
        }
        guard digits.count == 8, let year = CivilCalendar.number(digits.prefix(4)),
            let month = CivilCalendar.number(digits.dropFirst(4).prefix(2)),
            let day = CivilCalendar.number(digits.suffix(2))
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Creates the date that is `daysSinceEpoch` days after 1970-01-01; `nil` outside years 0-9999.
    public init?(daysSinceEpoch: Int) {
        let date = CivilCalendar.date(days: daysSinceEpoch)
        self.init(year: date.year, month: date.month, day: date.day)
    }

    /// Days from 1970-01-01 to this date (negative before it).
    public var daysSinceEpoch: Int { CivilCalendar.days(year: year, month: month, day: day) }

    /// The date `days` later (earlier if negative); `nil` if it leaves years 0-9999.
    public func adding(days: Int) -> DICOMDate? { DICOMDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The standard text, `YYYYMMDD`.
    public var description: String {
        CivilCalendar.padded(year, 4) + CivilCalendar.padded(month, 2) + CivilCalendar.padded(day, 2)
    }

    /// Chronological order.
    public static func < (lhs: DICOMDate, rhs: DICOMDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}
