import Connectors
import Crypto
import DICOM
import Deidentify
import Foundation
import Lake
import Storage
import Synthesis
import TestSupport
import Testing

@Suite struct IngestPipelineTests {
    static func folderSource(_ url: URL, pattern: String? = nil) throws -> IngestSourceDescriptor {
        IngestSourceDescriptor(
            source: FolderSource(path: url), kind: .folder, documentPatientPattern: try pattern.map { try DocumentPatientPattern($0) })
    }

    @Test func ingestsAFolderOnceQuarantinesGarbageAndASecondPassChangesNothing() async throws {
        let test = try TestLake()
        let input = try TemporaryDirectory(prefix: "in")
        try writeStudies(to: input.url, seeds: [1, 2, 3], slices: 4)
        try Data(repeating: 0x41, count: 300).write(to: input.file("junk.bin"))
        try Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: input.file("broken.dcm"))
        let events = EventLog()
        let source = try Self.folderSource(input.url)
        let first = try await test.pipeline(events: events).ingestOnce([source])
        #expect(first.succeeded)
        #expect(first.totals.committed == 12)
        #expect(first.totals.quarantined == 2)
        #expect(try test.count("SELECT count(*) FROM instances") == 12)
        #expect(try test.count("SELECT count(DISTINCT sop_instance_uid) FROM instances") == 12)
        #expect(try test.count("SELECT count(*) FROM studies") == 3)
        #expect(try test.count("SELECT count(*) FROM patients") == 3)
        #expect(try test.strings("SELECT reason_code FROM quarantine ORDER BY source_object") == ["notDICOM", "notDICOM"])
        #expect(try test.strings("SELECT source_object FROM quarantine ORDER BY source_object") == ["broken.dcm", "junk.bin"])
        #expect(events.quarantineCodes.sorted() == ["notDICOM", "notDICOM"])
        // Every stored file is named by its SHA-256 and has a row; every row has its file.
        let files = test.lake.storedFiles()
        #expect(files.count == 12)
        for file in files { #expect(Hex.encode(try SHA256.hash(contentsOf: file)) == file.lastPathComponent) }
        #expect(Set(files.map(\.lastPathComponent)) == Set(try test.strings("SELECT sha256 FROM objects")))

        let second = try await test.pipeline(events: events).ingestOnce([source])
        #expect(second.totals.committed == 0)
        #expect(second.totals.quarantined == 0)
        #expect(second.totals.unchanged == 14)
        #expect(try test.count("SELECT count(*) FROM provenance") == 12)
        #expect(try test.count("SELECT attempts FROM quarantine WHERE source_object = 'junk.bin'") == 1)
        let status = try test.lake.status()
        #expect(status.instances == 12 && status.quarantined == 2 && status.sources.count == 1)
        #expect(status.sources.first?.objects == 12 && status.sources.first?.cursorPresent == true)
        #expect(try await test.lake.database.read { db in try db.integrityCheck() }.isEmpty)
    }

    @Test func aChangedFileSupersedesItsPreviousVersionAndDeletionsAreRecorded() async throws {
        let test = try TestLake()
        let input = try TemporaryDirectory(prefix: "in")
        let paths = try writeStudies(to: input.url, seeds: [10, 11], slices: 3)
        let source = try Self.folderSource(input.url)
        _ = try await test.pipeline().ingestOnce([source])
        #expect(try test.count("SELECT count(*) FROM instances") == 6)

        // Replace one file with another instance: its old rows go, its provenance stays as superseded.
        let replacement = try DICOMWriter.encode(SyntheticStudy(seed: 99, slices: 1, size: 16).files()[0])
        try Data(replacement).write(to: input.file(paths[0]))
        let changed = try await test.pipeline().ingestOnce([source])
        #expect(changed.totals.committed == 1)
        #expect(try test.count("SELECT count(*) FROM instances") == 6)
        #expect(try test.count("SELECT count(*) FROM provenance WHERE status = 'superseded'") == 1)
        #expect(try test.count("SELECT count(*) FROM provenance WHERE status = 'current'") == 6)
        #expect(try test.count("SELECT count(*) FROM studies") == 3)

        // A deleted file is recorded; without propagateDeletions its instance row stays.
        try FileManager.default.removeItem(at: input.file(paths[1]))
        let deleted = try await test.pipeline().ingestOnce([source])
        #expect(deleted.totals.deleted == 1)
        #expect(try test.count("SELECT count(*) FROM provenance WHERE status = 'deleted'") == 1)
        #expect(try test.count("SELECT count(*) FROM instances") == 6)

        // With propagateDeletions the next deletion also removes the row.
        try FileManager.default.removeItem(at: input.file(paths[2]))
        let propagated = try await test.pipeline(IngestOptions(concurrency: 2, batchSize: 4, propagateDeletions: true))
            .ingestOnce([source])
        #expect(propagated.totals.deleted == 1)
        #expect(try test.count("SELECT count(*) FROM provenance WHERE status = 'deleted'") == 2)
        #expect(try test.count("SELECT count(*) FROM instances") == 5)

        // A deleted file that comes back is ingested again as a new current version.
        try Data(replacement).write(to: input.file("again.dcm"))
        try FileManager.default.removeItem(at: input.file(paths[0]))
        _ = try await test.pipeline().ingestOnce([source])
        #expect(try test.count("SELECT count(*) FROM instances WHERE sop_instance_uid IN (SELECT sop_instance_uid FROM instances)") == 5)
        #expect(try await test.lake.database.read { db in try db.integrityCheck() }.isEmpty)
    }

    @Test func linksDocumentsToTheirPatientAndShiftsTheirDatesLikeTheirImages() async throws {
        let test = try TestLake()
        let corpus = try TemporaryDirectory(prefix: "corpus")
        let manifest = try SyntheticCorpus(seed: 5, patients: 2).write(to: corpus.url)
        // Re-file the corpus by Patient ID, as a hospital export would: <Patient ID>/<file>.
        let input = try TemporaryDirectory(prefix: "in")
        for patient in manifest.patients {
            let folder = input.file(patient.mrn)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: corpus.file(patient.folder).path) {
                try FileManager.default.copyItem(
                    at: corpus.file(patient.folder).appendingPathComponent(name), to: folder.appendingPathComponent(name))
            }
        }
        let source = try Self.folderSource(input.url, pattern: "^(?<patientID>[^/]+)/")
        let report = try await test.pipeline().ingestOnce([source])
        #expect(report.succeeded)
        #expect(try test.count("SELECT count(*) FROM documents") == 8)
        #expect(try test.count("SELECT count(*) FROM documents WHERE patient_id IS NULL") == 0)
        #expect(try test.count("SELECT count(*) FROM patients") == 2)
        for patient in manifest.patients {
            let pseudonym = try PatientPseudonymizer(key: TestLake.secret).pseudonym(forPatientID: patient.mrn)
            let patientRow = try test.count("SELECT id FROM patients WHERE pseudonym = \(pseudonym)")
            #expect(patientRow > 0)
            #expect(try test.count("SELECT count(*) FROM documents WHERE patient_id = \(patientRow)") == 4)
            // The bundle's Observation is dated on the CT study: after shifting, the same day as the CT study.
            let ctDates = try test.strings(
                """
                SELECT DISTINCT st.study_date FROM studies st JOIN series se ON se.study_id = st.id
                WHERE st.patient_id = \(patientRow) AND se.modality = 'CT'
                """)
            let documentDates = try test.strings(
                "SELECT document_date FROM documents WHERE patient_id = \(patientRow) AND document_date IS NOT NULL")
            #expect(ctDates.count == 1)
            #expect(!documentDates.isEmpty)
            #expect(documentDates.allSatisfy { ctDates.contains($0) }, "\(documentDates) vs \(ctDates)")
            let original = try #require(patient.studies.first { $0.modality == "CT" }?.studyDate)
            #expect(!ctDates.contains(where: { $0.replacingOccurrences(of: "-", with: "") == original }))
        }
    }

    @Test func leavesNoPlantedValueInTheDatabaseTheObjectStoreOrTheEvents() async throws {
        let test = try TestLake()
        let corpus = try TemporaryDirectory(prefix: "corpus")
        let manifest = try SyntheticCorpus(seed: 7, patients: 2).write(to: corpus.url)
        try FileManager.default.removeItem(at: corpus.file("manifest.json"))
        let events = EventLog()
        let report = try await test.pipeline(events: events).ingestOnce([try Self.folderSource(corpus.url)])
        #expect(report.succeeded)
        #expect(try test.count("SELECT count(*) FROM instances") > 10)
        #expect(try test.count("SELECT count(*) FROM documents") == 8)
        let search = PlantedValueSearch(manifest: manifest, options: .nodeDefault)
        #expect(search.values.count > 1000)
        var leaks: [PlantedValueSearch.Leak] = []
        // Checkpoint so that everything is in lake.sqlite, then read the files as bytes.
        try await test.lake.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let databaseFile = test.lake.directory.appendingPathComponent("lake.sqlite")
        leaks += search.leaks(in: [UInt8](try Data(contentsOf: databaseFile)), name: "lake.sqlite")
        for file in test.lake.storedFiles() {
            leaks += try search.leaks(inFile: file, name: "objects/\(file.lastPathComponent.prefix(8))")
        }
        leaks += search.leaks(in: Array(events.all.map { "\($0)" }.joined(separator: "\n").utf8), name: "events")
        // Names in CJK scripts run into the words around them (SR Text Value "<kanji name>様の所見…") and are
        // searched for in their UTF-8 form here, as the lake's DICOM JSON holds them.
        #expect(leaks.isEmpty, "\(leaks.count) leaks: \(leaks.prefix(20))")
    }
}
