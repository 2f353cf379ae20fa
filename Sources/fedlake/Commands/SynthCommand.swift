import Foundation
import Synthesis

/// `fedlake synth`: writes a reproducible synthetic corpus with planted PHI and its manifest.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesize DICOM and documents with planted PHI, and a manifest of it.",
        discussion: """
            Writes made-up patients as DICOM (CT, MR, CR, US single and multi-frame, NM multi-frame,
            Basic Text SR) in ISO_IR 100, ISO_IR 192, ISO_IR 144, GB18030 and ISO 2022 IR 87, with a
            radiology report, a CSV of studies and FHIR R4 JSON per patient, plus canary files holding a
            unique value in every attribute of PS3.15 Table E.1-1 at the top level and nested at depth
            1, 3 and 8. manifest.json lists every planted value; the same seed gives byte-identical files.
            """,
        arguments: [
            .option("out", valueName: "dir", help: "The folder to write the corpus into.", required: true),
            .option("patients", valueName: "n", help: "The number of made-up patients (1 to 10000).", default: "5"),
            .option("seed", valueName: "s", help: "The seed of every value.", default: "1"),
            .json,
        ])

    var out: URL
    var patients: Int
    var seed: UInt64
    var json: Bool

    init(arguments: ParsedArguments) throws {
        out = URL(fileURLWithPath: try arguments.required("out"), isDirectory: true)
        patients = try arguments.integer("patients", default: 5, in: 1...SyntheticCorpus.maximumPatients)
        seed = UInt64(try arguments.integer("seed", default: 1, in: 0...Int.max))
        json = arguments.flag("json")
    }

    mutating func run() async throws {
        let manifest = try SyntheticCorpus(seed: seed, patients: patients).write(to: out)
        var filesByKind: [String: Int] = [:]
        var bytes = 0
        for file in manifest.files {
            filesByKind[file.kind, default: 0] += 1
            let size = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file.path).path)[
                .size]
            bytes += (size as? Int) ?? 0
        }
        var plantedByKind: [String: Int] = [:]
        for value in manifest.planted { plantedByKind[value.kind.rawValue, default: 0] += 1 }
        let detectable = manifest.planted.filter(\.detectable).count
        let canaries = manifest.planted.filter(\.canary).count
        if json {
            let summary: [String: Any] = [
                "out": out.path, "seed": seed, "patients": patients, "files": manifest.files.count,
                "filesByKind": filesByKind, "bytes": bytes, "planted": manifest.planted.count,
                "plantedByKind": plantedByKind, "detectable": detectable, "canaries": canaries,
                "manifest": out.appendingPathComponent("manifest.json").path,
            ]
            let data = try JSONSerialization.data(
                withJSONObject: summary, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
            return
        }
        print(
            "Wrote a synthetic corpus of \(patients) patient\(patients == 1 ? "" : "s") (seed \(seed)) to \(out.path)")
        print(
            "  files: \(manifest.files.count) ("
                + filesByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        print("  bytes: \(bytes)")
        print(
            "  planted values: \(manifest.planted.count) (\(canaries) canaries, \(detectable) detectable by byte search)"
        )
        for (kind, count) in plantedByKind.sorted(by: { $0.key < $1.key }) {
            print("    \(kind): \(count)")
        }
        print("  manifest: \(out.appendingPathComponent("manifest.json").path)")
    }
}
