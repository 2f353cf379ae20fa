import Storage

/// The totals of a lake and the state of each source, as `fedlake node status` prints them.
///
/// ```swift
/// let status = try lake.status()
/// print("\(status.instances) instances, \(status.quarantined) quarantined")
/// ```
public struct LakeStatus: Sendable, Hashable, Codable {
    /// Instances in the lake (rows of `instances`).
    public var instances: Int
    /// Documents in the lake.
    public var documents: Int
    /// Pseudonymous patients.
    public var patients: Int
    /// Studies.
    public var studies: Int
    /// Objects in quarantine, not resolved by a later version.
    public var quarantined: Int
    /// Bytes in the object store (every stored file once, current and historical versions).
    public var bytes: Int64
    /// One entry per source the lake has seen.
    public var sources: [SourceStatus]

    /// The state of one source.
    public struct SourceStatus: Sendable, Hashable, Codable {
        /// The source's printable ID (no credentials).
        public var name: String
        /// `orthanc`, `s3` or `folder`.
        public var type: String
        /// Whether a cursor has been committed (ingest resumes from it).
        public var cursorPresent: Bool
        /// The listing pass in progress (S3 and folders).
        public var pass: Int
        /// Current objects from this source.
        public var objects: Int
        /// Bytes of the current objects' stored files.
        public var bytes: Int64
        /// Unresolved quarantined objects of this source.
        public var quarantined: Int
        /// The source's last error, nil after a clean batch.
        public var lastError: String?
        /// When the last error happened.
        public var lastErrorAt: String?
        /// When the source last reported it had nothing more.
        public var lastPassCompletedAt: String?
    }
}

extension Lake {
    /// The lake's totals and per-source state, read in one snapshot.
    /// - Throws: ``LakeError`` `.database`.
    public func status() throws(LakeError) -> LakeStatus {
        do {
            return try database.read { db in
                func count(_ sql: SQL) throws -> Int { try db.fetchOne(Int.self, sql) ?? 0 }
                var status = LakeStatus(
                    instances: try count("SELECT count(*) FROM instances"),
                    documents: try count("SELECT count(*) FROM documents"),
                    patients: try count("SELECT count(*) FROM patients"),
                    studies: try count("SELECT count(*) FROM studies"),
                    quarantined: try count(
                        "SELECT count(*) FROM quarantine WHERE resolved_at IS NULL AND reason_code <> 'fetchRetrying'"),
                    bytes: try db.fetchOne(Int64.self, "SELECT coalesce(sum(byte_count), 0) FROM objects") ?? 0,
                    sources: [])
                for row in try db.fetchAll(
                    """
                    SELECT s.id, s.name, s.type, s.cursor IS NOT NULL AS has_cursor, s.pass, s.last_error,
                           s.last_error_at, s.last_pass_completed_at,
                           (SELECT count(*) FROM provenance p WHERE p.source_id = s.id AND p.status = 'current')
                               AS objects,
                           (SELECT coalesce(sum(o.byte_count), 0) FROM provenance p JOIN objects o
                               ON o.sha256 = p.object_sha256 WHERE p.source_id = s.id AND p.status = 'current')
                               AS bytes,
                           (SELECT count(*) FROM quarantine q WHERE q.source_id = s.id AND q.resolved_at IS NULL
                               AND q.reason_code <> 'fetchRetrying') AS quarantined
                    FROM sources s ORDER BY s.id
                    """)
                {
                    status.sources.append(
                        LakeStatus.SourceStatus(
                            name: try row["name"], type: try row["type"], cursorPresent: try row["has_cursor"],
                            pass: try row["pass"], objects: try row["objects"], bytes: try row["bytes"],
                            quarantined: try row["quarantined"], lastError: try row["last_error"],
                            lastErrorAt: try row["last_error_at"], lastPassCompletedAt: try row["last_pass_completed_at"]))
                }
                return status
            }
        } catch {
            throw LakeError(.database, input: database.path, "\(error)")
        }
    }
}
