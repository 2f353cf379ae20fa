import Crypto
import DICOM
import Deidentify
import Foundation
import Testing
import TestSupport

/// Synthetic instances with planted PHI ("canaries"), and helpers to look for them in output bytes.
enum Planted {
    static let key = SecureBytes(Array(0..<32) as [UInt8])
    static let otherKey = SecureBytes(Array(100..<132) as [UInt8])

    /// Every canary starts with this, so a case-insensitive byte search finds any that survive.
    static let marker = "QZCANARY"

    static func canary(_ name: String) -> String { marker + name }

    static func text(_ tag: UInt32, _ vr: VR, _ value: String) -> DataElement {
        DataElement(tag: Tag(tag), vr: vr, string: value)
    }

    static func sequence(_ tag: UInt32, _ items: [Dataset]) -> DataElement { DataElement(tag: Tag(tag), items: items) }

    static let ctClass = "1.2.840.10008.5.1.4.1.1.2"
    static let usClass = "1.2.840.10008.5.1.4.1.1.6.1"
    static let srClass = "1.2.840.10008.5.1.4.1.1.88.22"

    struct UIDs {
        var study = "1.2.826.0.1.3680043.9.9999.1"
        var series = "1.2.826.0.1.3680043.9.9999.1.2"
        var frameOfReference = "1.2.826.0.1.3680043.9.9999.1.3"
        var instance = "1.2.826.0.1.3680043.9.9999.1.2.4"
    }

    /// A content item of an SR tree: a TEXT item naming a person, nested `depth` levels deep.
    static func contentTree(depth: Int, referencing instanceUID: String) -> Dataset {
        var item = Dataset([
            text(0x0040_A010, .CS, "CONTAINS"),
            text(0x0040_A040, .CS, "TEXT"),
            sequence(0x0040_A043, [Dataset([
                text(0x0008_0100, .SH, "121106"), text(0x0008_0102, .SH, "DCM"),
                text(0x0008_0104, .LO, "Comment"),
            ])]),
            text(0x0040_A160, .UT, "Seen by " + canary("SRTEXT\(depth)") + " on 20240301"),
            text(0x0040_A123, .PN, canary("OBSERVER\(depth)") + "^JOHN"),
            text(0x0040_A124, .UI, "1.2.826.0.1.3680043.9.9999.7.\(depth)"),
            text(0x0040_A121, .DA, "20240301"),
            sequence(0x0008_1199, [Dataset([
                text(0x0008_1150, .UI, ctClass), text(0x0008_1155, .UI, instanceUID),
            ])]),
        ])
        if depth > 1 {
            item.set(sequence(0x0040_A730, [contentTree(depth: depth - 1, referencing: instanceUID)]))
        }
        return item
    }

    /// A CT instance with PHI at the top level, in nested sequences (depths 1, 3 and 8), in private blocks of
    /// safe and unsafe creators, in overlay/curve groups, original attributes, trailing padding and file meta.
    static func ctFile(
        uids: UIDs = UIDs(), patientID: String? = "PID" + "4711", referencedInstanceUID: String? = nil,
        pixels: [UInt8] = Array(repeating: 0x11, count: 32)
    ) -> DICOMFile {
        var dataset = Dataset([
            text(0x0008_0005, .CS, "ISO_IR 100"),
            text(0x0008_0008, .CS, "ORIGINAL\\PRIMARY\\AXIAL"),
            text(0x0008_0012, .DA, "20240301"),
            text(0x0008_0016, .UI, ctClass),
            text(0x0008_0018, .UI, uids.instance),
            text(0x0008_0020, .DA, "20240301"),
            text(0x0008_0021, .DA, "20240302"),
            text(0x0008_0030, .TM, "101500"),
            text(0x0008_002A, .DT, "20240301101500.123456+0100"),
            text(0x0008_0050, .SH, canary("ACC")),
            text(0x0008_0060, .CS, "CT"),
            text(0x0008_0070, .LO, "ACME Medical"),
            text(0x0008_0080, .LO, canary("INSTITUTION")),
            text(0x0008_0090, .PN, canary("REFERRER") + "^ANN"),
            text(0x0008_1030, .LO, canary("STUDYDESC")),
            text(0x0008_1090, .LO, "Scanner 3000"),
            text(0x0010_0010, .PN, canary("PATIENT") + "^JANE"),
            text(0x0010_0021, .LO, canary("ISSUER")),
            text(0x0010_0030, .DA, "19400101"),
            text(0x0010_0040, .CS, "F"),
            text(0x0010_1010, .AS, "095Y"),
            sequence(0x0010_1002, [Dataset([text(0x0010_0020, .LO, canary("OTHERPID"))])]),
            text(0x0010_4000, .LT, canary("PATIENTCOMMENT")),
            text(0x0018_0050, .DS, "1.25"),
            text(0x0018_1000, .LO, canary("SERIAL")),
            text(0x0018_1030, .LO, canary("PROTOCOL")),
            text(0x0020_000D, .UI, uids.study),
            text(0x0020_000E, .UI, uids.series),
            text(0x0020_0010, .SH, canary("STUDYID")),
            text(0x0020_0052, .UI, uids.frameOfReference),
            text(0x0020_4000, .LT, canary("IMAGECOMMENT")),
            DataElement(tag: Tag(0x0028_0002), vr: .US, uint16s: [1]),
            text(0x0028_0004, .CS, "MONOCHROME2"),
            DataElement(tag: .rows, vr: .US, uint16s: [4]),
            DataElement(tag: .columns, vr: .US, uint16s: [4]),
            DataElement(tag: .bitsAllocated, vr: .US, uint16s: [16]),
            DataElement(tag: Tag(0x0028_0101), vr: .US, uint16s: [12]),
            DataElement(tag: Tag(0x0028_0102), vr: .US, uint16s: [11]),
            DataElement(tag: .pixelRepresentation, vr: .US, uint16s: [0]),
            text(0x0028_0301, .CS, "NO"),
            text(0x0028_1055, .LO, canary("WINDOWTEXT")),
            // Not in the dictionary: an unknown public attribute.
            text(0x0030_0010, .LO, canary("UNKNOWNPUBLIC")),
            // Original Attributes Sequence with the original name.
            sequence(0x0400_0561, [Dataset([
                sequence(0x0400_0550, [Dataset([text(0x0010_0010, .PN, canary("ORIGINALNAME"))])]),
                text(0x0400_0564, .LO, canary("SOURCESYSTEM")),
            ])]),
            // Private blocks: an unknown creator, and GEMS_ACQU_01 with one safe and one unsafe element.
            text(0x0009_0010, .LO, "ACME_UNSAFE_01"),
            text(0x0009_1001, .LO, canary("PRIVATE")),
            text(0x0019_0010, .LO, "GEMS_ACQU_01"),
            text(0x0019_1023, .DS, "1.375"),
            text(0x0019_1001, .LO, canary("GEPRIVATE")),
            // Depth 1: a kept sequence with a private element and a name inside.
            sequence(0x0008_1111, [Dataset([
                text(0x0008_1150, .UI, "1.2.840.10008.3.1.2.3.3"),
                text(0x0008_1155, .UI, "1.2.826.0.1.3680043.9.9999.5"),
                text(0x0009_0010, .LO, "ACME_UNSAFE_01"),
                text(0x0009_1002, .LO, canary("NESTEDPRIVATE")),
                text(0x0040_A123, .PN, canary("DEPTHONE")),
            ])]),
            // Depths 1-8: an SR content tree.
            sequence(0x0040_A730, [contentTree(depth: 8, referencing: referencedInstanceUID ?? uids.instance)]),
            text(0x6000_4000, .LT, canary("OVERLAYCOMMENT")),
            text(0x6000_0022, .LO, canary("OVERLAYDESC")),
            text(0x5000_2500, .LO, canary("CURVELABEL")),
            DataElement(tag: .pixelData, vr: .OW, bytes: pixels),
            DataElement(tag: Tag(0xFFFC_FFFC), vr: .OB, bytes: Array(canary("PADDING").utf8)),
        ])
        if let patientID { dataset.set(text(0x0010_0020, .LO, canary(patientID))) }
        if let referencedInstanceUID {
            dataset.set(sequence(0x0008_1140, [Dataset([
                text(0x0008_1150, .UI, ctClass), text(0x0008_1155, .UI, referencedInstanceUID),
            ])]))
        }
        let meta = Dataset([
            DataElement(tag: .mediaStorageSOPClassUID, vr: .UI, string: ctClass),
            DataElement(tag: .mediaStorageSOPInstanceUID, vr: .UI, string: uids.instance),
            DataElement(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid),
            DataElement(tag: Tag(0x0002_0016), vr: .AE, string: canary("AE")),
            DataElement(tag: Tag(0x0002_0100), vr: .UI, string: "1.2.826.0.1.3680043.9.9999.77"),
            DataElement(tag: Tag(0x0002_0102), vr: .OB, bytes: Array(canary("METAPRIVATE").utf8)),
        ])
        return DICOMFile(fileMeta: meta, dataset: dataset, transferSyntax: .explicitVRLittleEndian)
    }

    /// Whether `needle` occurs in `haystack`, ignoring ASCII case.
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let target = Array(needle.uppercased().utf8)
        guard !target.isEmpty, haystack.count >= target.count else { return false }
        let upper = haystack.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        outer: for start in 0...(upper.count - target.count) {
            for offset in 0..<target.count where upper[start + offset] != target[offset] { continue outer }
            return true
        }
        return false
    }

    static func deidentifier(
        options: ProfileOptions = .nodeDefault, key: SecureBytes = key, rules: [PixelCleaningRule] = [],
        policy: PixelRiskPolicy = .standard
    ) throws -> DICOMDeidentifier {
        var configuration = DeidentificationConfiguration(key: key, options: options)
        configuration.pixelCleaningRules = rules
        configuration.pixelRiskPolicy = policy
        return try DICOMDeidentifier(configuration: configuration)
    }

    /// The de-identified file, or a recorded test failure.
    static func output(_ outcome: DeidentificationOutcome, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (DICOMFile, DeidentificationRecord)
    {
        switch outcome {
        case .deidentified(let file, let record): return (file, record)
        case .quarantined(let reason):
            Issue.record("quarantined: \(reason)", sourceLocation: sourceLocation)
            throw DeidTestError("quarantined")
        }
    }

    /// Every element of a data set, at every depth, with its path.
    static func walk(_ dataset: Dataset, path: String = "", _ body: (DataElement, String) -> Void) {
        for element in dataset {
            let elementPath = path.isEmpty ? element.tag.description : path + "." + element.tag.description
            body(element, elementPath)
            for item in element.items ?? [] { walk(item, path: elementPath + "[*]", body) }
        }
    }

    static func isValidUID(_ uid: String) -> Bool {
        uid.utf8.count <= 64
            && uid.range(of: #"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"#, options: .regularExpression) != nil
    }
}

struct DeidTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// dcmdump and pydicom, which must read every output; in CI a missing tool fails the test.
enum DeidOracle {
    static let packageRoot = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    static let toolsAvailable: Bool = {
        guard ToolLocator.find("python3") != nil, ToolLocator.find("dcmdump") != nil else { return false }
        return (try? ProcessRunner.run(tool: "python3", ["-c", "import pydicom"]).status) == 0
    }()

    static let enabled = toolsAvailable || ToolLocator.isContinuousIntegration

    static func requireTools() throws {
        guard toolsAvailable else {
            Issue.record("python3 with pydicom and dcmdump are required in CI (pip install pydicom; apt-get install dcmtk)")
            throw DeidTestError("oracle tools missing")
        }
    }

    /// pydicom's bundled test files.
    static func bundledFiles() throws -> [String] {
        let script = packageRoot.appendingPathComponent("tools/pydicom_oracle.py").path
        let result = try ProcessRunner.run(tool: "python3", [script, "list"])
        guard result.status == 0 else { throw DeidTestError("pydicom_oracle.py list failed: \(result.standardError)") }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    /// Problems dcmdump reports for `paths` (error lines), empty when it reads them all.
    static func dcmdumpProblems(_ paths: [String]) throws -> [String] {
        var problems: [String] = []
        for path in paths {
            let result = try ProcessRunner.run(tool: "dcmdump", ["-q", path])
            if result.status != 0 { problems.append("\(path): dcmdump status \(result.status)") }
            for line in result.standardError.split(separator: "\n") where line.hasPrefix("E:") {
                problems.append("\(path): \(line)")
            }
        }
        return problems
    }

    /// Problems pydicom reports reading `paths` in full (every element decoded), empty when it reads them all.
    static func pydicomProblems(_ paths: [String]) throws -> [String] {
        let program = """
            import sys, warnings, pydicom
            bad = 0
            for path in sys.argv[1:]:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        ds = pydicom.dcmread(path)
                        ds.to_json_dict(bulk_data_threshold=1 << 40)
                        ds.file_meta.to_json_dict()
                except Exception as error:
                    bad += 1
                    print(f"{path}: {type(error).__name__}: {error}")
            """
        let result = try ProcessRunner.run(tool: "python3", ["-c", program] + paths)
        var problems = result.standardOutput.split(separator: "\n").map(String.init)
        if result.status != 0 { problems.append("python3 status \(result.status): \(result.standardError)") }
        return problems
    }
}
