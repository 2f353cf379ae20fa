/// The one error type of the `Connectors` module.
///
/// The description names the source (its ``IngestSource/sourceID``), the operation, a printable label for
/// the object involved and what is wrong, with a remedy when there is one. It never contains credentials,
/// response bodies or file contents.
///
/// Object keys of S3 and folder sources are file names chosen by people, and file names can hold patient
/// names ("Mueller_Hans_CT.dcm"). So the raw key is kept in ``objectKey`` for the caller (a local quarantine
/// table, say) but `description` shows only ``objectLabel``: an Orthanc instance ID (a hash, not PHI), or
/// for keys and paths a short fingerprint and length chosen by the source that raised the error.
/// ``expandedDescription`` adds the raw key, for debugging on synthetic data only.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable, Hashable {
        /// The server refused the credentials (HTTP 401/403, S3 `SignatureDoesNotMatch`,
        /// `InvalidAccessKeyId`), or a credentials file cannot be read. Not retryable.
        case credentials
        /// The server could not be reached or the transfer broke off (connection refused, reset, timeout).
        /// Retryable: the server may be restarting.
        case unavailable
        /// The server answered with a 5xx status or an S3 "slow down"/"internal error". Retryable.
        case serverError
        /// The bucket, prefix root or folder does not exist. Not retryable.
        case notFound
        /// The local clock differs too much from the server's (S3 `RequestTimeTooSkewed`). Not retryable
        /// until the clock is fixed.
        case clockSkew
        /// The server answered something this client cannot use: an unexpected status, malformed JSON or
        /// XML, a body larger than the limits. Not retryable.
        case malformedResponse
        /// The downloaded object does not match what the server announced (size, ETag). Retryable: the
        /// object may have been replaced during the transfer.
        case integrity
        /// A cursor given by the caller cannot be read by this source. Not retryable.
        case invalidCursor
        /// A local file could not be read or written. Not retryable.
        case io
        /// The source was configured with unusable values (an endpoint that is not http/https, an empty
        /// bucket name). Not retryable.
        case configuration
    }

    /// What kind of failure this is.
    public let code: Code
    /// The source that failed (``IngestSource/sourceID``), such as `orthanc http://127.0.0.1:8042`.
    public let source: String
    /// What was being done, such as `GET /changes` or `ListObjectsV2 bucket scans`.
    public let operation: String
    /// The printable name of the object involved, or nil (see the type's discussion on PHI).
    public let objectLabel: String?
    /// The raw object key or path, or nil. Never part of ``description``.
    public let objectKey: String?
    /// What went wrong and, when known, what to do.
    public let reason: String

    /// Creates an error.
    public init(
        _ code: Code, source: String, operation: String, objectLabel: String? = nil, objectKey: String? = nil,
        reason: String
    ) {
        self.code = code
        self.source = source
        self.operation = operation
        self.objectLabel = objectLabel
        self.objectKey = objectKey
        self.reason = reason
    }

    /// Whether trying the same call again later can succeed: true for ``Code/unavailable``,
    /// ``Code/serverError`` and ``Code/integrity``.
    public var isRetryable: Bool {
        switch code {
        case .unavailable, .serverError, .integrity: true
        case .credentials, .notFound, .clockSkew, .malformedResponse, .invalidCursor, .io, .configuration: false
        }
    }

    /// `"<source>: <operation> [object <label>]: <reason>"`.
    public var description: String {
        var text = "\(source): \(operation)"
        if let objectLabel { text += " (object \(objectLabel))" }
        return text + ": \(reason)"
    }

    /// ``description`` followed by the raw object key.
    ///
    /// - warning: Object keys and file names can contain patient names. Use this only on synthetic data or
    ///   where PHI may be shown; never log it by default.
    public var expandedDescription: String {
        guard let objectKey else { return description }
        return description + " [key: \(objectKey)]"
    }
}
