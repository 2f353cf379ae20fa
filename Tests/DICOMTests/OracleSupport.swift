import DICOM
import Foundation
import TestSupport
import Testing

/// Running the independent oracles (pydicom through `tools/*.py`, dcmtk) and comparing DICOM JSON trees.
enum Oracle {
    static let packageRoot = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    static func script(_ name: String) -> String { packageRoot.appendingPathComponent("tools/\(name)").path }

    /// Whether python3 with pydicom, dcmdump and dcmconv are all here.
    static let toolsAvailable: Bool = {
        guard ToolLocator.find("python3") != nil, ToolLocator.find("dcmdump") != nil, ToolLocator.find("dcmconv") != nil
        else { return false }
        return (try? ProcessRunner.run(tool: "python3", ["-c", "import pydicom"]).status) == 0
    }()

    /// Run oracle tests when the tools are here, and always in CI, where a missing tool must fail the test.
    static let enabled = toolsAvailable || ToolLocator.isContinuousIntegration

    /// Fails the test (rather than skipping) when a tool is missing; only reached in CI.
    static func requireTools() throws {
        guard toolsAvailable else {
            Issue.record("python3 with pydicom, dcmdump and dcmconv are required in CI (pip install pydicom; apt-get install dcmtk)")
            throw OracleError("oracle tools missing")
        }
    }

    /// Runs a python tool and parses its JSON output.
    static func runJSON(_ scriptName: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try ProcessRunner.run(tool: "python3", [script(scriptName)] + arguments)
        guard result.status == 0 else { throw OracleError("\(scriptName) failed (\(result.status)): \(result.standardError)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] else {
            throw OracleError("\(scriptName) printed no JSON object")
        }
        return object
    }

    /// pydicom's bundled test files.
    static func bundledFiles() throws -> [String] {
        let result = try ProcessRunner.run(tool: "python3", [script("pydicom_oracle.py"), "list"])
        guard result.status == 0 else { throw OracleError("pydicom_oracle.py list failed: \(result.standardError)") }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    /// `{"files": {path: result}}` of `pydicom_oracle.py json`.
    static func pydicomJSON(_ files: [String]) throws -> [String: [String: Any]] {
        let output = try runJSON("pydicom_oracle.py", ["json"] + files)
        return (output["files"] as? [String: [String: Any]]) ?? [:]
    }

    /// Our DICOM JSON of a data set, parsed back into Foundation objects.
    static func ourJSON(_ dataset: Dataset) throws -> [String: Any] {
        let bytes = try DICOMJSON.encode(dataset)
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw OracleError("our JSON is not an object")
        }
        return object
    }

    /// Runs `body` over `items` on two threads (the machine has two cores).
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) -> R) -> [R] {
        let results = ResultBox<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            for index in stride(from: lane, to: items.count, by: 2) { results.set(index, body(items[index])) }
        }
        return results.values()
    }
}

struct OracleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONComparison {
    /// Our JSON of a UN element's bytes read with `vr` (no Specific Character Set: such values are ASCII here).
    /// `bigEndian`: UN bytes of an explicit VR big endian file are in file order; swap them per value of `vr`.
    static func reinterpret(_ element: [String: Any], as vrCode: String, path: String, bigEndian: Bool) -> [String: Any]? {
        guard let vr = VR(rawValue: vrCode) else { return nil }
        var bytes = (element["InlineBinary"] as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
        let tag = Tag(parsing: path.split(separator: "/").last ?? "") ?? Tag(0x0009_1000)
        if vr == .SQ {
            // A private sequence of defined length that pydicom's private dictionary knows: read our UN bytes as the
            // implicit VR little endian sequence they are (PS3.5 §6.2.2), by giving them an undefined length.
            var wrapped = ByteOrderHelper.le16(tag.group) + ByteOrderHelper.le16(tag.element) + [0xFF, 0xFF, 0xFF, 0xFF]
            wrapped += bytes + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
            guard let read = try? DICOMReader.readDataset(bytes: wrapped, transferSyntax: .implicitVRLittleEndian),
                let json = try? Oracle.ourJSON(read.dataset)
            else { return nil }
            return json.values.first as? [String: Any]
        }
        if bigEndian, let unit = vr.binaryValueSize, vr != .AT, bytes.count % unit == 0 {
            for start in stride(from: 0, to: bytes.count, by: unit) { bytes[start..<(start + unit)].reverse() }
        }
        guard let json = try? Oracle.ourJSON(Dataset([DataElement(tag: tag, vr: vr, bytes: bytes)])) else { return nil }
        return json.values.first as? [String: Any]
    }
}

enum ByteOrderHelper {
    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
}

// @unchecked Sendable: every access goes through `lock`.
private final class ResultBox<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [R?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: R) { lock.withLock { storage[index] = value } }
    func values() -> [R] { lock.withLock { storage.map { $0! } } }
}

/// Element-by-element comparison of two DICOM JSON objects, with the normalisations each caller states.
struct JSONComparison {
    /// pydicom keeps OW/OF/OL/OD/OV bytes of explicit VR big endian files in file (big-endian) order in
    /// `InlineBinary`; ours are little-endian as PS3.18 §F.2.7 and PS3.5 §7.3 expect. Swap theirs per value.
    var pydicomBinaryIsBigEndian = false
    /// Tags whose differences are expected (intended writer changes such as the implementation UID).
    var ignoredTags: Set<String> = []
    private(set) var differences: [String] = []

    mutating func compare(ours: [String: Any], theirs: [String: Any], path: String = "") {
        for key in Set(ours.keys).union(theirs.keys).sorted() where !ignoredTags.contains(key) {
            let elementPath = path + "/" + key
            guard let mine = ours[key] as? [String: Any] else {
                differences.append("\(elementPath): only pydicom has it")
                continue
            }
            guard let other = theirs[key] as? [String: Any] else {
                differences.append("\(elementPath): only ours has it")
                continue
            }
            compareElement(mine, other, path: elementPath)
        }
    }

    private mutating func compareElement(_ ours: [String: Any], _ theirs: [String: Any], path: String) {
        let vr = ours["vr"] as? String ?? "?"
        if vr == "UN", let theirVR = theirs["vr"] as? String, theirVR != "UN", let reinterpreted = Self.reinterpret(ours, as: theirVR, path: path, bigEndian: pydicomBinaryIsBigEndian) {
            // pydicom gives a UN element another VR where we keep UN: from its private dictionary for implicit VR
            // private tags, and from the public one for explicit "UN" of a known tag (config.replace_un_with_known_vr).
            // PS3.5 §6.2.2 lets a reader keep UN, as ours does; compare the value read with pydicom's VR instead.
            compareElement(reinterpreted, theirs, path: path + "(as " + theirVR + ")")
            return
        }
        if vr != "UN", theirs["vr"] as? String == "UN", let reinterpreted = Self.reinterpret(theirs, as: vr, path: path, bigEndian: false) {
            // The other way round: pydicom's dictionary has no private group lengths (gggg,0000), which PS3.5 §7.2
            // makes UL in every group; ours reads them as UL.
            compareElement(ours, reinterpreted, path: path + "(pydicom's as " + vr + ")")
            return
        }
        if vr != (theirs["vr"] as? String ?? "?") {
            differences.append("\(path): VR \(vr) vs pydicom \(theirs["vr"] ?? "nil")")
            return
        }
        var theirValue = theirs["Value"] as? [Any]
        // pydicom writes "Value": [] for an empty sequence; PS3.18 §F.2.5 says an empty attribute has no Value.
        if vr == "SQ", theirValue?.isEmpty == true { theirValue = nil }
        let ourValue = ours["Value"] as? [Any]
        let ourBinary = (ours["InlineBinary"] as? String).flatMap { Data(base64Encoded: $0) }
        var theirBinary = (theirs["InlineBinary"] as? String).flatMap { Data(base64Encoded: $0) }
        if pydicomBinaryIsBigEndian, var bytes = theirBinary.map({ [UInt8]($0) }) {
            let unit = ["OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8][vr] ?? 1
            if unit > 1, bytes.count % unit == 0 {
                for start in stride(from: 0, to: bytes.count, by: unit) { bytes[start..<(start + unit)].reverse() }
                theirBinary = Data(bytes)
            }
        }
        if ourBinary != theirBinary {
            differences.append(
                "\(path): InlineBinary differs (\(ourBinary?.count ?? -1) vs pydicom \(theirBinary?.count ?? -1) bytes)")
        }
        switch (ourValue, theirValue) {
        case (nil, nil): break
        case (let a?, let b?):
            guard a.count == b.count else {
                differences.append("\(path): \(a.count) values vs pydicom \(b.count)")
                return
            }
            for (index, (x, y)) in zip(a, b).enumerated() {
                compareValue(x, y, vr: vr, path: "\(path)/Value/\(index)")
            }
        case (nil, _): differences.append("\(path): no Value in ours, pydicom has one")
        case (_, nil): differences.append("\(path): Value in ours, none in pydicom")
        }
    }

    private mutating func compareValue(_ ours: Any, _ theirs: Any, vr: String, path: String) {
        if vr == "SQ" {
            guard let a = ours as? [String: Any], let b = theirs as? [String: Any] else {
                differences.append("\(path): item is not an object")
                return
            }
            compare(ours: a, theirs: b, path: path)
            return
        }
        // PS3.18 §F.2.5: an empty value of a multi-valued element is null; pydicom writes "" for text.
        if ours is NSNull, (theirs as? String) == "" || theirs is NSNull { return }
        if let a = ours as? [String: Any], let b = theirs as? [String: Any] {
            if (a as NSDictionary) != (b as NSDictionary) { differences.append("\(path): PN \(a) vs pydicom \(b)") }
            return
        }
        if let a = ours as? NSNumber, let b = theirs as? NSNumber, !(ours is String) {
            // Numbers compare as Double: pydicom writes DS as Python floats (1.0 for "1"), we keep DS as written.
            if a.doubleValue != b.doubleValue || (vr != "DS" && vr != "FL" && vr != "FD" && a.int64Value != b.int64Value) {
                differences.append("\(path): \(a) vs pydicom \(b)")
            }
            return
        }
        if var a = ours as? String, var b = theirs as? String {
            // pydicom strips padding from the whole value, so a space before a backslash stays in the value before
            // it ("DERIVED \\PRIMARY"); leading and trailing spaces of such values are insignificant (PS3.5 §6.2).
            if !["LT", "ST", "UT", "UC", "UR"].contains(vr) {
                a = a.trimmingCharacters(in: .whitespaces)
                b = b.trimmingCharacters(in: .whitespaces)
            }
            if a != b { differences.append("\(path): \"\(a)\" vs pydicom \"\(b)\"") }
            return
        }
        differences.append("\(path): \(ours) vs pydicom \(theirs)")
    }
}
