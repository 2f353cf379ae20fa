import DICOM
import Foundation
import HTTP
import Lake
import Node
import Synchronization
import Synthesis
import Telemetry
import TestSupport
import Testing

@Suite struct IngestMetricsTests {
    /// Every series is there at 0 before the first event, under the documented names, with `source` and
    /// `outcome` as the only labels besides `version` on the build info.
    @Test func registersTheDocumentedNamesAndLabelsAtZero() {
        let text = IngestMetrics(version: "9.8.7", sources: ["radiology"]).prometheusText()
        for outcome in ["committed", "unchanged", "quarantined", "deleted"] {
            #expect(text.contains("fedlake_ingest_objects_total{outcome=\"\(outcome)\",source=\"radiology\"} 0\n"))
        }
        #expect(text.contains("# TYPE fedlake_ingest_objects_total counter\n"))
        #expect(text.contains("fedlake_ingest_bytes_total{source=\"radiology\"} 0\n"))
        #expect(text.contains("fedlake_ingest_source_errors_total{source=\"radiology\"} 0\n"))
        #expect(text.contains("# TYPE fedlake_ingest_pass_duration_seconds histogram\n"))
        #expect(text.contains("fedlake_ingest_pass_duration_seconds_count 0\n"))
        #expect(text.contains("fedlake_ingest_passes_total 0\n"))
        for gauge in ["instances", "documents", "patients", "quarantined", "bytes"] {
            #expect(text.contains("# TYPE fedlake_lake_\(gauge) gauge\nfedlake_lake_\(gauge) 0\n"), "\(gauge)")
        }
        #expect(text.contains("fedlake_build_info{version=\"9.8.7\"} 1\n"))
        // Label names used anywhere: only these (le for histogram buckets).
        var labelNames: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") else { continue }
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                labelNames.insert(String(pair.prefix { $0 != "=" }))
            }
        }
        #expect(labelNames == ["source", "outcome", "version", "le"])
    }

    @Test func countsEventsPerSourceAndOutcome() {
        let metrics = IngestMetrics(version: "1", sources: ["a", "b"])
        metrics.record(.objectCommitted(source: "a", kind: "instance", sourceBytes: 100, replacedVersion: false))
        metrics.record(.objectCommitted(source: "a", kind: "document", sourceBytes: 50, replacedVersion: true))
        metrics.record(.objectQuarantined(source: "b", reasonCode: "notDICOM"))
        var counts = IngestCounts()
        counts.listed = 7
        counts.unchanged = 4
        counts.deleted = 1
        metrics.record(.batchCommitted(source: "a", counts: counts, passComplete: true))
        metrics.record(.sourceFailed(source: "b", message: "b: GET /changes: unavailable"))
        metrics.recordPass(listed: counts.listed, duration: .milliseconds(1500))
        let text = metrics.prometheusText()
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"committed\",source=\"a\"} 2\n"))
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"unchanged\",source=\"a\"} 4\n"))
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"deleted\",source=\"a\"} 1\n"))
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"quarantined\",source=\"b\"} 1\n"))
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"committed\",source=\"b\"} 0\n"))
        #expect(text.contains("fedlake_ingest_bytes_total{source=\"a\"} 150\n"))
        #expect(text.contains("fedlake_ingest_source_errors_total{source=\"b\"} 1\n"))
        #expect(text.contains("fedlake_ingest_passes_total 1\n"))
        #expect(text.contains("fedlake_ingest_pass_duration_seconds_bucket{le=\"1\"} 0\n"))
        #expect(text.contains("fedlake_ingest_pass_duration_seconds_bucket{le=\"5\"} 1\n"))
        #expect(text.contains("fedlake_ingest_pass_duration_seconds_sum 1.5\n"))
        #expect(text.contains("fedlake_ingest_last_pass_objects 7\n"))
        // The failure message is not a label or a value anywhere.
        #expect(!text.contains("unavailable"))
    }
}

@Suite struct IngestProgressTests {
    final class Capture: Sendable {
        let writes = Mutex<[String]>([])
        func output(terminal: Bool) -> LogOutput {
            LogOutput(isTerminal: terminal) { text in self.writes.withLock { $0.append(text) } }
        }
        var text: String { writes.withLock { $0.joined() } }
    }

    static func feed(_ progress: IngestProgress) {
        progress.beginSource("radiology", total: 3)
        progress.record(.objectCommitted(source: "radiology", kind: "instance", sourceBytes: 2048, replacedVersion: false))
        progress.record(.objectQuarantined(source: "radiology", reasonCode: "notDICOM"))
        var counts = IngestCounts()
        counts.listed = 3
        counts.committed = 1
        counts.quarantined = 1
        counts.unchanged = 1
        progress.record(.batchCommitted(source: "radiology", counts: counts, passComplete: true))
    }

    @Test func drawsDoneOutOfTotalWithQuarantinedAndEndsWithANewline() {
        let capture = Capture()
        let progress = IngestProgress(output: capture.output(terminal: true))
        #expect(progress.isEnabled)
        Self.feed(progress)
        let text = capture.text
        #expect(text.hasPrefix("\rradiology  [>"), "\(text)")
        #expect(text.contains("3/3 objects  2.0 KiB"), "\(text)")
        #expect(text.contains("1 quarantined"), "\(text)")
        #expect(text.contains("ETA 0:00  1 quarantined"), "\(text)")
        #expect(text.hasSuffix("\n"))
        // Finished: further events of the source draw nothing.
        let before = capture.writes.withLock { $0.count }
        progress.record(.objectCommitted(source: "radiology", kind: "instance", sourceBytes: 1, replacedVersion: false))
        progress.finishAll()
        #expect(capture.writes.withLock { $0.count } == before)
    }

    @Test func drawsNothingWhenTheOutputIsNotATerminal() {
        let capture = Capture()
        let progress = IngestProgress(output: capture.output(terminal: false))
        #expect(!progress.isEnabled)
        Self.feed(progress)
        progress.finishAll()
        #expect(capture.text.isEmpty)
    }

    @Test func aPassWithNothingListedDrawsNoLine() {
        let capture = Capture()
        let progress = IngestProgress(output: capture.output(terminal: true))
        progress.beginSource("radiology", total: 0)
        progress.finishAll()
        #expect(capture.text.isEmpty)
    }

    @Test func anUnknownTotalShowsTheRateAndElapsedTime() {
        let capture = Capture()
        let progress = IngestProgress(output: capture.output(terminal: true))
        progress.beginSource("reports", total: nil)
        progress.record(.sourceFailed(source: "reports", message: "x"))
        #expect(capture.text.contains("reports  0 objects"), "\(capture.text)")
        #expect(capture.text.contains("elapsed"))
        #expect(capture.text.hasSuffix("\n"))
    }
}

@Suite struct LocalNodeTelemetryTests {
    /// A real ingest of a synthetic corpus: the metrics equal the lake's totals, the progress total equals
    /// what the folder lists, and no log line holds a planted value.
    @Test func metricsMatchTheLakeAndLogsHoldNoPlantedValue() async throws {
        let directory = try TemporaryDirectory(prefix: "node-telemetry")
        let manifest = try SyntheticCorpus(seed: 5, patients: 2).write(to: directory.file("in"))
        let key = directory.file("node.key")
        try Data(repeating: 0x3C, count: 48).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        try Data(
            #"""
            {"institution": "X", "lake": "lake", "secretKeyFile": "node.key",
             "sources": [{"type": "folder", "name": "import", "path": "in"}], "ingest": {"batchSize": 7}}
            """#.utf8
        ).write(to: directory.file("node.json"))
        let configuration = try NodeConfiguration.load(contentsOf: directory.file("node.json"))
        try LocalNode.initialize(configuration)
        let node = try LocalNode(configuration: configuration)
        let handler = InMemoryLogHandler()
        let metrics = IngestMetrics(version: "test", sources: ["import"])
        let terminal = Mutex<[String]>([])
        let output = LogOutput(isTerminal: true) { text in terminal.withLock { $0.append(text) } }
        let telemetry = IngestTelemetry(
            log: IngestLog(logger: Logger(label: "fedlake.ingest", handler: handler, logLevel: .debug)), metrics: metrics,
            progress: IngestProgress(output: output))
        let report = try await node.ingest(follow: false, stop: StopSignal(), telemetry: telemetry)
        #expect(report.succeeded)
        let status = try node.status()
        #expect(status.instances + status.documents > 0)
        #expect(status.quarantined > 0)
        let text = metrics.prometheusText()
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"committed\",source=\"import\"} \(status.instances + status.documents)\n"))
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"quarantined\",source=\"import\"} \(status.quarantined)\n"))
        #expect(text.contains("fedlake_lake_instances \(status.instances)\n"))
        #expect(text.contains("fedlake_lake_documents \(status.documents)\n"))
        #expect(text.contains("fedlake_ingest_passes_total 1\n"))
        let listed = report.totals.listed
        let drawn = terminal.withLock { $0.joined() }
        #expect(drawn.contains(" \(listed)/\(listed) objects"), "\(drawn.suffix(300))")
        #expect(drawn.hasSuffix("\n"))
        let lines = handler.jsonLines
        #expect(lines.contains { $0.contains("\"message\":\"pass finished\"") })
        #expect(lines.contains { $0.contains("\"message\":\"object quarantined\"") })
        let all = (lines + [drawn, text]).joined(separator: "\n").lowercased()
        let leaked = manifest.planted.filter { $0.detectable && $0.value.count >= 4 && all.contains($0.value.lowercased()) }
        #expect(leaked.isEmpty, "\(leaked.prefix(5).map(\.kind))")
        for file in manifest.files {
            let name = URL(fileURLWithPath: file.path).lastPathComponent.lowercased()
            guard name.contains("."), name.count >= 6 else { continue }
            #expect(!all.contains(name), "file name \(name) in the output")
        }
    }

    /// `metrics.listen` may ask for any free port (0), and the configuration records whether the address was
    /// set (a busy default is tolerated, a busy configured address is not); non-loopback stays refused.
    @Test func metricsListenTakesPortZeroAndRecordsWhetherItWasSet() throws {
        let directory = try TemporaryDirectory(prefix: "node-metrics-config")
        let base = #"{"institution": "X", "lake": "lake", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "in"}]"#
        let file = directory.file("node.json")
        let defaulted = try NodeConfiguration.parse(Data((base + "}").utf8), file: file)
        #expect(defaulted.metrics.listen == "127.0.0.1:9464" && !defaulted.metrics.isExplicit)
        let any = try NodeConfiguration.parse(Data((base + #", "metrics": {"listen": "127.0.0.1:0"}}"#).utf8), file: file)
        #expect(any.metrics.listen == "127.0.0.1:0" && any.metrics.isExplicit)
        let endpoint = try MetricsEndpoint(configuration: any, registry: MetricsRegistry())
        defer { endpoint.stop() }
        #expect(endpoint.address.hasPrefix("127.0.0.1:") && endpoint.address != "127.0.0.1:0")
        #expect(throws: NodeError.self) {
            try NodeConfiguration.parse(Data((base + #", "metrics": {"listen": "10.0.0.1:0"}}"#).utf8), file: file)
        }
    }

    /// A second endpoint on the same port fails with an error naming the address.
    @Test func aBusyMetricsPortIsAnErrorNamingTheAddress() throws {
        let directory = try TemporaryDirectory(prefix: "node-metrics-port")
        let port = try FreePort.next()
        try Data(
            #"{"institution": "X", "lake": "lake", "secretKeyFile": "k", "sources": [{"type": "folder", "path": "in"}], "metrics": {"listen": "127.0.0.1:\#(port)"}}"#
                .utf8
        ).write(to: directory.file("node.json"))
        let configuration = try NodeConfiguration.load(contentsOf: directory.file("node.json"))
        #expect(configuration.metrics.isExplicit)
        let registry = MetricsRegistry()
        let first = try MetricsEndpoint(configuration: configuration, registry: registry)
        defer { first.stop() }
        #expect(first.address == "127.0.0.1:\(port)")
        let error = #expect(throws: NodeError.self) { try MetricsEndpoint(configuration: configuration, registry: registry) }
        #expect(error?.code == .metrics && error?.key == "metrics.listen")
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
        #expect(error?.description.contains("already in use") == true, "\(String(describing: error))")
    }
}

@Suite struct IngestLogTests {
    /// Source names and reason codes are written; a failure's text (which can quote a file name) is not.
    @Test func writesCountsNamesAndCodesButNotTheFailureText() {
        let handler = InMemoryLogHandler()
        let log = IngestLog(logger: Logger(label: "fedlake.ingest", handler: handler, logLevel: .trace))
        log.record(.objectQuarantined(source: "import", reasonCode: "notDICOM"))
        log.record(.sourceFailed(source: "import", message: "folder /in: cannot read a directory: Mueller_Hans_CT.dcm"))
        var counts = IngestCounts()
        counts.listed = 2
        counts.quarantined = 1
        log.record(.batchCommitted(source: "import", counts: counts, passComplete: true))
        let lines = handler.jsonLines
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""level":"warning""#) && lines[0].contains(#""metadata":{"reason":"notDICOM","source":"import"}"#))
        #expect(lines[1].contains(#""level":"error""#) && lines[1].contains(#""error":"[redacted]""#))
        #expect(!lines.joined().contains("Mueller"))
        #expect(lines[2].contains(#""listed":2"#) && lines[2].contains(#""passComplete":true"#))
    }

    /// Under a progress line the per-object and per-batch lines drop to debug; the pass totals stay at info.
    @Test func underAProgressLinePerObjectLinesAreDebug() {
        let handler = InMemoryLogHandler()
        let log = IngestLog(logger: Logger(label: "fedlake.ingest", handler: handler, logLevel: .info), progressShown: true)
        log.record(.objectQuarantined(source: "import", reasonCode: "notDICOM"))
        log.record(.batchCommitted(source: "import", counts: IngestCounts(), passComplete: true))
        #expect(handler.records.isEmpty)
        log.record(.sourceFailed(source: "import", message: "x"))
        #expect(handler.records.map(\.level) == [.error])
    }
}

@Suite(.enabled(if: LocalServers.orthancEnabled, "Orthanc not installed (set CI=1 to require it)"))
struct OrthancIngestTelemetryTests {
    static func upload(_ count: Int, seed: UInt64, to orthanc: OrthancServer) async throws {
        let client = HTTPClient(configuration: .init(credentials: orthanc.credentials))
        for file in SyntheticStudy(seed: seed, slices: count, size: 16).files() {
            let request = HTTPRequest(
                method: "POST", url: orthanc.baseURL.appendingPathComponent("instances"),
                headers: [("Content-Type", "application/dicom")], body: .bytes(try DICOMWriter.encode(file)))
            #expect(try await client.send(request).status == 200)
        }
    }

    /// The progress total of an Orthanc pass is what its change log holds after the saved cursor: all six
    /// instances the first time, only the three new ones the next; the metrics follow the lake.
    @Test func progressTotalsFollowTheChangeLogFromTheCursor() async throws {
        let orthanc = try await OrthancServer.start()
        defer { orthanc.stop() }
        try await Self.upload(6, seed: 71, to: orthanc)
        let directory = try TemporaryDirectory(prefix: "node-orthanc-telemetry")
        let key = directory.file("node.key")
        try Data(repeating: 0x6B, count: 48).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        try Data(
            """
            {"institution": "X", "lake": "lake", "secretKeyFile": "node.key", "ingest": {"batchSize": 4},
             "sources": [{"type": "orthanc", "name": "pacs", "url": "\(orthanc.baseURL.absoluteString)",
                          "username": "\(orthanc.username)", "passwordFile": "\(orthanc.passwordFile.path)"}]}
            """.utf8
        ).write(to: directory.file("node.json"))
        let configuration = try NodeConfiguration.load(contentsOf: directory.file("node.json"))
        try LocalNode.initialize(configuration)
        let node = try LocalNode(configuration: configuration)
        #expect(try node.sourceNames() == ["pacs"])
        let metrics = IngestMetrics(version: "test", sources: ["pacs"])
        let drawn = Mutex<[String]>([])
        let output = LogOutput(isTerminal: true) { text in drawn.withLock { $0.append(text) } }
        let telemetry = IngestTelemetry(metrics: metrics, progress: IngestProgress(output: output))
        let first = try await node.ingest(follow: false, stop: StopSignal(), telemetry: telemetry)
        #expect(first.succeeded)
        let afterFirst = drawn.withLock { $0.joined() }
        #expect(afterFirst.contains("pacs  [========================] 100% 6/6 objects"), "\(afterFirst)")
        try await Self.upload(3, seed: 72, to: orthanc)
        drawn.withLock { $0.removeAll() }
        let second = try await node.ingest(follow: false, stop: StopSignal(), telemetry: telemetry)
        #expect(second.succeeded)
        let afterSecond = drawn.withLock { $0.joined() }
        #expect(afterSecond.contains("100% 3/3 objects"), "\(afterSecond)")
        let status = try node.status()
        #expect(status.instances == 9)
        let text = metrics.prometheusText()
        #expect(text.contains("fedlake_ingest_objects_total{outcome=\"committed\",source=\"pacs\"} 9\n"), "\(text)")
        #expect(text.contains("fedlake_lake_instances 9\n"))
        #expect(text.contains("fedlake_ingest_passes_total 2\n"))
    }
}
