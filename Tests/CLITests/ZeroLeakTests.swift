import DICOM
import Deidentify
import Foundation
import Synthesis
import TestSupport
import Testing

/// The end-to-end privacy check: `fedlake synth` plants a known value in every Table E.1-1 attribute (at
/// depth 0, 1, 3 and 8, in private blocks, SR content, file meta) and in documents; `fedlake deid` runs
/// over the corpus; then every output byte is searched for every planted value, case-insensitively and
/// encoded in the character set it was planted in as well as UTF-8, and every DICOM output's text once more
/// decoded into UTF-8 (``PlantedValueSearch``).
@Suite struct ZeroLeakTests {
    private func leaks(options: [String]) throws -> (leaks: [String], checked: Int, outputs: Int) {
        let corpus = try TemporaryDirectory(prefix: "leak-in")
        let output = try TemporaryDirectory(prefix: "leak-out")
        let keys = try TemporaryDirectory(prefix: "leak-key")
        let key = keys.file("node.key")
        try Data((0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let fedlake = try ToolLocator.fedlake()
        let synth = try ProcessRunner.run(fedlake, ["synth", "--out", corpus.path, "--patients", "5", "--seed", "7"])
        #expect(synth.status == 0, "\(synth.standardError)")
        let deid = try ProcessRunner.run(
            fedlake, ["deid", "--out", output.path, "--key-file", key.path] + options.flatMap { ["--option", $0] } + [corpus.path])
        #expect(deid.status == 0, "\(deid.standardError)")
        let manifest = try Manifest.decode(try Data(contentsOf: corpus.file("manifest.json")))
        let profileOptions = try ProfileOptions(configNames: options.filter { $0 != "basic" })

        let search = PlantedValueSearch(manifest: manifest, options: profileOptions)
        var found: [String] = []
        var outputs = 0
        let base = output.url.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: output.url, includingPropertiesForKeys: nil) ?? .init() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            outputs += 1
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            found += try search.leaks(inFile: url, name: relative, mirrored: relative).map(\.description)
        }
        #expect(outputs > 10, "the de-identifier wrote too little to check")
        let checked = search.values.count
        return (found, checked, outputs)
    }

    @Test func noPlantedValueSurvivesTheBasicProfile() throws {
        let result = try leaks(options: ["basic"])
        #expect(result.checked > 2000)
        #expect(result.leaks.isEmpty, "\(result.leaks.count) leaks, first: \(result.leaks.prefix(10))")
    }

    @Test func noPlantedValueSurvivesTheNodeDefaultOptions() throws {
        let result = try leaks(options: [
            "retainLongitudinalTemporalInformationModifiedDates", "retainPatientCharacteristics", "cleanDescriptors",
            "cleanStructuredContent",
        ])
        #expect(result.checked > 2000)
        #expect(result.leaks.isEmpty, "\(result.leaks.count) leaks, first: \(result.leaks.prefix(10))")
    }
}
