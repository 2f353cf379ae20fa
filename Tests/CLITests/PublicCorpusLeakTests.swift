import DICOM
import Deidentify
import Foundation
import TestSupport
import Testing

/// `fedlake deid` over public test data that carries real-looking identifiers: pydicom's bundled files and
/// deid-data's images (ultrasounds with burned-in text among them). Every input ends de-identified or
/// quarantined, and no identifying value of an input survives in its output.
@Suite struct PublicCorpusLeakTests {
    /// Files listed by a Python one-liner; empty (and a failure in CI) when the package is missing.
    private func pythonList(_ script: String) throws -> [String] {
        let result = try ProcessRunner.run(tool: "python3", ["-c", script])
        if result.status != 0 {
            #expect(!ToolLocator.isContinuousIntegration, "python3 could not list the corpus: \(result.standardError)")
            return []
        }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    /// The text values of `dataset`, at every depth, of attributes the profile does not keep under `options`.
    private func identifyingValues(
        _ dataset: Dataset, options: ProfileOptions, into values: inout Set<String>, kept: inout Set<String>
    ) {
        for element in dataset {
            if let items = element.items {
                for item in items { identifyingValues(item, options: options, into: &values, kept: &kept) }
                continue
            }
            guard element.vr.isString, element.vr != .UI, let strings = dataset.strings(for: element.tag) else { continue }
            let action = ConfidentialityProfile.standard.action(for: element.tag, options: options)?.action
            let identifying = element.tag.isPrivate || [.dummy, .zeroLength, .remove, .zeroLengthOrDummy,
                .removeOrZeroLength, .removeOrDummy, .removeOrZeroLengthOrDummy].contains(action)
            for value in strings {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                if identifying { values.insert(trimmed) } else { kept.insert(trimmed) }
            }
        }
    }

    @Test func publicFilesAreDeidentifiedOrQuarantinedWithoutLeaks() throws {
        let files = try pythonList("""
            import os, pydicom, deid_data
            roots = [os.path.join(os.path.dirname(pydicom.__file__), 'data', 'test_files'),
                     os.path.join(os.path.dirname(deid_data.__file__), 'data')]
            for root in roots:
                for folder, _, names in os.walk(root):
                    for name in sorted(names):
                        if name.endswith(('.dcm', '.DCM')) or '.' not in name: print(os.path.join(folder, name))
            """)
        guard !files.isEmpty else { return }
        let input = try TemporaryDirectory(prefix: "public-in")
        for (index, path) in files.enumerated() {
            try FileManager.default.copyItem(
                atPath: path, toPath: input.file(String(format: "%04d-", index) + URL(fileURLWithPath: path).lastPathComponent).path)
        }
        let output = try TemporaryDirectory(prefix: "public-out")
        let result = try ProcessRunner.run(try ToolLocator.fedlake(), ["deid", "--out", output.path, "--json", input.path])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let quarantined = Set(((report["quarantined"] as? [[String: String]]) ?? []).compactMap { $0["path"] })
        let names = try FileManager.default.contentsOfDirectory(atPath: input.path)
        var leaks: [String] = []
        var written = 0
        for name in names.sorted() {
            let out = output.file(name)
            let exists = FileManager.default.fileExists(atPath: out.path)
            #expect(exists != quarantined.contains(name), "\(name) must be written or quarantined, not both or neither")
            guard exists, let original = try? DICOMReader.read(contentsOf: input.file(name), options: .lenient) else { continue }
            written += 1
            var values: Set<String> = []
            var kept: Set<String> = []
            identifyingValues(original.dataset, options: .nodeDefault, into: &values, kept: &kept)
            identifyingValues(original.fileMeta, options: .nodeDefault, into: &values, kept: &kept)
            let bytes = try Data(contentsOf: out)
            // A value that is part of a kept value is no leak: InstitutionName "TOSHIBA" inside the kept
            // Manufacturer "TOSHIBA_MEC", a private model name inside the kept ManufacturerModelName.
            let candidates = values.filter { value in !kept.contains { $0.contains(value) } }
            for value in candidates where value.count >= 6 && value != "ANONYMIZED" {
                if bytes.range(of: Data(value.utf8)) != nil { leaks.append("\(name): a \(value.count)-character value") }
            }
        }
        #expect(written > 50, "too few public files were de-identified to mean anything")
        #expect(leaks.isEmpty, "\(leaks.count) leaks: \(leaks.prefix(20))")
        // Every ultrasound of deid-data carries burned-in text and no cleaning rule exists: all quarantined.
        let ultrasounds = names.filter { name in files.contains { $0.contains("/ultrasounds/") && $0.hasSuffix(String(name.dropFirst(5))) } }
        #expect(!ultrasounds.isEmpty || files.allSatisfy { !$0.contains("/ultrasounds/") })
        for name in ultrasounds { #expect(quarantined.contains(name), "\(name) is an ultrasound and must be quarantined") }
    }
}
