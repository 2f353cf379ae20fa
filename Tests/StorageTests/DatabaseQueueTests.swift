import Dispatch
import Storage
import Synchronization
import Testing

@Suite struct DatabaseQueueTests {
    @Test func eightThreadsWriteThroughOneQueueWithoutLoss() throws {
        let database = try TestDatabase()
        try database.queue.write { db in try db.execute(sql: "CREATE TABLE t(lane INTEGER, i INTEGER, UNIQUE(lane, i))") }
        let failures = Mutex<[String]>([])
        let queue = database.queue
        DispatchQueue.concurrentPerform(iterations: 8) { lane in
            for i in 0..<50 {
                do {
                    try queue.write { db in try db.execute("INSERT INTO t(lane, i) VALUES (\(lane), \(i))") }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(try queue.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM t") } == 400)
    }

    /// Read-modify-write from two connections on one file: `BEGIN IMMEDIATE` serializes them, so no
    /// increment is lost, and the busy timeout absorbs the waiting (no SQLITE_BUSY escapes).
    @Test func twoQueuesOnOneFileSerializeReadModifyWrite() throws {
        let database = try TestDatabase()
        try database.queue.write { db in
            try db.execute(sql: "CREATE TABLE counter(value INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        }
        let queues = [database.queue, try database.secondQueue()]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { lane in
            let queue = queues[lane % 2]
            for _ in 0..<25 {
                do {
                    try queue.write { db in
                        let value = try db.fetchOne(Int.self, "SELECT value FROM counter") ?? 0
                        try db.execute("UPDATE counter SET value = \(value + 1)")
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(try queues[1].read { db in try db.fetchOne(Int.self, "SELECT value FROM counter") } == 200)
    }

    /// While one connection holds the write lock, another cannot begin a write (it gets SQLITE_BUSY once its
    /// busy timeout passes) but can still read the last committed state (WAL).
    @Test func immediateTransactionExcludesOtherWritersButNotReaders() throws {
        let database = try TestDatabase()
        try database.queue.write { db in try db.execute(sql: "CREATE TABLE t(v INTEGER)") }
        var impatient = DatabaseConfiguration()
        impatient.busyTimeout = .milliseconds(50)
        let other = try database.secondQueue(configuration: impatient)

        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let queue = database.queue
        let holderError = Mutex<String?>(nil)
        DispatchQueue.global().async {
            do {
                try queue.write { db in
                    try db.execute("INSERT INTO t(v) VALUES (\(1))")
                    holding.signal()
                    release.wait()
                }
            } catch {
                holderError.withLock { $0 = "\(error)" }
                holding.signal()
            }
            finished.signal()
        }
        holding.wait()

        let error = #expect(throws: StorageError.self) {
            try other.write { db in try db.execute("INSERT INTO t(v) VALUES (\(2))") }
        }
        #expect(error?.isBusy == true)
        #expect(try other.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM t") } == 0)

        release.signal()
        finished.wait()
        #expect(holderError.withLock { $0 } == nil)
        try other.write { db in try db.execute("INSERT INTO t(v) VALUES (\(2))") }
        #expect(try other.read { db in try db.fetchAll(Int.self, "SELECT v FROM t ORDER BY v") } == [1, 2])
    }

    @Test func concurrentAsyncWritesAllLand() async throws {
        let database = try TestDatabase()
        try await database.queue.write { db in try db.execute(sql: "CREATE TABLE t(v INTEGER)") }
        let queue = database.queue
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 0..<40 {
                group.addTask { try await queue.write { db in try db.execute("INSERT INTO t(v) VALUES (\(value))") } }
            }
            try await group.waitForAll()
        }
        #expect(try await queue.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM t") } == 40)
    }
}
