import Connectors
import Foundation
import Storage

/// The state of one source as the lake records it.
struct SourceState: Sendable {
    let id: Int64
    let cursor: SourceCursor?
    let pass: Int
}

/// What the lake already holds for one listed object.
enum KnownVersion: Sendable {
    /// Not held in this version: fetch it.
    case new
    /// This version is current, or is quarantined for good: nothing to do.
    case unchanged
}

/// The outcome of committing one prepared object.
enum CommitOutcome: Sendable {
    case committed(replacedVersion: Bool)
    case alreadyPresent
    case quarantined(code: String)
}

/// The ingest-side writes of the lake. Every method is one transaction (STYLE R9), serialized by the
/// database queue.
extension Lake {
    /// The current time as the lake writes it: UTC ISO 8601 with milliseconds.
    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Finds or creates the `sources` row of `name` and returns its state.
    func sourceState(name: String, kind: SourceKind) async throws -> SourceState {
        try await database.write { db in
            try db.execute(
                "INSERT INTO sources(name, type) VALUES (\(name), \(kind.rawValue)) ON CONFLICT(name) DO NOTHING")
            guard let row = try db.fetchOne("SELECT id, cursor, pass FROM sources WHERE name = \(name)") else {
                throw LakeError(.database, input: "sources", "the source row vanished after it was written")
            }
            let cursor: String? = try row["cursor"]
            return SourceState(id: try row["id"], cursor: cursor.map(SourceCursor.init), pass: try row["pass"])
        }
    }

    /// Classifies listed objects: which versions the lake holds already (current, or quarantined for good).
    func knownVersions(sourceID: Int64, _ keys: [(objectKey: String, versionKey: String)]) async throws -> [KnownVersion] {
        try await database.read { db in
            try keys.map { key in
                if let current = try db.fetchOne(
                    String.self,
                    """
                    SELECT version_key FROM provenance
                    WHERE source_id = \(sourceID) AND object_key = \(key.objectKey) AND status = 'current'
                    """), current == key.versionKey
                {
                    return .unchanged
                }
                if let row = try db.fetchOne(
                    """
                    SELECT version_key, reason_code FROM quarantine
                    WHERE source_id = \(sourceID) AND object_key = \(key.objectKey) AND resolved_at IS NULL
                    """)
                {
                    let version: String = try row["version_key"]
                    let code: String = try row["reason_code"]
                    if version == key.versionKey, code != "fetchRetrying" { return .unchanged }
                }
                return .new
            }
        }
    }

    /// Commits prepared objects in one transaction (a group commit: one WAL flush for the group), each as if
    /// alone: its rows, its provenance, the end of the version it replaces, and the resolution of its
    /// quarantine entry; or its quarantine entry. The object store is flushed first (``flushObjectStore()``),
    /// so no row ever names a stored file that a power loss could take back.
    ///
    /// - Returns: One outcome per object, in order.
    func commit(_ objects: [PreparedObject], sourceID: Int64, pass: Int, profile: String) async throws -> [CommitOutcome] {
        if objects.contains(where: { $0.stored != nil }) { try flushObjectStore() }
        let fingerprint = keyFingerprint
        return try await database.write { db in
            let now = Self.timestamp()
            return try objects.map { object in
                try Self.commit(db, object, sourceID: sourceID, pass: pass, profile: profile, fingerprint: fingerprint, now: now)
            }
        }
    }

    private static func commit(
        _ db: Database, _ object: PreparedObject, sourceID: Int64, pass: Int, profile: String, fingerprint: String,
        now: String
    ) throws -> CommitOutcome {
        let origin = object.origin
        let current = try db.fetchOne(
            """
            SELECT id, version_key, kind FROM provenance
            WHERE source_id = \(sourceID) AND object_key = \(origin.objectKey) AND status = 'current'
            """)
        let currentVersion: String? = try current.map { row throws(StorageError) in try row["version_key"] }
        if currentVersion == origin.versionKey { return .alreadyPresent }
        guard let stored = object.stored else {
            if case .quarantine(let code, let reason) = object.content {
                try Self.quarantine(db, sourceID: sourceID, origin: origin, code: code, reason: reason, now: now)
                if current != nil {
                    // The object's older version stays current; it was seen in this pass.
                    try db.execute(
                        """
                        UPDATE provenance SET seen_pass = \(pass)
                        WHERE source_id = \(sourceID) AND object_key = \(origin.objectKey) AND status = 'current'
                        """)
                }
                return .quarantined(code: code)
            }
            throw LakeError(.database, input: "provenance", "an object to commit has no stored file")
        }
        // An instance whose SOP Instance UID another current object already holds is a duplicate.
        if case .instance(let record) = object.content,
            let holder = try db.fetchOne(
                """
                SELECT i.id, p.status, p.source_id, p.object_key FROM instances i
                JOIN provenance p ON p.id = i.provenance_id WHERE i.sop_instance_uid = \(record.sopInstanceUID)
                """)
        {
            let status: String = try holder["status"]
            let holderSource: Int64 = try holder["source_id"]
            let holderKey: String = try holder["object_key"]
            if status == "current", !(holderSource == sourceID && holderKey == origin.objectKey) {
                let code = "duplicateInstance"
                try Self.quarantine(
                    db, sourceID: sourceID, origin: origin, code: code,
                    reason: "another source object holds the same SOP Instance UID; the first one ingested is kept",
                    now: now)
                return .quarantined(code: code)
            }
            if status != "current" {
                // A row kept for a deleted or superseded version: the new version takes its place.
                let holderID: Int64 = try holder["id"]
                try db.execute("DELETE FROM instances WHERE id = \(holderID)")
            }
        }
        try db.execute(
            """
            INSERT INTO objects(sha256, byte_count, media_type, stored_at)
            VALUES (\(stored.sha256), \(stored.byteCount), \(stored.mediaType), \(now))
            ON CONFLICT(sha256) DO NOTHING
            """)
        if let current {
            let id: Int64 = try current["id"]
            try db.execute("UPDATE provenance SET status = 'superseded', ended_at = \(now) WHERE id = \(id)")
            try db.execute("DELETE FROM instances WHERE provenance_id = \(id)")
            try db.execute("DELETE FROM documents WHERE provenance_id = \(id)")
        }
        let kind: String
        switch object.content {
        case .instance: kind = "instance"
        case .document: kind = "document"
        case .quarantine: kind = "document"
        }
        let usedProfile = kind == "document" ? "safeHarbor" : profile
        try db.execute(
            """
            INSERT INTO provenance(source_id, object_key, version_key, source_byte_count, kind, object_sha256,
                                   status, seen_pass, ingested_at, deid_profile, key_fingerprint)
            VALUES (\(sourceID), \(origin.objectKey), \(origin.versionKey), \(origin.sourceBytes), \(kind),
                    \(stored.sha256), 'current', \(pass), \(now), \(usedProfile), \(fingerprint))
            """)
        let provenanceID = db.lastInsertedRowID
        switch object.content {
        case .instance(let record):
            try Self.insert(db, record, provenanceID: provenanceID, now: now)
        case .document(let record):
            var patientID: Int64?
            if let pseudonym = record.patientPseudonym {
                patientID = try Self.patient(db, pseudonym: pseudonym, sex: nil, now: now)
            }
            try db.execute(
                """
                INSERT INTO documents(patient_id, provenance_id, kind, document_date, document_year, text)
                VALUES (\(patientID), \(provenanceID), \(record.kind), \(record.date), \(record.year), \(record.text))
                """)
        case .quarantine:
            break
        }
        try db.execute(
            """
            UPDATE quarantine SET resolved_at = \(now)
            WHERE source_id = \(sourceID) AND object_key = \(origin.objectKey) AND resolved_at IS NULL
            """)
        return .committed(replacedVersion: current != nil)
    }

    /// Records that an object's fetch failed transiently: counts the attempt, and after `maxAttempts`
    /// quarantines it for good (`fetchFailed`). Returns whether it is now quarantined for good.
    func recordTransientFailure(
        _ origin: PreparedObject.Origin, reason: String, sourceID: Int64, maxAttempts: Int
    ) async throws -> Bool {
        try await database.write { db in
            let now = Self.timestamp()
            let attempts = try db.fetchOne(
                Int.self,
                """
                SELECT attempts FROM quarantine WHERE source_id = \(sourceID) AND object_key = \(origin.objectKey)
                AND resolved_at IS NULL AND reason_code = 'fetchRetrying' AND version_key = \(origin.versionKey)
                """) ?? 0
            let final = attempts + 1 >= maxAttempts
            try Self.quarantine(
                db, sourceID: sourceID, origin: origin, code: final ? "fetchFailed" : "fetchRetrying",
                reason: reason, now: now, attempts: attempts + 1)
            return final
        }
    }

    /// Ends a batch in one transaction: marks the unchanged objects seen in this pass, records deletions,
    /// and moves the cursor; at the end of an S3/folder pass, objects not seen in it are marked deleted.
    /// - Returns: The number of objects marked deleted.
    func finishBatch(
        sourceID: Int64, kind: SourceKind, pass: Int, seen: [String], deleted: [String], cursor: SourceCursor,
        passComplete: Bool, propagateDeletions: Bool
    ) async throws -> Int {
        try await database.write { db in
            let now = Self.timestamp()
            for objectKey in seen {
                try db.execute(
                    """
                    UPDATE provenance SET seen_pass = \(pass)
                    WHERE source_id = \(sourceID) AND object_key = \(objectKey) AND status = 'current'
                    """)
            }
            var gone: [Int64] = []
            for objectKey in deleted {
                gone += try db.fetchAll(
                    Int64.self,
                    """
                    SELECT id FROM provenance
                    WHERE source_id = \(sourceID) AND object_key = \(objectKey) AND status = 'current'
                    """)
            }
            if passComplete, kind != .orthanc {
                gone += try db.fetchAll(
                    Int64.self,
                    """
                    SELECT id FROM provenance
                    WHERE source_id = \(sourceID) AND status = 'current' AND seen_pass < \(pass)
                    """)
            }
            for id in gone {
                try db.execute("UPDATE provenance SET status = 'deleted', ended_at = \(now) WHERE id = \(id)")
                if propagateDeletions {
                    try db.execute("DELETE FROM instances WHERE provenance_id = \(id)")
                    try db.execute("DELETE FROM documents WHERE provenance_id = \(id)")
                }
            }
            if passComplete {
                let nextPass = kind == .orthanc ? pass : pass + 1
                try db.execute(
                    """
                    UPDATE sources SET cursor = \(cursor.value), cursor_updated_at = \(now), pass = \(nextPass),
                        last_pass_completed_at = \(now), last_error = NULL, last_error_at = NULL
                    WHERE id = \(sourceID)
                    """)
            } else {
                try db.execute(
                    """
                    UPDATE sources SET cursor = \(cursor.value), cursor_updated_at = \(now), last_error = NULL,
                        last_error_at = NULL
                    WHERE id = \(sourceID)
                    """)
            }
            return gone.count
        }
    }

    /// Records a source's error (a message without patient data).
    func recordSourceError(sourceID: Int64, message: String) async throws {
        try await database.write { db in
            try db.execute(
                "UPDATE sources SET last_error = \(message), last_error_at = \(Self.timestamp()) WHERE id = \(sourceID)")
        }
    }

    private static func quarantine(
        _ db: Database, sourceID: Int64, origin: PreparedObject.Origin, code: String, reason: String, now: String,
        attempts: Int? = nil
    ) throws {
        if let attempts {
            try db.execute(
                """
                INSERT INTO quarantine(source_id, object_key, source_object, version_key, reason_code, reason,
                                       first_seen_at, last_seen_at, attempts)
                VALUES (\(sourceID), \(origin.objectKey), \(origin.sourceObject), \(origin.versionKey), \(code),
                        \(reason), \(now), \(now), \(attempts))
                ON CONFLICT(source_id, object_key) DO UPDATE SET
                    source_object = excluded.source_object, version_key = excluded.version_key,
                    reason_code = excluded.reason_code, reason = excluded.reason, last_seen_at = excluded.last_seen_at,
                    attempts = excluded.attempts, resolved_at = NULL
                """)
        } else {
            try db.execute(
                """
                INSERT INTO quarantine(source_id, object_key, source_object, version_key, reason_code, reason,
                                       first_seen_at, last_seen_at, attempts)
                VALUES (\(sourceID), \(origin.objectKey), \(origin.sourceObject), \(origin.versionKey), \(code),
                        \(reason), \(now), \(now), 1)
                ON CONFLICT(source_id, object_key) DO UPDATE SET
                    source_object = excluded.source_object, version_key = excluded.version_key,
                    reason_code = excluded.reason_code, reason = excluded.reason, last_seen_at = excluded.last_seen_at,
                    attempts = quarantine.attempts + 1, resolved_at = NULL
                """)
        }
    }

    private static func patient(_ db: Database, pseudonym: String, sex: String?, now: String) throws -> Int64 {
        try db.execute(
            """
            INSERT INTO patients(pseudonym, sex, first_ingested_at) VALUES (\(pseudonym), \(sex), \(now))
            ON CONFLICT(pseudonym) DO UPDATE SET sex = coalesce(patients.sex, excluded.sex)
            """)
        guard let id = try db.fetchOne(Int64.self, "SELECT id FROM patients WHERE pseudonym = \(pseudonym)") else {
            throw LakeError(.database, input: "patients", "the patient row vanished after it was written")
        }
        return id
    }

    private static func insert(_ db: Database, _ record: InstanceRecord, provenanceID: Int64, now: String) throws {
        let patientID = try patient(db, pseudonym: record.patientPseudonym, sex: record.sex, now: now)
        try db.execute(
            """
            INSERT INTO studies(study_uid, patient_id, study_date, study_year, age_years, description)
            VALUES (\(record.studyUID), \(patientID), \(record.studyDate), \(record.studyYear), \(record.ageYears),
                    \(record.studyDescription))
            ON CONFLICT(study_uid) DO NOTHING
            """)
        guard let studyID = try db.fetchOne(Int64.self, "SELECT id FROM studies WHERE study_uid = \(record.studyUID)")
        else { throw LakeError(.database, input: "studies", "the study row vanished after it was written") }
        try db.execute(
            """
            INSERT INTO series(series_uid, study_id, modality, body_part, manufacturer, model, description, series_number)
            VALUES (\(record.seriesUID), \(studyID), \(record.modality), \(record.bodyPart), \(record.manufacturer),
                    \(record.model), \(record.seriesDescription), \(record.seriesNumber))
            ON CONFLICT(series_uid) DO NOTHING
            """)
        guard let seriesID = try db.fetchOne(Int64.self, "SELECT id FROM series WHERE series_uid = \(record.seriesUID)")
        else { throw LakeError(.database, input: "series", "the series row vanished after it was written") }
        try db.execute(
            """
            INSERT INTO instances(sop_instance_uid, series_id, provenance_id, sop_class_uid, transfer_syntax_uid,
                                  instance_number, rows, columns, number_of_frames, slice_thickness, pixel_spacing_mm,
                                  kvp, header_json)
            VALUES (\(record.sopInstanceUID), \(seriesID), \(provenanceID), \(record.sopClassUID),
                    \(record.transferSyntaxUID), \(record.instanceNumber), \(record.rows), \(record.columns),
                    \(record.numberOfFrames), \(record.sliceThickness), \(record.pixelSpacing), \(record.kvp),
                    \(record.headerJSON))
            """)
    }
}
