import DICOM
import Foundation
import Synchronization

/// What a batch's DICOM and FHIR inputs say about their patients, gathered before any document is scrubbed.
///
/// Documents are linked to a patient by folder: a document in a folder whose DICOM instances all belong to one
/// patient (Patient ID and issuer) is that patient's, and a FHIR resource in that folder adds to their
/// identity. Documents elsewhere are scrubbed against every patient's identity — more than needed, never less.
struct PatientIndex: Sendable {
    /// One patient: the original Patient ID and issuer (keys of the date shift) and everything known about them.
    struct Patient: Sendable {
        let patientID: String
        let issuer: String?
        var identity: PatientIdentity
    }

    /// The patient of each folder that holds the DICOM of exactly one patient, by relative folder path.
    private var byFolder: [String: Patient] = [:]
    /// The union of every identity, for documents linked to no single patient.
    private(set) var everyone = PatientIdentity()

    /// The patient a document at `relativePath` belongs to, if its folder holds exactly one patient's DICOM.
    func patient(forDocumentIn relativePath: String) -> Patient? {
        byFolder[Self.folder(of: relativePath)]
    }

    private static func folder(of relativePath: String) -> String {
        guard let slash = relativePath.lastIndex(of: "/") else { return "" }
        return String(relativePath[..<slash])
    }

    /// Reads the headers of every DICOM input and every FHIR document, on `concurrency` threads.
    static func build(jobs: [BatchDeidentifier.Job], concurrency: Int) -> PatientIndex {
        struct Found: Sendable {
            let folder: String
            let patient: (id: String, issuer: String?)?
            let identity: PatientIdentity
        }
        let found = Mutex<[Found]>([])
        let workers = min(max(1, concurrency), max(1, jobs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < jobs.count {
                let job = jobs[index]
                index += workers
                var identity = PatientIdentity()
                var patient: (id: String, issuer: String?)?
                switch InputKind.classify(path: job.inputPath) {
                case .dicom:
                    var options = DICOMReader.Options.lenient
                    options.stopBeforePixels = true
                    guard let file = try? DICOMReader.read(path: job.inputPath, options: options) else { continue }
                    identity.add(dataset: file.dataset)
                    if let id = file.dataset.string(for: .patientID), !id.isEmpty {
                        patient = (id, file.dataset.string(for: Tag(0x0010_0021)))
                    }
                case .document("JSON"):
                    guard let data = try? Data(contentsOf: job.input) else { continue }
                    try? identity.addFHIRPatient(json: [UInt8](data), fileName: job.relativePath)
                default:
                    continue
                }
                let entry = Found(folder: folder(of: job.relativePath), patient: patient, identity: identity)
                found.withLock { $0.append(entry) }
            }
        }
        var index = PatientIndex()
        var patientsByFolder: [String: Set<String>] = [:]
        var identities: [String: PatientIdentity] = [:]
        var keys: [String: (String, String?)] = [:]
        // Identities with no Patient ID to key them (FHIR resources, DICOM without one), merged per folder
        // in the same pass.
        var unkeyedByFolder: [String: PatientIdentity] = [:]
        for entry in found.withLock({ $0 }) {
            index.everyone.formUnion(entry.identity)
            guard let patient = entry.patient else {
                unkeyedByFolder[entry.folder, default: PatientIdentity()].formUnion(entry.identity)
                continue
            }
            let key = patient.id + "\u{0}" + (patient.issuer ?? "")
            patientsByFolder[entry.folder, default: []].insert(key)
            identities[key, default: PatientIdentity()].formUnion(entry.identity)
            keys[key] = (patient.id, patient.issuer)
        }
        for (folder, patients) in patientsByFolder where patients.count == 1 {
            guard let key = patients.first, let (id, issuer) = keys[key], var identity = identities[key] else { continue }
            // FHIR resources in the same folder describe the same patient.
            if let unkeyed = unkeyedByFolder[folder] { identity.formUnion(unkeyed) }
            index.byFolder[folder] = Patient(patientID: id, issuer: issuer, identity: identity)
        }
        return index
    }
}
