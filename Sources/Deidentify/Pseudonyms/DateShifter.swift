public import Crypto

/// Gives each patient one keyed, stable shift of whole days for the Retain Longitudinal Temporal Information
/// with Modified Dates Option (PS3.15 §E.3.6).
///
/// §E.3.6 note 2: "It is possible to modify all dates and times to dummy values by shifting them relative to an
/// arbitrary event, and hence retain the precise longitudinal temporal relationships amongst a set of studies".
/// One offset per patient, derived from HMAC-SHA-256 of the issuer and Patient ID under the node's key, keeps
/// every interval between that patient's dates and times exact, across files, batches and runs, and never
/// needs a mapping table. Shifting by whole days leaves times of day unchanged, so intervals that span
/// midnight survive too (§E.3.6 note 3).
///
/// ```swift
/// let shifter = try DateShifter(key: nodeKey)                       // offsets in -365 ... -1 days
/// let shift = try shifter.shift(forPatientID: "123456", issuer: "HOSP")
/// shift.apply(to: DICOMDate(parsing: "20240229")!)                  // the same date, shift.days earlier
/// ```
///
/// The offset is `range.lowerBound + (first 8 bytes of the HMAC as an integer) mod range.count`; for ranges of
/// up to a million days the bias of the reduction is below 2⁻⁴⁴.
public struct DateShifter: Sendable {
    /// The default range of offsets: up to a year back, never zero.
    public static let defaultRange: ClosedRange<Int> = -365 ... -1
    /// The widest range accepted, in days either way (about 100 years).
    public static let maximumMagnitude = 36_525

    /// The range offsets are drawn from.
    public let range: ClosedRange<Int>
    private let digest: KeyedDigest

    /// Creates a shifter keyed with the node's secret.
    /// - Parameters:
    ///   - key: The node's secret key (at least 16 bytes).
    ///   - range: The offsets in days; it must not contain 0 (a zero shift would keep the real dates) and must lie
    ///     within ±``maximumMagnitude``.
    /// - Throws: ``DeidentifyError`` with code `.invalidKey` for a short key, `.invalidDateShiftRange` for a bad range.
    public init(key: SecureBytes, range: ClosedRange<Int> = defaultRange) throws(DeidentifyError) {
        guard !range.contains(0), range.lowerBound >= -Self.maximumMagnitude,
            range.upperBound <= Self.maximumMagnitude
        else {
            throw DeidentifyError(
                .invalidDateShiftRange, input: "deidentification date shift range",
                "the range \(range.lowerBound)...\(range.upperBound) days contains 0 or exceeds "
                    + "±\(Self.maximumMagnitude) days",
                remedy: "use a range on one side of zero, such as -365...-1")
        }
        self.range = range
        digest = try KeyedDigest(key: key, purpose: "date shifter")
    }

    /// The shift for a patient, identified by Patient ID (0010,0020) within Issuer of Patient ID (0010,0021).
    ///
    /// Padding spaces are ignored and a missing issuer equals an empty one. All instances without a Patient ID
    /// share one shift; a caller that wants them apart must key them otherwise.
    /// - Throws: ``DeidentifyError`` with code `.crypto` if HMAC-SHA-256 fails.
    public func shift(forPatientID patientID: String, issuer: String? = nil) throws(DeidentifyError) -> DateShift {
        let bytes = try digest.digest(
            label: "date-shift", [KeyedDigest.trimmed(issuer ?? ""), KeyedDigest.trimmed(patientID)])
        var value: UInt64 = 0
        for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
        let count = UInt64(range.upperBound - range.lowerBound + 1)
        return DateShift(days: range.lowerBound + Int(value % count))
    }

    /// The shift for an instance without a Patient ID, keyed by its Study Instance UID (0020,000D), so that the
    /// intervals within one study survive. Domain-separated from ``shift(forPatientID:issuer:)``: no Patient ID
    /// can produce the same shift by accident of equal text.
    /// - Throws: ``DeidentifyError`` with code `.crypto` if HMAC-SHA-256 fails.
    public func shift(forStudyInstanceUID studyInstanceUID: String) throws(DeidentifyError) -> DateShift {
        let bytes = try digest.digest(label: "date-shift-study", [KeyedDigest.trimmed(studyInstanceUID)])
        return offset(from: bytes)
    }

    private func offset(from bytes: [UInt8]) -> DateShift {
        var value: UInt64 = 0
        for byte in bytes.prefix(8) { value = value << 8 | UInt64(byte) }
        let count = UInt64(range.upperBound - range.lowerBound + 1)
        return DateShift(days: range.lowerBound + Int(value % count))
    }
}
