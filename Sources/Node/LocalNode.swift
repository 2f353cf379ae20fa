import Connectors
public import Crypto
public import Deidentify
import Foundation
public import Lake
import Synchronization

/// The institution's node as the `fedlake node` commands drive it: its configuration, its key, its lake
/// and its sources.
///
/// ```swift
/// let configuration = try NodeConfiguration.load(contentsOf: configFile)
/// try LocalNode.initialize(configuration)                  // fedlake node init
/// let node = try LocalNode(configuration: configuration)
/// let report = await node.ingest(stop: StopSignal()) { event in print(event) }
/// print(try node.status().instances)
/// ```
public struct LocalNode: Sendable {
    /// The configuration.
    public let configuration: NodeConfiguration
    /// The lake.
    public let lake: Lake
    private let key: SecureBytes

    /// Reads the node's secret key: a regular file of mode 0600 or stricter holding at least 32 bytes.
    /// - Throws: ``NodeError`` `.insecureSecret` naming the file and the key `secretKeyFile`.
    public static func readKey(_ configuration: NodeConfiguration) throws(NodeError) -> SecureBytes {
        do {
            return try SecretFile.read(path: configuration.secretKeyFile.path, minimumCount: 32)
        } catch {
            throw NodeError(.insecureSecret, file: configuration.file.path, key: "secretKeyFile", error.description)
        }
    }

    /// Creates the lake of `configuration` (`fedlake node init`).
    /// - Returns: The new lake's status.
    /// - Throws: ``NodeError`` `.insecureSecret` for a key file others can read (nothing is created then),
    ///   `.lake` when the lake exists or cannot be created.
    @discardableResult
    public static func initialize(_ configuration: NodeConfiguration) throws(NodeError) -> Lake {
        let key = try readKey(configuration)
        do {
            return try Lake.create(at: configuration.lake, secret: key)
        } catch {
            throw NodeError(.lake, file: configuration.file.path, key: "lake", error.description)
        }
    }

    /// Opens the node: reads its key and opens its lake.
    /// - Throws: ``NodeError`` `.insecureSecret`, `.lake` (no lake yet, or another key).
    public init(configuration: NodeConfiguration) throws(NodeError) {
        self.configuration = configuration
        key = try Self.readKey(configuration)
        do {
            lake = try Lake.open(at: configuration.lake, secret: key)
        } catch {
            throw NodeError(.lake, file: configuration.file.path, key: "lake", error.description)
        }
    }

    /// The lake's totals and per-source state.
    /// - Throws: ``NodeError`` `.lake`.
    public func status() throws(NodeError) -> LakeStatus {
        do {
            return try lake.status()
        } catch {
            throw NodeError(.lake, file: configuration.file.path, key: "lake", error.description)
        }
    }

    /// The de-identification configuration of this node: its key, profile options and pixel rules, with free
    /// text cleaned by the Safe Harbor scrubber.
    /// - Throws: ``NodeError`` `.invalidConfiguration` naming `deidentification.*`.
    public func deidentificationConfiguration() throws(NodeError) -> DeidentificationConfiguration {
        let file = configuration.file.path
        var options = ProfileOptions.nodeDefault
        if let names = configuration.deidentification.options {
            do {
                options = try ProfileOptions(configNames: names.filter { $0 != "basic" })
            } catch {
                throw NodeError(.invalidConfiguration, file: file, key: "deidentification.options", error.description)
            }
        }
        var deidentification = DeidentificationConfiguration(key: key, options: options)
        deidentification.textCleaner = TextScrubber()
        if let rules = configuration.deidentification.pixelCleaningRulesFile {
            do {
                deidentification.pixelCleaningRules = try PixelCleaningRule.rules(contentsOf: rules)
            } catch {
                throw NodeError(
                    .invalidConfiguration, file: file, key: "deidentification.pixelCleaningRulesFile", "\(error)")
            }
        }
        return deidentification
    }

    /// The configured sources as connectors, in order.
    /// - Throws: ``NodeError`` `.invalidConfiguration` naming `sources[i]` (unusable URL, unreadable secret).
    public func sources() throws(NodeError) -> [IngestSourceDescriptor] {
        let file = configuration.file.path
        let retry = RetryPolicy(maxAttempts: configuration.ingest.maxAttempts)
        var descriptors: [IngestSourceDescriptor] = []
        var names: Set<String> = []
        for (index, source) in configuration.sources.enumerated() {
            let key = "sources[\(index)]"
            do {
                var descriptor: IngestSourceDescriptor
                var name: String?
                switch source {
                case .orthanc(let orthanc):
                    name = orthanc.name
                    descriptor = IngestSourceDescriptor(
                        source: try OrthancSource(
                            url: orthanc.url, username: orthanc.username, passwordFile: orthanc.passwordFile,
                            caFile: orthanc.caFile, retryPolicy: retry),
                        kind: .orthanc)
                case .s3(let s3):
                    name = s3.name
                    descriptor = IngestSourceDescriptor(
                        source: try S3Source(
                            endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: s3.prefix,
                            accessKeyID: s3.accessKeyId, secretAccessKeyFile: s3.secretAccessKeyFile, caFile: s3.caFile,
                            retryPolicy: retry),
                        kind: .s3, documentPatientPattern: try s3.documentPatientPattern.map { try DocumentPatientPattern($0) })
                case .folder(let folder):
                    name = folder.name
                    descriptor = IngestSourceDescriptor(
                        source: FolderSource(path: folder.path), kind: .folder,
                        documentPatientPattern: try folder.documentPatientPattern.map { try DocumentPatientPattern($0) })
                }
                if let name { descriptor.source = NamedSource(base: descriptor.source, sourceID: name) }
                guard names.insert(descriptor.source.sourceID).inserted else {
                    throw NodeError(
                        .invalidConfiguration, file: file, key: key,
                        "another source has the same name; give one of them a distinct \"name\"")
                }
                descriptors.append(descriptor)
            } catch let error as NodeError {
                throw error
            } catch {
                throw NodeError(.invalidConfiguration, file: file, key: key, "\(error)")
            }
        }
        return descriptors
    }

    /// The names of the configured sources as the lake, logs and metrics show them: each source's `name`, or
    /// its connector's printable ID.
    /// - Throws: ``NodeError`` as ``sources()``.
    public func sourceNames() throws(NodeError) -> [String] {
        try sources().map(\.source.sourceID)
    }

    /// The ingest options of the configuration.
    public var ingestOptions: IngestOptions {
        IngestOptions(
            concurrency: configuration.ingest.concurrency, batchSize: configuration.ingest.batchSize,
            propagateDeletions: configuration.ingest.propagateDeletions, maxAttempts: configuration.ingest.maxAttempts)
    }

    /// Ingests from every source: one pass (`follow` false), or passes every `pollIntervalSeconds` until `stop`
    /// is requested. Objects in flight when the stop comes are finished and committed.
    ///
    /// - Parameters:
    ///   - follow: Whether to keep polling after the first pass.
    ///   - stop: Requests a clean stop (a signal handler calls ``StopSignal/request()``).
    ///   - events: Called for every ``IngestEvent``, from any thread.
    ///   - passStarting: Called before each pass.
    ///   - sourceStarting: When given, called as each source's pass starts, with the source's name and the
    ///     objects its listing holds from the source's cursor (nil when the listing cannot be counted, or holds
    ///     more than ``passCountLimit`` objects). Counting lists the source once more, so pass nil unless
    ///     something shows the total (a progress line).
    ///   - passCompleted: Called after each pass with its report.
    /// - Returns: The report of the last pass.
    /// - Throws: ``NodeError`` when the configuration or key cannot be used; source failures are in the report.
    public func ingest(
        follow: Bool = false, stop: StopSignal = StopSignal(), events: @escaping @Sendable (IngestEvent) -> Void = { _ in },
        passStarting: @Sendable () -> Void = {}, sourceStarting: (@Sendable (String, Int?) -> Void)? = nil,
        passCompleted: @Sendable (IngestPipeline.RunReport) -> Void = { _ in }
    ) async throws(NodeError) -> IngestPipeline.RunReport {
        var descriptors = try sources()
        var counted: [CountedSource] = []
        if let sourceStarting {
            for index in descriptors.indices {
                let source = CountedSource(base: descriptors[index].source, onPassStart: sourceStarting)
                counted.append(source)
                descriptors[index].source = source
            }
        }
        let pipeline: IngestPipeline
        do {
            pipeline = try IngestPipeline(
                lake: lake, deidentification: try deidentificationConfiguration(), options: ingestOptions, events: events)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.invalidConfiguration, file: configuration.file.path, key: "deidentification", "\(error)")
        }
        while true {
            let report: IngestPipeline.RunReport
            passStarting()
            for source in counted { source.arm() }
            do {
                report = try await pipeline.ingestOnce(descriptors, stop: stop)
            } catch {
                throw NodeError(.lake, file: configuration.file.path, key: "lake", error.description)
            }
            passCompleted(report)
            if !follow || stop.isRequested { return report }
            // Sleep in short steps so that a stop request is honoured promptly.
            var remaining = configuration.ingest.pollIntervalSeconds
            while remaining > 0, !stop.isRequested {
                let step = min(remaining, 0.2)
                try? await Task.sleep(for: .milliseconds(Int(step * 1000)))
                remaining -= step
            }
            if stop.isRequested { return report }
        }
    }

    /// The most objects counted for ``ingest(follow:stop:events:passStarting:sourceStarting:passCompleted:)``'s
    /// totals (listing pages of 1000 entries); a longer listing is reported as unknown.
    public static let passCountLimit = 200_000

    /// Ingests as ``ingest(follow:stop:events:passStarting:sourceStarting:passCompleted:)`` does, reporting to
    /// `telemetry`: every event to its log, metrics and progress line; each pass's totals and duration to its
    /// log and metrics, and the lake's totals to its metrics at the start and after each pass.
    /// - Throws: ``NodeError`` as the other `ingest`.
    public func ingest(follow: Bool, stop: StopSignal, telemetry: IngestTelemetry) async throws(NodeError)
        -> IngestPipeline.RunReport
    {
        let passClock = PassClock()
        let log = telemetry.log
        let metrics = telemetry.metrics
        let progress = telemetry.progress
        if let metrics, let status = try? status() { metrics.recordLake(status) }
        let events: @Sendable (IngestEvent) -> Void = { event in
            metrics?.record(event)
            progress?.record(event)
            log?.record(event)
        }
        var sourceStarting: (@Sendable (String, Int?) -> Void)?
        if let progress {
            sourceStarting = { name, total in progress.beginSource(name, total: total) }
        }
        let passCompleted: @Sendable (IngestPipeline.RunReport) -> Void = { report in
            let duration = passClock.elapsed()
            progress?.finishAll()
            if let metrics {
                metrics.recordPass(listed: report.totals.listed, duration: duration)
                if let status = try? self.status() { metrics.recordLake(status) }
            }
            log?.recordPass(report, duration: duration)
        }
        return try await ingest(
            follow: follow, stop: stop, events: events, passStarting: { passClock.restart() },
            sourceStarting: sourceStarting, passCompleted: passCompleted)
    }
}

/// When the current pass started.
final class PassClock: Sendable {
    private let clock = ContinuousClock()
    private let start: Mutex<ContinuousClock.Instant>

    init() { start = Mutex(clock.now) }

    func restart() { start.withLock { $0 = clock.now } }

    func elapsed() -> Duration { start.withLock { $0.duration(to: clock.now) } }
}

/// What ``LocalNode/ingest(follow:stop:telemetry:)`` reports to; each part is optional.
public struct IngestTelemetry: Sendable {
    /// Log lines of events and passes.
    public var log: IngestLog?
    /// Prometheus metrics.
    public var metrics: IngestMetrics?
    /// A live progress line on a terminal.
    public var progress: IngestProgress?

    /// Reports to the parts given.
    public init(log: IngestLog? = nil, metrics: IngestMetrics? = nil, progress: IngestProgress? = nil) {
        self.log = log
        self.metrics = metrics
        self.progress = progress
    }
}

/// A source that, on the first listing of each pass, first counts what its listing holds from the cursor the
/// pipeline asks for, and reports it (the total of a progress line).
final class CountedSource: IngestSource {
    let base: any IngestSource
    let onPassStart: @Sendable (String, Int?) -> Void
    private let armed = Mutex(false)

    init(base: any IngestSource, onPassStart: @escaping @Sendable (String, Int?) -> Void) {
        self.base = base
        self.onPassStart = onPassStart
    }

    var sourceID: String { base.sourceID }

    /// Makes the next listing count first.
    func arm() { armed.withLock { $0 = true } }

    func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        let first = armed.withLock { armed in
            defer { armed = false }
            return armed
        }
        if first { onPassStart(sourceID, await Self.count(base, after: cursor)) }
        return try await base.listChanges(after: cursor, limit: limit)
    }

    func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        try await base.fetch(object, to: file)
    }

    /// The changes `source` lists after `cursor` up to the end of its pass, or nil when listing fails or
    /// goes beyond ``LocalNode/passCountLimit``.
    static func count(_ source: any IngestSource, after cursor: SourceCursor?) async -> Int? {
        let pageSize = 1000
        var cursor = cursor
        var total = 0
        for _ in 0..<(LocalNode.passCountLimit / pageSize) {
            guard let batch = try? await source.listChanges(after: cursor, limit: pageSize) else { return nil }
            total += batch.changes.count
            if batch.isComplete { return total }
            cursor = batch.nextCursor
        }
        return nil
    }
}

/// A source under the name the configuration gives it, recorded in the lake instead of the connector's ID.
struct NamedSource: IngestSource {
    let base: any IngestSource
    let sourceID: String

    func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch {
        try await base.listChanges(after: cursor, limit: limit)
    }

    func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult {
        try await base.fetch(object, to: file)
    }
}
