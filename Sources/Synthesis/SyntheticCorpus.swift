import DICOM
public import Foundation

/// A reproducible synthetic corpus with planted PHI: DICOM in several modalities and character sets, reports,
/// CSV and FHIR about the same made-up patients, and a ``Manifest`` of every planted value.
///
/// Per patient (folder `patient-NNNN/`):
/// - `ct-1.dcm`…`ct-3.dcm`: CT slices, ISO_IR 100, Latin name; a safe private block (GEMS_ACQU_01, PS3.15
///   Table E.3.10-1) with a canary in an element that is not on the safe list.
/// - `mr-1.dcm`: MR, ISO_IR 192 (UTF-8), with other names in Cyrillic and Chinese.
/// - `cr-1.dcm`: CR, ISO_IR 144 (Cyrillic), Burned In Annotation YES.
/// - `us-1.dcm`: US, single frame, ISO_IR 100, Burned In Annotation YES.
/// - `us-2.dcm`: US multi-frame (Number of Frames 4), GB18030, Burned In Annotation absent.
/// - `nm-1.dcm`: NM multi-frame (Number of Frames 4), ISO_IR 100, Burned In Annotation NO: a multi-frame
///   instance that a pixel-risk policy lets through.
/// - `sr-1.dcm`: Basic Text SR, `ISO 2022 IR 6\ISO 2022 IR 87` (kanji name), with TEXT, PNAME, DATE and UIDREF
///   content items.
/// - `report.txt`, `studies.csv`, `patient.fhir.json` (Patient), `bundle.fhir.json` (Bundle with Patient,
///   Observation and DiagnosticReport).
///
/// Every DICOM file has canaries in its file meta group ((0002,0016), (0002,0100), (0002,0102)) and a private
/// block of creator `CANARY CREATOR` in group 0009, with a private sequence nested three deep.
///
/// The folder `canaries/` holds the Table E.1-1 sweep: for every row of PS3.15 Table E.1-1 whose tag the data
/// dictionary knows (patterns expanded to one tag, the private-attributes row left to the private blocks), a
/// unique canary at the top level (`top-level.dcm`, file meta rows in its file meta group), and nested at depth
/// 1, 3 and 8 (`depth-1.dcm`, …) in two chains: Content Sequence (0040,A730) items, and Referenced Series
/// Sequence (0008,1115) items (an attribute Table E.1-1 does not list, so a de-identifier must look inside).
/// The carriers are CT instances with Burned In Annotation NO, so a pixel-risk policy does not hold them back;
/// the CR and US instances (YES, or high-risk and absent) are meant to be quarantined or pixel-cleaned.
///
/// ```swift
/// let manifest = try SyntheticCorpus(seed: 1, patients: 5).write(to: folder)
/// // folder/manifest.json lists manifest.planted
/// ```
public struct SyntheticCorpus: Sendable {
    /// The seed that fixes every value and byte.
    public let seed: UInt64
    /// The number of made-up patients.
    public let patients: Int

    /// The largest corpus, in patients.
    public static let maximumPatients = 10_000

    /// The depths at which the Table E.1-1 sweep nests its canaries.
    public static let nestingDepths = [1, 3, 8]

    /// Creates the description of a corpus; nothing is written until ``write(to:)``.
    ///
    /// - Parameters:
    ///   - seed: fixes every value; the same seed gives byte-identical files.
    ///   - patients: the number of patients, 1 to ``maximumPatients``.
    public init(seed: UInt64, patients: Int) {
        precondition(
            (1...Self.maximumPatients).contains(patients), "a corpus has 1 to \(Self.maximumPatients) patients")
        self.seed = seed
        self.patients = patients
    }

    /// Writes the corpus and its `manifest.json` into `folder` (created if needed).
    ///
    /// - Parameter folder: the corpus root. Files of the same names are replaced; other files are left alone.
    /// - Returns: the manifest, as written to `manifest.json`.
    /// - Throws: ``SynthesisError`` when a file cannot be written or a value cannot be encoded; `DICOMError`
    ///   from the DICOM writer.
    public func write(to folder: URL) throws -> Manifest {
        var random = SplitMix64(seed: seed)
        var used: Set<String> = []
        let identities = (0..<patients).map { SyntheticIdentity(index: $0, random: &random, used: &used) }
        let writer = CorpusWriter(root: folder, planter: Planter(random: SplitMix64(seed: seed ^ 0xC0FF_EE00_5EED)))
        for identity in identities {
            try writer.writeInstances(of: identity)
            try writer.writeDocuments(of: identity)
        }
        try writer.writeCanaryCarriers()
        let manifest = Manifest(
            seed: seed, patients: identities.map(\.manifestEntry), files: writer.files,
            planted: writer.planter.records)
        try writer.writeFile(try manifest.encoded(), to: "manifest.json")
        return manifest
    }
}

/// Writes the files of one corpus and keeps the list of what it wrote. Confined to the task that writes the corpus.
final class CorpusWriter {
    let root: URL
    let planter: Planter
    private(set) var files: [Manifest.File] = []

    init(root: URL, planter: Planter) {
        self.root = root
        self.planter = planter
    }

    /// Writes `data` at `relativePath` under the root, creating folders.
    func writeFile(_ data: Data, to relativePath: String) throws(SynthesisError) {
        let url = root.appendingPathComponent(relativePath)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch {
            throw SynthesisError.cannotWrite(path: relativePath, reason: String(describing: type(of: error)))
        }
    }

    /// Notes a document in the file list and points the planter at it.
    func beginDocument(_ relativePath: String, kind: String) {
        files.append(Manifest.File(path: relativePath, kind: kind))
        planter.file = relativePath
        planter.characterSet = .default
        planter.characterSetName = nil
    }

    /// Notes a DICOM file in the file list and points the planter at it.
    func beginDICOM(_ relativePath: String, sopClassUID: String, modality: String, characterSet terms: [String]) {
        files.append(
            Manifest.File(
                path: relativePath, kind: "dicom", sopClassUID: sopClassUID, modality: modality,
                characterSet: terms.isEmpty ? nil : terms.joined(separator: "\\")))
        planter.file = relativePath
        planter.characterSet = SpecificCharacterSet(terms: terms)
        planter.characterSetName = terms.isEmpty ? nil : terms.joined(separator: "\\")
    }
}
