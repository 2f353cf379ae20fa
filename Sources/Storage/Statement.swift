/// A compiled SQL statement; owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// Confinement: used only by the ``Database`` that prepared it, on that database's queue. After every
/// run it is reset, so an idle statement holds no read transaction open (which in WAL mode would stop
/// checkpoints from completing).
final class Statement {
    let handle: OpaquePointer
    /// The compiled SQL text, with `?` for parameters.
    let sql: String

    /// Takes ownership of a statement handle.
    init(owning handle: OpaquePointer) {
        self.handle = handle
        self.sql = LibSQLite.sql(handle)
    }

    deinit { LibSQLite.finalize(handle) }

    /// The number of `?` parameters.
    var parameterCount: Int { LibSQLite.parameterCount(handle) }

    /// Binds `arguments` to the parameters in order.
    ///
    /// - Throws: ``StorageError`` ``StorageError/Code/argumentCountMismatch`` when the counts differ, or
    ///   ``StorageError/Code/sqlite`` when SQLite refuses a value (for example `SQLITE_TOOBIG`).
    func bind(_ arguments: some Collection<DatabaseValue>) throws(StorageError) {
        guard arguments.count == parameterCount else {
            throw StorageError(
                .argumentCountMismatch,
                message: "the statement has \(parameterCount) parameters but \(arguments.count) arguments were given",
                sql: sql)
        }
        LibSQLite.clearBindings(handle)
        var index: Int32 = 1
        for argument in arguments {
            try LibSQLite.bind(argument, at: index, in: handle)
            index += 1
        }
    }

    /// Runs the statement to completion, discarding any rows, then resets it.
    func run() throws(StorageError) {
        defer { LibSQLite.reset(handle) }
        while try LibSQLite.step(handle) {}
    }

    /// Runs the statement and collects every row, then resets it.
    func rows() throws(StorageError) -> [Row] {
        defer { LibSQLite.reset(handle) }
        var rows: [Row] = []
        var names: [String]?
        while try LibSQLite.step(handle) {
            // Column names are read after the first step: a schema change may re-prepare the statement.
            let columnNames = names ?? (0..<LibSQLite.columnCount(handle)).map { LibSQLite.columnName(handle, $0) }
            names = columnNames
            let values = (0..<columnNames.count).map { LibSQLite.columnValue(handle, $0) }
            rows.append(Row(columnNames: columnNames, values: values))
        }
        return rows
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

/// Prepared statements of one connection, keyed by SQL text, so that running the same ``SQL`` shape
/// again skips compilation. Literal interpolation keeps values out of the text, so a statement shape has
/// one key however many values pass through it.
///
/// Confinement: owned by one ``Database``.
struct StatementCache {
    /// The most statements kept; when full, the cache is emptied (statements in use stay alive through
    /// their references and are finalized when released). A program has a fixed set of SQL shapes, so the
    /// bound only matters if a caller builds many distinct texts.
    static let capacity = 256

    private var statements: [String: Statement] = [:]

    /// How many statements are cached.
    var count: Int { statements.count }

    /// The cached statement for `text`, if any.
    func statement(for text: String) -> Statement? { statements[text] }

    /// Caches `statement` under `text`.
    mutating func insert(_ statement: Statement, for text: String) {
        if statements.count >= Self.capacity { statements.removeAll() }
        statements[text] = statement
    }

    /// Drops every statement (finalizing those not in use).
    mutating func removeAll() { statements.removeAll() }
}
