public import DICOM

/// A shift of whole days applied to every DA, DT and TM value of one patient (PS3.15 §E.3.6).
///
/// Dates move by `days`; date-times move by `days` at their own precision and UTC offset; times of day do not
/// change (a whole-day shift keeps them), so every interval between two values of day precision or finer is
/// the same after the shift. Values of year or month precision (DT `YYYY`, `YYYYMM`) can only move by whole
/// periods (``DICOMDateTime/adding(days:)``).
///
/// ```swift
/// let shift = DateShift(days: -30)
/// shift.shiftedValue("20240301\\20240315", vr: .DA)   // "20240131\\20240214"
/// shift.shiftedValue("not a date", vr: .DA)           // nil: remove the attribute instead
/// ```
public struct DateShift: Sendable, Hashable {
    /// The number of days added (negative: earlier).
    public let days: Int

    /// Creates a shift of `days` days.
    public init(days: Int) { self.days = days }

    /// The shifted date, or `nil` if it leaves years 0-9999.
    public func apply(to date: DICOMDate) -> DICOMDate? { date.adding(days: days) }

    /// The shifted date-time, same precision and offset, or `nil` if it leaves years 0-9999.
    public func apply(to dateTime: DICOMDateTime) -> DICOMDateTime? { dateTime.adding(days: days) }

    /// The time of day after a whole-day shift: unchanged.
    public func apply(to time: DICOMTime) -> DICOMTime { time }

    /// Shifts the text of a DA, DT or TM element, each value of a multi-valued element (`\` separated).
    ///
    /// Empty values stay empty. Output is in the standard form (legacy `YYYY.MM.DD` becomes `YYYYMMDD`).
    /// - Parameters:
    ///   - text: The element's value as text, padding included or not.
    ///   - vr: `.DA`, `.DT` or `.TM`.
    /// - Returns: The shifted text, or `nil` if the VR is another one or a value does not parse or leaves
    ///   years 0-9999; the caller then removes the attribute (fail closed), since it cannot be shifted.
    public func shiftedValue(_ text: String, vr: VR) -> String? {
        var shifted: [String] = []
        for part in text.dicomValues {
            let value = String(part)
            if value.allSatisfy({ $0 == " " || $0 == "\0" }) {
                shifted.append("")
                continue
            }
            switch vr {
            case .DA:
                guard let date = DICOMDate(parsing: value), let moved = apply(to: date) else { return nil }
                shifted.append(moved.description)
            case .DT:
                guard let dateTime = DICOMDateTime(parsing: value), let moved = apply(to: dateTime) else { return nil }
                shifted.append(moved.description)
            case .TM:
                guard let time = DICOMTime(parsing: value) else { return nil }
                shifted.append(apply(to: time).description)
            default:
                return nil
            }
        }
        return shifted.joined(separator: "\\")
    }
}
