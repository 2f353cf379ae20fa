/// A Time (TM) value: `HH[MM[SS[.F{1-6}]]]` (PS3.5 §6.2, Table 6.2-1), keeping the precision it was written with.
///
/// Hours are 00-23, minutes 00-59 and seconds 00-60 (60 for a leap second). Parsing also accepts the
/// ACR-NEMA form with colons, `HH:MM[:SS[.F]]`, and ignores padding spaces; ``description`` gives the
/// standard form at the original precision, including the number of fraction digits.
///
/// ```swift
/// let time = DICOMTime(parsing: "0930")!
/// time.precision        // .minute
/// time.description      // "0930"
/// ```
public struct DICOMTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The finest component present in the value.
    public enum Precision: Int, Sendable, Hashable, Comparable, CaseIterable {
        /// `HH`
        case hour
        /// `HHMM`
        case minute
        /// `HHMMSS`
        case second
        /// `HHMMSS.F…` with 1-6 fraction digits
        case fraction

        /// Order from coarse to fine.
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Hour, 0-23.
    public let hour: Int
    /// Minute, 0-59 (0 when absent).
    public let minute: Int
    /// Second, 0-60 (0 when absent).
    public let second: Int
    /// Fraction of a second in microseconds, 0-999999 (0 when absent).
    public let microsecond: Int
    /// Number of fraction digits written, 1-6 (0 unless `precision == .fraction`).
    public let fractionDigits: Int
    /// The finest component present.
    public let precision: Precision

    /// Creates a time; `nil` if a component is out of range. Components finer than `precision` must be 0.
    public init?(hour: Int, minute: Int = 0, second: Int = 0, microsecond: Int = 0, fractionDigits: Int = 6,
                 precision: Precision = .second) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (0...999_999).contains(microsecond)
        else { return nil }
        if precision < .minute, minute != 0 { return nil }
        if precision < .second, second != 0 { return nil }
        if precision < .fraction, microsecond != 0 { return nil }
        if precision == .fraction {
            guard (1...6).contains(fractionDigits) else { return nil }
            var unit = 1
            for _ in 0..<(6 - fractionDigits) { unit *= 10 }
            guard microsecond % unit == 0 else { return nil }
        }
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.fractionDigits = precision == .fraction ? fractionDigits : 0
        self.precision = precision
    }

    /// Parses `HH`, `HHMM`, `HHMMSS`, `HHMMSS.F{1-6}` or legacy `HH:MM[:SS[.F]]`; `nil` if malformed or
    /// out of range.
    public init?(parsing text: String) {
        var value = CivilCalendar.trimmed(text)
        if value.contains(":") {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 3, parts.dropLast().allSatisfy({ $0.count == 2 }) else { return nil }
            value = Substring(parts.joined())
        }
        guard let parsed = Self.parseDigits(value) else { return nil }
        self = parsed
    }

    /// Parses the colon-free form; shared with ``DICOMDateTime``.
    static func parseDigits(_ value: Substring) -> DICOMTime? {
        let main = value.prefix { $0 != "." }
        let fractionText = value.dropFirst(main.count)
        guard [2, 4, 6].contains(main.count), let hour = CivilCalendar.number(main.prefix(2)) else { return nil }
        var minute = 0, second = 0, microsecond = 0, digits = 0
        var precision = Precision.hour
        if main.count >= 4 {
            guard let m = CivilCalendar.number(main.dropFirst(2).prefix(2)) else { return nil }
            minute = m
            precision = .minute
        }
        if main.count == 6 {
            guard let s = CivilCalendar.number(main.dropFirst(4)) else { return nil }
            second = s
            precision = .second
        }
        if !fractionText.isEmpty {
            let fraction = fractionText.dropFirst()
            guard main.count == 6, (1...6).contains(fraction.count), let f = CivilCalendar.number(fraction) else {
                return nil
            }
            var scaled = f
            for _ in 0..<(6 - fraction.count) { scaled *= 10 }
            microsecond = scaled
            digits = fraction.count
            precision = .fraction
        }
        return DICOMTime(
            hour: hour, minute: minute, second: second, microsecond: microsecond,
            fractionDigits: max(digits, 1), precision: precision)
    }

    /// Microseconds since midnight, counting absent components as 0.
    public var microsecondsSinceMidnight: Int64 {
        (Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)) * 1_000_000 + Int64(microsecond)
    }

    /// Seconds since midnight, counting absent components as 0.
    public var secondsSinceMidnight: Double { Double(microsecondsSinceMidnight) / 1_000_000 }

    /// The standard text at the original precision, e.g. `0930`, `093000.25`.
    public var description: String {
        var text = CivilCalendar.padded(hour, 2)
        if precision >= .minute { text += CivilCalendar.padded(minute, 2) }
        if precision >= .second { text += CivilCalendar.padded(second, 2) }
        if precision == .fraction {
            var unit = 1
            for _ in 0..<(6 - fractionDigits) { unit *= 10 }
            text += "." + CivilCalendar.padded(microsecond / unit, fractionDigits)
        }
        return text
    }

    /// Order by time of day, then by precision.
    public static func < (lhs: DICOMTime, rhs: DICOMTime) -> Bool {
        (lhs.microsecondsSinceMidnight, lhs.precision.rawValue) < (rhs.microsecondsSinceMidnight, rhs.precision.rawValue)
    }
}
