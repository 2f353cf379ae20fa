import Connectors
public import Crypto
public import Deidentify
import Foundation
public import Lake

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
    ///   - passCompleted: Called after each pass with its report.
    /// - Returns: The report of the last pass.
    /// - Throws: ``NodeError`` when the configuration or key cannot be used; source failures are in the report.
    public func ingest(
        follow: Bool = false, stop: StopSignal = StopSignal(), events: @escaping @Sendable (IngestEvent) -> Void = { _ in },
        passCompleted: @Sendable (IngestPipeline.RunReport) -> Void = { _ in }
    ) async throws(NodeError) -> IngestPipeline.RunReport {
        let descriptors = try sources()
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
