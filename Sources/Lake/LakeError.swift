/// The one error type of the `Lake` module.
///
/// The description names the lake path or the source (its printable ID) and what is wrong, with a remedy
/// when there is one. It never contains an object key, an element value or a bound SQL argument (STYLE R5).
public struct LakeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The directory is not a lake (no `lake.sqlite`), or a lake already exists where one is created.
        case notALake
        /// A lake already exists where a new one is to be created.
        case alreadyExists
        /// The node's key is not the one the lake was filled with (its fingerprint differs).
        case keyMismatch
        /// A file or folder of the lake cannot be read or written.
        case io
        /// The database failed (the `Storage` module's error is in the reason).
        case database
        /// A keyed digest or hash could not be computed.
        case crypto
        /// The ingest configuration is unusable (a pattern that does not compile, no sources).
        case configuration
        /// A source failed (the connector's error is in the reason).
        case source

        /// The code as a word.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The lake directory, file or source concerned.
    public let input: String
    /// What is wrong, without patient data.
    public let reason: String
    /// What to do about it, when known.
    public let remedy: String?

    /// Creates an error.
    public init(_ code: Code, input: String, _ reason: String, remedy: String? = nil) {
        self.code = code
        self.input = input
        self.reason = reason
        self.remedy = remedy
    }

    /// `<input>: <reason> (<remedy>)`.
    public var description: String {
        var text = "\(input): \(reason)"
        if let remedy { text += " (\(remedy))" }
        return text
    }
}
