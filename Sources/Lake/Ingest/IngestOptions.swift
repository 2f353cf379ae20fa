public import Connectors
import Foundation

/// How the ingest pipeline works: parallelism, batch size, deletions and retries.
///
/// ```swift
/// var options = IngestOptions()
/// options.concurrency = 8
/// options.propagateDeletions = true
/// ```
public struct IngestOptions: Sendable {
    /// Objects fetched and de-identified at once (at least 1). Database writes are serialized regardless.
    public var concurrency: Int
    /// The default ``concurrency``: two objects per core, so that one object's download overlaps another's
    /// de-identification (with one per core, a core waits while its object is on the wire: 10,000 small
    /// instances from a local Orthanc took 6.2 s with 2 in flight on 2 cores, 5.9 s with 4, 5.8 s with 8).
    public static var defaultConcurrency: Int { 2 * max(1, ProcessInfo.processInfo.activeProcessorCount) }
    /// Entries listed from a source per batch; the cursor moves once per batch (at least 1).
    public var batchSize: Int
    /// Whether an object deleted at its source is also removed from `instances`/`documents` (its provenance
    /// always records the deletion).
    public var propagateDeletions: Bool
    /// How many times an object whose fetch fails transiently (server error, integrity) is tried, over
    /// successive passes, before it is quarantined with reason `fetchFailed`.
    public var maxAttempts: Int

    /// The defaults: two objects per core (``defaultConcurrency``), batches of 500, deletions recorded but not
    /// propagated, 5 attempts.
    public init(
        concurrency: Int = IngestOptions.defaultConcurrency, batchSize: Int = 500,
        propagateDeletions: Bool = false, maxAttempts: Int = 5
    ) {
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize)
        self.propagateDeletions = propagateDeletions
        self.maxAttempts = max(1, maxAttempts)
    }
}

/// The kind of a source, as the `sources.type` column records it.
public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An Orthanc server (changes feed; no deletions reported).
    case orthanc
    /// An S3 bucket (listing passes; deletions found by pass marking).
    case s3
    /// A folder tree (listing passes; deletions found by pass marking).
    case folder
}

/// One source the pipeline ingests from, with how its documents are linked to patients.
public struct IngestSourceDescriptor: Sendable {
    /// The connector.
    public var source: any IngestSource
    /// Its kind.
    public var kind: SourceKind
    /// Links a document to a patient by its key (S3 and folder sources), or nil.
    public var documentPatientPattern: DocumentPatientPattern?

    /// Creates a descriptor.
    public init(source: any IngestSource, kind: SourceKind, documentPatientPattern: DocumentPatientPattern? = nil) {
        self.source = source
        self.kind = kind
        self.documentPatientPattern = documentPatientPattern
    }
}

/// A regular expression over an object key whose named group `patientID` captures the original Patient ID
/// (0010,0020) of the patient a document belongs to, such as `^reports/(?<patientID>[^/]+)/`.
///
/// The captured ID is pseudonymized and date-shifted with the node's key exactly as the DICOM
/// de-identifier treats that patient's Patient ID (with no Issuer of Patient ID), so the document joins
/// the patient's images and its dates move with theirs.
// NSRegularExpression is immutable after creation and documented as safe to use from several threads.
public final class DocumentPatientPattern: @unchecked Sendable {
    /// The pattern as configured.
    public let pattern: String
    private let expression: NSRegularExpression

    /// Compiles `pattern`.
    /// - Throws: ``LakeError`` `.configuration` when it does not compile or has no group named `patientID`.
    public init(_ pattern: String) throws(LakeError) {
        guard pattern.contains("(?<patientID>") else {
            throw LakeError(
                .configuration, input: "documentPatientPattern", "the pattern has no named group 'patientID'",
                remedy: "write the patient ID part as (?<patientID>...)")
        }
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw LakeError(.configuration, input: "documentPatientPattern", "the pattern is not a valid regular expression")
        }
        self.pattern = pattern
    }

    /// The patient ID the pattern captures in `key`, or nil when it does not match (or captures nothing).
    public func patientID(in key: String) -> String? {
        let range = NSRange(key.startIndex..<key.endIndex, in: key)
        guard let match = expression.firstMatch(in: key, range: range) else { return nil }
        let group = match.range(withName: "patientID")
        guard group.location != NSNotFound, let swiftRange = Range(group, in: key) else { return nil }
        let value = key[swiftRange].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }
}
