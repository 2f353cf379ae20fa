import Crypto
import DICOM
import Deidentify
import Foundation
import Lake
import Storage
import Synchronization
import Synthesis
import TestSupport

/// A lake in a temporary directory under a fixed key, and helpers the lake's suites share.
struct TestLake {
    static let secret = SecureBytes((0..<48).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })

    let directory: TemporaryDirectory
    let lake: Lake

    init() throws {
        directory = try TemporaryDirectory(prefix: "lake")
        lake = try Lake.create(at: directory.file("lake"), secret: Self.secret)
    }

    /// The de-identification configuration the node uses: node default options, Safe Harbor text cleaning.
    static func deidentification() -> DeidentificationConfiguration {
        var configuration = DeidentificationConfiguration(key: secret)
        configuration.textCleaner = TextScrubber()
        return configuration
    }

    func pipeline(_ options: IngestOptions = IngestOptions(concurrency: 2, batchSize: 16), events: EventLog? = nil) throws
        -> IngestPipeline
    {
        try IngestPipeline(
            lake: lake, deidentification: Self.deidentification(), options: options,
            events: { event in events?.append(event) })
    }

    func count(_ sql: SQL) throws -> Int {
        try lake.database.read { db in try db.fetchOne(Int.self, sql) ?? 0 }
    }

    func strings(_ sql: SQL) throws -> [String] {
        try lake.database.read { db in try db.fetchAll(String.self, sql) }
    }
}

/// Collects ingest events from any thread.
final class EventLog: Sendable {
    private let events = Mutex<[IngestEvent]>([])

    func append(_ event: IngestEvent) { events.withLock { $0.append(event) } }

    var all: [IngestEvent] { events.withLock { $0 } }

    var quarantineCodes: [String] {
        all.compactMap { if case .objectQuarantined(_, let code) = $0 { code } else { nil } }
    }
}

/// Writes synthetic CT studies as Part 10 files: `study-<seed>/slice-<n>.dcm`.
@discardableResult
func writeStudies(to folder: URL, seeds: [UInt64], slices: Int) throws -> [String] {
    var paths: [String] = []
    for seed in seeds {
        let study = SyntheticStudy(seed: seed, slices: slices, size: 16)
        let studyFolder = folder.appendingPathComponent("study-\(seed)", isDirectory: true)
        try FileManager.default.createDirectory(at: studyFolder, withIntermediateDirectories: true)
        for (index, file) in study.files().enumerated() {
            let name = String(format: "slice-%03d.dcm", index)
            try DICOMWriter.write(file, to: studyFolder.appendingPathComponent(name))
            paths.append("study-\(seed)/\(name)")
        }
    }
    return paths
}

/// Searches bytes for the planted values of a synthetic corpus, as the end-to-end leak test of `fedlake deid`
/// does: every detectable value not kept on purpose, encoded in its character set and UTF-8, ASCII case folded.
struct PlantedValueSearch {
    let searched: [(planted: Manifest.Planted, pattern: [UInt8])]

    init(manifest: Manifest, options: ProfileOptions) {
        var searched: [(Manifest.Planted, [UInt8])] = []
        for planted in manifest.planted where planted.detectable && !Self.isRetainedOnPurpose(planted, options: options) {
            var patterns: Set<[UInt8]> = [Array(planted.value.utf8)]
            if let terms = planted.characterSet {
                let characterSet = SpecificCharacterSet(
                    terms: terms.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
                for vr in [VR.LO, .PN] {
                    if let encoded = characterSet.encode(planted.value, vr: vr) { patterns.insert(encoded) }
                }
            }
            for pattern in patterns.map(Self.fold) where pattern.count >= 3 { searched.append((planted, pattern)) }
        }
        self.searched = searched
    }

    /// Times of day (kept by whole-day date shifting) and values of attributes the options keep are no leak.
    static func isRetainedOnPurpose(_ planted: Manifest.Planted, options: ProfileOptions) -> Bool {
        if planted.kind == .time { return true }
        guard planted.attribute.hasPrefix("("), let tag = Tag(parsing: planted.attribute) else { return false }
        guard let resolved = ConfidentialityProfile.standard.action(for: tag, options: options) else { return false }
        return resolved.action == .keep
    }

    static func fold(_ bytes: [UInt8]) -> [UInt8] { bytes.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }

    /// The planted values found in `bytes` (dates only between non-digits, as a date can occur inside a UID).
    /// One pass over the bytes, with the patterns indexed by their first three bytes.
    func leaks(in bytes: [UInt8], name: String) -> [Leak] {
        let haystack = Self.fold(bytes)
        var index: [UInt32: [Int]] = [:]
        for (position, entry) in searched.enumerated() {
            let p = entry.pattern
            index[UInt32(p[0]) << 16 | UInt32(p[1]) << 8 | UInt32(p[2]), default: []].append(position)
        }
        var found: [String: Leak] = [:]
        guard haystack.count >= 3 else { return [] }
        for offset in 0...(haystack.count - 3) {
            let key = UInt32(haystack[offset]) << 16 | UInt32(haystack[offset + 1]) << 8 | UInt32(haystack[offset + 2])
            guard let candidates = index[key] else { continue }
            for candidate in candidates {
                let (planted, pattern) = searched[candidate]
                let end = offset + pattern.count
                guard end <= haystack.count, haystack[offset..<end].elementsEqual(pattern) else { continue }
                if planted.kind == .date || planted.kind == .datetime {
                    let before = offset > 0 ? haystack[offset - 1] : 0x20
                    let after = end < haystack.count ? haystack[end] : 0x20
                    if (0x30...0x39).contains(before) || (0x30...0x39).contains(after) { continue }
                }
                let text = "\(planted.kind) from \(planted.file) \(planted.path) in \(name)"
                found[text] = Leak(planted: planted, description: text)
            }
        }
        return found.values.sorted { $0.description < $1.description }
    }

    /// A planted value found in the output.
    struct Leak: CustomStringConvertible {
        let planted: Manifest.Planted
        let description: String

        /// Whether the value is written in a CJK script (kanji, hanzi, hangul, kana).
        var isCJK: Bool { planted.value.unicodeScalars.contains { $0.value >= 0x2E80 } }
    }
}
