import DICOM
import Foundation
import Synthesis
import TestSupport
import Testing

@Suite struct DICOMReaderTests {
    /// Top-level and total element counts as pydicom 3.0.2 reports them (`len(ds)`, `len(list(ds.iterall()))`).
    @Test(arguments: [
        ("MR_small.dcm", 73, 73, "1.2.840.10008.1.2.1"),
        ("MR_small_implicit.dcm", 72, 72, "1.2.840.10008.1.2"),
        ("MR_small_bigendian.dcm", 72, 72, "1.2.840.10008.1.2.2"),
        ("MR_small_dcmtk_deflated.dcm", 73, 73, "1.2.840.10008.1.2.1.99"),
        ("image_dfl.dcm", 29, 29, "1.2.840.10008.1.2.1.99"),
        ("SC_rgb_rle.dcm", 40, 40, "1.2.840.10008.1.2.5"),
        ("JPEG2000-embedded-sequence-delimiter.dcm", 151, 160, "1.2.840.10008.1.2.4.91"),
        ("rtplan.dcm", 36, 126, "1.2.840.10008.1.2"),
        ("rtplan_dcmtk_bigendian.dcm", 36, 126, "1.2.840.10008.1.2.2"),
        ("rtplan_dcmtk_explicit.dcm", 36, 126, "1.2.840.10008.1.2.1"),
    ])
    func readsFixturesLikePydicom(name: String, topLevel: Int, total: Int, uid: String) throws {
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url(name))
        #expect(file.dataset.count == topLevel)
        #expect(file.dataset.deepCount == total)
        #expect(file.transferSyntax.uid == uid)
        #expect(file.warnings.isEmpty)
        #expect(file.preamble?.count == 128)
    }

    @Test func decodesTheSameValuesInEveryTransferSyntax() throws {
        let reference = try DICOMReader.read(contentsOf: DICOMFixtures.url("MR_small.dcm")).dataset
        #expect(reference[.rows]?.uint16s == [64])
        #expect(reference[.columns]?.uint16s == [64])
        #expect(reference.string(for: .patientName) == "CompressedSamples^MR1")
        for name in ["MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_dcmtk_deflated.dcm"] {
            let other = try DICOMReader.read(contentsOf: DICOMFixtures.url(name)).dataset
            for element in other where !element.tag.isPrivate && element.vr != .UN {
                let mine = try #require(reference[element.tag], "\(name) \(element.tag)")
                #expect(mine.value == element.value, "\(name) \(element.tag)")
            }
        }
    }

    @Test func readsSequencesInBigEndian() throws {
        let implicit = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan.dcm")).dataset
        let big = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan_dcmtk_bigendian.dcm")).dataset
        #expect(implicit.withoutEncodedVRs == big.withoutEncodedVRs)
    }

    @Test func keepsEncapsulatedFragmentsExactly() throws {
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("JPEG2000-embedded-sequence-delimiter.dcm"))
        let pixels = try #require(file.dataset[.pixelData]?.encapsulatedPixelData)
        #expect(pixels.fragments.count == 1)
        // The fragment holds FFFE,E0DD bytes; the reader must follow item lengths, not scan for delimiters.
        let fragment = try pixels.fragments[0].load()
        #expect(fragment.count % 2 == 0)
        let delimiter: [UInt8] = [0xFE, 0xFF, 0xDD, 0xE0]
        #expect((0..<(fragment.count - 3)).contains { Array(fragment[$0..<($0 + 4)]) == delimiter })
    }

    @Test func readsUNWithUndefinedLengthAsImplicitSequence() throws {
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("UN_sequence.dcm"), options: .lenient)
        let element = try #require(file.dataset.first)
        #expect(element.vr == .SQ)
        #expect(element.encodedVR == .UN)
        #expect(file.dataset.deepCount == 7)
    }

    @Test func stopsBeforePixelData() throws {
        let file = try DICOMReader.read(
            contentsOf: DICOMFixtures.url("MR_small.dcm"), options: .init(stopBeforePixels: true))
        #expect(file.stoppedBeforePixels)
        #expect(file.dataset[.pixelData] == nil)
        #expect(file.dataset.count == 71)  // pydicom's 73 less Pixel Data and the trailing (FFFC,FFFC) padding
    }

    @Test func defersLargeValuesAndLoadsThemOnAccess() throws {
        let url = DICOMFixtures.url("MR_small_bigendian.dcm")
        let loaded = try DICOMReader.read(contentsOf: url).dataset
        let deferred = try DICOMReader.read(contentsOf: url, options: .init(deferThreshold: 1024)).dataset
        let element = try #require(deferred[.pixelData])
        guard case .deferred(let value) = element.value else {
            Issue.record("pixel data was not deferred")
            return
        }
        #expect(value.byteSwapUnit == 2)
        #expect(try element.loadBytes() == loaded[.pixelData]?.bytes)
    }

    @Test func keepsOnlySpecificTags() throws {
        let file = try DICOMReader.read(
            contentsOf: DICOMFixtures.url("MR_small.dcm"), options: .init(specificTags: [.rows, .patientName]))
        #expect(file.dataset.tags.filter { $0 != .specificCharacterSet } == [.patientName, .rows])
    }

    @Test func readsFromMemoryLikeFromFile() throws {
        let fromFile = try DICOMReader.read(contentsOf: DICOMFixtures.url("rtplan.dcm"))
        let fromBytes = try DICOMReader.read(bytes: DICOMFixtures.bytes("rtplan.dcm"))
        let fromData = try DICOMReader.read(data: Data(contentsOf: DICOMFixtures.url("rtplan.dcm")))
        #expect(fromFile == fromBytes)
        #expect(fromFile == fromData)
    }

    @Test func inheritsSpecificCharacterSetIntoItems() throws {
        var item = Dataset()
        item.set(DataElement(tag: .patientName, vr: .PN, string: "Doe^John"))
        var dataset = Dataset()
        dataset.set(DataElement(tag: .specificCharacterSet, vr: .CS, string: "ISO_IR 100"))
        dataset.set(DataElement(tag: Tag(0x0008_1140), items: [item]))
        let bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset))
        let read = try DICOMReader.read(bytes: bytes).dataset
        #expect(read.characterSetTerms == ["ISO_IR 100"])
        #expect(read[Tag(0x0008_1140)]?.items?.first?.characterSetTerms == ["ISO_IR 100"])
    }

    // MARK: Defects

    @Test func strictRefusesAFileWithoutPreambleAndLenientGuessesBigEndian() throws {
        let url = DICOMFixtures.url("ExplVR_BigEndNoMeta.dcm")
        #expect {
            try DICOMReader.read(contentsOf: url)
        } throws: { error in
            guard let error = error as? DICOMError else { return false }
            return error.code == .notDICOM && error.description.contains(".lenient")
                && error.description.contains("ExplVR_BigEndNoMeta.dcm")
        }
        let file = try DICOMReader.read(contentsOf: url, options: .lenient)
        #expect(file.transferSyntax == .explicitVRBigEndian)
        #expect(file.preamble == nil)
        #expect(file.dataset.count == 24)
        #expect(!file.warnings.isEmpty)
    }

    @Test func lenientReadsMetaWithoutGroupLengthOrTransferSyntax() throws {
        #expect(throws: DICOMError.self) { try DICOMReader.read(contentsOf: DICOMFixtures.url("no_meta_group_length.dcm")) }
        let noLength = try DICOMReader.read(contentsOf: DICOMFixtures.url("no_meta_group_length.dcm"), options: .lenient)
        #expect(noLength.dataset.count == 3)
        #expect(noLength.warnings.contains { $0.code == .groupLength })
        let noSyntax = try DICOMReader.read(contentsOf: DICOMFixtures.url("meta_missing_tsyntax.dcm"), options: .lenient)
        #expect(noSyntax.dataset.count == 2)
        #expect(noSyntax.dataset.deepCount == 5)
    }

    @Test func readsInvalidValuesWithoutJudgingThem() throws {
        // badVR.dcm holds values that break their VR's rules (IS "1A"); values are checked by their parsers, not here.
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("badVR.dcm"))
        #expect(file.dataset.count == 45)
        #expect(file.dataset.string(for: Tag(0x0028_0008)) == "1A")
    }

    @Test func lenientReadsAnElementWithInvalidVRBytesAsImplicit() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .modality, vr: .CS, string: "MR"))
        dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [7]))
        var bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset))
        // Re-encode (0028,0010) as implicit VR: tag, 32-bit length 2, value.
        let explicitRows: [UInt8] = [0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 0x02, 0x00, 0x07, 0x00]
        let implicitRows: [UInt8] = [0x28, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00]
        let range = try #require(bytes.firstRange(of: explicitRows))
        bytes.replaceSubrange(range, with: implicitRows)
        #expect {
            try DICOMReader.read(bytes: bytes)
        } throws: { ($0 as? DICOMError)?.code == .invalidVR && ($0 as? DICOMError)?.tag == .rows }
        let file = try DICOMReader.read(bytes: bytes, options: .lenient)
        #expect(file.warnings.contains { $0.code == .invalidVR && $0.tag == .rows })
        let rows = try #require(file.dataset[.rows])
        #expect(rows.uint16s == [7])
        #expect(rows.encodedVR == nil)
        #expect(rows.vr == .US)
    }

    @Test func lenientReadsOddLengthsAndNestedPrivateSequences() throws {
        let url = DICOMFixtures.url("nested_priv_SQ.dcm")
        #expect {
            try DICOMReader.read(contentsOf: url)
        } throws: { ($0 as? DICOMError)?.code == .oddLength }
        let file = try DICOMReader.read(contentsOf: url, options: .lenient)
        #expect(file.dataset.count == 2)
        #expect(file.dataset.deepCount == 5)
        #expect(file.warnings.allSatisfy { $0.code == .oddLength })
    }

    @Test func refusesTruncatedPixelDataWithTagAndOffset() throws {
        #expect {
            try DICOMReader.read(contentsOf: DICOMFixtures.url("MR_truncated.dcm"), options: .strict)
        } throws: { error in
            guard let error = error as? DICOMError else { return false }
            return error.code == .truncated && error.tag == .pixelData && error.offset != nil
        }
        let headers = try DICOMReader.read(
            contentsOf: DICOMFixtures.url("MR_truncated.dcm"), options: .init(stopBeforePixels: true))
        #expect(headers.dataset.count == 71)
    }

    @Test func lenientKeepsTheBytesOfAValueCutByTheEndOfTheFile() throws {
        // pydicom keeps the 8130 bytes that are there of the 8192 declared (filereader reads what is left).
        let file = try DICOMReader.read(contentsOf: DICOMFixtures.url("MR_truncated.dcm"), options: .lenient)
        #expect(file.dataset.count == 72)
        #expect(file.dataset[.pixelData]?.bytes?.count == 8130)
        #expect(file.warnings.contains { $0.code == .truncated && $0.tag == .pixelData && $0.offset == 1488 })
    }

    @Test func lenientCutsNestedItemsAtTheEndOfTheFileButStrictRefuses() throws {
        let url = DICOMFixtures.url("rtplan_truncated.dcm")
        #expect(throws: DICOMError.self) { try DICOMReader.read(contentsOf: url, options: .strict) }
        let file = try DICOMReader.read(contentsOf: url, options: .lenient)
        // pydicom 3.0.2: 32 top-level elements, one (cut) item in Beam Sequence (300A,00B0).
        #expect(file.dataset.count == 32)
        #expect(file.dataset[Tag(0x300A_00B0)]?.items?.count == 1)
        #expect(file.warnings.contains { $0.code == .truncated && $0.tag == Tag(0x300A_00B0) })
    }

    @Test func implicitPrivateCreatorsAreLO() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(0x0009_0010), vr: .LO, string: "ACME 1.0"))
        let bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset), options: .init(transferSyntax: .implicitVRLittleEndian))
        let read = try DICOMReader.read(bytes: bytes)
        #expect(read.dataset[Tag(0x0009_0010)]?.vr == .LO)
    }

    @Test func explicitDataUnderAnImplicitSyntaxIsSwitchedInLenientMode() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .modality, vr: .CS, string: "MR"))
        dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [7]))
        var file = DICOMFile(dataset: dataset)
        var bytes = try DICOMWriter.encode(file)
        // Relabel as implicit VR without re-encoding.
        file.transferSyntax = .implicitVRLittleEndian
        let relabelled = try DICOMWriter.encode(file, options: .init(transferSyntax: .explicitVRLittleEndian))
        #expect(relabelled == bytes)
        let explicitUID = Array("1.2.840.10008.1.2.1\0".utf8)
        let implicitUID = Array("1.2.840.10008.1.2\0\0\0".utf8)
        let range = try #require(bytes.firstRange(of: explicitUID))
        bytes.replaceSubrange(range, with: implicitUID)
        #expect(throws: DICOMError.self) { try DICOMReader.read(bytes: bytes) }
        let read = try DICOMReader.read(bytes: bytes, options: .lenient)
        #expect(read.dataset[.rows]?.uint16s == [7])
        #expect(read.warnings.contains { $0.code == .invalidVR })
    }

    // MARK: Where the file meta group ends (PS3.10 §7.1)

    /// A big-endian data set whose first tag is in group 0200 begins with the bytes `02 00`, which read as
    /// little endian are group 0002. The file meta group ends where (0002,0000) says, so these are the data set.
    @Test func aBigEndianDataSetStartingWithGroup0200IsNotTakenForFileMeta() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(group: 0x0200, element: 0x0300), vr: .UI, bytes: []))
        // Its header, read as little endian, is (0002,0010) UI of 18 bytes: the value starts like a transfer syntax.
        dataset.set(
            DataElement(
                tag: Tag(group: 0x0200, element: 0x1000), vr: .UI,
                bytes: Array("1.2.840.10008.1.2\0".utf8) + [UInt8](repeating: 0x31, count: 4590)))
        // (0400,0005) MAC ID Number, US: a later element whose value the big-endian reading swaps.
        dataset.set(DataElement(tag: Tag(group: 0x0400, element: 0x0005), vr: .US, uint16s: [0x0102]))
        let file = DICOMFile(dataset: dataset, transferSyntax: .explicitVRBigEndian)
        let bytes = try DICOMWriter.encode(file)
        for mode in [DICOMReader.Options.Mode.strict, .lenient] {
            let read = try DICOMReader.read(bytes: bytes, options: DICOMReader.Options(mode: mode))
            #expect(read.transferSyntax == .explicitVRBigEndian)
            #expect(read.warnings.isEmpty)
            #expect(read.fileMeta.tags.allSatisfy { $0.isFileMeta })
            #expect(read.dataset.withoutEncodedVRs == dataset.withoutEncodedVRs)
        }
    }

    /// In a little-endian syntax, group 0002 elements after the declared group length mean the length is too
    /// small: lenient reading keeps them in the file meta group with a warning, strict reading refuses.
    @Test func aTooSmallGroupLengthBeforeMoreGroup0002ElementsIsRepairedInLittleEndian() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "A^B"))
        var bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset, transferSyntax: .implicitVRLittleEndian))
        // (0002,0013) SH "FEDLAKE_0_1 " is the last meta element: 8 + 12 bytes. Declare the group without it.
        let length = Int(bytes[140]) | Int(bytes[141]) << 8
        let shortened = length - 20
        bytes[140] = UInt8(shortened & 0xFF)
        bytes[141] = UInt8(shortened >> 8)
        #expect {
            try DICOMReader.read(bytes: bytes)
        } throws: { error in
            (error as? DICOMError)?.code == .groupLength
        }
        let read = try DICOMReader.read(bytes: bytes, options: .lenient)
        #expect(read.transferSyntax == .implicitVRLittleEndian)
        #expect(read.fileMeta[.implementationVersionName] != nil)
        #expect(read.dataset.tags == [.patientName])
        #expect(read.warnings.contains { $0.code == .groupLength })
    }

    @Test func errorsNeverContainValues() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .patientName, vr: .PN, string: "Secret^Patient"))
        var bytes = try DICOMWriter.encode(DICOMFile(dataset: dataset))
        bytes.removeLast(4)
        do {
            _ = try DICOMReader.read(bytes: bytes)
            Issue.record("truncated input was accepted")
        } catch {
            #expect(!error.description.contains("Secret"))
            #expect(error.description.contains("(0010,0010)"))
        }
    }
}

@Suite struct HeaderPrefixReadingTests {
    private func write(_ file: DICOMFile) throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory(prefix: "prefix")
        let url = folder.file("a.dcm")
        try DICOMWriter.write(file, to: url)
        return (folder, url.path)
    }

    private func largeFile(headerText: Int, size: Int = 256) throws -> DICOMFile {
        var file = try #require(SyntheticStudy(seed: 2, slices: 1, size: size).files().first)
        file.dataset.set(DataElement(tag: Tag(0x0040_A160), vr: .UT, string: String(repeating: "x", count: headerText)))
        return file
    }

    /// Headers are read from the file's first bytes when that is enough (8 KiB, then 64 KiB, then the whole
    /// file; files up to 32 KiB whole at once); the result equals a whole read. Pixel data of 128 KiB (256²)
    /// or 512 bytes (16²).
    @Test(arguments: [(100, 256), (5_000, 256), (8_100, 256), (20_000, 256), (40_000, 256), (66_000, 256),
                      (200_000, 256), (100, 16), (12_000, 16), (40_000, 16)])
    func aHeaderReadEqualsTheWholeReadWhateverTheHeaderSize(headerText: Int, size: Int) throws {
        let (folder, path) = try write(try largeFile(headerText: headerText, size: size))
        _ = folder
        var options = DICOMReader.Options.strict
        options.stopBeforePixels = true
        let head = try DICOMReader.read(path: path, options: options)
        let whole = try DICOMReader.read(path: path)
        #expect(head.stoppedBeforePixels)
        #expect(head.dataset.count == whole.dataset.count - 1)
        #expect(Array(head.dataset) == Array(whole.dataset.filter { $0.tag != .pixelData }))
        #expect(head.fileMeta == whole.fileMeta)
    }

    /// A file without pixel data ends inside the prefix or after it; either way the whole file is read.
    @Test func aFileWithoutPixelDataIsReadWhole() throws {
        var file = try largeFile(headerText: 100_000)
        _ = file.dataset.removeElement(for: .pixelData)
        let (folder, path) = try write(file)
        _ = folder
        var options = DICOMReader.Options.strict
        options.stopBeforePixels = true
        let head = try DICOMReader.read(path: path, options: options)
        #expect(head.dataset == (try DICOMReader.read(path: path).dataset))
    }
}
