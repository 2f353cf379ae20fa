/// One SQLite connection: owns its `sqlite3*`, its statement cache and its trace hook.
///
/// A `Database` is reached only inside the closures of a ``DatabaseQueue``, which confines it to one
/// serial queue; the connection is therefore opened without SQLite's own mutex (`SQLITE_OPEN_NOMUTEX`).
/// Every connection is set up the same way, before any use:
/// - `busy_timeout` first, so the setup itself waits for locks held by other processes;
/// - `journal_mode = WAL`: readers do not block the writer and the writer does not block readers, and a
///   crash at any instant leaves the last committed state (https://www.sqlite.org/wal.html);
/// - `synchronous` as configured (`FULL` by default, see ``DatabaseConfiguration/SynchronousMode``);
/// - `foreign_keys = ON` (off by default in SQLite: https://www.sqlite.org/foreignkeys.html §2);
/// - defensive mode on.
///
/// ```swift
/// try queue.write { db in
///     try db.execute("INSERT INTO objects(id, size) VALUES (\(id), \(size))")
///     return db.lastInsertedRowID
/// }
/// ```
public final class Database {
    let handle: OpaquePointer
    /// The file this connection opened.
    public let path: String
    private var cache = StatementCache()
    private var traceHook: ((DatabaseEvent) -> Void)?

    /// Opens and sets up a connection.
    ///
    /// - Throws: ``StorageError`` when the file cannot be opened or a setup pragma fails (for example
    ///   `SQLITE_BUSY` when another process holds the database locked for longer than the busy timeout).
    init(path: String, configuration: DatabaseConfiguration) throws(StorageError) {
        handle = try LibSQLite.open(path: path)
        self.path = path
        // From here on, `deinit` closes the handle if the setup below throws.
        let components = configuration.busyTimeout.components
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        try LibSQLite.setBusyTimeout(handle, milliseconds: Int32(clamping: milliseconds))
        try LibSQLite.setDefensive(handle)
        // journal_mode is persistent in the file; only the first connection needs to change it, and
        // changing it takes an exclusive lock, so ask first.
        let mode = try fetchOne(String.self, "PRAGMA journal_mode")
        if mode?.lowercased() != "wal" {
            let newMode = try fetchOne(String.self, "PRAGMA journal_mode = WAL")
            guard newMode?.lowercased() == "wal" else {
                throw StorageError(
                    .sqlite, message: "the database refused WAL mode (journal mode is \(newMode ?? "unknown"))",
                    path: path)
            }
        }
        switch configuration.synchronous {
        case .full: try execute(sql: "PRAGMA synchronous = FULL")
        case .normal: try execute(sql: "PRAGMA synchronous = NORMAL")
        }
        try execute(sql: "PRAGMA foreign_keys = ON")
        if let trace = configuration.trace { self.trace(trace) }
    }

    deinit {
        LibSQLite.setTrace(handle, database: nil)
        cache.removeAll()
        LibSQLite.close(handle)
    }

    // MARK: Running statements

    /// Runs one or more statements written as a string literal, such as a migration's DDL.
    ///
    /// The parameter is a `StaticString`: runtime text cannot become SQL. To pass values, use
    /// ``execute(_:)`` with an ``SQL`` literal.
    ///
    /// - Throws: ``StorageError`` naming the statement that failed.
    public func execute(sql: StaticString) throws(StorageError) {
        try execute(SQL(stringLiteral: sql))
    }

    /// Runs an ``SQL`` literal: one statement (compiled once and cached) or several separated by `;`,
    /// whose arguments are consumed in order.
    ///
    /// ```swift
    /// try db.execute("UPDATE budget SET spent = spent + \(epsilon) WHERE study = \(study)")
    /// ```
    ///
    /// - Throws: ``StorageError`` with the failing statement's text, SQLite's code and message.
    public func execute(_ sql: SQL) throws(StorageError) {
        if let statement = try cachedStatement(sql.text) {
            try statement.bind(sql.arguments)
            try statement.run()
            return
        }
        var remaining = sql.arguments[...]
        try forEachStatement(sql.text) { (statement: Statement) throws(StorageError) in
            let count = statement.parameterCount
            guard remaining.count >= count else {
                throw StorageError(
                    .argumentCountMismatch, message: "the SQL has more parameters than arguments", sql: sql.text)
            }
            try statement.bind(remaining.prefix(count))
            remaining = remaining.dropFirst(count)
            try statement.run()
        }
        guard remaining.isEmpty else {
            throw StorageError(
                .argumentCountMismatch, message: "the SQL has fewer parameters than arguments", sql: sql.text)
        }
    }

    /// All rows of one query.
    ///
    /// - Throws: ``StorageError``; ``StorageError/Code/misuse`` when the SQL holds more than one statement.
    public func fetchAll(_ sql: SQL) throws(StorageError) -> [Row] {
        let statement = try singleStatement(sql)
        return try statement.rows()
    }

    /// The first row of one query, or `nil` when it returns none.
    ///
    /// - Throws: ``StorageError``, as ``fetchAll(_:)``.
    public func fetchOne(_ sql: SQL) throws(StorageError) -> Row? {
        try fetchAll(sql).first
    }

    /// The first column of every row, decoded as `T`.
    ///
    /// ```swift
    /// let ids = try db.fetchAll(String.self, "SELECT id FROM objects ORDER BY id")
    /// ```
    ///
    /// - Throws: ``StorageError``, including ``StorageError/Code/typeMismatch`` for a value that is not a `T`.
    public func fetchAll<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: SQL) throws(StorageError) -> [T] {
        var values: [T] = []
        for row in try fetchAll(sql) { values.append(try row[0]) }
        return values
    }

    /// The first column of the first row decoded as `T`, or `nil` when there is no row.
    ///
    /// ```swift
    /// let count = try db.fetchOne(Int.self, "SELECT count(*) FROM objects") ?? 0
    /// ```
    ///
    /// - Throws: ``StorageError``, including ``StorageError/Code/typeMismatch`` (ask for `T?` to accept NULL).
    public func fetchOne<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: SQL) throws(StorageError) -> T? {
        guard let row = try fetchOne(sql) else { return nil }
        return try row[0] as T
    }

    /// The rowid of the most recent successful INSERT on this connection (https://www.sqlite.org/c3ref/last_insert_rowid.html).
    public var lastInsertedRowID: Int64 { LibSQLite.lastInsertRowID(handle) }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE (https://www.sqlite.org/c3ref/changes.html).
    public var changes: Int { LibSQLite.changes(handle) }

    /// Whether a transaction is open on this connection.
    public var isInsideTransaction: Bool { !LibSQLite.isAutocommit(handle) }

    /// The problems `PRAGMA integrity_check` finds; empty when the database is sound.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/pragma.html#pragma_integrity_check
    ///
    /// - Throws: ``StorageError`` when the check cannot run (for example `SQLITE_CORRUPT` or `SQLITE_NOTADB`).
    public func integrityCheck() throws(StorageError) -> [String] {
        let messages = try fetchAll(String.self, "PRAGMA integrity_check")
        return messages == ["ok"] ? [] : messages
    }

    // MARK: Tracing

    /// Installs a hook that receives every statement this connection runs, or removes it with `nil`.
    ///
    /// Events carry SQL text with `?` placeholders, never bound values. The hook runs on the database
    /// queue while the statement runs; it must not use the database.
    ///
    /// ```swift
    /// db.trace { event in if case .statement(let sql) = event { statements.append(sql) } }
    /// ```
    public func trace(_ hook: ((DatabaseEvent) -> Void)?) {
        traceHook = hook
        LibSQLite.setTrace(handle, database: hook == nil ? nil : self)
    }

    /// Forwards an event from SQLite's trace callback to the hook.
    func notify(_ event: DatabaseEvent) { traceHook?(event) }

    // MARK: Statements

    /// How many prepared statements the cache holds (for tests and diagnostics).
    var cachedStatementCount: Int { cache.count }

    /// The cached statement for single-statement text, preparing and caching it on first use; `nil` when
    /// the text holds several statements (those are prepared one by one, uncached).
    func cachedStatement(_ text: String) throws(StorageError) -> Statement? {
        if let statement = cache.statement(for: text) { return statement }
        let utf8 = Array(text.utf8CString)
        let (handle, next) = try LibSQLite.prepare(self.handle, utf8CString: utf8, offset: 0, persistent: true)
        guard let handle else { return nil }
        let statement = Statement(owning: handle)
        let rest = utf8[next...].prefix { $0 != 0 }
        guard rest.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0x3B }) else {
            return nil
        }
        cache.insert(statement, for: text)
        return statement
    }

    private func singleStatement(_ sql: SQL) throws(StorageError) -> Statement {
        guard let statement = try cachedStatement(sql.text) else {
            throw StorageError(.misuse, message: "a fetch takes exactly one statement", sql: sql.text)
        }
        try statement.bind(sql.arguments)
        return statement
    }

    /// Prepares and hands over each statement of `text` in turn; empty statements and comments are skipped.
    private func forEachStatement(
        _ text: String, _ body: (Statement) throws(StorageError) -> Void
    ) throws(StorageError) {
        let utf8 = Array(text.utf8CString)
        var offset = 0
        while offset < utf8.count - 1 {
            let (handle, next) = try LibSQLite.prepare(self.handle, utf8CString: utf8, offset: offset, persistent: false)
            guard next > offset else { break }
            offset = next
            guard let handle else { continue }
            try body(Statement(owning: handle))
        }
    }
}

// Confinement: a `Database` is used only on its `DatabaseQueue`'s serial queue (the connection has no
// mutex: SQLITE_OPEN_NOMUTEX).
@available(*, unavailable)
extension Database: Sendable {}
