import Foundation
import Synchronization
import Testing
import TestSupport

@testable import Storage

@Suite struct DatabaseTests {
    @Test func connectionIsInWALModeWithForeignKeysAndFullSync() throws {
        let database = try TestDatabase()
        let (mode, foreignKeys, synchronous) = try database.queue.read { db in
            (
                try db.fetchOne(String.self, "PRAGMA journal_mode"),
                try db.fetchOne(Int.self, "PRAGMA foreign_keys"),
                try db.fetchOne(Int.self, "PRAGMA synchronous")
            )
        }
        #expect(mode == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 2)  // FULL
    }

    @Test func normalSynchronousModeIsConfigurable() throws {
        var configuration = DatabaseConfiguration()
        configuration.synchronous = .normal
        let database = try TestDatabase(configuration: configuration)
        #expect(try database.queue.read { db in try db.fetchOne(Int.self, "PRAGMA synchronous") } == 1)
    }

    @Test func foreignKeysAreEnforced() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(p REFERENCES parent(id))")
        }
        let error = #expect(throws: StorageError.self) {
            try database.queue.write { db in try db.execute("INSERT INTO child(p) VALUES (\(7))") }
        }
        #expect(error?.resultCode == .constraintForeignKey)
    }

    @Test func cachedStatementIsReusedForTheSameSQLShape() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(v INTEGER)")
            let before = db.cachedStatementCount
            for value in 0..<50 { try db.execute("INSERT INTO t(v) VALUES (\(value))") }
            #expect(db.cachedStatementCount == before + 1)
            let first = try #require(try db.cachedStatement("INSERT INTO t(v) VALUES (?)"))
            let second = try #require(try db.cachedStatement("INSERT INTO t(v) VALUES (?)"))
            #expect(first === second)
            #expect(try db.fetchOne(Int.self, "SELECT count(*) FROM t") == 50)
        }
    }

    @Test func cachedStatementSurvivesASchemaChange() throws {
        let database = try TestDatabase()
        let columns = try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(a)")
            try db.execute(sql: "INSERT INTO t VALUES (1)")
            _ = try db.fetchAll("SELECT * FROM t")
            try db.execute(sql: "ALTER TABLE t ADD COLUMN b")
            return try #require(try db.fetchOne("SELECT * FROM t")).columnNames
        }
        #expect(columns == ["a", "b"])
    }

    @Test func lastInsertedRowIDAndChangesReportTheLastStatement() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v)")
            try db.execute("INSERT INTO t(v) VALUES (\("a"))")
            try db.execute("INSERT INTO t(v) VALUES (\("b"))")
            #expect(db.lastInsertedRowID == 2)
            try db.execute("UPDATE t SET v = \("c")")
            #expect(db.changes == 2)
        }
    }

    @Test func fetchRefusesSeveralStatements() throws {
        let database = try TestDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.read { db in try db.fetchAll("SELECT 1; SELECT 2") }
        }
        #expect(error?.code == .misuse)
    }

    @Test func argumentCountMismatchIsReported() throws {
        let database = try TestDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.read { db in try db.fetchAll("SELECT \(1), ?") }
        }
        #expect(error?.code == .argumentCountMismatch)
    }

    @Test func integrityCheckOfAHealthyDatabaseIsEmpty() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(v UNIQUE)")
            for value in 0..<100 { try db.execute("INSERT INTO t VALUES (\(value))") }
        }
        #expect(try database.queue.read { db in try db.integrityCheck() }.isEmpty)
    }

    @Test func traceHookSeesStatementTextButNoBoundValues() throws {
        let canary = "CANARY-Doe^Jane-1234"
        let seen = Mutex<[DatabaseEvent]>([])
        var configuration = DatabaseConfiguration()
        configuration.trace = { event in seen.withLock { $0.append(event) } }
        let database = try TestDatabase(configuration: configuration)
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE t(name TEXT)")
            try db.execute("INSERT INTO t(name) VALUES (\(canary))")
        }
        let events = seen.withLock { $0 }
        let statements = events.compactMap { event -> String? in
            if case .statement(let sql) = event { return sql }
            return nil
        }
        #expect(statements.contains("INSERT INTO t(name) VALUES (?)"))
        #expect(events.contains { if case .profile = $0 { true } else { false } })
        #expect(!events.map { "\($0)" }.joined().contains(canary))
    }

    @Test func traceHookCanBeSetAndRemovedOnTheConnection() throws {
        let database = try TestDatabase()
        let count = try database.queue.write { db in
            var statements: [String] = []
            db.trace { event in if case .statement(let sql) = event { statements.append(sql) } }
            _ = try db.fetchAll("SELECT 1")
            db.trace(nil)
            _ = try db.fetchAll("SELECT 2")
            return statements.filter { $0.hasPrefix("SELECT") }.count
        }
        #expect(count == 1)
    }

    @Test func openingADirectoryThatDoesNotExistNamesThePath() throws {
        let directory = try TestDatabase().directory
        let path = directory.file("missing/sub/db.sqlite").path
        let error = #expect(throws: StorageError.self) { try DatabaseQueue(path: path) }
        #expect(error?.resultCode?.primary == .cantOpen)
        #expect(error.map { "\($0)" }?.contains(path) == true)
    }

    @Test func openingAFileThatIsNotADatabaseFails() throws {
        let directory = try TestDatabase().directory
        let url = directory.file("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: url)
        let error = #expect(throws: StorageError.self) { try DatabaseQueue(path: url.path) }
        #expect(error?.resultCode == .notADatabase)
    }
}
