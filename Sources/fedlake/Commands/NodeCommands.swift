import Dispatch
import Foundation
import Glibc
import Lake
import Node
import Telemetry

struct Node: CommandGroup {
    static let configuration = CommandConfiguration(
        abstract: "The institution's node: lake, ingest, daemon.",
        subcommands: [Init.self, Ingest.self, Run.self, Status.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the research lake.",
            discussion: """
                Creates the lake directory named by the configuration's "lake" key: lake.sqlite with the
                lake schema, and the objects/ store. The node's secret key file must be readable by its
                owner only (mode 0600 or 0400) and hold at least 32 bytes; a key file that group or others
                can read is refused and nothing is created.
                """,
            arguments: [.config])

        var config: String

        init(arguments: ParsedArguments) throws {
            config = try arguments.required("config")
        }

        mutating func run() async throws {
            let configuration = try NodeConfiguration.load(contentsOf: URL(fileURLWithPath: config))
            let lake = try LocalNode.initialize(configuration)
            print("created the lake at \(lake.directory.path) (key fingerprint \(lake.keyFingerprint))")
        }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull, de-identify and store from the configured sources.",
            discussion: """
                Reads every configured source from its saved cursor, de-identifies what is new or changed,
                and commits it to the lake, each object exactly once even if the process is killed. Objects
                that cannot be de-identified are quarantined with a reason. With --once, makes one pass over
                every source and exits (1 if a source failed); otherwise keeps polling every
                ingest.pollIntervalSeconds until SIGINT or SIGTERM, finishing the objects in flight first.

                On a terminal, standard error shows a live progress line per source: objects done out of the
                pass's total, rate, time left and objects quarantined. Otherwise (a pipe, a file, a journal)
                it gets log lines in log.format (JSON or text) without patient data: counts, source names
                and reason codes. While ingest runs, Prometheus metrics are served at
                http://<metrics.listen>/metrics (loopback only). If metrics.listen is set in the
                configuration and its port is busy, ingest does not start (exit 1); if it is not set and the
                default 127.0.0.1:9464 is busy, ingest runs without metrics and logs a warning.
                """,
            arguments: [
                .config, .flag("once", help: "Make one pass over every source, then exit."),
                .option(
                    "progress", valueName: "when",
                    help: "Draw the progress line: auto (when standard error is a terminal), always or never.",
                    default: "auto"),
            ])

        /// The metrics endpoint, or nil when the default address is busy (an address the file names must
        /// be served: its failure is thrown).
        static func metricsEndpoint(
            _ configuration: NodeConfiguration, metrics: IngestMetrics, logger: Logger
        ) throws -> MetricsEndpoint? {
            do {
                return try MetricsEndpoint(configuration: configuration, registry: metrics.registry)
            } catch {
                if configuration.metrics.isExplicit { throw error }
                let metadata: Logger.Metadata = [
                    "listen": .public(configuration.metrics.listen), "error": .public(error.reason),
                ]
                logger.warning(
                    "metrics are not served: the default address is busy; set metrics.listen to serve them",
                    metadata: metadata)
                return nil
            }
        }

        /// Writes all of `text` to standard error (for `--progress always` on a pipe); a failing write is dropped.
        static func writeToStandardError(_ text: String) {
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    Glibc.write(2, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                }
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }

        enum ProgressMode: String {
            case auto, always, never
        }

        var config: String
        var once: Bool
        var progress: ProgressMode

        init(arguments: ParsedArguments) throws {
            config = try arguments.required("config")
            once = arguments.flag("once")
            let text = arguments.option("progress") ?? "auto"
            guard let mode = ProgressMode(rawValue: text) else {
                throw CommandLineError.usage(
                    "The value '\(text)' is invalid for '--progress': expected auto, always or never")
            }
            progress = mode
        }

        mutating func run() async throws {
            let configuration = try NodeConfiguration.load(contentsOf: URL(fileURLWithPath: config))
            let node = try LocalNode(configuration: configuration)
            let terminal = LogOutput.standardError.isTerminal
            let drawsProgress = progress == .always || (progress == .auto && terminal)
            // --progress always on a pipe: draw anyway, through an output that acts as a terminal.
            let output =
                drawsProgress && !terminal
                ? LogOutput(isTerminal: true) { text in Self.writeToStandardError(text) }
                : LogOutput.standardError
            LoggingSystem.bootstrap(
                format: configuration.log.format == .json ? .json : .text,
                level: Logger.Level(rawValue: configuration.log.level) ?? .info, output: output)
            let logger = Logger(label: "fedlake.ingest")
            let metrics = IngestMetrics(version: FedLake.version, sources: try node.sourceNames())
            let endpoint = try Self.metricsEndpoint(configuration, metrics: metrics, logger: logger)
            defer { endpoint?.stop() }
            if let endpoint {
                logger.info("serving metrics", metadata: ["url": .public("http://\(endpoint.address)/metrics")])
            }
            let stop = StopSignal()
            let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { signal in
                logger.notice("stopping after the objects in flight", metadata: ["signal": .integer(signal)])
                stop.request()
            }
            defer { signals.cancel() }
            logger.info(
                "ingest started",
                metadata: [
                    "sources": .integer(configuration.sources.count), "once": .init(.bool(once), sensitivity: .public),
                ])
            let telemetry = IngestTelemetry(
                log: IngestLog(logger: logger, progressShown: drawsProgress), metrics: metrics,
                progress: drawsProgress ? IngestProgress(output: output) : nil)
            let report = try await node.ingest(follow: !once, stop: stop, telemetry: telemetry)
            let status = try node.status()
            print(
                "lake: \(status.instances) instances, \(status.documents) documents, \(status.patients) patients, "
                    + "\(status.quarantined) quarantined")
            let failed = report.sources.filter { $0.error != nil }
            if once, !failed.isEmpty {
                throw NodeError(
                    .ingest, file: config,
                    "\(failed.count) of \(report.sources.count) sources failed: "
                        + failed.map { "\($0.source): \($0.error ?? "")" }.joined(separator: "; "))
            }
        }
    }

    struct Run: UnbuiltCommand {
        static let plannedIn = "federation: node daemon"
        static let configuration = CommandConfiguration(abstract: "Run the node daemon.", isAvailable: false)
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show lake totals and sources.",
            discussion: """
                Prints the lake's totals (instances, documents, patients, studies, quarantined objects,
                stored bytes) and, per source, whether it has a cursor, its current objects and bytes, its
                quarantined objects and its last error. With --json, one JSON object with the integer keys
                instances, documents, patients, studies, quarantined, bytes and a sources array.
                """,
            arguments: [.config, .json])

        var config: String
        var json: Bool

        init(arguments: ParsedArguments) throws {
            config = try arguments.required("config")
            json = arguments.flag("json")
        }

        mutating func run() async throws {
            let configuration = try NodeConfiguration.load(contentsOf: URL(fileURLWithPath: config))
            let status = try LocalNode(configuration: configuration).status()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                FileHandle.standardOutput.write(try encoder.encode(status))
                FileHandle.standardOutput.write(Data("\n".utf8))
                return
            }
            print("institution: \(configuration.institution)")
            print("lake:        \(configuration.lake.path)")
            print(
                "totals:      \(status.instances) instances, \(status.documents) documents, \(status.patients) patients, "
                    + "\(status.studies) studies, \(status.quarantined) quarantined, \(status.bytes) bytes")
            print("")
            let header = ["SOURCE", "TYPE", "CURSOR", "OBJECTS", "BYTES", "QUARANTINED", "LAST ERROR"]
            var rows = [header]
            for source in status.sources {
                rows.append([
                    source.name, source.type, source.cursorPresent ? "yes" : "no", "\(source.objects)", "\(source.bytes)",
                    "\(source.quarantined)", source.lastError ?? "-",
                ])
            }
            if status.sources.isEmpty { rows.append(["(no source ingested yet)", "", "", "", "", "", ""]) }
            let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                }
                print(cells.joined(separator: "  "))
            }
        }
    }
}

/// Calls `handler` on SIGINT/SIGTERM instead of letting them end the process.
// The dispatch sources are only created in init and cancelled once; DispatchSource is thread-safe.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue.global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
