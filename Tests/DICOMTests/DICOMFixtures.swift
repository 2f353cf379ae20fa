import DICOM
import Foundation

/// Locates files in Tests/Fixtures/dicom from this source file's path.
enum DICOMFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/dicom")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }

    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".dcm") }.sorted()
    }

    /// Files that read in strict mode.
    static let strictReadable = [
        "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_dcmtk_deflated.dcm",
        "image_dfl.dcm", "SC_rgb_rle.dcm", "JPEG2000-embedded-sequence-delimiter.dcm", "badVR.dcm",
        "rtplan.dcm", "rtplan_dcmtk_bigendian.dcm", "rtplan_dcmtk_explicit.dcm",
    ]
}

extension Dataset {
    /// The data set with `encodedVR` cleared everywhere, to compare values across encodings.
    var withoutEncodedVRs: Dataset {
        Dataset(
            map { element in
                var copy = element
                copy.encodedVR = nil
                if case .sequence(let items) = element.value { copy.value = .sequence(items.map(\.withoutEncodedVRs)) }
                return copy
            }, inheritedCharacterSetTerms: inheritedCharacterSetTerms)
    }

    /// The data set as the writer pads it: odd-length byte values get their VR's padding byte (PS3.5 §7.1.1).
    var paddedToEvenLengths: Dataset {
        Dataset(
            map { element in
                var copy = element
                switch element.value {
                case .bytes(let bytes) where bytes.count & 1 == 1: copy.value = .bytes(bytes + [element.vr.paddingByte])
                case .sequence(let items): copy.value = .sequence(items.map(\.paddedToEvenLengths))
                default: break
                }
                return copy
            }, inheritedCharacterSetTerms: inheritedCharacterSetTerms)
    }

    /// Number of elements including those nested in sequences, as pydicom's `iterall` counts them.
    var deepCount: Int {
        reduce(0) { total, element in
            total + 1 + (element.items?.reduce(0) { $0 + $1.deepCount } ?? 0)
        }
    }
}
