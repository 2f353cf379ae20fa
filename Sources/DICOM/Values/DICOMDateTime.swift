/// A Date Time (DT) value: `YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]` (PS3.5 §6.2, Table 6.2-1).
///
/// The precision the value was written with and its UTC offset (`&` is `+` or `-`, range -1200 to +1400)
/// are kept, so ``description`` gives back the same text. Components are validated as for DA and TM.
/// Shifting by whole days keeps the precision; intervals between values of day precision or finer are
/// preserved exactly.
///
/// ```swift
/// let dt = DICOMDateTime(parsing: "20240229093000.5+0100")!
/// dt.precision                       // .fraction
/// dt.utcOffsetMinutes                // 60
/// dt.adding(days: 1)?.description    // "20240301093000.5+0100"
/// ```
public struct DICOMDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The finest component present in the value.
    public enum Precision: Int, Sendable, Hashable, Comparable, CaseIterable {
        /// `YYYY`
        case year
        /// `YYYYMM`
        case month
        /// `YYYYMMDD`
        case day
        /// `YYYYMMDDHH`
        case hour
        /// `YYYYMMDDHHMM`
        case minute
        /// `YYYYMMDDHHMMSS`
        case second
        /// `YYYYMMDDHHMMSS.F…`
        case fraction

        /// Order from coarse to fine.
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The date part; month and day are 1 when absent.
    public let date: DICOMDate
    /// The time part; `nil` when the precision is a day or coarser.
    public let time: DICOMTime?
    /// The finest component present.
    public let precision: Precision
    /// The UTC offset in minutes (`+0100` is 60), or `nil` when the value has none.
    public let utcOffsetMinutes: Int?

    /// Creates a value from its parts; `nil` if the offset is outside -12:00...+14:00, or if `time` or the
    /// date's month and day disagree with `precision`.
    public init?(date: DICOMDate, time: DICOMTime? = nil, precision: Precision, utcOffsetMinutes: Int? = nil) {
        if let offset = utcOffsetMinutes, !(-720...840).contains(offset) { return nil }
        if precision < .month, date.month != 1 { return nil }
        if precision < .day, date.day != 1 { return nil }
        switch precision {
        case .year, .month, .day:
            guard time == nil else { return nil }
        case .hour, .minute, .second, .fraction:
            guard let time, time.precision.rawValue == precision.rawValue - 3 else { return nil }
        }
        self.date = date
        self.time = time
        self.precision = precision
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Parses a DT value, ignoring padding spaces; `nil` if malformed or out of range.
    public init?(parsing text: String) {
        var value = CivilCalendar.trimmed(text)
        var offset: Int?
        if let signIndex = value.firstIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = value[value.index(after: signIndex)...]
            guard zone.count == 4, let hours = CivilCalendar.number(zone.prefix(2)),
                let minutes = CivilCalendar.number(zone.suffix(2)), minutes < 60
            else { return nil }
            let magnitude = hours * 60 + minutes
            offset = value[signIndex] == "-" ? -magnitude : magnitude
            value = value[..<signIndex]
        }
        let dateDigits = value.prefix { $0 != "." }.prefix(8)
        guard [4, 6, 8].contains(dateDigits.count), let year = CivilCalendar.number(dateDigits.prefix(4)) else {
            return nil
        }
        var month = 1, day = 1
        var precision = Precision.year
        if dateDigits.count >= 6 {
            guard let m = CivilCalendar.number(dateDigits.dropFirst(4).prefix(2)) else { return nil }
            month = m
            precision = .month
        }
        if dateDigits.count == 8 {
            guard let d = CivilCalendar.number(dateDigits.suffix(2)) else { return nil }
            day = d
            precision = .day
        }
        guard let date = DICOMDate(year: year, month: month, day: day) else { return nil }
        let rest = value.dropFirst(dateDigits.count)
        var time: DICOMTime?
        if !rest.isEmpty {
            guard precision == .day, let parsed = DICOMTime.parseDigits(rest) else { return nil }
            time = parsed
            precision = Precision(rawValue: parsed.precision.rawValue + 3) ?? .fraction
        }
        self.init(date: date, time: time, precision: precision, utcOffsetMinutes: offset)
    }

    /// The same instant written `days` later (earlier if negative), at the same precision and offset;
    /// `nil` if it leaves years 0-9999.
    ///
    /// For month or year precision the shift is applied to the first day of the period and the result
    /// truncated to that precision, so such values move by whole months or years only approximately.
    public func adding(days: Int) -> DICOMDateTime? {
        guard let shifted = date.adding(days: days) else { return nil }
        let truncated: DICOMDate?
        switch precision {
        case .year: truncated = DICOMDate(year: shifted.year, month: 1, day: 1)
        case .month: truncated = DICOMDate(year: shifted.year, month: shifted.month, day: 1)
        default: truncated = shifted
        }
        guard let truncated else { return nil }
        return DICOMDateTime(date: truncated, time: time, precision: precision, utcOffsetMinutes: utcOffsetMinutes)
    }

    /// Microseconds since 1970-01-01T00:00 in the value's own local time, absent components counted as their
    /// lowest value; the offset is not applied.
    public var localMicrosecondsSinceEpoch: Int64 {
        Int64(date.daysSinceEpoch) * 86_400_000_000 + (time?.microsecondsSinceMidnight ?? 0)
    }

    /// Microseconds since 1970-01-01T00:00Z: the local time minus the UTC offset, or, for a value without
    /// one, as if it were UTC (PS3.5 leaves such values in the local time of the creating system).
    public var microsecondsSinceEpoch: Int64 {
        localMicrosecondsSinceEpoch - Int64(utcOffsetMinutes ?? 0) * 60_000_000
    }

    /// The standard text at the original precision, with the offset if present.
    public var description: String {
        var text = CivilCalendar.padded(date.year, 4)
        if precision >= .month { text += CivilCalendar.padded(date.month, 2) }
        if precision >= .day { text += CivilCalendar.padded(date.day, 2) }
        if let time { text += time.description }
        if let offset = utcOffsetMinutes {
            text += (offset < 0 ? "-" : "+") + CivilCalendar.padded(abs(offset) / 60, 2)
                + CivilCalendar.padded(abs(offset) % 60, 2)
        }
        return text
    }
}
