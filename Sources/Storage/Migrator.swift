/// Moves a database's schema forward through named migrations, each run once, in registration order,
/// in its own `BEGIN IMMEDIATE` transaction together with its record in `fedlake_migrations`.
///
/// A migration that has shipped is never edited; changes go in a new one. A database that records a
/// migration this program does not know was written by a newer version, and ``migrate(_:)`` refuses it
/// rather than run old code against a newer schema.
///
/// ```swift
/// var migrator = Migrator()
/// migrator.registerMigration("v1-objects") { db in
///     try db.execute(sql: "CREATE TABLE objects(id TEXT PRIMARY KEY, size INTEGER NOT NULL)")
/// }
/// migrator.registerMigration("v2-quarantine") { db in
///     try db.execute(sql: "CREATE TABLE quarantine(id TEXT PRIMARY KEY, reason TEXT NOT NULL)")
/// }
/// try migrator.migrate(queue)
/// ```
public struct Migrator: Sendable {
    /// The table recording applied migrations: `fedlake_migrations(name TEXT PRIMARY KEY, applied_at TEXT)`,
    /// `applied_at` in UTC ISO 8601 with milliseconds.
    public static let tableName = "fedlake_migrations"

    private struct Migration: Sendable {
        let name: String
        let body: @Sendable (Database) throws -> Void
    }

    private var migrations: [Migration] = []

    /// An empty migrator.
    public init() {}

    /// The registered migration names, in order.
    public var migrationNames: [String] { migrations.map(\.name) }

    /// Adds a migration after those already registered.
    ///
    /// - Parameters:
    ///   - name: a unique, stable name such as `"v3-add-quarantine"`; it is what the database records.
    ///   - body: the schema change; it runs inside the migration's transaction.
    /// - Precondition: no migration of that name is registered yet (a programming error otherwise).
    public mutating func registerMigration(_ name: String, _ body: @escaping @Sendable (Database) throws -> Void) {
        precondition(!name.isEmpty, "a migration needs a name")
        precondition(!migrations.contains { $0.name == name }, "migration \(name) is registered twice")
        migrations.append(Migration(name: name, body: body))
    }

    /// Applies every registered migration the database has not recorded yet, in order. Running it again
    /// applies nothing. Safe when several processes migrate the same file at once: each migration is
    /// checked again inside its write transaction.
    ///
    /// - Throws: ``StorageError`` ``StorageError/Code/unknownMigrations`` (before changing anything) when
    ///   the database records migrations this migrator lacks; whatever a migration throws (its transaction
    ///   is rolled back and later migrations are not run).
    public func migrate(_ queue: DatabaseQueue) throws {
        try queue.write { db in
            try Self.createTable(db)
            try checkKnown(try Self.applied(db))
        }
        for migration in migrations {
            try queue.write { db in
                let applied = try Self.applied(db)
                try checkKnown(applied)
                guard !applied.contains(migration.name) else { return }
                try migration.body(db)
                try db.execute(
                    """
                    INSERT INTO fedlake_migrations(name, applied_at) \
                    VALUES (\(migration.name), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    """)
            }
        }
    }

    /// The names of the migrations the database records, in the order they were applied.
    ///
    /// - Throws: ``StorageError`` when the table cannot be read.
    public func appliedMigrations(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { db in
            guard try db.fetchOne(Int.self, "SELECT count(*) FROM sqlite_schema WHERE name = 'fedlake_migrations'") == 1
            else { return [] }
            return try Self.applied(db)
        }
    }

    /// Whether every registered migration has been applied.
    ///
    /// - Throws: ``StorageError`` when the table cannot be read.
    public func hasCompletedMigrations(_ queue: DatabaseQueue) throws -> Bool {
        Set(try appliedMigrations(queue)).isSuperset(of: migrationNames)
    }

    private static func createTable(_ db: Database) throws(StorageError) {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS fedlake_migrations(name TEXT PRIMARY KEY, applied_at TEXT)")
    }

    private static func applied(_ db: Database) throws(StorageError) -> [String] {
        try db.fetchAll(String.self, "SELECT name FROM fedlake_migrations ORDER BY rowid")
    }

    private func checkKnown(_ applied: [String]) throws(StorageError) {
        let known = Set(migrationNames)
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StorageError(
                .unknownMigrations,
                message: "the database records migrations this program does not know (\(unknown.joined(separator: ", "))): "
                    + "it was written by a newer version; run that version or restore a backup")
        }
    }
}
