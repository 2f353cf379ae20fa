import DICOM
import Foundation
import Glibc
import Storage
import Synthesis
import TestSupport
import Testing

/// A node folder for command tests: a key file, a configuration, a lake.
struct NodeFolder {
    let directory: TemporaryDirectory
    var config: URL { directory.file("node.json") }
    var lake: URL { directory.file("lake") }

    init(sources: String, keyMode: Int = 0o600, ingest: String = #"{"batchSize": 10, "concurrency": 2}"#) throws {
        directory = try TemporaryDirectory(prefix: "node")
        let key = directory.file("node.key")
        try Data((0..<48).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: keyMode], ofItemAtPath: key.path)
        try Data(
            """
            {"institution": "Synthetic Hospital", "lake": "lake", "secretKeyFile": "node.key",
             "sources": \(sources), "ingest": \(ingest), "log": {"format": "json"}}
            """.utf8
        ).write(to: config)
    }

    func fedlake(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(try ToolLocator.fedlake(), arguments.map { $0 == "CONFIG" ? config.path : $0 })
    }

    func database() throws -> DatabaseQueue { try DatabaseQueue(path: lake.appendingPathComponent("lake.sqlite").path) }

    func count(_ sql: SQL) throws -> Int { try database().read { db in try db.fetchOne(Int.self, sql) ?? 0 } }
}

@Suite struct NodeCommandTests {
    @Test func initRefusesAKeyFileOthersCanReadAndCreatesNothing() throws {
        let node = try NodeFolder(sources: #"[{"type": "folder", "path": "in"}]"#, keyMode: 0o644)
        let result = try node.fedlake("node", "init", "--config", "CONFIG")
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("Error: "))
        #expect(result.standardError.contains("secretKeyFile"))
        #expect(result.standardError.contains("chmod 600"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: node.lake.path))
    }

    @Test func anUnknownConfigurationKeyIsNamedWithItsPath() throws {
        let node = try NodeFolder(sources: #"[{"type": "folder", "path": "in"}, {"type": "folder", "path": "b", "pth": "x"}]"#)
        let result = try node.fedlake("node", "init", "--config", "CONFIG")
        #expect(result.status == 1)
        #expect(result.standardError.contains("sources[1].pth: unknown key"), "\(result.standardError)")
        #expect(result.standardError.contains(node.config.path))
    }

    @Test func initIngestAndStatusReportTheLake() throws {
        let node = try NodeFolder(sources: #"[{"type": "folder", "path": "in"}]"#)
        try writeCrashCorpus(to: node.directory.file("in"), studies: 2, slices: 5, garbage: 1)
        #expect(try node.fedlake("node", "init", "--config", "CONFIG").status == 0)
        let again = try node.fedlake("node", "init", "--config", "CONFIG")
        #expect(again.status == 1 && again.standardError.contains("a lake already exists"))
        let ingest = try node.fedlake("node", "ingest", "--config", "CONFIG", "--once")
        #expect(ingest.status == 0, "\(ingest.standardError)")
        // Log lines are JSON objects on standard error.
        for line in ingest.standardError.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
        let status = try node.fedlake("node", "status", "--config", "CONFIG", "--json")
        #expect(status.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect(json["instances"] as? Int == 10)
        #expect(json["documents"] as? Int == 0)
        #expect(json["quarantined"] as? Int == 1)
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.count == 1 && sources.first?["objects"] as? Int == 10)
        let text = try node.fedlake("node", "status", "--config", "CONFIG")
        #expect(text.status == 0 && text.standardOutput.contains("10 instances"))
    }

    /// SIGKILL at random moments, at least 20 times, restarting each time: at the end every object is in the
    /// lake exactly once, the database is intact, and the quarantine holds exactly the planted bad files.
    @Test func survivesSIGKILLAtRandomMomentsWithEveryObjectExactlyOnce() async throws {
        let node = try NodeFolder(
            sources: #"[{"type": "folder", "path": "in"}]"#, ingest: #"{"batchSize": 8, "concurrency": 2}"#)
        let garbage = try writeCrashCorpus(to: node.directory.file("in"), studies: 6, slices: 50, garbage: 4)
        #expect(try node.fedlake("node", "init", "--config", "CONFIG").status == 0)
        let fedlake = try ToolLocator.fedlake()
        let loop = try await Self.onOwnThread { try Self.crashLoop(node, fedlake: fedlake) }
        let (kills, runs, finished, progress) = (loop.kills, loop.runs, loop.finished, loop.progress)
        #expect(loop.problems.isEmpty, "\(loop.problems)")
        #expect(kills >= 20)
        #expect(finished)
        // Most kills hit a run that was still committing objects, not an idle pass.
        #expect(progress.filter { $0 < 300 }.count >= 10, "instances after each kill: \(progress)")
        try Self.checkExactlyOnce(node, garbage: garbage)
        print("crash test: \(kills) kills over \(runs) runs; instances after each kill: \(progress)")
    }

    struct CrashLoop: Sendable {
        var kills: Int
        var runs: Int
        var finished: Bool
        var progress: [Int]
        var problems: [String]
    }

    /// Runs `node ingest --once` again and again, killing most runs with SIGKILL mid-ingest, until 20 kills are
    /// done and a run finishes. Synchronous, on a thread of its own: its timing must not wait for the test
    /// runner's shared threads, which other tests may keep busy.
    static func crashLoop(_ node: NodeFolder, fedlake: URL) throws -> CrashLoop {
        var random = SplitMix64(seed: 20261203)
        var kills = 0
        var runs = 0
        var finished = false
        var progress: [Int] = []  // instances in the lake after each kill
        var problems: [String] = []
        let logs = try TemporaryDirectory(prefix: "crash-logs")
        while (kills < 20 || !finished) && runs < 400 {
            runs += 1
            let process = Process()
            process.executableURL = fedlake
            process.arguments = ["node", "ingest", "--config", node.config.path, "--once"]
            let log = logs.file("run-\(runs).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            if kills < 20 {
                // Each kill lands after a random number of log lines (one per committed batch, on standard error,
                // written to the log file as they happen), plus a few random milliseconds: a point in the middle
                // of committing objects however fast the machine. Every fourth lands 1-40 ms after start
                // (recovery, listing, the first batch).
                let lines = random.int(in: 1...4)
                let deadline = Date().addingTimeInterval(kills % 4 == 3 ? Double(random.int(in: 1...40)) / 1000 : 60)
                while process.isRunning, Date() < deadline,
                    kills % 4 == 3 || Self.lineCount(log) < lines
                {
                    usleep(200)
                }
                if kills % 4 != 3 { usleep(UInt32(random.int(in: 0...3000))) }
            } else {
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning, Date() < deadline { usleep(2_000) }
            }
            if process.isRunning, kills < 20 {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
                process.waitUntilExit()
                if process.terminationReason != .uncaughtSignal { problems.append("run \(runs) was not killed") }
                progress.append(try node.count("SELECT count(*) FROM instances"))
            } else {
                process.waitUntilExit()
                let output = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).suffix(600)
                if process.terminationStatus != 0 { problems.append("run \(runs): \(output)") }
                finished = kills >= 20
            }
            try handle.close()
        }
        return CrashLoop(kills: kills, runs: runs, finished: finished, progress: progress, problems: problems)
    }

    /// `body` on a new thread, awaited.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// The number of complete lines in a log file so far.
    static func lineCount(_ file: URL) -> Int {
        ((try? Data(contentsOf: file)) ?? Data()).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    static func checkExactlyOnce(_ node: NodeFolder, garbage: [String]) throws {
        // Every object exactly once.
        #expect(try node.count("SELECT count(*) FROM instances") == 300)
        #expect(try node.count("SELECT count(DISTINCT sop_instance_uid) FROM instances") == 300)
        #expect(try node.count("SELECT count(*) FROM provenance") == 300)
        #expect(try node.count("SELECT count(*) FROM provenance WHERE status = 'current'") == 300)
        #expect(try node.count("SELECT count(DISTINCT object_key) FROM provenance") == 300)
        #expect(try node.count("SELECT count(*) FROM objects") == 300)
        #expect(try node.count("SELECT count(*) FROM studies") == 6)
        // Exactly the planted bad files are in quarantine, each once.
        let quarantined = try node.database().read { db in
            try db.fetchAll(String.self, "SELECT source_object FROM quarantine ORDER BY source_object")
        }
        #expect(quarantined == garbage.sorted())
        #expect(try node.count("SELECT count(*) FROM quarantine WHERE reason_code <> 'notDICOM'") == 0)
        #expect(try node.database().read { try $0.integrityCheck() }.isEmpty)
        // The store holds exactly the committed files: no orphan, none missing, nothing half-written.
        var stored: [String] = []
        let objects = node.lake.appendingPathComponent("objects")
        for case let url as URL in FileManager.default.enumerator(at: objects, includingPropertiesForKeys: nil) ?? .init()
        where url.lastPathComponent.count == 64 {
            stored.append(url.lastPathComponent)
        }
        let rows = try node.database().read { db in try db.fetchAll(String.self, "SELECT sha256 FROM objects") }
        #expect(Set(stored) == Set(rows) && stored.count == 300)
        #expect(try FileManager.default.contentsOfDirectory(atPath: objects.appendingPathComponent(".incoming").path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: node.lake.appendingPathComponent(".scratch").path).isEmpty)
    }
}

/// Writes `studies` synthetic CT series of `slices` small slices, and `garbage` files that are not DICOM;
/// returns the garbage files' relative paths.
@discardableResult
func writeCrashCorpus(to folder: URL, studies: Int, slices: Int, garbage: Int) throws -> [String] {
    for index in 0..<studies {
        let study = SyntheticStudy(seed: UInt64(1000 + index), slices: slices, size: 8)
        let studyFolder = folder.appendingPathComponent("study-\(index)", isDirectory: true)
        try FileManager.default.createDirectory(at: studyFolder, withIntermediateDirectories: true)
        for (slice, file) in study.files().enumerated() {
            try DICOMWriter.write(file, to: studyFolder.appendingPathComponent(String(format: "slice-%03d.dcm", slice)))
        }
    }
    var names: [String] = []
    for index in 0..<garbage {
        let name = index % 2 == 0 ? "garbage-\(index).dcm" : "study-\(index % max(studies, 1))/not-an-image-\(index)"
        try Data((0..<(200 + index * 50)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ index) }).write(
            to: folder.appendingPathComponent(name))
        names.append(name)
    }
    return names
}
