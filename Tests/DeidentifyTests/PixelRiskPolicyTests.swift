import Crypto
import DICOM
import Foundation
import Testing
import TestSupport

@testable import Deidentify

@Suite struct PixelRiskPolicyTests {
    struct Geometry {
        var rows = 6
        var columns = 8
        var frames = 2
        var samples = 1
        var bits = 8
        var planar = 0
        var byteCount: Int { rows * columns * samples * (bits / 8) * frames }
    }

    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251 + 1) } }

    static func usFile(_ geometry: Geometry, burnedIn: String? = nil, manufacturer: String = "Acme") -> DICOMFile {
        var dataset = Dataset([
            Planted.text(0x0008_0016, .UI, Planted.usClass),
            Planted.text(0x0008_0018, .UI, "1.2.826.0.1.3680043.9.9999.60.1"),
            Planted.text(0x0008_0060, .CS, "US"),
            Planted.text(0x0008_0070, .LO, manufacturer),
            Planted.text(0x0008_1090, .LO, "Sono 1"),
            Planted.text(0x0010_0010, .PN, Planted.canary("USPATIENT")),
            DataElement(tag: Tag(0x0028_0002), vr: .US, uint16s: [UInt16(geometry.samples)]),
            Planted.text(0x0028_0004, .CS, geometry.samples == 3 ? "RGB" : "MONOCHROME2"),
            Planted.text(0x0028_0008, .IS, String(geometry.frames)),
            DataElement(tag: .rows, vr: .US, uint16s: [UInt16(geometry.rows)]),
            DataElement(tag: .columns, vr: .US, uint16s: [UInt16(geometry.columns)]),
            DataElement(tag: .bitsAllocated, vr: .US, uint16s: [UInt16(geometry.bits)]),
            DataElement(tag: Tag(0x0028_0101), vr: .US, uint16s: [UInt16(geometry.bits)]),
            DataElement(tag: Tag(0x0028_0102), vr: .US, uint16s: [UInt16(geometry.bits - 1)]),
            DataElement(tag: .pixelRepresentation, vr: .US, uint16s: [0]),
            DataElement(tag: .pixelData, vr: geometry.bits == 8 ? .OB : .OW, bytes: pattern(geometry.byteCount)),
        ])
        if geometry.samples == 3 {
            dataset.set(DataElement(tag: Tag(0x0028_0006), vr: .US, uint16s: [UInt16(geometry.planar)]))
        }
        if let burnedIn { dataset.set(Planted.text(0x0028_0301, .CS, burnedIn)) }
        return DICOMFile(dataset: dataset)
    }

    static let rectangles = [
        PixelRectangle(x: 1, y: 2, width: 3, height: 2), PixelRectangle(x: 6, y: 5, width: 10, height: 10),
    ]

    static func rule(rows: Int? = 6, columns: Int? = 8) -> PixelCleaningRule {
        PixelCleaningRule(
            name: "acme-sono", modality: "us", manufacturer: "ACME", modelName: "Sono 1", rows: rows, columns: columns,
            rectangles: rectangles)
    }

    /// The reference: every sample of every pixel inside a rectangle is zero, every other byte unchanged.
    static func expected(_ geometry: Geometry) -> [UInt8] {
        var bytes = pattern(geometry.byteCount)
        let sampleBytes = geometry.bits / 8
        let frameSize = geometry.rows * geometry.columns * geometry.samples * sampleBytes
        for frame in 0..<geometry.frames {
            for row in 0..<geometry.rows {
                for column in 0..<geometry.columns {
                    let inside = rectangles.contains {
                        column >= $0.x && column < $0.x + $0.width && row >= $0.y && row < $0.y + $0.height
                    }
                    guard inside else { continue }
                    for sample in 0..<geometry.samples {
                        let pixel = row * geometry.columns + column
                        let index =
                            geometry.planar == 0
                            ? (pixel * geometry.samples + sample) * sampleBytes
                            : (sample * geometry.rows * geometry.columns + pixel) * sampleBytes
                        for byte in 0..<sampleBytes { bytes[frame * frameSize + index + byte] = 0 }
                    }
                }
            }
        }
        return bytes
    }

    @Test func quarantinesAnUltrasoundInstanceWithoutARule() throws {
        for burnedIn in [nil, "YES", "maybe"] {
            let outcome = try Planted.deidentifier().deidentify(Self.usFile(Geometry(), burnedIn: burnedIn))
            guard case .quarantined(let reason) = outcome else {
                Issue.record("expected quarantine for Burned In Annotation \(burnedIn ?? "absent")")
                continue
            }
            #expect(reason.code == .burnedInAnnotation)
            #expect(!reason.description.uppercased().contains(Planted.marker))
            #expect(reason.message.contains("US"))
        }
        // A rule for another size does not match.
        let outcome = try Planted.deidentifier(rules: [Self.rule(rows: 480, columns: 640)])
            .deidentify(Self.usFile(Geometry()))
        guard case .quarantined = outcome else {
            Issue.record("a rule for another size must not match")
            return
        }
    }

    @Test func passesHighRiskInstancesMarkedWithoutBurnedInAnnotation() throws {
        let (output, record) = try Planted.output(
            try Planted.deidentifier().deidentify(Self.usFile(Geometry(), burnedIn: "NO")))
        #expect(output.dataset[.pixelData]?.bytes == Self.pattern(Geometry().byteCount))
        #expect(record.pixelCleaningRule == nil)
        #expect(!record.methodCodes.contains(.cleanPixelData))
    }

    @Test func blanksTheRulesRectanglesOnEveryFrame() throws {
        let geometries = [
            Geometry(), Geometry(frames: 3, bits: 16), Geometry(samples: 3, planar: 0),
            Geometry(frames: 1, samples: 3, planar: 1), Geometry(frames: 4, samples: 3, bits: 16, planar: 1),
        ]
        for geometry in geometries {
            let deidentifier = try Planted.deidentifier(rules: [Self.rule()])
            let (output, record) = try Planted.output(deidentifier.deidentify(Self.usFile(geometry)))
            #expect(output.dataset[.pixelData]?.bytes == Self.expected(geometry), "\(geometry)")
            #expect(output.dataset.string(for: Tag(0x0028_0301)) == "NO")
            #expect(record.pixelCleaningRule == "acme-sono")
            #expect(record.blankedFrames == geometry.frames)
            #expect(record.methodCodes.contains(.cleanPixelData))
            let codes = output.dataset[Tag(0x0012_0064)]?.items?.compactMap { $0.string(for: Tag(0x0008_0100)) }
            #expect(codes?.contains("113101") == true)
            #expect(!Planted.contains(try DICOMWriter.encode(output), Planted.marker))
        }
    }

    @Test func quarantinesCompressedPixelDataThatNeedsCleaning() throws {
        var file = Self.usFile(Geometry())
        file.dataset.set(
            DataElement(
                tag: .pixelData, vr: .OB,
                value: .fragments(EncapsulatedPixelData(fragments: [.bytes([0xFF, 0xD8, 0xFF, 0xD9])]))))
        file.transferSyntax = .jpegBaseline
        let outcome = try Planted.deidentifier(rules: [Self.rule()]).deidentify(file)
        guard case .quarantined(let reason) = outcome else {
            Issue.record("expected quarantine")
            return
        }
        #expect(reason.code == .compressedPixelDataNeedsCleaning)
        #expect(reason.message.contains("compressed pixel data needs cleaning; no decoder"))
    }

    @Test func quarantinesUnsupportedPixelFormats() throws {
        var file = Self.usFile(Geometry())
        file.dataset.set(DataElement(tag: .bitsAllocated, vr: .US, uint16s: [32]))
        guard case .quarantined(let reason) = try Planted.deidentifier(rules: [Self.rule()]).deidentify(file) else {
            Issue.record("expected quarantine")
            return
        }
        #expect(reason.code == .unsupportedPixelFormat)
        var short = Self.usFile(Geometry())
        short.dataset.set(Planted.text(0x0028_0008, .IS, "9"))
        guard case .quarantined(let shortReason) = try Planted.deidentifier(rules: [Self.rule()]).deidentify(short)
        else {
            Issue.record("expected quarantine")
            return
        }
        #expect(shortReason.code == .unreadablePixelData)
    }

    @Test func quarantinesAnyInstanceWithBurnedInAnnotationYes() throws {
        var file = Planted.ctFile()
        file.dataset.set(Planted.text(0x0028_0301, .CS, "YES"))
        guard case .quarantined(let reason) = try Planted.deidentifier().deidentify(file) else {
            Issue.record("expected quarantine")
            return
        }
        #expect(reason.code == .burnedInAnnotation)
        // CT without (0028,0301) is not high risk.
        file.dataset.removeElement(for: Tag(0x0028_0301))
        _ = try Planted.output(try Planted.deidentifier().deidentify(file))
    }

    @Test func leavesCTPixelDataDeferredSoTheWriterCopiesIt() throws {
        let folder = try TemporaryDirectory(prefix: "deid-deferred")
        let pixels = Self.pattern(64 * 64 * 2)
        var input = Planted.ctFile(pixels: pixels)
        input.dataset.set(DataElement(tag: .rows, vr: .US, uint16s: [64]))
        input.dataset.set(DataElement(tag: .columns, vr: .US, uint16s: [64]))
        let source = folder.file("ct.dcm")
        try DICOMWriter.write(input, to: source)
        let read = try DICOMReader.read(contentsOf: source, options: .init(deferThreshold: 1024))
        guard case .deferred = read.dataset[.pixelData]?.value else {
            Issue.record("the reader should defer the pixel data")
            return
        }
        let (output, _) = try Planted.output(try Planted.deidentifier().deidentify(read))
        guard case .deferred(let deferred) = output.dataset[.pixelData]?.value else {
            Issue.record("pixel data was loaded")
            return
        }
        #expect(deferred.path == source.path)
        let destination = folder.file("out.dcm")
        try DICOMWriter.write(output, to: destination)
        let written = try DICOMReader.read(contentsOf: destination)
        #expect(written.dataset[.pixelData]?.bytes == pixels)
        #expect(!Planted.contains([UInt8](try Data(contentsOf: destination)), Planted.marker))
    }

    @Test func classifiesSOPClassesAndModalities() {
        let policy = PixelRiskPolicy.standard
        let highRisk = [
            "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.6.2", "1.2.840.10008.5.1.4.1.1.3.1",
            "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.4", "1.2.840.10008.5.1.4.1.1.12.1",
            "1.2.840.10008.5.1.4.1.1.12.2.1", "1.2.840.10008.5.1.4.1.1.77.1.4", "1.2.840.10008.5.1.4.1.1.77.1.1.1",
        ]
        for uid in highRisk { #expect(policy.isHighRisk(sopClassUID: uid, modality: nil), "\(uid)") }
        for uid in ["1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.60"] {
            #expect(!policy.isHighRisk(sopClassUID: uid, modality: "CT"), "\(uid)")
        }
        for modality in ["US", "xa ", "OT", "SC", "ES", "SM"] {
            #expect(policy.isHighRisk(sopClassUID: "1.2.3.4", modality: modality), "\(modality)")
        }
        #expect(policy.needsCleaning(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", modality: "CT", burnedInAnnotation: "YES"))
        #expect(!policy.needsCleaning(sopClassUID: "1.2.840.10008.5.1.4.1.1.6.1", modality: "US", burnedInAnnotation: "NO "))
    }
}
