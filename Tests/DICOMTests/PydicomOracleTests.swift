import DICOM
import Foundation
import TestSupport
import Testing

/// pydicom (an independent implementation) as the oracle for our reader and DICOM JSON encoder: for every
/// file pydicom bundles and reads, our JSON must equal the JSON of pydicom's `to_json_dict()` element by
/// element — on the files as shipped, and on copies dcmtk's `dcmconv` converted to other transfer syntaxes.
@Suite(.enabled(if: Oracle.enabled, "needs python3 with pydicom, dcmdump and dcmconv"))
struct PydicomOracleTests {
    /// Files left out, each with the reason. Keep this short and honest.
    static let excluded: [String: String] = [
        // (1A) in an IS element: pydicom reads it but its to_json_dict raises "invalid literal for int()", so
        // there is no oracle JSON; our encoder writes the value as a JSON string (PS3.18 §F.2.3.1).
        "badVR.dcm": "pydicom's to_json_dict cannot encode the IS value '1A'",
    ]

    static func isExcluded(_ path: String) -> Bool { excluded[URL(fileURLWithPath: path).lastPathComponent] != nil }

    /// Compares our JSON of `path` (meta and data set) with pydicom's; returns the differences.
    static func differences(path: String, oracle: [String: Any]) -> [String] {
        let file: DICOMFile
        do {
            file = try DICOMReader.read(path: path, options: .lenient)
        } catch {
            return ["our reader refused it: \(error)"]
        }
        var comparison = JSONComparison()
        comparison.pydicomBinaryIsBigEndian = !file.transferSyntax.isLittleEndian
        do {
            comparison.compare(ours: try Oracle.ourJSON(file.fileMeta), theirs: oracle["meta"] as? [String: Any] ?? [:], path: "meta")
            comparison.compare(ours: try Oracle.ourJSON(file.dataset), theirs: oracle["dataset"] as? [String: Any] ?? [:])
        } catch {
            return ["our JSON encoder failed: \(error)"]
        }
        return comparison.differences
    }

    /// Runs the comparison over `paths`; returns (compared, equal).
    static func compareAll(_ paths: [String]) throws -> (Int, Int) {
        let oracle = try Oracle.pydicomJSON(paths)
        var compared = 0
        var equal = 0
        let jobs = paths.compactMap { path -> (String, [String: Any])? in
            guard let result = oracle[path] else {
                Issue.record("pydicom gave no answer for \(path)")
                return nil
            }
            if let error = result["error"] {
                Issue.record("pydicom cannot read \(path) (\(error)); list it in `excluded` with the reason")
                return nil
            }
            return (path, result)
        }
        for (path, result) in jobs {
            compared += 1
            let found = differences(path: path, oracle: result)
            if found.isEmpty {
                equal += 1
            } else {
                Issue.record("\(path): \(found.count) differences, first: \(found.prefix(6).joined(separator: "; "))")
            }
        }
        return (compared, equal)
    }

    @Test func ourJSONOfEveryBundledFileEqualsPydicoms() throws {
        try Oracle.requireTools()
        let all = try Oracle.bundledFiles()
        #expect(all.count > 150)
        let paths = all.filter { !Self.isExcluded($0) }
        let (compared, equal) = try Self.compareAll(paths)
        print("pydicom oracle: \(all.count) files, \(compared) compared, \(equal) equal, \(all.count - paths.count) excluded")
        #expect(compared == paths.count)
        #expect(equal == compared)
    }

    /// dcmconv options and the transfer syntaxes they convert to.
    static let conversions = [("+ti", "implicit"), ("+tb", "bigendian"), ("+td", "deflated")]

    @Test func ourJSONOfDcmconvCopiesEqualsPydicoms() throws {
        try Oracle.requireTools()
        let paths = try Oracle.bundledFiles().filter { !Self.isExcluded($0) }
        let directory = try TemporaryDirectory(prefix: "dcmconv")
        let jobs = paths.enumerated().flatMap { index, path in
            Self.conversions.map { option, suffix in
                (path, option, directory.file("\(index)-\(suffix).dcm").path)
            }
        }
        // One dcmconv per copy, two at a time; a copy dcmconv refuses is skipped with its reason.
        let refusals = Oracle.parallelMap(jobs) { job -> String? in
            let (input, option, output) = job
            guard let result = try? ProcessRunner.run(tool: "dcmconv", [option, input, output]) else { return "not run" }
            guard result.status == 0, FileManager.default.fileExists(atPath: output) else {
                return result.standardError.split(separator: "\n").last.map(String.init) ?? "exit \(result.status)"
            }
            return nil
        }
        var converted: [String] = []
        var reasons: [String: Int] = [:]
        for (job, refusal) in zip(jobs, refusals) {
            if let refusal {
                // dcmconv cannot decompress encapsulated pixel data to a native syntax ("no conversion to
                // transfer syntax ... possible"), and reads no file without meta information.
                let reason = refusal.replacingOccurrences(of: job.0, with: "FILE")
                reasons[reason, default: 0] += 1
            } else {
                converted.append(job.2)
            }
        }
        let (compared, equal) = try Self.compareAll(converted)
        print("dcmconv copies: \(jobs.count) attempted, \(converted.count) converted, \(compared) compared, \(equal) equal")
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) { print("  dcmconv refused \(count): \(reason)") }
        #expect(converted.count > 300)
        #expect(equal == compared)
    }
}
