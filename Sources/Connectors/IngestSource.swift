public import Foundation

/// A place the node ingests objects from: Orthanc, an S3 bucket, or a folder.
///
/// A source stores nothing. The caller (the ingest pipeline) persists the ``SourceCursor`` of each batch
/// together with the objects it committed, and passes it back to resume exactly where it stopped:
///
/// ```swift
/// var cursor = try lake.cursor(for: source.sourceID)          // nil the first time
/// while true {
///     let batch = try await source.listChanges(after: cursor, limit: 100)
///     for change in batch.changes {
///         guard case .upsert(let ref) = change else { continue }
///         switch try await source.fetch(ref, to: scratchFile) {
///         case .fetched(let object): try pipeline.ingest(object)      // de-identify, store
///         case .deletedBeforeFetch: break                              // gone; nothing to store
///         }
///     }
///     try lake.commit(cursor: batch.nextCursor, for: source.sourceID)
///     cursor = batch.nextCursor
///     if batch.isComplete { break }
/// }
/// ```
///
/// How new, changed and deleted objects are found differs by source:
/// - ``OrthancSource`` follows Orthanc's change log: every stored instance appears once as an upsert.
///   Orthanc 1.10 removes a deleted resource's entries from the log, so deletions never appear as
///   changes; an instance deleted after it was listed gives ``FetchResult/deletedBeforeFetch``.
/// - ``S3Source`` and ``FolderSource`` have no change log. Each call lists the next page of a full,
///   sorted pass over the keys; every object is reported as an upsert carrying its version (S3: ETag;
///   folder: modification time and size). The caller treats an upsert whose version equals the stored one
///   as unchanged, a different version as changed, and a key it holds that was not reported during a
///   pass that ended with ``ChangeBatch/isComplete`` as deleted. After a completed pass the next cursor
///   starts a new pass.
public protocol IngestSource: Sendable {
    /// A stable, printable name of the source for cursors, logs and errors, without credentials:
    /// `orthanc http://127.0.0.1:8042`, `s3 http://127.0.0.1:9000/bucket/prefix`, `folder /data/in`.
    var sourceID: String { get }

    /// Lists the changes after `cursor`.
    ///
    /// - Parameters:
    ///   - cursor: The ``ChangeBatch/nextCursor`` of the previous batch, or nil to start from the beginning.
    ///   - limit: The most entries to read from the source in this call (at least 1). A batch may hold
    ///     fewer changes than `limit`, even none, without being complete.
    /// - Returns: The changes in source order and the cursor to pass next.
    /// - Throws: ``ConnectorError``; retryable errors (``ConnectorError/isRetryable``) are retried by the
    ///   source's ``RetryPolicy`` before they are thrown.
    func listChanges(after cursor: SourceCursor?, limit: Int) async throws -> ChangeBatch

    /// Downloads one object: into memory (``FetchedObject/bytes``) when the source keeps small objects there,
    /// else into `file` (created or replaced), streaming it to disk.
    ///
    /// - Returns: ``FetchResult/fetched(_:)`` with size, SHA-256 and version, or
    ///   ``FetchResult/deletedBeforeFetch`` when the object no longer exists (not an error: ingest goes on).
    /// - Throws: ``ConnectorError`` for failures other than the object being gone.
    func fetch(_ object: SourceObjectRef, to file: URL) async throws -> FetchResult
}

/// A position in a source's listing, persisted by the caller; opaque to everyone but the source that made it.
///
/// Encodes as a single JSON string. Orthanc: the last change sequence number read (`"25"`); S3 and
/// folders: the pass position (`"after:<last key>"`, or `"start"` for the beginning of the next pass).
public struct SourceCursor: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The encoded position.
    public let value: String

    /// Wraps an encoded position read back from storage.
    public init(_ value: String) { self.value = value }

    /// Decodes from a single string.
    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// The encoded position. For S3 and folder sources it contains an object key, which can name a patient:
    /// store it locally, do not log it.
    public var description: String { value }
}

/// One object of a source, as listed: its identifier and version.
public struct SourceObjectRef: Hashable, Sendable {
    /// The source's identifier: an Orthanc instance ID, an S3 key, a path relative to the folder.
    public let id: String
    /// The version as listed: Orthanc's change sequence number, the S3 ETag (without quotes), the folder
    /// file's `<mtime ns>-<size>`. Equal versions mean unchanged content.
    public let version: String
    /// The size announced by the listing, when the source has one (S3 and folders).
    public let byteCount: Int64?

    /// Creates a reference.
    public init(id: String, version: String, byteCount: Int64? = nil) {
        self.id = id
        self.version = version
        self.byteCount = byteCount
    }
}

/// One entry of a ``ChangeBatch``.
public enum SourceChange: Hashable, Sendable {
    /// The object is new or may have changed: compare its version with the stored one, fetch if different.
    case upsert(SourceObjectRef)
    /// The source reports the object deleted.
    case delete(SourceObjectRef)

    /// The object this change is about.
    public var object: SourceObjectRef {
        switch self {
        case .upsert(let object), .delete(let object): object
        }
    }
}

/// The result of one ``IngestSource/listChanges(after:limit:)`` call.
public struct ChangeBatch: Sendable {
    /// The changes, in source order.
    public let changes: [SourceChange]
    /// The cursor to persist with these changes and pass to the next call.
    public let nextCursor: SourceCursor
    /// Whether the source had nothing after this batch when it was read: Orthanc's `Done`, or the end of a
    /// full S3/folder pass. Polling again later may find more.
    public let isComplete: Bool

    /// Creates a batch.
    public init(changes: [SourceChange], nextCursor: SourceCursor, isComplete: Bool) {
        self.changes = changes
        self.nextCursor = nextCursor
        self.isComplete = isComplete
    }
}

/// The result of ``IngestSource/fetch(_:to:)``.
public enum FetchResult: Sendable {
    /// The object is in the file.
    case fetched(FetchedObject)
    /// The object was deleted between listing and fetching; the file is empty.
    case deletedBeforeFetch(SourceObjectRef)
}

/// An object downloaded: in memory when small (``bytes``), else to a local file.
public struct FetchedObject: Sendable {
    /// The object as it was requested.
    public let ref: SourceObjectRef
    /// The file holding its bytes, unless they are in ``bytes``.
    public let file: URL
    /// The object's bytes when the source kept it in memory (objects up to ``IngestSourceLimits/inMemoryBytes``
    /// fetched over HTTP); then `file` was not written.
    public let bytes: [UInt8]?
    /// The number of bytes in the file.
    public let byteCount: Int64
    /// The SHA-256 of the object's bytes (FIPS 180-4), computed from memory or by reading the file back.
    public let sha256: [UInt8]
    /// The version of the bytes fetched: the ETag S3 sent with them, the folder file's `<mtime ns>-<size>`,
    /// Orthanc's change sequence number. It can differ from `ref.version` when the object changed after
    /// it was listed.
    public let version: String

    /// Creates a fetched object.
    public init(
        ref: SourceObjectRef, file: URL, byteCount: Int64, sha256: [UInt8], version: String, bytes: [UInt8]? = nil
    ) {
        self.ref = ref
        self.file = file
        self.bytes = bytes
        self.byteCount = byteCount
        self.sha256 = sha256
        self.version = version
    }
}

extension FetchedObject {
    /// The object's bytes: ``bytes``, or the file's contents read whole.
    /// - Throws: When the file cannot be read.
    public func contents() throws -> [UInt8] {
        if let bytes { return bytes }
        return [UInt8](try Data(contentsOf: file))
    }
}

/// Limits the HTTP sources share.
public enum IngestSourceLimits {
    /// Objects up to this size are fetched into memory (no working file is written); larger ones stream to
    /// the working file.
    public static let inMemoryBytes = 1 << 20
}
