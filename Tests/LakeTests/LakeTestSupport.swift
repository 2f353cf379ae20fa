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

