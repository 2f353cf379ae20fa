/// A logger: a label, a level, metadata, and the ``LogHandler`` that writes its records.
///
/// A value type, cheap to copy and `Sendable`; add metadata to a copy for a sub-task.
///
/// ```swift
/// var logger = Logger(label: "fedlake.ingest")
/// logger[metadataKey: "source"] = .public(source.name)
/// logger.info("pass finished", metadata: ["objects": .integer(count)])
/// logger.error("cannot fetch \(objectID, sensitivity: .phi): \(error, sensitivity: .public)")
/// ```
///
/// Messages below ``logLevel`` cost nothing: the message and metadata are autoclosures evaluated only when
/// the record is written (STYLE.md R10).
public struct Logger: Sendable {
    /// What this logger belongs to, such as `"fedlake.ingest"`.
    public let label: String
    /// The least severe level this logger writes.
    public var logLevel: Level
    /// Metadata attached to every record of this logger (per-call metadata wins on equal keys).
    public var metadata: Metadata
    /// Where records go.
    public var handler: any LogHandler

    /// A logger whose handler and level come from ``LoggingSystem`` (a redacting text handler on standard
    /// error at `.info` before ``LoggingSystem/bootstrap(level:_:)``).
    public init(label: String) {
        let setup = LoggingSystem.current
        self.init(label: label, handler: setup.factory(label), logLevel: setup.level)
    }

    /// A logger with an injected handler, for tests and for components given their own destination.
    public init(label: String, handler: any LogHandler, logLevel: Level = .info, metadata: Metadata = [:]) {
        self.label = label
        self.handler = handler
        self.logLevel = logLevel
        self.metadata = metadata
    }

    /// Reads or sets one entry of ``metadata``.
    public subscript(metadataKey key: String) -> MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Whether a record at `level` would be written.
    public func isLogging(_ level: Level) -> Bool { level >= logLevel }

    /// Writes a record at `level` when the logger's level lets it through.
    /// - Parameters:
    ///   - level: The severity.
    ///   - message: The message; evaluated only when written.
    ///   - metadata: Per-call metadata merged over ``metadata``; evaluated only when written.
    public func log(
        level: Level, _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard level >= logLevel else { return }
        var merged = self.metadata
        if let extra = metadata() { merged.merge(extra) { _, new in new } }
        handler.log(
            LogRecord(
                time: Timestamp.now(), level: level, label: label, message: message(), metadata: merged,
                file: file, function: function, line: line))
    }

    /// Writes a `.trace` record.
    public func trace(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .trace, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes a `.debug` record.
    public func debug(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .debug, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes an `.info` record.
    public func info(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .info, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes a `.notice` record.
    public func notice(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .notice, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes a `.warning` record.
    public func warning(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .warning, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes an `.error` record.
    public func error(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .error, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Writes a `.critical` record.
    public func critical(
        _ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        log(level: .critical, message(), metadata: metadata(), file: file, function: function, line: line)
    }
}
