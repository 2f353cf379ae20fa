@testable import DICOM
import Foundation
import Synthesis
import Testing

/// The compact writer must produce exactly the bytes of the `JSONValue` tree serialised compactly.
@Suite struct DICOMJSONCompactWriterTests {
    static func reference(_ dataset: Dataset) throws -> [UInt8] {
        try DICOMJSON.value(of: dataset, characterSet: SpecificCharacterSet(terms: dataset.inheritedCharacterSetTerms))
            .serialized(pretty: false)
    }

    static func expectSameOutput(_ dataset: Dataset, _ comment: String) throws {
        let fast = try DICOMJSON.encode(dataset)
        let slow = try reference(dataset)
        #expect(fast == slow, "\(comment): \(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: slow, as: UTF8.self))")
    }

    @Test(arguments: DICOMFixtures.all)
    func matchesTheTreeEncoderOnEveryFixture(name: String) throws {
        var options = DICOMReader.Options.strict
        options.mode = .lenient
        guard let file = try? DICOMReader.read(contentsOf: DICOMFixtures.url(name), options: options) else { return }
        try Self.expectSameOutput(file.dataset, name)
        try Self.expectSameOutput(file.fileMeta, name + " meta")
    }

    /// Deterministic pseudo-random numbers (the synthesis module's SplitMix64), so a failure can be replayed.
    typealias Generator = SplitMix64

    static let pieces: [[UInt8]] = [
        Array("1.2.840.10008.5.1.4.1.1.2".utf8), Array("DOE^JOHN".utf8), Array("20240131".utf8), Array(" ".utf8),
        Array("  ".utf8), [0x5C], [0x5C, 0x5C], [0x00], [0x22], [0x0D, 0x0A], [0x09], [0x1B, 0x24, 0x42], [0x7F],
        [0xE9], [0xC3, 0xA9], [0xE5, 0xB1, 0xB1], Array("+1.50".utf8), Array(".5".utf8), Array("1e3".utf8),
        Array(" 007".utf8), Array("-12".utf8), Array("abc".utf8), Array("=".utf8), Array("^".utf8), [0x20, 0x5C, 0x20],
        Array("NaN".utf8), Array("99999999999999999999".utf8), [],
        // Values the writer copies unchanged (canonical integers, finite JSON numbers) and their near misses.
        Array("0".utf8), Array("-0".utf8), Array("1.5".utf8), Array("0.25".utf8), Array("1E-5".utf8), Array("1e999".utf8),
        Array("-2.5e+3".utf8), Array("123456789012345678".utf8), Array("1234567890123456789".utf8), Array("7.".utf8),
    ]

    static let textVRs: [VR] = [.AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT]
    static let characterSets = ["", "ISO_IR 100", "ISO_IR 192", "ISO 2022 IR 6\\ISO 2022 IR 87", "ISO_IR 13", "GB18030",
                                "ISO_IR 144", "ISO_IR 6"]

    static func randomText(_ generator: inout Generator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int(generator.next() % 5) { bytes += generator.pick(pieces) }
        return bytes
    }

    static func randomDataset(_ generator: inout Generator, depth: Int) -> Dataset {
        var dataset = Dataset()
        let characterSet = generator.pick(characterSets)
        if !characterSet.isEmpty, generator.next() % 3 != 0 {
            dataset.set(DataElement(tag: .specificCharacterSet, vr: .CS, string: characterSet))
        }
        var element: UInt16 = 0x0010
        for _ in 0..<12 {
            element += UInt16(1 + generator.next() % 40)
            let tag = Tag(group: 0x0011, element: element)
            switch generator.next() % 8 {
            case 0 where depth < 3:
                var items: [Dataset] = []
                for _ in 0..<Int(generator.next() % 3) { items.append(randomDataset(&generator, depth: depth + 1)) }
                dataset.set(DataElement(tag: tag, items: items))
            case 1:
                let vr = generator.pick([VR.US, .SS, .UL, .SL, .UV, .SV, .FL, .FD, .AT])
                let size = [VR.US: 2, .SS: 2, .UL: 4, .SL: 4, .UV: 8, .SV: 8, .FL: 4, .FD: 8, .AT: 4][vr] ?? 2
                var bytes: [UInt8] = []
                for _ in 0..<(size * Int(generator.next() % 4)) { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
                dataset.set(DataElement(tag: tag, vr: vr, bytes: bytes))
            case 2:
                let vr = generator.pick([VR.OB, .OW, .OF, .OD, .OL, .OV, .UN])
                let count = Int(generator.next() % 9)
                dataset.set(DataElement(tag: tag, vr: vr, bytes: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
            default:
                dataset.set(DataElement(tag: tag, vr: generator.pick(textVRs), bytes: randomText(&generator)))
            }
        }
        return dataset
    }

    @Test func matchesTheTreeEncoderOnGeneratedDatasets() throws {
        var generator = Generator(seed: 20_240_131)
        for index in 0..<3000 {
            try Self.expectSameOutput(Self.randomDataset(&generator, depth: 0), "dataset \(index)")
        }
    }

    @Test func matchesTheTreeEncoderOnEveryTextVRAndPadding() throws {
        for vr in Self.textVRs {
            for value in ["", " ", "\0", "A", " A ", "A\\B", " A \\ B ", "\\", "A\\", "\"q\"", "a\tb", "1.5 ", " 12",
                          "x\\\0", "  \\  "] {
                var dataset = Dataset()
                dataset.set(DataElement(tag: Tag(0x0011_0010), vr: vr, bytes: Array(value.utf8)))
                try Self.expectSameOutput(dataset, "\(vr) \(value.debugDescription)")
            }
        }
    }

    @Test func encodesInlineBinaryAsFoundationBase64() throws {
        for count in 0..<10 {
            var dataset = Dataset()
            dataset.set(DataElement(tag: Tag(0x0009_1001), vr: .OB, bytes: (0..<count).map { UInt8(250 - $0 * 20) }))
            try Self.expectSameOutput(dataset, "OB of \(count) bytes")
        }
    }

    @Test func reportsTheSameErrorsAsTheTreeEncoder() {
        var dataset = Dataset()
        dataset.set(DataElement(tag: .rows, vr: .US, bytes: [1, 2, 3]))
        #expect(throws: DICOMError.self) { try DICOMJSON.encode(dataset) }
        #expect(throws: DICOMError.self) { try Self.reference(dataset) }
    }
}
