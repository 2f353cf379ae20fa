import DICOM
import Foundation
import TestSupport
import Testing

/// Independent checks of DICOMWriter: every file of pydicom's corpus that we read is written in explicit VR
/// little endian and in its own transfer syntax; pydicom must read each output without a warning and find
/// the same elements and values as in the input (`tools/pydicom_compare.py`), and dcmdump must read it
/// without a warning or error.
@Suite(.enabled(if: Oracle.enabled, "needs python3 with pydicom, dcmdump and dcmconv"))
struct WriterOracleTests {
    /// Inputs left out, with the reason.
    static let excluded: [String: String] = [
        // pydicom cannot produce the input's JSON (IS value "1A"), so there is nothing to compare with.
        "badVR.dcm": "pydicom's to_json_dict cannot encode the IS value '1A'"
    ]

    @Test func pydicomAndDcmdumpReadWhatWeWriteAndFindTheSameValues() throws {
        try Oracle.requireTools()
        let inputs = try Oracle.bundledFiles().filter { PydicomOracleTests.excluded[URL(fileURLWithPath: $0).lastPathComponent] == nil }
        let directory = try TemporaryDirectory(prefix: "writer-oracle")
        var pairs: [String] = []
        var outputs: [String] = []
        for (index, input) in inputs.enumerated() {
            let file: DICOMFile
            do {
                file = try DICOMReader.read(path: input, options: .lenient)
            } catch {
                Issue.record("\(input): our reader refused it: \(error)")
                continue
            }
            let syntaxes: [(String, TransferSyntax?)] = [("explicit", .explicitVRLittleEndian), ("own", nil)]
            for (name, syntax) in syntaxes {
                if syntax == nil, file.transferSyntax == .explicitVRLittleEndian { continue }
                // Compressed pixel data stays in its own syntax: the writer does not decompress (PS3.5 §A.4).
                if syntax != nil, file.transferSyntax.isEncapsulated { continue }
                let output = directory.file("\(index)-\(name).dcm")
                do {
                    try DICOMWriter.write(file, to: output, options: .init(transferSyntax: syntax))
                } catch {
                    Issue.record("\(input): the writer refused \(name) output: \(error)")
                    continue
                }
                pairs += [input, output.path]
                outputs.append(output.path)
            }
        }
        // pydicom: one process for every pair.
        let report = try Oracle.runJSON("pydicom_compare.py", pairs)
        let results = report["pairs"] as? [[String: Any]] ?? []
        #expect(results.count == outputs.count)
        var equal = 0
        for result in results {
            let differences = result["differences"] as? [String] ?? ["no answer"]
            if differences.isEmpty {
                equal += 1
            } else {
                Issue.record("\(result["input"] ?? "?") → \(result["output"] ?? "?"): \(differences.prefix(6).joined(separator: "; "))")
            }
        }
        // dcmdump: one process for all outputs; only if it complains, one per file to name the culprits.
        let dump = try ProcessRunner.run(tool: "dcmdump", outputs)
        var dcmdumpClean = outputs.count
        if dump.status != 0 || !dump.standardError.isEmpty {
            let inputOf = Dictionary(uniqueKeysWithValues: stride(from: 0, to: pairs.count, by: 2).map { (pairs[$0 + 1], pairs[$0]) })
            let verdicts = Oracle.parallelMap(outputs) { output -> String? in
                guard let result = try? ProcessRunner.run(tool: "dcmdump", [output]) else { return "dcmdump not run" }
                if result.status == 0, result.standardError.isEmpty { return nil }
                // Warnings dcmdump also gives on the input are the input's defects carried over (an odd-length
                // fragment, an element in the illegal group 0001), not the writer's.
                let input = inputOf[output] ?? ""
                let inputLines = Set(((try? ProcessRunner.run(tool: "dcmdump", [input]))?.standardError ?? "")
                    .split(separator: "\n").map(String.init))
                let fresh = result.standardError.split(separator: "\n").map(String.init).filter { line in
                    // dcmdump notes that it read an undefined-length private sequence in implicit VR as a sequence
                    // (CP-246, PS3.5 §6.2.2): the encoding the writer chooses so such sequences stay recognisable.
                    !inputLines.contains(line) && !line.contains("(CP-246)")
                }
                return fresh.isEmpty && result.status == 0 ? nil : fresh.joined(separator: "\n")
            }
            for (output, verdict) in zip(outputs, verdicts) {
                if let verdict {
                    dcmdumpClean -= 1
                    Issue.record("dcmdump on \(output): \(verdict.prefix(300))")
                }
            }
        }
        print("writer oracle: \(inputs.count) inputs, \(outputs.count) outputs, pydicom equal \(equal), dcmdump clean \(dcmdumpClean)")
        #expect(outputs.count > 200)
        #expect(equal == outputs.count)
        #expect(dcmdumpClean == outputs.count)
    }
}
