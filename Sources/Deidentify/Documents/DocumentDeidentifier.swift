public import Crypto
import Foundation

/// De-identifies documents linked to a patient — plain text, CSV and FHIR R4 JSON — under the HIPAA Safe Harbor
/// method (45 CFR §164.514(b)(2)), and quarantines everything else with a reason.
///
/// - Plain text (`.txt`, `.text`, `.note`): UTF-8 (a byte-order mark is kept), scrubbed by the ``TextScrubber``.
///   Invalid UTF-8 or NUL bytes are quarantined.
/// - CSV (`.csv`, RFC 4180, quoted fields with commas and line breaks included): the header row is kept; columns
///   whose header names a direct identifier (`name`, `patient`, `mrn`, `ssn`, `phone`, `email`, `address`,
///   `city`, `zip`, `dob`, `birth`, `account`, …) are replaced whole — patient-ID columns by the keyed pseudonym,
///   birth dates shifted, ZIP codes cut to three digits — and every other cell is scrubbed.
/// - FHIR R4 JSON (`.json` whose top level has `resourceType`; a resource or a Bundle with `entry[].resource`):
///   de-identified by structure (HumanName, Address, ContactPoint, Identifier, dates, ids and references) and
///   every other string scrubbed; the names, telecoms, addresses and identifiers found in the document's own
///   structure are added to the patient identity for that. Documents over ``maximumJSONBytes`` or nested deeper
///   than ``maximumJSONDepth`` are refused before parsing. Output is compact JSON with sorted keys.
/// - PDF, Office files, images, DICOM files and any other extension: quarantined as unsupported.
///
/// ```swift
/// let documents = try DocumentDeidentifier(key: nodeKey, patientIdentifierSystems: ["urn:oid:1.2.3.4": "HOSP"])
/// let shift = try DateShifter(key: nodeKey).shift(forPatientID: "123456", issuer: "HOSP")
/// switch documents.deidentify(bytes: bytes, fileName: "note.txt", identity: identity, dateShift: shift) {
/// case .deidentified(let output, let kind, let findings): store(output, kind, findings)
/// case .quarantined(let reason): quarantine(reason.description)
/// }
/// ```
public struct DocumentDeidentifier: Sendable {
    /// The largest JSON document read (32 MiB).
    public static let maximumJSONBytes = 32 * 1024 * 1024
    /// The deepest nesting of JSON objects and arrays read.
    public static let maximumJSONDepth = 100
    /// The largest text or CSV document read (64 MiB).
    public static let maximumTextBytes = 64 * 1024 * 1024

    /// The ZIP code rule.
    public var zipPolicy: ZIPCodePolicy
    /// FHIR Identifier systems that hold patient IDs, each with the DICOM Issuer of Patient ID (0010,0021) it
    /// corresponds to, so that the pseudonym equals the one given to the same patient's DICOM Patient ID.
    public var patientIdentifierSystems: [String: String]
    /// The Issuer of Patient ID for patient-ID columns of CSV files.
    public var csvPatientIDIssuer: String?
    private let patients: PatientPseudonymizer
    private let uids: UIDPseudonymizer

    /// Creates a de-identifier keyed with the node's secret (the same key as the DICOM pseudonyms).
    /// - Parameters:
    ///   - key: The node's secret key.
    ///   - zipPolicy: The three-digit ZIP rule.
    ///   - patientIdentifierSystems: FHIR Identifier systems of patient IDs mapped to DICOM issuers.
    ///   - csvPatientIDIssuer: The issuer of patient IDs in CSV columns.
    /// - Throws: ``DeidentifyError`` with code `.invalidKey` when the key is too short.
    public init(key: SecureBytes, zipPolicy: ZIPCodePolicy = .census2000,
                patientIdentifierSystems: [String: String] = [:], csvPatientIDIssuer: String? = nil)
        throws(DeidentifyError)
    {
        patients = try PatientPseudonymizer(key: key)
        uids = try UIDPseudonymizer(key: key)
        self.zipPolicy = zipPolicy
        self.patientIdentifierSystems = patientIdentifierSystems
        self.csvPatientIDIssuer = csvPatientIDIssuer
    }

    /// De-identifies one document.
    /// - Parameters:
    ///   - bytes: The document's content.
    ///   - fileName: Its name; the extension selects the reader, and errors name the file.
    ///   - identity: The known identifiers of the patient it belongs to, if known.
    ///   - dateShift: The patient's date shift (``DateShifter``, the same as for their DICOM); `nil` reduces dates
    ///     to years.
    /// - Returns: ``DocumentOutcome/deidentified(bytes:kind:findings:)``, or
    ///   ``DocumentOutcome/quarantined(_:)`` with a ``DeidentifyError`` of code `.unsupportedDocument` or
    ///   `.invalidDocument`.
    public func deidentify(bytes: [UInt8], fileName: String, identity: PatientIdentity?, dateShift: DateShift?)
        -> DocumentOutcome
    {
        do {
            let kind = try Self.kind(of: bytes, fileName: fileName)
            let scrubber = TextScrubber(identity: identity, dateShift: dateShift, zipPolicy: zipPolicy)
            switch kind {
            case .plainText:
                let (text, hasBOM) = try Self.text(bytes, fileName: fileName)
                let result = scrubber.scrub(text)
                return .deidentified(bytes: (hasBOM ? Self.bom : []) + Array(result.text.utf8), kind: kind,
                                     findings: result.findings)
            case .csv:
                let (text, hasBOM) = try Self.text(bytes, fileName: fileName)
                let (output, findings) = try csv(text, fileName: fileName, scrubber: scrubber)
                return .deidentified(bytes: (hasBOM ? Self.bom : []) + Array(output.utf8), kind: kind,
                                     findings: findings)
            case .fhirJSON:
                let (output, findings) = try fhir(bytes, fileName: fileName, scrubber: scrubber)
                return .deidentified(bytes: output, kind: kind, findings: findings)
            }
        } catch {
            return .quarantined(error)
        }
    }

    // MARK: Kinds

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The kind by content signature first (binary formats whatever their name), then by extension.
    static func kind(of bytes: [UInt8], fileName: String) throws(DeidentifyError) -> DocumentKind {
        let signatures: [([UInt8], Int, String)] = [
            (Array("%PDF".utf8), 0, "PDF"), ([0x50, 0x4B, 0x03, 0x04], 0, "ZIP container (DOCX, XLSX, ODT)"),
            ([0xD0, 0xCF, 0x11, 0xE0], 0, "OLE compound file (DOC, XLS)"), (Array("{\\rtf".utf8), 0, "RTF"),
            ([0x89, 0x50, 0x4E, 0x47], 0, "PNG image"), ([0xFF, 0xD8, 0xFF], 0, "JPEG image"),
            (Array("GIF8".utf8), 0, "GIF image"), ([0x49, 0x49, 0x2A, 0x00], 0, "TIFF image"),
            ([0x4D, 0x4D, 0x00, 0x2A], 0, "TIFF image"), (Array("DICM".utf8), 128, "DICOM Part 10 file"),
        ]
        for (signature, offset, name) in signatures
        where bytes.count >= offset + signature.count && Array(bytes[offset..<(offset + signature.count)]) == signature {
            throw DeidentifyError(
                .unsupportedDocument, input: fileName, "unsupported document format: content is a \(name)",
                remedy: name.hasPrefix("DICOM") ? "de-identify DICOM files with the DICOM de-identifier" : nil)
        }
        let fileExtension = fileName.split(separator: ".", omittingEmptySubsequences: false).count > 1
            ? fileName.split(separator: ".", omittingEmptySubsequences: false).last.map { $0.lowercased() } ?? ""
            : ""
        switch fileExtension {
        case "txt", "text", "note": return .plainText
        case "csv": return .csv
        case "json": return .fhirJSON
        default:
            throw DeidentifyError(
                .unsupportedDocument, input: fileName,
                "unsupported document format" + (fileExtension.isEmpty ? " (no extension)" : " '.\(fileExtension)'"),
                remedy: "only plain text (.txt), CSV (.csv) and FHIR R4 JSON (.json) are de-identified")
        }
    }

    /// The UTF-8 text of a document and whether it began with a byte-order mark.
    static func text(_ bytes: [UInt8], fileName: String) throws(DeidentifyError) -> (String, Bool) {
        guard bytes.count <= maximumTextBytes else {
            throw DeidentifyError(
                .invalidDocument, input: fileName,
                "document of \(bytes.count) bytes exceeds the limit of \(maximumTextBytes) bytes")
        }
        let hasBOM = bytes.starts(with: bom)
        let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
        if let nul = body.firstIndex(of: 0) {
            throw DeidentifyError(
                .invalidDocument, input: fileName, "binary content: NUL byte at offset \(nul + (hasBOM ? 3 : 0))")
        }
        var decoder = UTF8()
        var iterator = body.makeIterator()
        var offset = 0
        var text = String.UnicodeScalarView()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                text.append(scalar)
                offset += UTF8.width(scalar)
            case .emptyInput:
                break loop
            case .error:
                throw DeidentifyError(
                    .invalidDocument, input: fileName,
                    "invalid UTF-8 at byte offset \(offset + (hasBOM ? 3 : 0))",
                    remedy: "convert the document to UTF-8")
            }
        }
        return (String(text), hasBOM)
    }

    // MARK: CSV

    private func csv(_ text: String, fileName: String, scrubber: TextScrubber) throws(DeidentifyError)
        -> (String, [ScrubFinding])
    {
        var table = try CSVTable.parse(text, fileName: fileName)
        guard let header = table.rows.first else { return (text, []) }
        let rules = header.map(CSVColumnRule.forHeader)
        var counts: [SafeHarborIdentifier: Int] = [:]
        for rowIndex in table.rows.indices.dropFirst() {
            for column in table.rows[rowIndex].indices {
                let cell = table.rows[rowIndex][column]
                guard !cell.allSatisfy(\.isWhitespace) else { continue }
                let rule = column < rules.count ? rules[column] : .text
                table.rows[rowIndex][column] = try csvCell(cell, rule: rule, scrubber: scrubber, counts: &counts)
            }
        }
        return (table.serialized(), ScrubFinding.list(counts))
    }

    private func csvCell(_ cell: String, rule: CSVColumnRule, scrubber: TextScrubber,
                         counts: inout [SafeHarborIdentifier: Int]) throws(DeidentifyError) -> String
    {
        switch rule {
        case .surrogate(let surrogate, let category):
            counts[category, default: 0] += 1
            return surrogate
        case .patientID:
            counts[.medicalRecordNumbers, default: 0] += 1
            return try patients.pseudonym(forPatientID: cell, issuer: csvPatientIDIssuer)
        case .zip:
            counts[.geographic, default: 0] += 1
            return zipPolicy.truncated(cell) ?? "[ZIP]"
        case .birthDate:
            let result = scrubber.scrub(cell)
            counts[.dates, default: 0] += 1
            return result.findings.contains(where: { $0.category == .dates }) ? result.text : "[DATE]"
        case .age:
            if let age = Int(cell.trimmingSpaces) {
                guard age > AgeClamp.thresholdYears else { return cell }
                counts[.agesOver89, default: 0] += 1
                return TextScrubber.ageSurrogate
            }
            fallthrough
        case .text:
            let result = scrubber.scrub(cell)
            ScrubFinding.add(result.findings, to: &counts)
            return result.text
        }
    }

    // MARK: FHIR

    private func fhir(_ bytes: [UInt8], fileName: String, scrubber: TextScrubber) throws(DeidentifyError)
        -> ([UInt8], [ScrubFinding])
    {
        guard bytes.count <= Self.maximumJSONBytes else {
            throw DeidentifyError(
                .invalidDocument, input: fileName,
                "JSON document of \(bytes.count) bytes exceeds the limit of \(Self.maximumJSONBytes) bytes")
        }
        try Self.checkNesting(bytes, fileName: fileName)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            throw DeidentifyError(.invalidDocument, input: fileName, "not valid JSON (RFC 8259)")
        }
        guard let root = parsed as? [String: Any], root["resourceType"] is String else {
            throw DeidentifyError(
                .unsupportedDocument, input: fileName,
                "JSON without a top-level 'resourceType': not a FHIR resource",
                remedy: "only FHIR R4 resources and Bundles are de-identified")
        }
        var identity = scrubber.identity ?? PatientIdentity()
        FHIRScrubber.collectIdentity(root, into: &identity)
        var documentScrubber = scrubber
        documentScrubber.identity = identity
        var walker = FHIRScrubber(scrubber: documentScrubber, patients: patients, uids: uids,
                                  patientIdentifierSystems: patientIdentifierSystems)
        let output = walker.resource(root, contained: false)
        if let failure = walker.failure { throw failure }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw DeidentifyError(.invalidDocument, input: fileName, "the de-identified resource could not be written")
        }
        return (Array(data), ScrubFinding.list(walker.counts))
    }

    /// Refuses JSON nested deeper than ``maximumJSONDepth`` before any parser recurses into it.
    static func checkNesting(_ bytes: [UInt8], fileName: String) throws(DeidentifyError) {
        var depth = 0
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B:
                depth += 1
                if depth > maximumJSONDepth {
                    throw DeidentifyError(
                        .invalidDocument, input: fileName,
                        "JSON nested deeper than \(maximumJSONDepth) levels at byte offset \(offset)")
                }
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
    }
}
