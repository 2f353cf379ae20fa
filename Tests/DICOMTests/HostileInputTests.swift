import DICOM
import Foundation
import Testing

/// Limit tests: hostile or damaged input must give a data set or a DICOMError — never a crash, a hang or an
/// allocation of a size read from the input.
@Suite struct HostileInputTests {
    /// Explicit VR little endian element header with a 32-bit length.
    static func longHeader(_ tag: UInt32, _ vr: String, _ length: UInt32) -> [UInt8] {
        le16(UInt16(tag >> 16)) + le16(UInt16(tag & 0xFFFF)) + Array(vr.utf8) + [0, 0] + le32(length)
    }

    static func itemHeader(_ tag: UInt32, _ length: UInt32) -> [UInt8] {
        le16(UInt16(tag >> 16)) + le16(UInt16(tag & 0xFFFF)) + le32(length)
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    static func explicitBody(_ bytes: [UInt8]) -> [UInt8] {
        var prefix = try? DICOMWriter.encode(DICOMFile(dataset: Dataset()))
        if prefix == nil { prefix = [] }
        return (prefix ?? []) + bytes
    }

    @Test func rejectsAHugeLengthWithoutAllocatingIt() {
        let bytes = Self.explicitBody(Self.longHeader(0x7FE0_0010, "OB", 0xFFFF_FFF0) + [1, 2, 3, 4])
        for options in [DICOMReader.Options.strict, .lenient] {
            #expect {
                try DICOMReader.read(bytes: bytes, options: options)
            } throws: { error in
                guard let error = error as? DICOMError else { return false }
                return error.code == .truncated && error.tag == .pixelData && error.offset != nil
            }
        }
    }

    @Test func rejectsAnEndlessUndefinedLengthItem() {
        var body = Self.longHeader(0x0008_1140, "SQ", 0xFFFF_FFFF) + Self.itemHeader(0xFFFE_E000, 0xFFFF_FFFF)
        body += [0x08, 0x00, 0x50, 0x11] + Array("UI".utf8) + Self.le16(4) + Array("1.2\0".utf8)
        #expect {
            try DICOMReader.read(bytes: Self.explicitBody(body), options: .lenient)
        } throws: { ($0 as? DICOMError)?.code == .truncated }
    }

    @Test func rejectsSequencesNestedTenThousandDeep() {
        var body: [UInt8] = []
        for _ in 0..<10_000 {
            body += Self.longHeader(0x0008_1140, "SQ", 0xFFFF_FFFF) + Self.itemHeader(0xFFFE_E000, 0xFFFF_FFFF)
        }
        #expect {
            try DICOMReader.read(bytes: Self.explicitBody(body), options: .lenient)
        } throws: { ($0 as? DICOMError)?.code == .nestingTooDeep }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        var body: [UInt8] = []
        let depth = 10
        for _ in 0..<depth {
            body += Self.longHeader(0x0008_1140, "SQ", 0xFFFF_FFFF) + Self.itemHeader(0xFFFE_E000, 0xFFFF_FFFF)
        }
        for _ in 0..<depth { body += Self.itemHeader(0xFFFE_E00D, 0) + Self.itemHeader(0xFFFE_E0DD, 0) }
        let bytes = Self.explicitBody(body)
        _ = try DICOMReader.read(bytes: bytes, options: .init(maxSequenceDepth: depth))
        #expect(throws: DICOMError.self) { try DICOMReader.read(bytes: bytes, options: .init(maxSequenceDepth: depth - 1)) }
    }

    @Test func refusesADeflateBombBeyondTheLimit() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(0x0009_1001), vr: .OB, bytes: [UInt8](repeating: 0, count: 4 << 20)))
        let bytes = try DICOMWriter.encode(
            DICOMFile(dataset: dataset), options: .init(transferSyntax: .deflatedExplicitVRLittleEndian))
        #expect(bytes.count < 64 << 10)
        #expect {
            try DICOMReader.read(bytes: bytes, options: .init(maxInflatedSize: 1 << 20))
        } throws: { ($0 as? DICOMError)?.code == .deflate }
        #expect(try DICOMReader.read(bytes: bytes).dataset.count == 1)
    }

    @Test func survivesHugeValueMultiplicity() throws {
        var dataset = Dataset()
        dataset.set(DataElement(tag: Tag(0x0028_1201), vr: .OW, bytes: [UInt8](repeating: 7, count: 1 << 20)))
        let read = try DICOMReader.read(bytes: DICOMWriter.encode(DICOMFile(dataset: dataset)))
        #expect(read.dataset[Tag(0x0028_1201)]?.uint16s?.count == 1 << 19)
    }

    @Test(arguments: ["rtplan.dcm", "rtplan_dcmtk_bigendian.dcm", "SC_rgb_rle.dcm", "image_dfl.dcm", "UN_sequence.dcm"])
    func everyPrefixGivesADatasetOrAnError(name: String) throws {
        let bytes = try DICOMFixtures.bytes(name)
        for options in [DICOMReader.Options.strict, .lenient] {
            for length in 0...bytes.count {
                do {
                    _ = try DICOMReader.read(bytes: Array(bytes[0..<length]), options: options)
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }

    @Test(arguments: ["rtplan_dcmtk_explicit.dcm", "MR_small_implicit.dcm", "JPEG2000-embedded-sequence-delimiter.dcm"])
    func corruptedBytesGiveADatasetOrAnError(name: String) throws {
        let original = try DICOMFixtures.bytes(name)
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<Int(generator.next() % 8 + 1) {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            for options in [DICOMReader.Options.strict, .lenient] {
                do { _ = try DICOMReader.read(bytes: bytes, options: options) } catch { #expect(error.offset != nil || error.code == .notDICOM || error.code == .invalidFileMeta || error.code == .unsupportedTransferSyntax || error.code == .groupLength || error.code == .deflate) }
            }
        }
    }

    @Test func rejectsNonRegularFilesAndMissingFiles() {
        #expect(throws: DICOMError.self) { try DICOMReader.read(path: "/") }
        #expect(throws: DICOMError.self) { try DICOMReader.read(path: "/nonexistent/file.dcm") }
        #expect(throws: DICOMError.self) { try DICOMReader.read(bytes: []) }
        #expect(throws: Never.self) { try DICOMReader.read(bytes: [], options: .lenient) }
    }
}

/// A small deterministic generator for reproducible corruption.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
