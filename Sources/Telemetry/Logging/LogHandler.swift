/// Where a ``Logger``'s records go (swift-log's `LogHandler`, reduced to one call: the logger owns its
/// level and metadata, so a handler only writes).
///
/// Handlers are shared by every copy of a logger and called from any thread, so they must be thread-safe.
/// A handler that writes text must redact non-public values (``Sensitivity``) in production output.
public protocol LogHandler: Sendable {
    /// Writes one record. Called only for records at or above the logger's level.
    func log(_ record: LogRecord)
}

/// One log event as handed to a ``LogHandler``.
public struct LogRecord: Sendable, Hashable {
    /// When the record was made (UTC wall clock).
    public var time: Timestamp
    /// Its severity.
    public var level: Logger.Level
    /// The logger's label.
    public var label: String
    /// The message, with the sensitivity of each piece.
    public var message: Logger.Message
    /// The logger's metadata merged with the call's.
    public var metadata: Logger.Metadata
    /// The source file (`#fileID`) of the call.
    public var file: String
    /// The function of the call.
    public var function: String
    /// The line of the call.
    public var line: UInt

    /// Creates a record.
    public init(
        time: Timestamp, level: Logger.Level, label: String, message: Logger.Message, metadata: Logger.Metadata = [:],
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        self.time = time
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata
        self.file = file
        self.function = function
        self.line = line
    }
}
