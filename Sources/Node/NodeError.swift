/// The one error type of the `Node` module.
///
/// The description names the configuration file and the key path (`sources[1].bucket`) or the lake, and
/// what is wrong, with what to do when known. It never contains a secret or patient data.
public struct NodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The configuration file cannot be read or is not JSON.
        case unreadableConfiguration
        /// A key of the configuration is unknown, missing, of the wrong type or has an unusable value.
        case invalidConfiguration
        /// A secret file is readable by others, too short or unreadable.
        case insecureSecret
        /// The lake cannot be created or opened.
        case lake
        /// A source failed during ingest.
        case ingest
        /// The metrics endpoint cannot listen on its address (in use, refused).
        case metrics

        /// The code as a word.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The configuration file, or the lake directory.
    public let file: String
    /// The key path concerned (`sources[1].bucket`), or nil.
    public let key: String?
    /// What is wrong, and what to do when known.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, file: String, key: String? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.key = key
        self.reason = reason
    }

    /// `<file>: <key>: <reason>`.
    public var description: String {
        if let key { return "\(file): \(key): \(reason)" }
        return "\(file): \(reason)"
    }
}
