import Storage
import Synchronization
import Testing

/// Records which migration bodies ran.
private final class MigrationLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ name: String) { storage.withLock { $0.append(name) } }
    var entries: [String] { storage.withLock { $0 } }
}

@Suite struct MigratorTests {
    private func makeMigrator(log: MigrationLog) -> Migrator {
        var migrator = Migrator()
        migrator.registerMigration("v1-objects") { db in
            log.append("v1")
            try db.execute(sql: "CREATE TABLE objects(id TEXT PRIMARY KEY)")
        }
        migrator.registerMigration("v2-sizes") { db in
            log.append("v2")
            try db.execute(sql: "ALTER TABLE objects ADD COLUMN size INTEGER")
        }
        return migrator
    }

    @Test func migrationsRunOnceInOrderAndAreRecorded() throws {
        let database = try TestDatabase()
        let log = MigrationLog()
        let migrator = makeMigrator(log: log)
        #expect(try !migrator.hasCompletedMigrations(database.queue))
        try migrator.migrate(database.queue)
        #expect(log.entries == ["v1", "v2"])
        #expect(try migrator.appliedMigrations(database.queue) == ["v1-objects", "v2-sizes"])
        #expect(try migrator.hasCompletedMigrations(database.queue))
        let stamps = try database.queue.read { db in
            try db.fetchAll(String.self, "SELECT applied_at FROM fedlake_migrations")
        }
        #expect(stamps.count == 2 && stamps.allSatisfy { $0.hasSuffix("Z") && $0.contains("T") })

        // A second run, also from a fresh migrator and another connection, is a no-op.
        try migrator.migrate(database.queue)
        try makeMigrator(log: log).migrate(try database.secondQueue())
        #expect(log.entries == ["v1", "v2"])
    }

    @Test func newMigrationsRunAfterOldOnes() throws {
        let database = try TestDatabase()
        let log = MigrationLog()
        var migrator = makeMigrator(log: log)
        try migrator.migrate(database.queue)
        migrator.registerMigration("v3-quarantine") { db in
            log.append("v3")
            try db.execute(sql: "CREATE TABLE quarantine(id TEXT PRIMARY KEY, reason TEXT NOT NULL)")
        }
        try migrator.migrate(database.queue)
        #expect(log.entries == ["v1", "v2", "v3"])
    }

    @Test func failedMigrationIsRolledBackAndNotRecorded() throws {
        let database = try TestDatabase()
        var migrator = Migrator()
        migrator.registerMigration("v1-good") { db in try db.execute(sql: "CREATE TABLE a(x)") }
        migrator.registerMigration("v2-bad") { db in
            try db.execute(sql: "CREATE TABLE b(x)")
            try db.execute(sql: "CREATE TABLE a(x)")  // already exists
        }
        #expect(throws: StorageError.self) { try migrator.migrate(database.queue) }
        #expect(try migrator.appliedMigrations(database.queue) == ["v1-good"])
        let tables = try database.queue.read { db in
            try db.fetchAll(String.self, "SELECT name FROM sqlite_schema WHERE name IN ('a', 'b') ORDER BY name")
        }
        #expect(tables == ["a"])
    }

    @Test func databaseFromANewerVersionIsRefused() throws {
        let database = try TestDatabase()
        let log = MigrationLog()
        var newer = makeMigrator(log: log)
        newer.registerMigration("v9-from-the-future") { _ in }
        try newer.migrate(database.queue)

        var older = Migrator()
        older.registerMigration("v1-objects") { _ in }
        let error = #expect(throws: StorageError.self) { try older.migrate(database.queue) }
        #expect(error?.code == .unknownMigrations)
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("v2-sizes") && text.contains("v9-from-the-future") && text.contains("newer version"))
    }
}
