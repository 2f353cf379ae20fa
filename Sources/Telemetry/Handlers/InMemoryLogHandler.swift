import Synchronization

/// A handler that keeps records in memory, for tests (swift-log's `InMemoryLogging`).
///
/// ```swift
/// let handler = InMemoryLogHandler()
/// let logger = Logger(label: "test", handler: handler, logLevel: .trace)
/// runTheCodeUnderTest(logger: logger)
/// #expect(!handler.jsonLines.joined().contains(plantedPatientName))
/// ```
public final class InMemoryLogHandler: LogHandler {
    private let storage = Mutex<[LogRecord]>([])

    /// An empty handler.
    public init() {}

    /// Keeps the record.
    public func log(_ record: LogRecord) {
        storage.withLock { $0.append(record) }
    }

    /// The records kept so far, oldest first. They hold the unredacted values; assert on ``jsonLines`` or
    /// ``textLines`` to check what production output would show.
    public var records: [LogRecord] { storage.withLock { $0 } }

    /// The records as the production JSON handler would write them (redacted).
    public var jsonLines: [String] { records.map(JSONLinesLogHandler.format) }

    /// The records as the text handler would write them with redaction.
    public var textLines: [String] { records.map { TextLogHandler.format($0, redaction: .redact) } }

    /// Forgets every record.
    public func removeAll() {
        storage.withLock { $0.removeAll() }
    }
}
