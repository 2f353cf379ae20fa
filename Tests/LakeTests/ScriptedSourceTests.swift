import Connectors
import DICOM
import Foundation
import Lake
import Storage
import Synchronization
import Synthesis
import TestSupport
import Testing

/// A source whose listing and fetches a test scripts: the failures real servers show only by chance
/// (a fetch that keeps failing, a listing that hangs) on demand. Objects are real DICOM files.
final class ScriptedSource: IngestSource {
    let sourceID = "scripted"
    let files: [String: [UInt8]]
    /// Object IDs whose fetch fails with a retryable server error.
    let failing: Set<String>
    /// Released when the listing may answer.
    let gate: Mutex<Bool>
    let fetches = Atomic<Int>(0)
    /// Called with the number of fetches so far, as each fetch begins.
    let onFetch: @Sendable (Int) -> Void

    init(
        files: [String: [UInt8]], failing: Set<String> = [], open: Bool = true,
        onFetch: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.files = files
        self.failing = failing
        self.gate = Mutex(open)
        self.onFetch = onFetch
    }

    func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        while !gate.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let keys = files.keys.sorted()
        let start = cursor.flatMap { keys.firstIndex(of: String($0.value.dropFirst(6))).map { $0 + 1 } } ?? 0
        let page = Array(keys[min(start, keys.count)..<min(start + limit, keys.count)])
        let complete = start + limit >= keys.count
        return ChangeBatch(
            changes: page.map { .upsert(SourceObjectRef(id: $0, version: "v1")) },
            nextCursor: SourceCursor(complete ? "start" : "after:\(page.last ?? "")"), isComplete: complete)
    }

    func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        onFetch(fetches.add(1, ordering: .relaxed).newValue)
        if failing.contains(object.id) {
            throw ConnectorError(.serverError, source: sourceID, operation: "GET", objectLabel: "x", reason: "HTTP 500")
        }
        let bytes = files[object.id] ?? []
        try Data(bytes).write(to: file)
        return .fetched(FetchedObject(ref: object, file: file, byteCount: Int64(bytes.count), sha256: [], version: "v1"))
    }

    static func instances(_ count: Int, seed: UInt64) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for (index, file) in SyntheticStudy(seed: seed, slices: count, size: 8).files().enumerated() {
            files[String(format: "i%03d.dcm", index)] = try DICOMWriter.encode(file)
        }
        return files
    }
}

@Suite struct ScriptedSourceTests {
    @Test func anObjectThatKeepsFailingIsRetriedOnLaterPassesThenQuarantined() async throws {
        let test = try TestLake()
        let source = ScriptedSource(files: try ScriptedSource.instances(6, seed: 3), failing: ["i002.dcm"])
        let descriptor = IngestSourceDescriptor(source: source, kind: .folder)
        let options = IngestOptions(concurrency: 2, batchSize: 10, maxAttempts: 3)
        // Passes 1 and 2: the failure stops the batch (the cursor stays); the attempt is counted.
        for attempt in 1...2 {
            let report = try await test.pipeline(options).ingestOnce([descriptor])
            #expect(!report.succeeded)
            #expect(try test.count("SELECT attempts FROM quarantine WHERE reason_code = 'fetchRetrying'") == attempt)
            #expect(try test.count("SELECT count(*) FROM sources WHERE cursor IS NULL") == 1)
            #expect(try test.lake.status().quarantined == 0)
        }
        // Pass 3: the last attempt quarantines it for good and the batch completes.
        let last = try await test.pipeline(options).ingestOnce([descriptor])
        #expect(last.succeeded, "\(last.sources)")
        #expect(try test.strings("SELECT reason_code FROM quarantine") == ["fetchFailed"])
        #expect(try test.count("SELECT attempts FROM quarantine") == 3)
        #expect(try test.count("SELECT count(*) FROM instances") == 5)
        #expect(try test.lake.status().quarantined == 1)
        // Later passes leave it alone.
        let before = source.fetches.load(ordering: .relaxed)
        _ = try await test.pipeline(options).ingestOnce([descriptor])
        #expect(source.fetches.load(ordering: .relaxed) == before)
    }

    @Test func onlyOneRunIngestsIntoALakeAtATime() async throws {
        let test = try TestLake()
        let source = ScriptedSource(files: try ScriptedSource.instances(2, seed: 4), open: false)
        let descriptor = IngestSourceDescriptor(source: source, kind: .folder)
        let pipeline = try test.pipeline()
        let first = Task { try await pipeline.ingestOnce([descriptor]) }
        try await Task.sleep(for: .milliseconds(100))
        let error = await #expect(throws: LakeError.self) { try await pipeline.ingestOnce([descriptor]) }
        #expect(error?.description.contains("another process is ingesting") == true)
        source.gate.withLock { $0 = true }
        #expect(try await first.value.succeeded)
        #expect(try test.count("SELECT count(*) FROM instances") == 2)
    }

    /// Instances up to 1 MiB are de-identified into memory, larger ones streamed to a file; either way pixel
    /// data the reader deferred (beyond 64 KiB) reaches the stored object byte for byte.
    @Test func largePixelDataIsStoredWholeFromMemoryAndFromAFile() async throws {
        let test = try TestLake()
        var files: [String: [UInt8]] = [:]
        var pixels: Set<[UInt8]> = []
        for (name, size) in [("ct-256.dcm", 256), ("ct-1024.dcm", 1024)] {
            let file = try #require(SyntheticStudy(seed: UInt64(size), slices: 1, size: size).files().first)
            pixels.insert(try #require(file.dataset[.pixelData]?.bytes))
            files[name] = try DICOMWriter.encode(file)
        }
        #expect(files["ct-1024.dcm"].map { $0.count > 1 << 20 } == true)
        let source = ScriptedSource(files: files)
        let report = try await test.pipeline().ingestOnce([IngestSourceDescriptor(source: source, kind: .folder)])
        #expect(report.totals.committed == 2)
        let stored = test.lake.storedFiles()
        #expect(stored.count == 2)
        for url in stored {
            let file = try DICOMReader.read(contentsOf: url)
            #expect(pixels.contains(try #require(file.dataset[.pixelData]?.bytes)))
        }
    }

    @Test func aStopRequestFinishesObjectsInFlightAndLeavesTheCursor() async throws {
        let test = try TestLake()
        let stop = StopSignal()
        // The stop comes as the fourth object is fetched: the four started finish and commit; no object starts
        // after the request is seen (one or two more may have started before it: two are in flight).
        let source = ScriptedSource(files: try ScriptedSource.instances(30, seed: 5)) { fetches in
            if fetches == 4 { stop.request() }
        }
        let descriptor = IngestSourceDescriptor(source: source, kind: .folder)
        let pipeline = try IngestPipeline(
            lake: test.lake, deidentification: TestLake.deidentification(), options: IngestOptions(concurrency: 2, batchSize: 30))
        let report = try await pipeline.ingestOnce([descriptor], stop: stop)
        #expect(report.stopped)
        let committed = try test.count("SELECT count(*) FROM instances")
        #expect(committed >= 4 && committed < 10)
        #expect(try test.count("SELECT count(*) FROM sources WHERE cursor IS NULL") == 1)
        // The next run picks up the rest, each object once.
        let rest = try await test.pipeline().ingestOnce([descriptor])
        #expect(rest.totals.committed == 30 - committed)
        #expect(try test.count("SELECT count(*) FROM instances") == 30)
    }
}
