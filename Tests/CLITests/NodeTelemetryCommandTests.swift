import Dispatch
import Foundation
import Glibc
import HTTP
import Storage
import Synthesis
import TestSupport
import Testing

/// A node folder with a synthetic corpus in `corpus/` (planted PHI in values and file names), a folder
/// source named `import`, JSON logs and, when given, an explicit metrics address.
struct TelemetryNode {
    let node: NodeFolder
    let manifest: Manifest

    init(metricsListen: String?, pollIntervalSeconds: Double = 10) throws {
        node = try NodeFolder(
            sources: #"[{"type": "folder", "name": "import", "path": "corpus"}]"#,
            ingest: #"{"batchSize": 10, "concurrency": 2, "pollIntervalSeconds": \#(pollIntervalSeconds)}"#)
        if let metricsListen {
            let text = try String(contentsOf: node.config, encoding: .utf8)
            let edited = text.replacingOccurrences(
                of: #""log": {"format": "json"}"#,
                with: #""log": {"format": "json"}, "metrics": {"listen": "\#(metricsListen)"}"#)
            #expect(edited != text)
            try Data(edited.utf8).write(to: node.config)
        }
        manifest = try SyntheticCorpus(seed: 11, patients: 2).write(to: node.directory.file("corpus"))
    }

    /// A node with its lake created.
    static func make(metricsListen: String?, pollIntervalSeconds: Double = 10) async throws -> TelemetryNode {
        let made = try TelemetryNode(metricsListen: metricsListen, pollIntervalSeconds: pollIntervalSeconds)
        let created = try await made.fedlake("node", "init", "--config", "CONFIG")
        #expect(created.status == 0, "\(created.standardError)")
        return made
    }

    /// Runs the built `fedlake` off the cooperative pool (`CONFIG` stands for the configuration's path).
    func fedlake(_ arguments: String...) async throws -> ProcessResult {
        let node = node
        return try await offCooperativePool { try ProcessRunner.run(try ToolLocator.fedlake(), arguments.map { $0 == "CONFIG" ? node.config.path : $0 }) }
    }

    /// Runs a tool found on `PATH` off the cooperative pool.
    func tool(_ name: String, _ arguments: [String]) async throws -> ProcessResult {
        try await offCooperativePool { try ProcessRunner.run(tool: name, arguments) }
    }

    /// Planted values (at least 4 characters) and planted file names found in `text`.
    func plantedValues(in text: String) -> [String] {
        let lowered = text.lowercased()
        var found: [String] = []
        for planted in manifest.planted where planted.detectable && planted.value.count >= 4 {
            if lowered.contains(planted.value.lowercased()) { found.append("\(planted.kind) from \(planted.file)") }
        }
        for file in manifest.files {
            let name = URL(fileURLWithPath: file.path).lastPathComponent.lowercased()
            if name.contains("."), name.count >= 6, lowered.contains(name) { found.append("file name \(name)") }
        }
        return found
    }
}

/// Runs blocking work (a child process) on a Dispatch thread, so the test does not hold one of Swift's few
/// cooperative threads while other tests wait for them.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// The samples of a Prometheus text page by series (`name{labels}`).
func prometheusSamples(_ text: String) -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        samples[String(line[..<space])] = value
    }
    return samples
}

@Suite struct NodeIngestMetricsCommandTests {
    /// `node ingest` in follow mode serves /metrics on the configured loopback address; after two passes the
    /// counters equal the lake's totals, SIGTERM ends it with status 0, and every log line is a JSON object
    /// without a planted value.
    @Test func followModeServesMetricsThatMatchTheLake() async throws {
        let port = try FreePort.next()
        let node = try await TelemetryNode.make(metricsListen: "127.0.0.1:\(port)", pollIntervalSeconds: 0.3)
        let output = node.node.directory.file("ingest.stdout")
        let errors = node.node.directory.file("ingest.stderr")
        #expect(FileManager.default.createFile(atPath: output.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: errors.path, contents: nil))
        let process = Process()
        process.executableURL = try ToolLocator.fedlake()
        process.arguments = ["node", "ingest", "--config", node.node.config.path]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        let client = HTTPClient()
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        var samples: [String: Double] = [:]
        var contentType: String?
        // Scrape until two passes are done (the second finds every object unchanged), or the process ends.
        for _ in 0..<1200 where process.isRunning {
            if let response = try? await client.send(HTTPRequest(url: url)), response.status == 200 {
                samples = prometheusSamples(String(decoding: response.body, as: UTF8.self))
                contentType = response.header("Content-Type")
                if (samples["fedlake_ingest_passes_total"] ?? 0) >= 2 { break }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(process.isRunning, "ingest ended early: \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect((samples["fedlake_ingest_passes_total"] ?? 0) >= 2)
        let status = try await node.fedlake("node", "status", "--config", "CONFIG", "--json")
        #expect(status.status == 0)
        let lake = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        let instances = try #require(lake["instances"] as? Int)
        let documents = try #require(lake["documents"] as? Int)
        let quarantined = try #require(lake["quarantined"] as? Int)
        #expect(instances > 0 && documents > 0 && quarantined > 0)
        let committed = samples[#"fedlake_ingest_objects_total{outcome="committed",source="import"}"#]
        #expect(committed == Double(instances + documents))
        #expect(samples[#"fedlake_ingest_objects_total{outcome="quarantined",source="import"}"#] == Double(quarantined))
        #expect(samples["fedlake_lake_instances"] == Double(instances))
        #expect(samples["fedlake_lake_documents"] == Double(documents))
        #expect(samples["fedlake_lake_quarantined"] == Double(quarantined))
        // The second pass saw every listed object again, unchanged.
        let listed = samples["fedlake_ingest_last_pass_objects"] ?? 0
        #expect(listed == Double(instances + documents + quarantined))
        #expect((samples[#"fedlake_ingest_objects_total{outcome="unchanged",source="import"}"#] ?? 0) >= listed)
        #expect(samples[#"fedlake_ingest_source_errors_total{source="import"}"#] == 0)
        #expect(samples[#"fedlake_build_info{version="0.1.0"}"#] == 1)

        kill(process.processIdentifier, SIGTERM)
        try await offCooperativePool { process.waitUntilExit() }
        #expect(process.terminationStatus == 0)
        let log = try String(contentsOf: errors, encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.contains(#""message":"serving metrics""#) && $0.contains("127.0.0.1:\(port)") })
        #expect(lines.contains { $0.contains(#""message":"pass finished""#) })
        #expect(lines.contains { $0.contains(#""message":"object quarantined""#) })
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String, "not a JSON log line: \(line)")
        }
        #expect(!log.contains("\r"))
        let found = node.plantedValues(in: log + (try String(contentsOf: output, encoding: .utf8)))
        #expect(found.isEmpty, "\(found.count) planted values in the output: \(found.prefix(10))")
        // After the stop the endpoint is gone.
        let after = try? await client.send(HTTPRequest(url: url))
        #expect(after == nil)
    }

    /// A configured metrics address that another process holds stops ingest before it starts: exit 1 and an
    /// error naming the address.
    @Test func aBusyConfiguredMetricsPortFailsNamingTheAddress() async throws {
        let holder = try MetricsServer(listen: "127.0.0.1:0") { "" }
        defer { holder.stop() }
        let node = try await TelemetryNode.make(metricsListen: "127.0.0.1:\(holder.port)")
        let ingest = try await node.fedlake("node", "ingest", "--config", "CONFIG", "--once")
        #expect(ingest.status == 1)
        #expect(ingest.standardError.contains("Error: "), "\(ingest.standardError)")
        #expect(ingest.standardError.contains("metrics.listen: cannot serve metrics on 127.0.0.1:\(holder.port)"))
        #expect(ingest.standardError.contains("already in use"))
        #expect(try node.node.count("SELECT count(*) FROM provenance") == 0)
    }
}

@Suite struct NodeIngestProgressCommandTests {
    /// Under a pseudo-terminal (`script` from util-linux) standard error shows the live progress line,
    /// redrawn in place with carriage returns and ended with a newline; per-object lines are left out.
    @Test(.enabled(if: ToolLocator.find("script") != nil, "script (util-linux) not installed"))
    func aTerminalShowsTheProgressLine() async throws {
        let node = try await TelemetryNode.make(metricsListen: "127.0.0.1:0")
        let command = "'\(try ToolLocator.fedlake().path)' node ingest --config '\(node.node.config.path)' --once"
        let run = try await node.tool("script", ["-qec", command, "/dev/null"])
        #expect(run.status == 0, "\(run.standardOutput)")
        let screen = run.standardOutput
        let status = try await node.fedlake("node", "status", "--config", "CONFIG", "--json")
        let lake = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        let total = (lake["instances"] as? Int ?? 0) + (lake["documents"] as? Int ?? 0) + (lake["quarantined"] as? Int ?? 0)
        #expect(total > 0)
        #expect(screen.contains("\rimport  ["), "\(screen.suffix(600))")
        #expect(screen.contains("100% \(total)/\(total) objects"), "\(screen.suffix(600))")
        #expect(screen.contains("objects/s"))
        #expect(screen.contains("ETA "))
        #expect(screen.contains("\(lake["quarantined"] as? Int ?? -1) quarantined\u{1B}[K\r\n"), "\(screen.suffix(600))")
        #expect(!screen.contains("object quarantined"))
        #expect(screen.contains(#""message":"pass finished""#))
        let found = node.plantedValues(in: screen)
        #expect(found.isEmpty, "\(found.prefix(10))")
    }

    /// Piped, standard error gets JSON lines only; `--progress always` draws the line anyway, `never` and an
    /// unknown value behave as documented.
    @Test func aPipeGetsLogLinesOnlyUnlessProgressIsAlways() async throws {
        let node = try await TelemetryNode.make(metricsListen: "127.0.0.1:0")
        let piped = try await node.fedlake("node", "ingest", "--config", "CONFIG", "--once")
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(!piped.standardError.contains("\r") && !piped.standardError.contains("objects/s"))
        for line in piped.standardError.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
        #expect(piped.standardError.contains(#""message":"object quarantined""#))
        let always = try await node.fedlake("node", "ingest", "--config", "CONFIG", "--once", "--progress", "always")
        #expect(always.status == 0)
        // The second pass lists everything again, unchanged.
        #expect(always.standardError.contains("\rimport  ["), "\(always.standardError)")
        #expect(always.standardError.contains("objects/s"))
        let never = try await node.fedlake("node", "ingest", "--config", "CONFIG", "--once", "--progress", "never")
        #expect(never.status == 0 && !never.standardError.contains("objects/s"))
        let wrong = try await node.fedlake("node", "ingest", "--config", "CONFIG", "--once", "--progress", "sometimes")
        #expect(wrong.status == 2)
        #expect(wrong.standardError.contains("'--progress'"), "\(wrong.standardError)")
    }
}
