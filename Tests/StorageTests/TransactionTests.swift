import Storage
import Testing

private struct Planned: Error {}

@Suite struct TransactionTests {
    private func count(_ queue: DatabaseQueue) throws -> Int {
        try queue.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM t") ?? -1 }
    }

    private func makeDatabase() throws -> TestDatabase {
        let database = try TestDatabase()
        try database.queue.write { db in try db.execute(sql: "CREATE TABLE t(v INTEGER UNIQUE)") }
        return database
    }

    @Test func writeRollsBackWhenTheClosureThrows() throws {
        let database = try makeDatabase()
        #expect(throws: Planned.self) {
            try database.queue.write { db in
                try db.execute("INSERT INTO t VALUES (\(1))")
                throw Planned()
            }
        }
        #expect(try count(database.queue) == 0)
        // The connection is usable afterwards, outside any transaction.
        try database.queue.write { db in try db.execute("INSERT INTO t VALUES (\(1))") }
        #expect(try count(database.queue) == 1)
    }

    @Test func writeRollsBackEveryStatementWhenALaterOneFails() throws {
        let database = try makeDatabase()
        #expect(throws: StorageError.self) {
            try database.queue.write { db in
                try db.execute("INSERT INTO t VALUES (\(1))")
                try db.execute("INSERT INTO t VALUES (\(1))")
            }
        }
        #expect(try count(database.queue) == 0)
    }

    @Test func inTransactionCommitsAndReturnsTheResult() throws {
        let database = try makeDatabase()
        let result = try database.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute("INSERT INTO t VALUES (\(1))")
                return db.isInsideTransaction
            }
        }
        #expect(result)
        #expect(try count(database.queue) == 1)
    }

    @Test func everyTransactionKindRollsBackOnThrow() throws {
        let database = try makeDatabase()
        for kind in [TransactionKind.deferred, .immediate, .exclusive] {
            #expect(throws: Planned.self) {
                try database.queue.writeWithoutTransaction { db in
                    try db.inTransaction(kind) {
                        try db.execute("INSERT INTO t VALUES (\(1))")
                        throw Planned()
                    }
                }
            }
        }
        #expect(try count(database.queue) == 0)
    }

    @Test func nestedTransactionsUseSavepoints() throws {
        let database = try makeDatabase()
        let (innerError, stillInside) = try database.queue.write { db in
            try db.execute("INSERT INTO t VALUES (\(1))")
            var innerError: (any Error)?
            do {
                try db.inTransaction {
                    try db.execute("INSERT INTO t VALUES (\(2))")
                    throw Planned()
                }
            } catch {
                innerError = error
            }
            try db.inSavepoint { try db.execute("INSERT INTO t VALUES (\(3))") }
            return (innerError, db.isInsideTransaction)
        }
        #expect(innerError is Planned)
        #expect(stillInside)
        let values = try database.queue.read { db in try db.fetchAll(Int.self, "SELECT v FROM t ORDER BY v") }
        #expect(values == [1, 3])
    }

    @Test func readRefusesWrites() throws {
        let database = try makeDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.read { db in try db.execute("INSERT INTO t VALUES (\(1))") }
        }
        #expect(error?.resultCode?.primary == .readonly)
        // query_only is lifted again for writes.
        try database.queue.write { db in try db.execute("INSERT INTO t VALUES (\(1))") }
        #expect(try count(database.queue) == 1)
    }

    @Test func leavingATransactionOpenIsReportedAndRolledBack() throws {
        let database = try makeDatabase()
        let error = #expect(throws: StorageError.self) {
            try database.queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN")
                try db.execute("INSERT INTO t VALUES (\(1))")
            }
        }
        #expect(error?.code == .misuse)
        #expect(try count(database.queue) == 0)
    }

    @Test func asyncWriteAndReadWork() async throws {
        let database = try makeDatabase()
        try await database.queue.write { db in try db.execute("INSERT INTO t VALUES (\(1))") }
        let total = try await database.queue.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM t") }
        #expect(total == 1)
        await #expect(throws: Planned.self) {
            try await database.queue.write { db in
                try db.execute("INSERT INTO t VALUES (\(2))")
                throw Planned()
            }
        }
        #expect(try count(database.queue) == 1)
    }
}
