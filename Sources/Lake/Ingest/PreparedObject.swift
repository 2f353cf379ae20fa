import DICOM
import Foundation

/// One source object after fetching and de-identification, ready to be committed in one transaction.
struct PreparedObject: Sendable {
    /// Where it came from: keyed digests and the source's own identifier (for quarantine rows only).
    struct Origin: Sendable {
        let objectKey: String
        let versionKey: String
        let sourceObject: String
        let sourceBytes: Int64
    }

    /// The stored, de-identified file.
    struct Stored: Sendable {
        let sha256: String
        let byteCount: Int64
        let mediaType: String
    }

    enum Content: Sendable {
        case instance(InstanceRecord)
        case document(DocumentRecord)
        /// The object cannot be ingested: a stable code and a reason without patient data.
        case quarantine(code: String, reason: String)
    }

    let origin: Origin
    let stored: Stored?
    let content: Content
}

/// What one object's processing came to before any database write.
enum PreparationResult: Sendable {
    case prepared(PreparedObject)
    /// The source no longer has the object.
    case vanished
    /// The fetch failed in a way that may pass later (the server is down or erring); the batch stops.
    case transient(origin: PreparedObject.Origin, error: String, countsAsAttempt: Bool)
}

/// The rows of one de-identified instance: the header attributes `patients`, `studies`, `series` and
/// `instances` hold (PS3.3 attribute names in comments), read from the de-identified data set.
struct InstanceRecord: Sendable {
    var patientPseudonym: String
    var sex: String?
    var studyUID: String
    var studyDate: String?
    var studyYear: Int?
    var ageYears: Int?
    var studyDescription: String?
    var seriesUID: String
    var modality: String?
    var bodyPart: String?
    var manufacturer: String?
    var model: String?
    var seriesDescription: String?
    var seriesNumber: Int?
    var sopInstanceUID: String
    var sopClassUID: String
    var transferSyntaxUID: String
    var instanceNumber: Int?
    var rows: Int?
    var columns: Int?
    var numberOfFrames: Int?
    var sliceThickness: Double?
    var pixelSpacing: Double?
    var kvp: Double?
    var headerJSON: String

    /// Reads the record from a de-identified file, or returns the quarantine code and reason for an instance
    /// the lake cannot place (no patient, study, series or instance identity after de-identification).
    static func make(from file: DICOMFile) -> Result<InstanceRecord, RecordFailure> {
        let dataset = file.dataset
        func text(_ tag: UInt32) -> String? {
            guard let value = dataset.string(for: Tag(tag))?.trimmingSpaces, !value.isEmpty else { return nil }
            return value
        }
        func number(_ tag: UInt32) -> Double? {
            guard let first = dataset.strings(for: Tag(tag))?.first?.trimmingSpaces else { return nil }
            return Double(first)
        }
        func integer(_ tag: UInt32) -> Int? {
            guard let first = dataset.strings(for: Tag(tag))?.first?.trimmingSpaces else { return nil }
            return Int(first)
        }
        func unsigned(_ tag: UInt32) -> Int? {
            dataset.element(for: Tag(tag))?.uint16s?.first.map(Int.init)
        }
        guard let patient = text(0x0010_0020) else {
            return .failure(RecordFailure(code: "missingPatientID", reason: "the instance has no Patient ID (0010,0020) to pseudonymize"))
        }
        guard let study = text(0x0020_000D) else {
            return .failure(RecordFailure(code: "missingStudyInstanceUID", reason: "the instance has no Study Instance UID (0020,000D)"))
        }
        guard let series = text(0x0020_000E) else {
            return .failure(RecordFailure(code: "missingSeriesInstanceUID", reason: "the instance has no Series Instance UID (0020,000E)"))
        }
        guard let instance = text(0x0008_0018) else {
            return .failure(RecordFailure(code: "missingSOPInstanceUID", reason: "the instance has no SOP Instance UID (0008,0018)"))
        }
        let sopClass = text(0x0008_0016) ?? file.fileMeta.string(for: Tag(0x0002_0002))?.trimmingSpaces ?? ""
        var studyDate: String?
        var studyYear: Int?
        if let value = text(0x0008_0020), let date = DICOMDate(parsing: value) {
            studyDate = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            studyYear = date.year
        }
        var age: Int?
        if let value = text(0x0010_1010), let parsed = AgeString(parsing: value) {
            switch parsed.unit {
            case .years: age = min(parsed.value, 90)
            default: age = 0
            }
        }
        let sex = text(0x0010_0040).flatMap { ["M", "F", "O"].contains($0) ? $0 : nil }
        var header = dataset
        header.removeAll { element in
            let group = element.tag.group
            return group == 0x7FE0 || (group >= 0x6000 && group <= 0x60FF && element.tag.element == 0x3000)
                || element.tag == Tag(0x5400_1010)
        }
        let json: String
        do {
            json = String(decoding: try DICOMJSON.encode(header), as: UTF8.self)
        } catch {
            return .failure(RecordFailure(code: "unencodableHeader", reason: "the de-identified header cannot be written as DICOM JSON: \(error.reason)"))
        }
        return .success(
            InstanceRecord(
                patientPseudonym: patient, sex: sex, studyUID: study, studyDate: studyDate, studyYear: studyYear,
                ageYears: age, studyDescription: text(0x0008_1030), seriesUID: series, modality: text(0x0008_0060),
                bodyPart: text(0x0018_0015)?.uppercased(), manufacturer: text(0x0008_0070), model: text(0x0008_1090),
                seriesDescription: text(0x0008_103E), seriesNumber: integer(0x0020_0011), sopInstanceUID: instance,
                sopClassUID: sopClass, transferSyntaxUID: file.transferSyntax.uid, instanceNumber: integer(0x0020_0013),
                rows: unsigned(0x0028_0010), columns: unsigned(0x0028_0011), numberOfFrames: integer(0x0028_0008),
                sliceThickness: number(0x0018_0050), pixelSpacing: number(0x0028_0030), kvp: number(0x0018_0060),
                headerJSON: json))
    }
}

/// Why an instance cannot be placed in the lake.
struct RecordFailure: Error, Sendable {
    let code: String
    let reason: String
}

/// The row of one de-identified document.
struct DocumentRecord: Sendable {
    var patientPseudonym: String?
    var kind: String
    var date: String?
    var year: Int?
    var text: String

    /// The first `date`, `effectiveDateTime` or `issued` of a FHIR resource (or of a Bundle's entries), as
    /// `YYYY-MM-DD`, from the de-identified JSON.
    static func fhirDate(_ bytes: [UInt8]) -> (String, Int)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { return nil }
        func date(in value: Any, depth: Int) -> String? {
            guard depth < 4, let resource = value as? [String: Any] else { return nil }
            for key in ["date", "effectiveDateTime", "issued"] {
                if let text = resource[key] as? String, text.utf8.count >= 10 { return String(text.prefix(10)) }
            }
            for case let entry as [String: Any] in (resource["entry"] as? [Any]) ?? [] {
                if let resource = entry["resource"], let found = date(in: resource, depth: depth + 1) { return found }
            }
            return nil
        }
        guard let text = date(in: object, depth: 0) else { return nil }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), parts[1].count == 2, parts[2].count == 2,
            Int(parts[1]) != nil, Int(parts[2]) != nil
        else { return nil }
        return (text, year)
    }
}
