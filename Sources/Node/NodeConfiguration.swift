public import Foundation

/// A node's configuration, read from a JSON file (ARCHITECTURE.md, "Configuration"; `deploy/` has an example).
///
/// ```swift
/// let configuration = try NodeConfiguration.load(contentsOf: URL(fileURLWithPath: "/etc/fedlake/node.json"))
/// print(configuration.institution, configuration.sources.count)
/// ```
///
/// ```json
/// {
///   "institution": "Hôpital Synthétique",
///   "lake": "lake",
///   "secretKeyFile": "node.key",
///   "sources": [
///     {"type": "orthanc", "url": "http://127.0.0.1:8042", "username": "fedlake", "passwordFile": "orthanc.password"},
///     {"type": "s3", "endpoint": "http://127.0.0.1:9000", "region": "us-east-1", "bucket": "reports",
///      "accessKeyId": "fedlake", "secretAccessKeyFile": "minio.secret",
///      "documentPatientPattern": "^(?<patientID>[^/]+)/"},
///     {"type": "folder", "path": "/data/import"}
///   ],
///   "ingest": {"batchSize": 100, "pollIntervalSeconds": 10}
/// }
/// ```
///
/// Required: `institution`, `lake`, `secretKeyFile`, `sources`. Everything else has a default. Relative paths
/// are relative to the configuration file's folder. An unknown key anywhere is an error naming its path
/// (`sources[1].bukcet`), so a misspelt option never silently falls back to a default.
public struct NodeConfiguration: Sendable, Hashable {
    /// The configuration file.
    public var file: URL
    /// The institution's name.
    public var institution: String
    /// The lake directory.
    public var lake: URL
    /// The node's secret key file (mode 0600 or stricter, at least 32 bytes).
    public var secretKeyFile: URL
    /// The sources, in the order they are ingested.
    public var sources: [Source]
    /// De-identification settings.
    public var deidentification: Deidentification
    /// Ingest settings.
    public var ingest: Ingest
    /// Privacy settings, used by cohort queries.
    public var privacy: Privacy
    /// The coordinator to connect to, if any (not used yet).
    public var coordinator: Coordinator?
    /// The metrics endpoint.
    public var metrics: Metrics
    /// Logging.
    public var log: Log

    /// One source.
    public enum Source: Sendable, Hashable {
        /// An Orthanc server.
        case orthanc(Orthanc)
        /// An S3 bucket.
        case s3(S3)
        /// A folder tree.
        case folder(Folder)
    }

    /// `{"type":"orthanc","name"?,"url","username","passwordFile","caFile"?}`.
    public struct Orthanc: Sendable, Hashable {
        /// The name recorded in the lake instead of the connector's printable ID, if given.
        public var name: String?
        /// The base URL.
        public var url: URL
        /// The Orthanc user.
        public var username: String
        /// The file holding the password (mode 0600).
        public var passwordFile: URL
        /// CA certificates for https, if not the system's.
        public var caFile: URL?
    }

    /// `{"type":"s3","name"?,"endpoint","region","bucket","prefix"?,"accessKeyId","secretAccessKeyFile","caFile"?,
    /// "documentPatientPattern"?}`.
    public struct S3: Sendable, Hashable {
        /// The name recorded in the lake instead of the connector's printable ID, if given.
        public var name: String?
        /// The server.
        public var endpoint: URL
        /// The signing region.
        public var region: String
        /// The bucket.
        public var bucket: String
        /// Only keys under this prefix.
        public var prefix: String
        /// The access key ID.
        public var accessKeyId: String
        /// The file holding the secret access key (mode 0600).
        public var secretAccessKeyFile: URL
        /// CA certificates for https, if not the system's.
        public var caFile: URL?
        /// A regular expression whose group `patientID` finds a document's patient in its key.
        public var documentPatientPattern: String?
    }

    /// `{"type":"folder","name"?,"path","documentPatientPattern"?}`.
    public struct Folder: Sendable, Hashable {
        /// The name recorded in the lake instead of the connector's printable ID, if given.
        public var name: String?
        /// The root of the tree.
        public var path: URL
        /// A regular expression whose group `patientID` finds a document's patient in its relative path.
        public var documentPatientPattern: String?
    }

    /// `{"options":[…],"pixelCleaningRulesFile"?}`.
    public struct Deidentification: Sendable, Hashable {
        /// PS3.15 profile option names (`ProfileOption` raw values); nil means the node default.
        public var options: [String]?
        /// JSON pixel cleaning rules, if any.
        public var pixelCleaningRulesFile: URL?
    }

    /// `{"concurrency","batchSize","pollIntervalSeconds","propagateDeletions","maxAttempts"}`.
    public struct Ingest: Sendable, Hashable {
        /// Objects de-identified at once (default: the number of cores).
        public var concurrency: Int
        /// Entries listed per batch (default 100).
        public var batchSize: Int
        /// Seconds between passes when following (default 10).
        public var pollIntervalSeconds: Double
        /// Whether deletions at the source remove rows (default false).
        public var propagateDeletions: Bool
        /// Attempts before a failing object is quarantined (default 5).
        public var maxAttempts: Int
    }

    /// `{"defaultRho","defaultBudgetRho","budgets":[…],"minimumCount"}`, kept as written for cohort queries.
    public struct Privacy: Sendable, Hashable {
        /// The zCDP ρ of one query, as written (a number's text), if given.
        public var defaultRho: String?
        /// The ρ budget per project, as written, if given.
        public var defaultBudgetRho: String?
        /// Budgets for named projects.
        public var budgets: [Budget]
        /// The smallest count released (default 11).
        public var minimumCount: Int
    }

    /// `{"project","requester"?,"rho"}`.
    public struct Budget: Sendable, Hashable {
        /// The project.
        public var project: String
        /// The requester, if the budget is theirs alone.
        public var requester: String?
        /// The ρ budget, as written.
        public var rho: String
    }

    /// `{"url","certificateFile","keyFile","caFile"}`.
    public struct Coordinator: Sendable, Hashable {
        /// The coordinator's URL.
        public var url: URL
        /// The node's certificate.
        public var certificateFile: URL
        /// The node's private key.
        public var keyFile: URL
        /// The federation's CA.
        public var caFile: URL
    }

    /// `{"listen":"127.0.0.1:9464"}`.
    public struct Metrics: Sendable, Hashable {
        /// The loopback address and port of the Prometheus endpoint.
        public var listen: String
        /// Whether the file sets `metrics.listen`. An address the file names must be served (a busy port is
        /// an error); the default address is served when it is free.
        public var isExplicit: Bool = false
    }

    /// `{"format":"json"|"text","level"}`.
    public struct Log: Sendable, Hashable {
        /// The output format of log lines.
        public enum Format: String, Sendable, Hashable {
            /// One JSON object per line.
            case json
            /// Plain text lines.
            case text
        }
        /// The format (default `text`).
        public var format: Format
        /// The lowest level written (default `info`).
        public var level: String
    }

    /// The log levels accepted by `log.level`.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Reads and checks a configuration file.
    /// - Throws: ``NodeError`` `.unreadableConfiguration` or `.invalidConfiguration`, naming the file and key.
    public static func load(contentsOf file: URL) throws(NodeError) -> NodeConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw NodeError(.unreadableConfiguration, file: file.path, "the file cannot be read")
        }
        return try parse(data, file: file)
    }

    /// Parses and checks a configuration's JSON; relative paths are resolved against `file`'s folder.
    /// - Throws: ``NodeError`` `.unreadableConfiguration` (not JSON) or `.invalidConfiguration`.
    public static func parse(_ data: Data, file: URL) throws(NodeError) -> NodeConfiguration {
        let json: ConfigJSON
        do {
            json = try ConfigJSON.parse([UInt8](data))
        } catch {
            throw NodeError(
                .unreadableConfiguration, file: file.path, "not valid JSON at byte \(error.offset): \(error.reason)")
        }
        var reader = ConfigReader(file: file)
        return try reader.configuration(json)
    }
}
