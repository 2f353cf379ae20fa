import DICOM
import Foundation
import Testing

/// Inputs the fuzzer found (Tests/Fixtures/fuzz/README.md): each is read in both modes, and whatever a mode
/// accepts must be written and read back in that mode, the property the fuzz target checks.
@Suite struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static let fixtures = [
        "lenient-fffe-non-delimiter-roundtrip.dcm",
        "lenient-empty-deflated-dataset-roundtrip.dcm",
        "lenient-zero-tag-padding-scan-quadratic.dcm",
        "charset-terms-long-padding-slow.dcm",
        "lenient-short-group-length-roundtrip.dcm",
        "lenient-zero-tag-with-value-roundtrip.dcm",
        "lenient-roundtrip-fragment-expected.dcm",
        "lenient-roundtrip-item-without-delimiter.dcm",
    ]

    /// Reads `bytes` in `mode`; if that succeeds, writes the result and reads it back in the same mode.
    /// - Returns: the first read and the re-read, or `nil` when the first read refused the input.
    @discardableResult
    static func readAndRoundTrip(_ bytes: [UInt8], mode: DICOMReader.Options.Mode) throws -> (DICOMFile, DICOMFile)? {
        let options = DICOMReader.Options(mode: mode)
        guard let file = try? DICOMReader.read(bytes: bytes, options: options) else { return nil }
        let written: [UInt8]
        do {
            written = try DICOMWriter.encode(file)
        } catch {
            // Refusing to write is allowed; it must say why with the writer's own code.
            #expect(error.code == .cannotEncode)
            return nil
        }
        let reread = try DICOMReader.read(bytes: written, options: options)
        #expect(writtenTags(reread.dataset) == writtenTags(file.dataset))
        return (file, reread)
    }

    /// The tags the writer keeps: group lengths may be recomputed, and group 0002 belongs in the file meta group.
    static func writtenTags(_ dataset: Dataset) -> [DICOM.Tag] {
        dataset.tags.filter { !$0.isGroupLength && !$0.isFileMeta }
    }

    @Test(arguments: fixtures)
    func everyFixtureReadsAndRoundTripsInBothModes(name: String) throws {
        let bytes = try Self.bytes(name)
        for mode in [DICOMReader.Options.Mode.strict, .lenient] {
            try Self.readAndRoundTrip(bytes, mode: mode)
        }
    }

    // MARK: (FFFE,xxxx) elements that are not items or delimiters

    @Test func lenientSkipsAGroupFFFEElementThatIsNotADelimiter() throws {
        let bytes = try Self.bytes("lenient-fffe-non-delimiter-roundtrip.dcm")
        let file = try DICOMReader.read(bytes: bytes, options: .lenient)
        #expect(file.warnings.contains { $0.code == .invalidItem && $0.tag == Tag(group: 0xFFFE, element: 0x210D) })
        let roundTrip = try #require(try Self.readAndRoundTrip(bytes, mode: .lenient))
        var expected = roundTrip.0.dataset
        expected.removeAll { $0.tag.isFileMeta }
        #expect(roundTrip.1.dataset.withoutEncodedVRs == expected.withoutEncodedVRs)
    }

    @Test func strictRefusesAGroupFFFEElementThatIsNotADelimiter() {
        // (0010,0010) PN "A^B", then (FFFE,210D) with a VR-less header, as delimiters are encoded.
        let body: [UInt8] = [0x10, 0x00, 0x10, 0x00] + Array("PN".utf8) + [4, 0] + Array("A^B ".utf8)
            + [0xFE, 0xFF, 0x0D, 0x21, 2, 0, 0, 0, 0, 0]
        #expect {
            _ = try DICOMReader.readDataset(bytes: body, transferSyntax: .explicitVRLittleEndian, options: .strict)
        } throws: { error in
            let error = error as? DICOMError
            return error?.code == .invalidItem && error?.tag == Tag(group: 0xFFFE, element: 0x210D) && error?.offset == 12
        }
        let lenient = try? DICOMReader.readDataset(bytes: body, transferSyntax: .explicitVRLittleEndian, options: .lenient)
        #expect(lenient?.dataset.tags == [.patientName])
    }

    @Test func writerRefusesAGroupFFFEElement() {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(group: 0xFFFE, element: 0x210D), vr: .UN, bytes: [1, 2]))
        #expect {
            _ = try DICOMWriter.encode(DICOMFile(dataset: dataset))
        } throws: { error in
            let error = error as? DICOMError
            return error?.code == .cannotEncode && error?.tag == Tag(group: 0xFFFE, element: 0x210D)
        }
    }

    // MARK: Empty deflated data sets

    @Test func lenientReadsBackAnEmptyDeflatedDataSet() throws {
        let bytes = try Self.bytes("lenient-empty-deflated-dataset-roundtrip.dcm")
        let roundTrip = try #require(try Self.readAndRoundTrip(bytes, mode: .lenient))
        #expect(roundTrip.0.transferSyntax == .deflatedExplicitVRLittleEndian)
        #expect(roundTrip.1.dataset.isEmpty)
    }

    @Test func anEmptyDeflatedDataSetRoundTripsInStrictMode() throws {
        let options = DICOMWriter.Options(transferSyntax: .deflatedExplicitVRLittleEndian)
        let written = try DICOMWriter.encode(DICOMFile(dataset: Dataset()), options: options)
        let file = try DICOMReader.read(bytes: written, options: .strict)
        #expect(file.transferSyntax == .deflatedExplicitVRLittleEndian)
        #expect(file.dataset.isEmpty)
        #expect(file.fileMeta[.transferSyntaxUID] != nil)
        #expect(file.warnings.isEmpty)
    }

    // MARK: Big-endian data sets that start with group 0200

    /// Both inputs have a file meta group without a transfer syntax before a data set that lenient reading takes
    /// for explicit VR big endian, beginning with elements of group 0200. Written back, that data set begins
    /// with the bytes `02 00`: the reader must end the file meta group at its group length (PS3.10 §7.1), not
    /// read on into the data set as if those were group 0002 elements.
    @Test(arguments: ["lenient-roundtrip-fragment-expected.dcm", "lenient-roundtrip-item-without-delimiter.dcm"])
    func aBigEndianDataSetStartingWithGroup0200ReadsBackUnchanged(name: String) throws {
        let bytes = try Self.bytes(name)
        #expect(throws: DICOMError.self) { try DICOMReader.read(bytes: bytes, options: .strict) }
        let (file, reread) = try #require(try Self.readAndRoundTrip(bytes, mode: .lenient))
        #expect(file.transferSyntax == .explicitVRBigEndian)
        #expect(file.dataset.first?.tag.group == 0x0200)
        #expect(reread.transferSyntax == .explicitVRBigEndian)
        #expect(reread.fileMeta.tags.allSatisfy { $0.isFileMeta })
        // The same elements and values, odd-length values (cut by the end of the input) padded by the writer.
        var expected = file.dataset.paddedToEvenLengths
        expected.removeAll { $0.tag.isFileMeta }
        #expect(reread.dataset.withoutEncodedVRs == expected.withoutEncodedVRs)
        // Our output is valid: strict reading accepts it too.
        let strict = try DICOMReader.read(bytes: try DICOMWriter.encode(file), options: .strict)
        #expect(strict.dataset.withoutEncodedVRs == expected.withoutEncodedVRs)
    }

    // MARK: (0000,0000) headers over zero runs

    @Test func zeroTagPaddingScanCompletesWithTheExpectedResult() throws {
        let bytes = try Self.bytes("lenient-zero-tag-padding-scan-quadratic.dcm")
        #expect(throws: DICOMError.self) { try DICOMReader.read(bytes: bytes, options: .strict) }
        let file = try DICOMReader.read(bytes: bytes, options: .lenient)
        #expect(file.transferSyntax == .deflatedExplicitVRLittleEndian)
        #expect(file.warnings.contains { $0.code == .tagOrder && $0.tag == Tag(0) })
        try Self.readAndRoundTrip(bytes, mode: .lenient)
    }

    @Test func trailingZeroPaddingAfterOutOfOrderZeroTagsIsIgnored() throws {
        // (0010,0010), then an out-of-order (0000,0000) with a non-zero length and value, then NUL padding.
        var body: [UInt8] = [0x10, 0x00, 0x10, 0x00] + Array("PN".utf8) + [4, 0] + Array("A^B ".utf8)
        body += [0, 0, 0, 0] + Array("UL".utf8) + [4, 0, 1, 0, 0, 0]
        body += [UInt8](repeating: 0, count: 4096)
        let (dataset, warnings) = try DICOMReader.readDataset(
            bytes: body, transferSyntax: .explicitVRLittleEndian, options: .lenient)
        #expect(dataset.tags == [Tag(0), .patientName])
        #expect(warnings.contains { $0.code == .trailingData && $0.offset == 24 })
    }

    @Test func outOfOrderElementsAreSortedWithTheLaterDuplicateKept() throws {
        func element(_ tag: UInt32, _ text: String) -> [UInt8] {
            [UInt8(tag >> 16 & 0xFF), UInt8(tag >> 24), UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF)] + Array("LO".utf8)
                + [UInt8(text.utf8.count), 0] + Array(text.utf8)
        }
        let body = element(0x0010_0020, "ID") + element(0x0010_0010, "A1") + element(0x0008_0080, "HO")
            + element(0x0010_0010, "A2") + element(0x0010_0030, "19")
        let (dataset, warnings) = try DICOMReader.readDataset(
            bytes: body, transferSyntax: .explicitVRLittleEndian, options: .lenient)
        #expect(dataset.tags == [Tag(0x0008_0080), .patientName, .patientID, Tag(0x0010_0030)])
        #expect(dataset[.patientName]?.bytes == Array("A2".utf8))
        #expect(warnings.filter { $0.code == .tagOrder }.count == 3)
    }
}
