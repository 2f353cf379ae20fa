/// What the ingest pipeline reports while it works, for logs, metrics and progress bars.
///
/// Events carry counts, source names and reason codes, never patient data or object keys (STYLE R5).
/// They are delivered from the pipeline's tasks, on any thread, in the order things happen for one source.
///
/// ```swift
/// let pipeline = IngestPipeline(lake: lake, deidentification: configuration, options: options) { event in
///     if case .objectQuarantined(let source, let code) = event { print("\(source): quarantined (\(code))") }
/// }
/// ```
public enum IngestEvent: Sendable, Hashable {
    /// One object was committed to the lake: its kind (`instance` or `document`), the bytes fetched from the
    /// source, and whether it replaced an earlier version of the same source object.
    case objectCommitted(source: String, kind: String, sourceBytes: Int64, replacedVersion: Bool)
    /// One object was put in quarantine, with the stable reason code (`burnedInAnnotation`, `notDICOM`, …).
    case objectQuarantined(source: String, reasonCode: String)
    /// A batch was committed with the source's cursor.
    case batchCommitted(source: String, counts: IngestCounts, passComplete: Bool)
    /// A source failed; its cursor stays where it was and the next pass retries. The message names no object.
    case sourceFailed(source: String, message: String)
}

/// Counts of what ingest did, for one batch, one source or one run.
public struct IngestCounts: Sendable, Hashable, Codable {
    /// Objects listed by the source.
    public var listed = 0
    /// Objects committed (new or changed).
    public var committed = 0
    /// Objects whose version was already in the lake (or already quarantined).
    public var unchanged = 0
    /// Objects put in quarantine.
    public var quarantined = 0
    /// Objects the source no longer has, marked deleted.
    public var deleted = 0
    /// Objects deleted between listing and fetching.
    public var vanished = 0
    /// Bytes fetched from the source.
    public var sourceBytes: Int64 = 0

    /// All zeros.
    public init() {}

    /// Adds `other` to these counts.
    public mutating func add(_ other: IngestCounts) {
        listed += other.listed
        committed += other.committed
        unchanged += other.unchanged
        quarantined += other.quarantined
        deleted += other.deleted
        vanished += other.vanished
        sourceBytes += other.sourceBytes
    }
}
