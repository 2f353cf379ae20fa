// The one file of this module that talks to libsqlite3. It turns result codes into `StorageError`, C strings
// into `String`, column values into `DatabaseValue`; connection and statement handles leave it only as
// `OpaquePointer`s owned by `Database` and `Statement`, which free them.
internal import CSQLite

/// Thin, checked calls into SQLite. Every function that can fail reads SQLite's message on the line after
/// the call and throws it as a `StorageError` carrying the SQL text, never bound values.
enum LibSQLite {
    // MARK: Results

    /// `SQLITE_ROW`: `sqlite3_step` produced a row.
    static let row = SQLITE_ROW
    /// `SQLITE_DONE`: `sqlite3_step` finished the statement.
    static let done = SQLITE_DONE

    /// SQLite's English text for a result code (`sqlite3_errstr`).
    static func errorString(_ code: Int32) -> String {
        guard let text = sqlite3_errstr(code) else { return "unknown SQLite result code" }
        return String(cString: text)
    }

    /// The error for a failed call on `connection`: its extended code and message, plus the SQL text.
    static func error(_ code: Int32, connection: OpaquePointer?, sql: String?, path: String? = nil) -> StorageError {
        var message = errorString(code)
        var extended = code
        if let connection {
            if let text = sqlite3_errmsg(connection) { message = String(cString: text) }
            // The connection's extended code refines `code` when both agree on the primary code.
            let connectionCode = sqlite3_extended_errcode(connection)
            if connectionCode & 0xFF == code & 0xFF { extended = connectionCode }
        }
        return StorageError(.sqlite, resultCode: ResultCode(rawValue: extended), message: message, sql: sql, path: path)
    }

    // MARK: Connections

    /// Opens (creating if needed) the database at `path` read-write, in multi-thread mode: the connection
    /// has no mutex of its own, so it must be confined (`DatabaseQueue` does that).
    ///
    /// "The new database connection will use the multi-thread threading mode. This means that separate
    /// threads are allowed to use SQLite at the same time, as long as each thread is using a different
    /// database connection." — https://www.sqlite.org/c3ref/open.html (SQLITE_OPEN_NOMUTEX)
    static func open(path: String) throws(StorageError) -> OpaquePointer {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            // "A database connection handle is usually returned in *ppDb, even if an error occurs" and must
            // still be closed.
            let failure = error(code, connection: connection, sql: nil, path: path)
            sqlite3_close_v2(connection)
            throw failure
        }
        sqlite3_extended_result_codes(connection, 1)
        return connection
    }

    /// Closes a connection. `sqlite3_close_v2` defers the close until the last statement is finalized, so
    /// the order in which a connection and its statements are released does not matter.
    static func close(_ connection: OpaquePointer) {
        sqlite3_close_v2(connection)
    }

    /// Sets the busy handler to sleep and retry for up to `milliseconds` when another connection holds a lock.
    static func setBusyTimeout(_ connection: OpaquePointer, milliseconds: Int32) throws(StorageError) {
        let code = sqlite3_busy_timeout(connection, milliseconds)
        guard code == SQLITE_OK else { throw error(code, connection: connection, sql: nil) }
    }

    /// Turns on SQLite's defensive mode, which refuses writes that could corrupt the file through SQL
    /// (`PRAGMA writable_schema`, direct shadow-table writes): https://www.sqlite.org/c3ref/c_dbconfig_defensive.html
    static func setDefensive(_ connection: OpaquePointer) throws(StorageError) {
        var result: Int32 = 0
        let code = CSQLite_sqlite3_db_config_int(connection, SQLITE_DBCONFIG_DEFENSIVE, 1, &result)
        guard code == SQLITE_OK else { throw error(code, connection: connection, sql: nil) }
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE (`sqlite3_changes64`).
    static func changes(_ connection: OpaquePointer) -> Int { Int(sqlite3_changes64(connection)) }

    /// The rowid of the most recent successful INSERT (`sqlite3_last_insert_rowid`).
    static func lastInsertRowID(_ connection: OpaquePointer) -> Int64 { sqlite3_last_insert_rowid(connection) }

    /// Whether the connection is in autocommit mode, that is outside any transaction (`sqlite3_get_autocommit`).
    static func isAutocommit(_ connection: OpaquePointer) -> Bool { sqlite3_get_autocommit(connection) != 0 }

    // MARK: Statements

    /// Compiles the first statement of `sql` starting at UTF-8 byte `offset`.
    ///
    /// - Returns: the statement handle (`nil` when the rest is only whitespace or comments) and the byte
    ///   offset where the next statement starts.
    static func prepare(
        _ connection: OpaquePointer, utf8CString sql: [CChar], offset: Int, persistent: Bool
    ) throws(StorageError) -> (statement: OpaquePointer?, next: Int) {
        var statement: OpaquePointer?
        var next = offset
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code: Int32 = sql.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return SQLITE_MISUSE }
            var tail: UnsafePointer<CChar>?
            let start = base + offset
            let code = sqlite3_prepare_v3(connection, start, Int32(buffer.count - offset), flags, &statement, &tail)
            if let tail { next = tail - base }
            return code
        }
        guard code == SQLITE_OK else {
            let failure = error(code, connection: connection, sql: statementText(sql, from: offset))
            sqlite3_finalize(statement)
            throw failure
        }
        return (statement, next)
    }

    /// The SQL text of `sql` from byte `offset`, trimmed of surrounding whitespace, for error messages.
    private static func statementText(_ sql: [CChar], from offset: Int) -> String {
        let bytes = sql[offset...].prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// Finalizes a statement (`sqlite3_finalize`).
    static func finalize(_ statement: OpaquePointer) { sqlite3_finalize(statement) }

    /// The statement's SQL text as compiled (`sqlite3_sql`), with `?` for parameters.
    static func sql(_ statement: OpaquePointer) -> String {
        guard let text = sqlite3_sql(statement) else { return "" }
        return String(cString: text)
    }

    /// The connection a statement belongs to.
    static func connection(of statement: OpaquePointer) -> OpaquePointer? { sqlite3_db_handle(statement) }

    /// The number of `?` parameters (`sqlite3_bind_parameter_count`).
    static func parameterCount(_ statement: OpaquePointer) -> Int { Int(sqlite3_bind_parameter_count(statement)) }

    /// Binds one value to the 1-based parameter `index`. Text and blobs are copied by SQLite
    /// (`SQLITE_TRANSIENT`) and passed with their byte length, so U+0000 inside text survives; an empty
    /// blob is bound with `sqlite3_bind_zeroblob(…, 0)` because a NULL pointer would bind SQL NULL.
    static func bind(_ value: DatabaseValue, at index: Int32, in statement: OpaquePointer) throws(StorageError) {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(statement, index)
        case .integer(let integer):
            code = sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            code = sqlite3_bind_double(statement, index, real)
        case .text(let text):
            var text = text
            code = text.withUTF8 { buffer in
                let length = sqlite3_uint64(buffer.count)
                let encoding = UInt8(SQLITE_UTF8)
                guard let base = buffer.baseAddress else {
                    return sqlite3_bind_text64(statement, index, "", 0, CSQLite_SQLITE_TRANSIENT(), encoding)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    sqlite3_bind_text64(statement, index, pointer, length, CSQLite_SQLITE_TRANSIENT(), encoding)
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress, buffer.count > 0 else {
                    return sqlite3_bind_zeroblob(statement, index, 0)
                }
                return sqlite3_bind_blob64(
                    statement, index, base, sqlite3_uint64(buffer.count), CSQLite_SQLITE_TRANSIENT())
            }
        }
        guard code == SQLITE_OK else {
            throw error(code, connection: connection(of: statement), sql: sql(statement))
        }
    }

    /// Removes all bindings (`sqlite3_clear_bindings`).
    static func clearBindings(_ statement: OpaquePointer) { sqlite3_clear_bindings(statement) }

    /// Resets the statement so it can run again and releases the locks it holds (`sqlite3_reset`). Its result
    /// repeats the error of the last step, which has already been reported, so it is ignored here.
    static func reset(_ statement: OpaquePointer) { sqlite3_reset(statement) }

    /// Runs one step. Returns `true` when a row is available and `false` when the statement is done.
    static func step(_ statement: OpaquePointer) throws(StorageError) -> Bool {
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw error(code, connection: connection(of: statement), sql: sql(statement))
    }

    /// The number of result columns.
    static func columnCount(_ statement: OpaquePointer) -> Int { Int(sqlite3_column_count(statement)) }

    /// The name of result column `index` (the `AS` name when there is one).
    static func columnName(_ statement: OpaquePointer, _ index: Int) -> String {
        guard let name = sqlite3_column_name(statement, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// The value of result column `index` in the current row, copied out of SQLite's buffers.
    ///
    /// "call sqlite3_column_text(), sqlite3_column_blob(), or sqlite3_column_text16() first to force the
    /// result into the desired format, then invoke sqlite3_column_bytes()" — https://www.sqlite.org/c3ref/column_blob.html
    static func columnValue(_ statement: OpaquePointer, _ index: Int) -> DatabaseValue {
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(statement, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }

    // MARK: Tracing

    /// Installs (or, with `database` nil, removes) the trace callback that forwards statements to
    /// `Database.notify(_:)`. The SQL reported is the unexpanded text, so bound values never reach a hook.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/c3ref/trace_v2.html
    static func setTrace(_ connection: OpaquePointer, database: Database?) {
        guard let database else {
            sqlite3_trace_v2(connection, 0, nil, nil)
            return
        }
        let mask = UInt32(SQLITE_TRACE_STMT) | UInt32(SQLITE_TRACE_PROFILE)
        // Unretained: the database removes the callback in its deinit, before the connection closes.
        let context = Unmanaged.passUnretained(database).toOpaque()
        sqlite3_trace_v2(connection, mask, traceCallback, context)
    }
}

/// SQLite's trace callback: for `SQLITE_TRACE_STMT`, `x` is "the unexpanded SQL text of the prepared
/// statement or an SQL comment that indicates the invocation of a trigger"; for `SQLITE_TRACE_PROFILE`,
/// `x` points to the run time in nanoseconds (https://www.sqlite.org/c3ref/c_trace.html).
private func traceCallback(
    mask: UInt32, context: UnsafeMutableRawPointer?, p: UnsafeMutableRawPointer?, x: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context, let p else { return 0 }
    let database = Unmanaged<Database>.fromOpaque(context).takeUnretainedValue()
    if mask == UInt32(SQLITE_TRACE_STMT) {
        guard let x else { return 0 }
        database.notify(.statement(sql: String(cString: x.assumingMemoryBound(to: CChar.self))))
    } else if mask == UInt32(SQLITE_TRACE_PROFILE) {
        let nanoseconds = x?.load(as: Int64.self) ?? 0
        database.notify(.profile(sql: LibSQLite.sql(OpaquePointer(p)), duration: .nanoseconds(nanoseconds)))
    }
    return 0
}

// MARK: - Named result codes

// Extended codes are function-like macros in sqlite3.h, e.g. `(SQLITE_CONSTRAINT | (8<<8))`; they are spelled
// out here the same way.

extension ResultCode {
    /// `SQLITE_OK`: success.
    public static let ok = ResultCode(rawValue: SQLITE_OK)
    /// `SQLITE_ERROR`: a generic error, such as an SQL syntax error.
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    /// `SQLITE_BUSY`: another connection holds a conflicting lock.
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    /// `SQLITE_LOCKED`: a conflict within the same connection or shared cache.
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    /// `SQLITE_READONLY`: a write on a read-only connection or inside a read (`PRAGMA query_only`).
    public static let readonly = ResultCode(rawValue: SQLITE_READONLY)
    /// `SQLITE_IOERR`: the operating system reported an I/O error.
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    /// `SQLITE_CORRUPT`: the database file is malformed.
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    /// `SQLITE_FULL`: the disk is full.
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    /// `SQLITE_CANTOPEN`: the file could not be opened.
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    /// `SQLITE_CONSTRAINT`: a constraint refused the statement.
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    /// `SQLITE_TOOBIG`: a string or BLOB is larger than SQLite's limit.
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    /// `SQLITE_MISUSE`: the library was used incorrectly.
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    /// `SQLITE_RANGE`: a parameter index is out of range.
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    /// `SQLITE_NOTADB`: the file is not a database.
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    /// `SQLITE_CONSTRAINT_UNIQUE`: a UNIQUE constraint failed.
    public static let constraintUnique = ResultCode(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    /// `SQLITE_CONSTRAINT_PRIMARYKEY`: a PRIMARY KEY constraint failed.
    public static let constraintPrimaryKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (6 << 8))
    /// `SQLITE_CONSTRAINT_FOREIGNKEY`: a FOREIGN KEY constraint failed.
    public static let constraintForeignKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (3 << 8))
    /// `SQLITE_CONSTRAINT_NOTNULL`: a NOT NULL constraint failed.
    public static let constraintNotNull = ResultCode(rawValue: SQLITE_CONSTRAINT | (5 << 8))
    /// `SQLITE_CONSTRAINT_CHECK`: a CHECK constraint failed.
    public static let constraintCheck = ResultCode(rawValue: SQLITE_CONSTRAINT | (1 << 8))
    /// `SQLITE_BUSY_SNAPSHOT`: a WAL read transaction could not be upgraded to write because the database
    /// changed since it started; retry the whole transaction.
    public static let busySnapshot = ResultCode(rawValue: SQLITE_BUSY | (2 << 8))
}
