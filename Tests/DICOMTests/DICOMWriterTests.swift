import DICOM
import Foundation
import TestSupport
import Testing

@Suite struct DICOMWriterTests {
    @Test(arguments: DICOMFixtures.strictReadable)
    func roundTripsFixturesByteIdentically(name: String) throws {
        let original = try DICOMReader.read(contentsOf: DICOMFixtures.url(name))
        let first = try DICOMWriter.encode(original)
        let reread = try DICOMReader.read(bytes: first)
        #expect(reread.warnings.isEmpty)
        #expect(reread.transferSyntax == original.transferSyntax)
        // Every element survives, value bytes exactly.
        #expect(reread.dataset.withoutEncodedVRs == original.dataset.withoutEncodedVRs)
        // Ours → ours is byte-identical.
        #expect(try DICOMWriter.encode(reread) == first)
    }

    @Test(arguments: [
        TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian,
        .deflatedExplicitVRLittleEndian,
    ])
    func convertsBetweenNativeTransferSyntaxes(to syntax: TransferSyntax) throws {
        let original = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan_dcmtk_explicit.dcm"))
        let bytes = try DICOMWriter.encode(original, options: .init(transferSyntax: syntax))
        let reread = try DICOMReader.read(bytes: bytes)
        #expect(reread.transferSyntax == syntax)
        #expect(reread.dataset.withoutEncodedVRs == original.dataset.withoutEncodedVRs)
    }

    @Test func writesDefinedLengthSequencesThatReadBack() throws {
        let original = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan.dcm"))
        let bytes = try DICOMWriter.encode(original, options: .init(sequenceLength: .defined))
        let reread = try DICOMReader.read(bytes: bytes)
        #expect(reread.dataset.withoutEncodedVRs == original.dataset.withoutEncodedVRs)
        #expect(bytes.count < (try DICOMWriter.encode(original)).count)
    }

    @Test func padsValuesToEvenLengthWithThePaddingOfTheirVR() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .sopInstanceUID, vr: .UI, string: "1.2.3"))
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "Doe"))
        let bytes = try DICOMWriter.encodeDataset(dataset)
        #expect(bytes == [
            0x08, 0x00, 0x18, 0x00, 0x55, 0x49, 0x06, 0x00, 0x31, 0x2E, 0x32, 0x2E, 0x33, 0x00,
            0x10, 0x00, 0x10, 0x00, 0x50, 0x4E, 0x04, 0x00, 0x44, 0x6F, 0x65, 0x20,
        ])
    }

    @Test func writesTheFileMetaGroupWithComputedLength() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.7"))
        dataset.set(DataElement(tag: .sopInstanceUID, vr: .UI, string: "1.2.3.4"))
        let bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset))
        #expect(bytes[0..<128].allSatisfy { $0 == 0 })
        #expect(Array(bytes[128..<132]) == Array("DICM".utf8))
        let file = try DICOMReader.read(bytes: bytes)
        #expect(file.fileMeta.string(for: .implementationClassUID) == FedLakeImplementation.classUID)
        #expect(file.fileMeta.string(for: .mediaStorageSOPInstanceUID) == "1.2.3.4")
        #expect(file.fileMeta[.fileMetaInformationVersion]?.bytes == [0, 1])
        #expect(file.warnings.isEmpty)
    }

    @Test func copiesDeferredValuesFromTheSourceFile() throws {
        for name in ["MR_small.dcm", "MR_small_bigendian.dcm", "SC_rgb_rle.dcm"] {
            let url = DICOMFixtures.url(name)
            let loaded = try DICOMReader.read(contentsOf: url)
            let deferred = try DICOMReader.read(contentsOf: url, options: .init(deferThreshold: 64))
            #expect(deferred != loaded)
            for syntax in [nil, TransferSyntax.explicitVRBigEndian] where !loaded.transferSyntax.isEncapsulated || syntax == nil {
                let options = DICOMWriter.Options(transferSyntax: syntax)
                #expect(try DICOMWriter.encode(deferred, options: options) == DICOMWriter.encode(loaded, options: options))
            }
            let directory = try TemporaryDirectory(prefix: "dicom-writer")
            let target = directory.file("copy.dcm")
            try DICOMWriter.write(deferred, to: target)
            #expect(Array(try Data(contentsOf: target)) == (try DICOMWriter.encode(loaded)))
        }
    }

    @Test func refusesPixelDataThatDoesNotFitTheTransferSyntax() throws {
        let compressed = try DICOMReader.read(contentsOf: DICOMFixtures.url("SC_rgb_rle.dcm"))
        #expect(throws: DICOMError.self) {
            try DICOMWriter.encode(compressed, options: .init(transferSyntax: .explicitVRLittleEndian))
        }
        let native = try DICOMReader.read(contentsOf: DICOMFixtures.url("MR_small.dcm"))
        #expect(throws: DICOMError.self) {
            try DICOMWriter.encode(native, options: .init(transferSyntax: .rleLossless))
        }
    }

    @Test func refusesShortLengthValuesThatDoNotFit() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(0x0008_1030), vr: .LO, bytes: [UInt8](repeating: 0x41, count: 70_000)))
        #expect(throws: DICOMError.self) { try DICOMWriter.encodeDataset(dataset) }
        #expect(try DICOMWriter.encodeDataset(dataset, transferSyntax: .implicitVRLittleEndian).count == 70_008)
    }

    /// Files we write must pass dcmtk's dcmdump without warnings. Fails (not skips) under CI without dcmdump.
    @Test func writtenFilesPassDcmdump() throws {
        guard let dcmdump = Self.which("dcmdump") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("dcmdump is not on PATH under CI") }
            return
        }
        let directory = try TemporaryDirectory(prefix: "dicom-dcmdump")
        for name in DICOMFixtures.strictReadable {
            let file = try DICOMReader.read(contentsOf: DICOMFixtures.url(name))
            for sequenceLength in [DICOMWriter.Options.SequenceLength.undefined, .defined] {
                let target = directory.file("out.dcm")
                try DICOMWriter.write(file, to: target, options: .init(sequenceLength: sequenceLength))
                let process = Process()
                process.executableURL = dcmdump
                process.arguments = [target.path]
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "\(name): \(message)")
                #expect(message.isEmpty, "\(name): \(message)")
            }
        }
    }

    static func which(_ tool: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
