import DICOM
import Deidentify
import Foundation
import Synthesis
import TestSupport
import Testing

/// The end-to-end privacy check: `fedlake synth` plants a known value in every Table E.1-1 attribute (at
/// depth 0, 1, 3 and 8, in private blocks, SR content, file meta) and in documents; `fedlake deid` runs
/// over the corpus; then every output byte is searched for every planted value, case-insensitively and
/// encoded in the character set it was planted in as well as UTF-8.
@Suite struct ZeroLeakTests {
    /// What the options deliberately keep, and therefore is no leak: values of attributes whose table action
    /// under those options is K (keep), and times of day, which whole-day date shifting preserves by design
    /// (PS3.15 E.3.6 modifies dates; times keep their intervals).
    private func isRetainedOnPurpose(_ planted: Manifest.Planted, options: ProfileOptions) -> Bool {
        if planted.kind == .time { return true }
        guard planted.attribute.hasPrefix("("), let tag = Tag(parsing: planted.attribute) else { return false }
        guard let resolved = ConfidentialityProfile.standard.action(for: tag, options: options) else { return false }
        return resolved.action == .keep
    }

    /// Byte patterns a leak of `value` would show: its encoding in the planted character set and in UTF-8,
    /// folded to lower case in the ASCII range (the search folds the output the same way).
    private func patterns(for planted: Manifest.Planted) -> [[UInt8]] {
        var result: Set<[UInt8]> = [Array(planted.value.utf8)]
        if let terms = planted.characterSet {
            let characterSet = SpecificCharacterSet(terms: terms.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
            for vr in [VR.LO, .PN] {
                if let encoded = characterSet.encode(planted.value, vr: vr) { result.insert(encoded) }
            }
        }
        return result.map(Self.foldASCII).filter { $0.count >= 3 }
    }

    private static func foldASCII(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    /// Every occurrence of every pattern in `haystack`, found with one rolling-hash pass per pattern length
    /// (Rabin–Karp), as (pattern index, offset).
    private static func occurrences(of patterns: [[UInt8]], in haystack: [UInt8]) -> [(Int, Int)] {
        let multiplier: UInt64 = 1_099_511_628_211
        func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(0) { $0 &* multiplier &+ UInt64($1) } }
        var found: [(Int, Int)] = []
        let byLength = Dictionary(grouping: patterns.indices, by: { patterns[$0].count })
        for (length, indices) in byLength where length <= haystack.count {
            var table: [UInt64: [Int]] = [:]
            for index in indices { table[hash(patterns[index][...]), default: []].append(index) }
            var power: UInt64 = 1
            for _ in 1..<length { power = power &* multiplier }
            var rolling = hash(haystack[0..<length])
            var offset = 0
            while true {
                if let candidates = table[rolling] {
                    for index in candidates where haystack[offset..<(offset + length)].elementsEqual(patterns[index]) {
                        found.append((index, offset))
                    }
                }
                guard offset + length < haystack.count else { break }
                rolling = (rolling &- UInt64(haystack[offset]) &* power) &* multiplier &+ UInt64(haystack[offset + length])
                offset += 1
            }
        }
        return found
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private func leaks(options: [String]) throws -> (leaks: [String], checked: Int, outputs: Int) {
        let corpus = try TemporaryDirectory(prefix: "leak-in")
        let output = try TemporaryDirectory(prefix: "leak-out")
        let keys = try TemporaryDirectory(prefix: "leak-key")
        let key = keys.file("node.key")
        try Data((0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let fedlake = try ToolLocator.fedlake()
        let synth = try ProcessRunner.run(fedlake, ["synth", "--out", corpus.path, "--patients", "2", "--seed", "7"])
        #expect(synth.status == 0, "\(synth.standardError)")
        let deid = try ProcessRunner.run(
            fedlake, ["deid", "--out", output.path, "--key-file", key.path] + options.flatMap { ["--option", $0] } + [corpus.path])
        #expect(deid.status == 0, "\(deid.standardError)")
        let manifest = try Manifest.decode(try Data(contentsOf: corpus.file("manifest.json")))
        let profileOptions = try ProfileOptions(configNames: options.filter { $0 != "basic" })

        var outputs: [String: [UInt8]] = [:]
        let base = output.url.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: output.url, includingPropertiesForKeys: nil) ?? .init() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            outputs[relative] = Self.foldASCII([UInt8](try Data(contentsOf: url)))
        }
        #expect(outputs.count > 10, "the de-identifier wrote too little to check")
        var found: [String] = []
        var checked = 0
        var searched: [(planted: Manifest.Planted, pattern: [UInt8])] = []
        for planted in manifest.planted where planted.detectable && !isRetainedOnPurpose(planted, options: profileOptions) {
            checked += 1
            for pattern in patterns(for: planted) { searched.append((planted, pattern)) }
        }
        let allPatterns = searched.map(\.pattern)
        for (name, bytes) in outputs {
            for (index, offset) in Self.occurrences(of: allPatterns, in: bytes) {
                let (planted, pattern) = searched[index]
                if planted.kind == .date || planted.kind == .datetime {
                    // A date can occur by chance inside the digits of a pseudonymous UID, and a shifted date can
                    // equal another patient's original date: dates count in their own file, between non-digits.
                    guard name == planted.file else { continue }
                    let before = offset > 0 ? bytes[offset - 1] : 0x20
                    let after = offset + pattern.count < bytes.count ? bytes[offset + pattern.count] : 0x20
                    if Self.isDigit(before) || Self.isDigit(after) { continue }
                }
                found.append("\(planted.kind) planted at \(planted.file) \(planted.path) found in \(name) at byte \(offset)")
            }
        }
        return (found, checked, outputs.count)
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
