/// The one error type of the `Storage` module.
///
/// Its ``description`` names the SQL text that failed (the text only: every value is a `?` parameter,
/// and bound arguments are never copied into an error), SQLite's result code and SQLite's own message
/// (`sqlite3_errmsg`), which for a constraint names the constraint, such as
/// `UNIQUE constraint failed: patients.pseudonym`. Bound values may be patient data, so they are not
/// kept anywhere in this type.
///
/// ```swift
/// do {
///     try queue.write { db in try db.execute("INSERT INTO objects(id) VALUES (\(id))") }
/// } catch let error as StorageError where error.isConstraintViolation {
///     // already ingested
/// }
/// ```
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Hashable {
        /// SQLite returned an error; ``StorageError/resultCode`` and ``StorageError/message`` say which.
        case sqlite
        /// The database records migrations this program does not know: it was written by a newer version.
        case unknownMigrations
        /// A row has no column of the requested name or index.
        case columnNotFound
        /// A column's value is NULL or of a storage class that cannot become the requested Swift type.
        case typeMismatch
        /// The statement's parameters and the supplied arguments differ in number.
        case argumentCountMismatch
        /// An API was used against its contract, such as fetching rows from several statements at once
        /// or leaving a transaction open at the end of a closure.
        case misuse
        /// A file next to the database could not be opened or flushed (``FileSystemSync``); ``StorageError/path``
        /// names it.
        case io
    }

    /// What kind of failure this is.
    public let code: Code
    /// The extended SQLite result code, for ``Code/sqlite`` errors; `nil` for the others.
    public let resultCode: ResultCode?
    /// SQLite's message (`sqlite3_errmsg`) or this module's account of what is wrong. Never a bound value.
    public let message: String
    /// The SQL text being prepared or run, with `?` where values were bound; `nil` when no statement was involved.
    public let sql: String?
    /// The database file, for failures to open one, or the file of an ``Code/io`` failure; `nil` otherwise.
    public let path: String?

    /// Creates an error. Pass SQL text and messages that carry no bound values.
    public init(_ code: Code, resultCode: ResultCode? = nil, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// Whether another connection held a lock for longer than the busy timeout (`SQLITE_BUSY`) or a lock
    /// conflict inside this process's shared cache occurred (`SQLITE_LOCKED`). Retrying later may succeed.
    public var isBusy: Bool {
        guard let primary = resultCode?.primary else { return false }
        return primary == .busy || primary == .locked
    }

    /// Whether a UNIQUE, PRIMARY KEY, FOREIGN KEY, NOT NULL or CHECK constraint refused the statement.
    public var isConstraintViolation: Bool { resultCode?.primary == .constraint }

    /// One line: what failed, the SQLite code, and the SQL text (with `?` for values), plus a remedy when
    /// there is an obvious one.
    public var description: String {
        var text = message
        if let resultCode { text += " [SQLite \(resultCode)]" }
        if let path { text += code == .io ? " — \(path)" : " — database \(path)" }
        if let sql { text += " — while running `\(sql)`" }
        if isBusy {
            text += " — another connection held the lock longer than the busy timeout; retry, or raise "
                + "DatabaseConfiguration.busyTimeout"
        }
        return text
    }
}
