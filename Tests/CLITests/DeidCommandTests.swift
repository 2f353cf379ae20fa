import DICOM
import Foundation
import Synthesis
import TestSupport
import Testing

/// `fedlake deid` against the built binary: outputs, determinism, the key file rule, exit codes.
@Suite struct DeidCommandTests {
    /// A folder with a small synthetic CT series in a sub-folder and one file that is not DICOM.
    private func makeInput() throws -> (TemporaryDirectory, SyntheticStudy) {
        let folder = try TemporaryDirectory(prefix: "deid-in")
        let study = SyntheticStudy(seed: 11, slices: 3, size: 16)
        let series = folder.file("patient/series")
        try FileManager.default.createDirectory(at: series, withIntermediateDirectories: true)
        for (index, file) in study.files().enumerated() {
            try DICOMWriter.write(file, to: series.appendingPathComponent("\(index).dcm"))
        }
        try Data("not a DICOM file".utf8).write(to: folder.file("patient/notes.bin"))
        return (folder, study)
    }

    private func keyFile(in folder: TemporaryDirectory, mode: Int = 0o600) throws -> String {
        let url = folder.file("node.key")
        try Data("an example key of more than 32 bytes for tests only\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url.path
    }

    private func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) ?? .init() {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[String(url.standardizedFileURL.path.dropFirst(base.count))] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func mirrorsTheTreeQuarantinesWhatItCannotReadAndLeaksNoPatientName() throws {
        let (input, study) = try makeInput()
        let keys = try TemporaryDirectory(prefix: "keys")
        let output = try TemporaryDirectory(prefix: "deid-out")
        let result = try ProcessRunner.run(
            try ToolLocator.fedlake(), ["deid", "--out", output.path, "--key-file", try keyFile(in: keys), input.path])
        #expect(result.status == 0, "\(result.standardError)")
        let files = try tree(output.url)
        #expect(Set(files.keys) == ["/deid-report.json", "/patient/series/0.dcm", "/patient/series/1.dcm", "/patient/series/2.dcm"])
        let report = try #require(try JSONSerialization.jsonObject(with: files["/deid-report.json"] ?? Data()) as? [String: Any])
        let quarantined = try #require(report["quarantined"] as? [[String: String]])
        #expect(quarantined.map { $0["path"] } == ["patient/notes.bin"])
        let family = try #require(study.patientName.split(separator: "^").first)
        for (name, data) in files where name.hasSuffix(".dcm") {
            #expect(data.range(of: Data(family.utf8)) == nil, "patient name leaked into \(name)")
            #expect(data.range(of: Data(study.patientID.utf8)) == nil, "patient ID leaked into \(name)")
            #expect(data.range(of: Data(study.studyInstanceUID.utf8)) == nil, "study UID leaked into \(name)")
        }
    }

    @Test func theSameInputAndKeyGiveByteIdenticalOutputWhateverTheThreads() throws {
        let (input, _) = try makeInput()
        let keys = try TemporaryDirectory(prefix: "keys")
        let key = try keyFile(in: keys)
        let first = try TemporaryDirectory(prefix: "deid-a")
        let second = try TemporaryDirectory(prefix: "deid-b")
        let fedlake = try ToolLocator.fedlake()
        #expect(try ProcessRunner.run(fedlake, ["deid", "--out", first.path, "--key-file", key, "--jobs", "1", input.path]).status == 0)
        #expect(try ProcessRunner.run(fedlake, ["deid", "--out", second.path, "--key-file", key, "--jobs", "4", input.path]).status == 0)
        #expect(try tree(first.url) == tree(second.url))
    }

    @Test func refusesAKeyFileOthersCanRead() throws {
        let (input, _) = try makeInput()
        let keys = try TemporaryDirectory(prefix: "keys")
        let output = try TemporaryDirectory(prefix: "deid-out")
        let result = try ProcessRunner.run(
            try ToolLocator.fedlake(),
            ["deid", "--out", output.path, "--key-file", try keyFile(in: keys, mode: 0o644), input.path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("chmod 600"))
        #expect(!result.standardError.contains("example key"))
        #expect(try tree(output.url).isEmpty)
    }

    @Test func unknownOrConflictingOptionsAreUsageErrors() throws {
        let fedlake = try ToolLocator.fedlake()
        let unknown = try ProcessRunner.run(fedlake, ["deid", "--out", "x", "--option", "keepEverything", "in"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("keepEverything"))
        let conflicting = try ProcessRunner.run(
            fedlake,
            ["deid", "--out", "x", "--option", "retainLongitudinalTemporalInformationFullDates",
             "--option", "retainLongitudinalTemporalInformationModifiedDates", "in"])
        #expect(conflicting.status == 2)
        let missing = try ProcessRunner.run(fedlake, ["deid", "in"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("--out"))
    }
}

@Suite struct PixelRulesOptionTests {
    @Test func aRuleLetsSyntheticUltrasoundThroughWithItsTextRegionBlanked() throws {
        let corpus = try TemporaryDirectory(prefix: "rules-in")
        let output = try TemporaryDirectory(prefix: "rules-out")
        let fedlake = try ToolLocator.fedlake()
        #expect(try ProcessRunner.run(fedlake, ["synth", "--out", corpus.path, "--patients", "1"]).status == 0)
        let rules = corpus.file("rules.json")
        try Data("""
            [{"name": "synthetic US", "modality": "US", "manufacturer": "Synthetic Scanners Inc.",
              "rectangles": [{"x": 0, "y": 0, "width": 32, "height": 8}]}]
            """.utf8).write(to: rules)
        let result = try ProcessRunner.run(
            fedlake, ["deid", "--out", output.path, "--pixel-rules", rules.path, corpus.file("patient-0001").path])
        #expect(result.status == 0, "\(result.standardError)")
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(written.contains { $0.hasPrefix("us-") }, "a matching rule must let ultrasound through: \(written)")
        let dump = try ProcessRunner.run(fedlake, ["dicom", "dump", output.file("us-1.dcm").path])
        #expect(dump.standardOutput.contains("(0028,0301) CS [NO]"))
    }

    @Test func aRulesFileWithAnUnknownKeyIsAUsageErrorNamingIt() throws {
        let folder = try TemporaryDirectory(prefix: "rules")
        let rules = folder.file("rules.json")
        try Data(#"[{"name": "x", "modality": "US", "colour": "red", "rectangles": []}]"#.utf8).write(to: rules)
        let result = try ProcessRunner.run(
            try ToolLocator.fedlake(), ["deid", "--out", folder.file("out").path, "--pixel-rules", rules.path, folder.path])
        #expect(result.status == 2)
        #expect(result.standardError.contains("'colour'"))
    }
}
