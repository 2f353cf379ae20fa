import Dispatch
import Foundation
import Glibc
import Lake
import Node

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
                Progress goes to standard error as log lines (JSON with log.format "json") without patient
                data: counts, source names and reason codes.
                """,
            arguments: [.config, .flag("once", help: "Make one pass over every source, then exit.")])

        var config: String
        var once: Bool

        init(arguments: ParsedArguments) throws {
            config = try arguments.required("config")
            once = arguments.flag("once")
        }

        mutating func run() async throws {
            let configuration = try NodeConfiguration.load(contentsOf: URL(fileURLWithPath: config))
            let node = try LocalNode(configuration: configuration)
            let log = IngestLog(format: configuration.log.format)
            let stop = StopSignal()
            let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { signal in
                log.line(level: "notice", event: "stopping", fields: ["signal": .int(Int(signal))])
                stop.request()
            }
            defer { signals.cancel() }
            log.line(level: "info", event: "ingest started", fields: [
                "sources": .int(configuration.sources.count), "once": .bool(once),
            ])
            let report = try await node.ingest(follow: !once, stop: stop, events: { log.event($0) }) { report in
                log.pass(report)
            }
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
