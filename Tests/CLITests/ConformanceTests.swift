import Foundation
import TestSupport
import Testing

/// De-identification must not break the files: dicom3tools' `dciodvfy` reports no error on a de-identified
/// instance that it did not already report on the input (PS3.15 E.1: D and Z keep Type 1 and 2 attributes).
@Suite struct ConformanceTests {
    private func errors(_ file: URL) throws -> Set<String> {
        let result = try ProcessRunner.run(tool: "dciodvfy", [file.path])
        let lines = (result.standardOutput + result.standardError).split(separator: "\n")
        return Set(lines.filter { $0.hasPrefix("Error") }.map(String.init))
    }

    @Test func deidentifiedInstancesGainNoIODErrors() throws {
        guard ToolLocator.find("dciodvfy") != nil || ToolLocator.isContinuousIntegration else { return }
        let corpus = try TemporaryDirectory(prefix: "iod-in")
        let output = try TemporaryDirectory(prefix: "iod-out")
        let keys = try TemporaryDirectory(prefix: "iod-key")
        let key = keys.file("node.key")
        try Data("an example key of more than 32 bytes for tests only".utf8).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let fedlake = try ToolLocator.fedlake()
        #expect(try ProcessRunner.run(fedlake, ["synth", "--out", corpus.path, "--patients", "1"]).status == 0)
        let patient = corpus.file("patient-0001")
        let deid = try ProcessRunner.run(fedlake, ["deid", "--out", output.path, "--key-file", key.path, patient.path])
        #expect(deid.status == 0, "\(deid.standardError)")
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: output.path) where name.hasSuffix(".dcm") {
            let new = try errors(output.file(name)).subtracting(try errors(patient.appendingPathComponent(name)))
            #expect(new.isEmpty, "\(name): \(new.sorted())")
            checked += 1
        }
        #expect(checked >= 5, "too few instances were written to check")
    }
}
