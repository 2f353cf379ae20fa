public import Storage

/// The research lake's schema: named migrations over `lake.sqlite` (STYLE R9). A shipped migration is never
/// edited; changes go in a new one appended to ``migrator``.
///
/// Every table and column is explained in the article <doc:LakeSchema>. In short:
/// - `patients`, `studies`, `series`, `instances`: the de-identified DICOM hierarchy, keyed by pseudonyms and
///   pseudonymized UIDs, with the header attributes cohort queries use as typed columns and the whole
///   de-identified header as DICOM JSON.
/// - `documents` (+ `documents_fts`, an FTS5 index over their scrubbed text).
/// - `objects`: the de-identified files in the content-addressed store, by SHA-256.
/// - `sources`, `provenance`, `quarantine`: where each object came from (as keyed digests, never an original
///   identifier), what could not be ingested and why, and each source's cursor.
///
/// ```swift
/// let queue = try DatabaseQueue(path: lakeDirectory.appending(path: "lake.sqlite").path)
/// try LakeSchema.migrator.migrate(queue)
/// ```
public enum LakeSchema {
    /// The migrations of the lake, in order.
    public static var migrator: Migrator {
        var migrator = Migrator()
        for migration in migrations { migrator.registerMigration(migration.name, migration.body) }
        return migrator
    }

    /// Every migration of the lake, in the order they run: the one place a new migration is added.
    ///
    /// Each entry names its migration (`v2-…`) and the function that applies it, which may live in
    /// another file as an extension of ``LakeSchema``. Shipped entries are never edited or reordered.
    public static let migrations: [(name: String, body: @Sendable (Database) throws -> Void)] = [
        ("v1-lake", createVersion1),
        ("v2-privacy-ledger", createPrivacyLedger),
    ]

    /// The tables every lake has after ``migrator`` ran, for checks and the schema document's test.
    public static let tables = [
        "sources", "provenance", "objects", "patients", "studies", "series", "instances", "documents",
        "documents_fts", "quarantine",
    ] + privacyLedgerTables

    private static func createVersion1(_ db: Database) throws {
        // Sources and where objects came from. `sources.name` is the connector's printable ID (no credentials).
        try db.execute(
            sql: """
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL CHECK (type IN ('orthanc', 's3', 'folder')),
                    cursor TEXT,
                    pass INTEGER NOT NULL DEFAULT 0,
                    cursor_updated_at TEXT,
                    last_pass_completed_at TEXT,
                    last_error TEXT,
                    last_error_at TEXT
                ) STRICT;
                CREATE TABLE objects (
                    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
                    byte_count INTEGER NOT NULL CHECK (byte_count >= 0),
                    media_type TEXT NOT NULL,
                    stored_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE provenance (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    object_key TEXT NOT NULL,
                    version_key TEXT NOT NULL,
                    source_byte_count INTEGER NOT NULL CHECK (source_byte_count >= 0),
                    kind TEXT NOT NULL CHECK (kind IN ('instance', 'document')),
                    object_sha256 TEXT NOT NULL REFERENCES objects(sha256),
                    status TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded', 'deleted')),
                    seen_pass INTEGER NOT NULL DEFAULT 0,
                    ingested_at TEXT NOT NULL,
                    ended_at TEXT,
                    deid_profile TEXT NOT NULL,
                    key_fingerprint TEXT NOT NULL
                ) STRICT;
                CREATE UNIQUE INDEX provenance_current ON provenance(source_id, object_key) WHERE status = 'current';
                CREATE INDEX provenance_object ON provenance(object_sha256);
                CREATE INDEX provenance_pass ON provenance(source_id, seen_pass) WHERE status = 'current';
                """)
        // The de-identified DICOM hierarchy.
        try db.execute(
            sql: """
                CREATE TABLE patients (
                    id INTEGER PRIMARY KEY,
                    pseudonym TEXT NOT NULL UNIQUE,
                    sex TEXT CHECK (sex IN ('M', 'F', 'O')),
                    first_ingested_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE studies (
                    id INTEGER PRIMARY KEY,
                    study_uid TEXT NOT NULL UNIQUE,
                    patient_id INTEGER NOT NULL REFERENCES patients(id),
                    study_date TEXT,
                    study_year INTEGER,
                    age_years INTEGER CHECK (age_years BETWEEN 0 AND 90),
                    description TEXT
                ) STRICT;
                CREATE INDEX studies_patient ON studies(patient_id);
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    series_uid TEXT NOT NULL UNIQUE,
                    study_id INTEGER NOT NULL REFERENCES studies(id),
                    modality TEXT,
                    body_part TEXT,
                    manufacturer TEXT,
                    model TEXT,
                    description TEXT,
                    series_number INTEGER
                ) STRICT;
                CREATE INDEX series_study ON series(study_id);
                CREATE INDEX series_modality ON series(modality);
                CREATE TABLE instances (
                    id INTEGER PRIMARY KEY,
                    sop_instance_uid TEXT NOT NULL UNIQUE,
                    series_id INTEGER NOT NULL REFERENCES series(id),
                    provenance_id INTEGER NOT NULL UNIQUE REFERENCES provenance(id),
                    sop_class_uid TEXT NOT NULL,
                    transfer_syntax_uid TEXT NOT NULL,
                    instance_number INTEGER,
                    rows INTEGER,
                    columns INTEGER,
                    number_of_frames INTEGER,
                    slice_thickness REAL,
                    pixel_spacing_mm REAL,
                    kvp REAL,
                    header_json TEXT NOT NULL
                ) STRICT;
                CREATE INDEX instances_series ON instances(series_id);
                """)
        // Documents, full-text indexed over their scrubbed text (external-content FTS5 kept in step by triggers).
        try db.execute(
            sql: """
                CREATE TABLE documents (
                    id INTEGER PRIMARY KEY,
                    patient_id INTEGER REFERENCES patients(id),
                    provenance_id INTEGER NOT NULL UNIQUE REFERENCES provenance(id),
                    kind TEXT NOT NULL CHECK (kind IN ('plainText', 'csv', 'fhirJSON')),
                    document_date TEXT,
                    document_year INTEGER,
                    text TEXT NOT NULL
                ) STRICT;
                CREATE INDEX documents_patient ON documents(patient_id);
                CREATE VIRTUAL TABLE documents_fts USING fts5(
                    text, content = 'documents', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
                CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
                    INSERT INTO documents_fts(rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
                    INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TRIGGER documents_fts_update AFTER UPDATE OF text ON documents BEGIN
                    INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    INSERT INTO documents_fts(rowid, text) VALUES (new.id, new.text);
                END;
                """)
        // What could not be ingested. Node-local operational data: it names the source object so the
        // operator can find it, and is never part of any query, release or export.
        try db.execute(
            sql: """
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    object_key TEXT NOT NULL,
                    source_object TEXT NOT NULL,
                    version_key TEXT NOT NULL,
                    reason_code TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
                    resolved_at TEXT,
                    UNIQUE (source_id, object_key)
                ) STRICT;
                """)
    }
}
