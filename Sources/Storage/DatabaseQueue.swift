import Dispatch

/// The `Sendable` access object to one database file: one connection, confined to a serial dispatch queue.
///
/// Every closure runs on that queue, one at a time; SQLite's blocking calls therefore never run on
/// the cooperative thread pool (the `async` variants suspend while the queue works). Several
/// `DatabaseQueue`s, in this process or others, may open the same file: writes are serialized by
/// SQLite's write lock (``write(_:)`` takes it with `BEGIN IMMEDIATE`, waiting up to the busy timeout),
/// and in WAL mode reads proceed alongside a writer.
///
/// ```swift
/// let queue = try DatabaseQueue(path: "lake.sqlite")
/// try migrator.migrate(queue)
/// try queue.write { db in try db.execute("INSERT INTO objects(id) VALUES (\(id))") }
/// let count = try await queue.read { db in try db.fetchOne(Int.self, "SELECT count(*) FROM objects") }
/// ```
///
/// The closures are not reentrant: calling the same queue from inside one of its closures is a
/// programming error and stops the program; use the `Database` the closure was given.
// The connection (`database`) is only touched inside `queue`'s work items, which run one at a time.
public final class DatabaseQueue: @unchecked Sendable {
    /// The database file.
    public let path: String
    private let database: Database
    private let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<Void>()

    /// Opens (creating if needed) the database at `path` and sets up its connection.
    ///
    /// - Parameters:
    ///   - path: the database file; its directory must exist.
    ///   - configuration: busy timeout, synchronous mode and trace hook.
    /// - Throws: ``StorageError`` when the file cannot be opened or set up.
    public init(path: String, configuration: DatabaseConfiguration = DatabaseConfiguration()) throws(StorageError) {
        self.path = path
        self.database = try Database(path: path, configuration: configuration)
        self.queue = DispatchQueue(label: "fedlake.storage.database")
        queue.setSpecific(key: queueKey, value: ())
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): commits when it returns, rolls back when it
    /// throws. Blocks the calling thread until the queue is free and the write lock is taken.
    ///
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw, or a ``StorageError`` (for example `SQLITE_BUSY` when another
    ///   connection held the write lock longer than the busy timeout).
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try sync { database in try Self.inWriteTransaction(database, body) }
    }

    /// Runs `body` in a read-only transaction (`BEGIN DEFERRED` with `PRAGMA query_only`): it sees one
    /// consistent snapshot, and any write inside it fails with `SQLITE_READONLY`.
    ///
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw, or a ``StorageError``.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try sync { database in try Self.inReadTransaction(database, body) }
    }

    /// Runs `body` outside any transaction, for statements that cannot run inside one (`VACUUM`, some
    /// pragmas) or for callers that manage transactions with ``Database/inTransaction(_:_:)`` themselves.
    ///
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw, or ``StorageError/Code/misuse`` when `body` left a transaction open
    ///   (it is rolled back).
    public func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try sync { database in try Self.withoutTransaction(database, body) }
    }

    /// ``write(_:)`` without blocking the caller's thread.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await async { database in try Self.inWriteTransaction(database, body) }
    }

    /// ``read(_:)`` without blocking the caller's thread.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await async { database in try Self.inReadTransaction(database, body) }
    }

    /// ``writeWithoutTransaction(_:)`` without blocking the caller's thread.
    public func writeWithoutTransaction<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await async { database in try Self.withoutTransaction(database, body) }
    }

    // MARK: Work on the queue

    private static func inWriteTransaction<T>(_ database: Database, _ body: (Database) throws -> T) throws -> T {
        try database.inTransaction(.immediate) { try body(database) }
    }

    private static func inReadTransaction<T>(_ database: Database, _ body: (Database) throws -> T) throws -> T {
        try database.execute(sql: "PRAGMA query_only = 1")
        defer { try? database.execute(sql: "PRAGMA query_only = 0") }
        try database.execute(sql: "BEGIN DEFERRED TRANSACTION")
        defer { database.rollbackIfNeeded() }
        return try body(database)
    }

    private static func withoutTransaction<T>(_ database: Database, _ body: (Database) throws -> T) throws -> T {
        let result = try body(database)
        if database.isInsideTransaction {
            database.rollbackIfNeeded()
            throw StorageError(
                .misuse, message: "a transaction was left open and has been rolled back", path: database.path)
        }
        return result
    }

    /// Runs `work` on the serial queue, blocking the caller.
    private func sync<T>(_ work: (Database) throws -> T) throws -> T {
        precondition(
            DispatchQueue.getSpecific(key: queueKey) == nil,
            "DatabaseQueue is not reentrant: use the Database passed to the enclosing closure")
        return try queue.sync { try work(database) }
    }

    /// Runs `work` on the serial queue and resumes the caller with its result, without blocking a thread of
    /// the cooperative pool.
    private func async<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work(self.database) })
            }
        }
    }
}
