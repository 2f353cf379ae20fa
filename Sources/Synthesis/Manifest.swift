public import Foundation

/// What a synthetic corpus holds: its made-up patients, its files, and every value planted in them.
///
/// Written as `manifest.json` at the corpus root by ``SyntheticCorpus/write(to:)``. A zero-leak test
/// de-identifies the corpus and searches every output byte for every ``planted`` value: each record says what a
/// leak of that value would look like, where it was put (``Planted/file``, ``Planted/path``) and in which
/// character set it was encoded there. Arrays are in a fixed order (patients, files and planted values in the
/// order they were made), so the same seed gives the same bytes.
///
/// Reading the records in a leak test:
/// - Whether a value surviving is a leak depends on the profile options: Retain Patient Characteristics keeps
///   Patient's Sex, Ethnic Group and the like (K in PS3.15 Table E.1-1). ``Planted/attribute`` names the
///   attribute, so a test can skip those its options keep.
/// - Dates (`date`, `datetime`) change under date shifting; check that the original is absent from the output
///   of its own ``Planted/file``. Across files a shifted identity date may equal another patient's original
///   one; canary dates are 401 days apart, so a shift of up to a year never turns one into another. Times
///   (`time`) keep their value when dates move by whole days.
/// - Eight-digit dates may occur by chance inside digits of a replacement UID; match them with non-digit
///   boundaries.
///
/// ```swift
/// let manifest = try SyntheticCorpus(seed: 1, patients: 2).write(to: folder)
/// for value in manifest.planted where value.detectable { … }
/// ```
public struct Manifest: Codable, Sendable, Hashable {
    /// The seed the corpus was made from.
    public var seed: UInt64
    /// The made-up patients.
    public var patients: [Patient]
    /// Every file of the corpus, with its kind.
    public var files: [File]
    /// Every planted value.
    public var planted: [Planted]

    /// Creates a manifest.
    public init(seed: UInt64, patients: [Patient], files: [File], planted: [Planted]) {
        self.seed = seed
        self.patients = patients
        self.files = files
        self.planted = planted
    }

    /// Reads a `manifest.json`.
    ///
    /// - Throws: `DecodingError` when the data is not a manifest.
    public static func decode(_ data: Data) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// The JSON of `manifest.json`: sorted keys, pretty printed, so equal manifests give equal bytes.
    ///
    /// - Throws: `EncodingError` (not expected for these value types).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// One made-up patient, with every identifier the corpus uses for them. None of it belongs to a real person.
    public struct Patient: Codable, Sendable, Hashable {
        /// The patient's folder, relative to the corpus root (`patient-0001`).
        public var folder: String
        /// Family name in Latin letters with diacritics (`Dvořákené`).
        public var familyName: String
        /// Given name in Latin letters with diacritics.
        public var givenName: String
        /// The name in ASCII letters, used as the alphabetic group beside the kanji name.
        public var romajiName: String
        /// The name in kanji, as `family^given` (written with ISO 2022 IR 87).
        public var kanjiName: String
        /// The name in Cyrillic, as `family^given` (written with ISO_IR 144).
        public var cyrillicName: String
        /// The name in Chinese characters, as `family^given` (written with GB18030).
        public var chineseName: String
        /// The medical record number, used as Patient ID (0010,0020).
        public var mrn: String
        /// A social-security-like number (`NNN-NN-NNNN`, from ranges never issued).
        public var ssn: String
        /// Birth date, `YYYYMMDD`.
        public var birthDate: String
        /// `F` or `M`.
        public var sex: String
        /// Age in years at the first study.
        public var age: Int
        /// Street and house number.
        public var street: String
        /// City.
        public var city: String
        /// Postal code (5 digits).
        public var zip: String
        /// Telephone number.
        public var phone: String
        /// Fax number.
        public var fax: String
        /// E-mail address.
        public var email: String
        /// The patient's studies.
        public var studies: [Study]
    }

    /// One study of a patient.
    public struct Study: Codable, Sendable, Hashable {
        /// Study Instance UID (0020,000D).
        public var studyInstanceUID: String
        /// Accession Number (0008,0050).
        public var accessionNumber: String
        /// Study Date (0008,0020), `YYYYMMDD`.
        public var studyDate: String
        /// The modality of its series (`CT`, `MR`, `CR`, `US`, `NM`, `SR`).
        public var modality: String
    }

    /// One file of the corpus.
    public struct File: Codable, Sendable, Hashable {
        /// The path relative to the corpus root, with `/` separators.
        public var path: String
        /// What the file is: `dicom`, `report`, `csv`, `fhir`.
        public var kind: String
        /// For DICOM files, the SOP Class UID.
        public var sopClassUID: String?
        /// For DICOM files, the modality (`CT`, `MR`, `CR`, `US`, `NM`, `SR`; the canary carriers are `CT`).
        public var modality: String?
        /// For DICOM files, the Specific Character Set (0008,0005) value, terms joined by `\`.
        public var characterSet: String?
    }

    /// One planted value.
    public struct Planted: Codable, Sendable, Hashable {
        /// The text a leak of this value would contain. Search for it case-insensitively, encoded in each
        /// character set. For person names it is one name component (a leaked component is a leak).
        public var value: String
        /// What kind of value it is (see ``Kind``); dates, times and date-times change under date shifting,
        /// so a leak test checks that the original is absent.
        public var kind: Kind
        /// The attribute, `(0010,0010)`, or `document` for reports, CSV and FHIR files.
        public var attribute: String
        /// Where in the file: a DICOM path such as `(0040,A730)[0].(0040,A730)[0].(0010,0010)` (file meta
        /// elements are `(0002,xxxx)`), a JSON pointer for FHIR, `line N` for reports, `row N, column C` for CSV.
        public var path: String
        /// The file, relative to the corpus root.
        public var file: String
        /// The Specific Character Set of the DICOM file (terms joined by `\`); `nil` for ASCII-only VRs and for
        /// documents, which are UTF-8.
        public var characterSet: String?
        /// Whether a byte search can find the value reliably: false for short numbers (DS, IS, US), which occur
        /// by chance elsewhere.
        public var detectable: Bool
        /// Whether the value comes from a Table E.1-1 canary sweep (`true`), rather than the patient's identity.
        public var canary: Bool
    }

    /// The kinds of planted values.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// A person name component.
        case name
        /// An identifier (patient ID, other IDs, study ID, private IDs).
        case id
        /// A medical record number.
        case mrn
        /// A social-security-like number.
        case ssn
        /// An accession number.
        case accession
        /// A date (DA, or a date written in a document in any form).
        case date
        /// A time (TM).
        case time
        /// A date-time (DT).
        case datetime
        /// An age (AS, or "92 years" in text).
        case age
        /// A UID; de-identification replaces UIDs, so the original appearing is a leak.
        case uid
        /// Free text (LO, SH, LT, ST, UT, UC, AE).
        case text
        /// A code string (CS).
        case code
        /// A number (DS, IS, US): not detectable by byte search.
        case number
        /// Bytes of an OB, OW or UN value, planted as ASCII.
        case binary
        /// A URL or URI.
        case url
        /// A telephone number.
        case phone
        /// A fax number.
        case fax
        /// An e-mail address.
        case email
        /// A street address.
        case address
        /// A postal code.
        case zip
        /// An IP address.
        case ip
        /// A device serial number or station name.
        case device
        /// An institution name or address.
        case institution
        /// A vehicle licence plate.
        case plate
    }
}
