import Storage

extension LakeSchema {
    /// The tables of migration `v2-privacy-ledger`, for checks and the schema document's test.
    public static let privacyLedgerTables = [
        "lake_snapshot", "privacy_filters", "privacy_limit_changes", "privacy_reservations", "privacy_releases",
        "privacy_refunds", "privacy_repeats",
    ]

    /// The tables whose rows cohort queries read: any change to them moves the lake snapshot.
    static let snapshotTables = ["patients", "studies", "series", "instances", "documents"]

    /// Migration `v2-privacy-ledger`: the lake snapshot counter (bumped by triggers on every change to the tables
    /// cohort queries read) and the zCDP budget ledger (filters, reservations, releases, refunds). ρ amounts are
    /// exact rational strings (``Rho``). See <doc:LakeSchema>.
    static func createPrivacyLedger(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE lake_snapshot (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    counter INTEGER NOT NULL CHECK (counter >= 0)
                ) STRICT;
                INSERT INTO lake_snapshot(id, counter) VALUES (1, 0);
                CREATE TRIGGER lake_snapshot_patients_insert AFTER INSERT ON patients BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_patients_update AFTER UPDATE ON patients BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_patients_delete AFTER DELETE ON patients BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_studies_insert AFTER INSERT ON studies BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_studies_update AFTER UPDATE ON studies BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_studies_delete AFTER DELETE ON studies BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_series_insert AFTER INSERT ON series BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_series_update AFTER UPDATE ON series BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_series_delete AFTER DELETE ON series BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_instances_insert AFTER INSERT ON instances BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_instances_update AFTER UPDATE ON instances BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_instances_delete AFTER DELETE ON instances BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_documents_insert AFTER INSERT ON documents BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_documents_update AFTER UPDATE ON documents BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                CREATE TRIGGER lake_snapshot_documents_delete AFTER DELETE ON documents BEGIN
                    UPDATE lake_snapshot SET counter = counter + 1 WHERE id = 1; END;
                """)
        try db.execute(
            sql: """
                CREATE TABLE privacy_filters (
                    id INTEGER PRIMARY KEY,
                    lake TEXT NOT NULL,
                    project TEXT NOT NULL,
                    requester TEXT NOT NULL,
                    limit_rho TEXT NOT NULL,
                    spent_rho TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (lake, project, requester)
                ) STRICT;
                CREATE TABLE privacy_limit_changes (
                    id INTEGER PRIMARY KEY,
                    filter_id INTEGER NOT NULL REFERENCES privacy_filters(id),
                    old_limit_rho TEXT NOT NULL,
                    new_limit_rho TEXT NOT NULL,
                    changed_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE privacy_reservations (
                    id INTEGER PRIMARY KEY,
                    filter_id INTEGER NOT NULL REFERENCES privacy_filters(id),
                    query_hash TEXT NOT NULL CHECK (length(query_hash) = 64),
                    rho TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'released', 'refunded')),
                    reserved_at TEXT NOT NULL,
                    settled_at TEXT
                ) STRICT;
                CREATE INDEX privacy_reservations_filter ON privacy_reservations(filter_id, state);
                CREATE TABLE privacy_releases (
                    id INTEGER PRIMARY KEY,
                    reservation_id INTEGER NOT NULL UNIQUE REFERENCES privacy_reservations(id),
                    filter_id INTEGER NOT NULL REFERENCES privacy_filters(id),
                    query_hash TEXT NOT NULL,
                    lake_snapshot INTEGER NOT NULL,
                    query_json TEXT NOT NULL,
                    statistic TEXT NOT NULL,
                    mechanism TEXT NOT NULL,
                    scale TEXT NOT NULL,
                    sensitivity TEXT NOT NULL,
                    rho TEXT NOT NULL,
                    epsilon TEXT NOT NULL,
                    delta TEXT NOT NULL,
                    release_json TEXT NOT NULL,
                    released_at TEXT NOT NULL,
                    UNIQUE (query_hash, lake_snapshot)
                ) STRICT;
                CREATE TABLE privacy_refunds (
                    id INTEGER PRIMARY KEY,
                    reservation_id INTEGER NOT NULL UNIQUE REFERENCES privacy_reservations(id),
                    rho TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    refunded_at TEXT NOT NULL
                ) STRICT;
                CREATE TABLE privacy_repeats (
                    id INTEGER PRIMARY KEY,
                    release_id INTEGER NOT NULL REFERENCES privacy_releases(id),
                    filter_id INTEGER NOT NULL REFERENCES privacy_filters(id),
                    served_at TEXT NOT NULL
                ) STRICT;
                """)
    }
}
