public import DICOM

/// De-identifies DICOM instances by PS3.15 Annex E, failing closed: what the profile table does not list and the
/// allowlist does not keep is removed, at every nesting depth and in the File Meta Information.
///
/// One value, safe to share between threads; each call of ``deidentify(_:)`` is independent and deterministic:
/// the same input and key give the same output, byte for byte. Replacement values come from the node's key:
/// UIDs (``UIDPseudonymizer``), Patient IDs (``PatientPseudonymizer``), and one date shift per patient
/// (``DateShifter``), so references and intervals stay consistent across files, batches and restarts.
///
/// ```swift
/// let deidentifier = try DICOMDeidentifier(configuration: DeidentificationConfiguration(key: nodeKey))
/// let file = try DICOMReader.read(contentsOf: input, options: .init(mode: .lenient, deferThreshold: 1 << 16))
/// switch deidentifier.deidentify(file) {
/// case .deidentified(let output, _): try DICOMWriter.write(output, to: destination)   // pixel data copied, not loaded
/// case .quarantined(let reason): quarantine(input, reason)
/// }
/// ```
///
/// The rules, in order, for each element of each data set (the module's documentation page has the full text):
/// 1. Group lengths are dropped; the attributes of ``AttributeAllowlist/alwaysRemoved`` are removed.
/// 2. Private elements are removed, except Safe Private Attributes (PS3.15 Table E.3.10-1, matched by group,
///    Private Creator and offset) under Retain Safe Private; a Private Creator stays only with a kept element.
/// 3. Attributes PS3.15 Table E.1-1 lists get its action under the options (composite actions resolved with the
///    Type unknown, ``DeidentificationAction/resolved(for:)``), with dummies from ``DummyValues``, UIDs replaced
///    by keyed pseudonyms (well-known `1.2.840.10008.` UIDs excepted), Patient ID by its pseudonym, dates
///    shifted, ages over 89 clamped, and free text under C handed to the ``TextCleaner``.
/// 4. Other public attributes follow ``AttributeAllowlist``.
/// 5. A value that cannot be parsed where it must be (a date, a UID, a number, a code) is removed.
/// Then pixel data is checked (``PixelRiskPolicy``, ``PixelCleaningRule``), the instance is marked (PS3.15
/// §E.1.1 steps 5-6: (0012,0062), (0012,0063), (0012,0064); §E.3.6: (0028,0303)), and the File Meta Information
/// is rebuilt from the new SOP Instance UID.
public struct DICOMDeidentifier: Sendable {
    /// The configuration.
    public let configuration: DeidentificationConfiguration
    let uids: UIDPseudonymizer
    let patients: PatientPseudonymizer
    let dates: DateShifter

    /// Creates a de-identifier.
    /// - Parameter configuration: Key, options, date-shift range, pixel policy and rules, allowlist additions.
    /// - Throws: ``DeidentifyError`` with code `.invalidOptions` for options that exclude each other,
    ///   `.invalidKey` for a key under 16 bytes, `.invalidDateShiftRange` for a bad range.
    public init(configuration: DeidentificationConfiguration) throws(DeidentifyError) {
        try configuration.options.validate()
        self.configuration = configuration
        uids = try UIDPseudonymizer(key: configuration.key)
        patients = try PatientPseudonymizer(key: configuration.key)
        dates = try DateShifter(key: configuration.key, range: configuration.dateShiftRange)
    }

    /// The value(s) of De-identification Method (0012,0063): `FedLake <version> PS3.15 Table E.1-1 <edition>`,
    /// split in two values if it would exceed the 64 characters of LO.
    public var deidentificationMethod: [String] {
        let version = String(
            configuration.softwareVersion.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\\" }
                .prefix(24))
        let table = "PS3.15 Table E.1-1 \(ConfidentialityProfile.edition)"
        let whole = "FedLake \(version) \(table)"
        return whole.utf8.count <= 64 ? [whole] : ["FedLake \(version)", table]
    }

    /// De-identifies one instance.
    ///
    /// Values left deferred by the reader stay deferred unless they must change, so the writer copies pixel
    /// data straight from the source file; only pixel data that a cleaning rule blanks is loaded.
    /// - Parameter file: The instance as read, in any transfer syntax.
    /// - Returns: The de-identified file with its record, or the reason it must be quarantined.
    public func deidentify(_ file: DICOMFile) -> DeidentificationOutcome {
        // Fail closed: lenient reading parses an unknown transfer syntax as explicit VR little endian with
        // encapsulated pixel data, a guess that cannot be checked.
        guard TransferSyntax(uid: file.transferSyntax.uid) != nil else {
            return .quarantined(
                QuarantineReason(
                    .unknownTransferSyntax,
                    "transfer syntax \(file.transferSyntax.uid) is not known to this version, so the data set may be misread"))
        }
        return DeidentificationSession(self).run(file)
    }
}
