import Crypto
import DICOM
import Foundation
import Synthesis
import Testing
import TestSupport

@testable import Deidentify

/// Every document of the synthetic corpus de-identified with its patient's identity and date shift, and every
/// planted value searched for in the output bytes.
@Suite struct DocumentCorpusTests {
    @Test func leavesNoPlantedValueInAnyDocumentOfTheSyntheticCorpus() throws {
        let directory = try TemporaryDirectory()
        let manifest = try SyntheticCorpus(seed: 20_240_229, patients: 3).write(to: directory.url)
        let key = SecureBytes(Array(7..<39) as [UInt8])
        let documents = try DocumentDeidentifier(key: key)
        let shifter = try DateShifter(key: key)
        var checked = 0
        for patient in manifest.patients {
            // The identity a caller gathers from the patient's DICOM and FHIR data.
            var identity = PatientIdentity()
            for file in manifest.files where file.path.hasPrefix(patient.folder + "/") && file.path.hasSuffix(".dcm") {
                let dicom = try DICOMReader.read(contentsOf: directory.url.appendingPathComponent(file.path),
                                                 options: DICOMReader.Options(mode: .lenient))
                identity.add(dataset: dicom.dataset)
            }
            let fhir = try [UInt8](Data(contentsOf: directory.url.appendingPathComponent(
                patient.folder + "/patient.fhir.json")))
            try identity.addFHIRPatient(json: fhir, fileName: "patient.fhir.json")
            let shift = try shifter.shift(forPatientID: patient.mrn)
            for file in manifest.files where file.path.hasPrefix(patient.folder + "/")
                && ["report", "csv", "fhir"].contains(file.kind)
            {
                let bytes = try [UInt8](Data(contentsOf: directory.url.appendingPathComponent(file.path)))
                let outcome = documents.deidentify(
                    bytes: bytes, fileName: file.path, identity: identity, dateShift: shift)
                guard case .deidentified(let output, _, _) = outcome else {
                    Issue.record("\(file.path) quarantined: \(outcome)")
                    continue
                }
                let text = String(decoding: output, as: UTF8.self).lowercased()
                if file.kind == "fhir" {
                    #expect((try? JSONSerialization.jsonObject(with: Data(output))) != nil, "\(file.path)")
                }
                for planted in manifest.planted where planted.file == file.path && planted.detectable {
                    #expect(!text.contains(planted.value.lowercased()),
                            "\(file.path) \(planted.path): \(planted.kind) leaked")
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }
}
