/// How a ``DatabaseQueue`` opens and sets up its connection.
///
/// ```swift
/// var configuration = DatabaseConfiguration()
/// configuration.busyTimeout = .seconds(10)
/// configuration.trace = { event in logger.debug("\(event)") }
/// let queue = try DatabaseQueue(path: lakePath, configuration: configuration)
/// ```
public struct DatabaseConfiguration: Sendable {
    /// How long a statement waits, sleeping and retrying, for a lock held by another connection (in this
    /// process or another) before failing with `SQLITE_BUSY`. Default: 5 seconds.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/c3ref/busy_timeout.html
    public var busyTimeout: Duration = .seconds(5)

    /// When SQLite waits for the disk. Default: ``SynchronousMode/full``.
    public var synchronous: SynchronousMode = .full

    /// A hook that receives every statement the connection runs (text only, never bound values).
    /// Called on the database queue; it must not use the database.
    public var trace: (@Sendable (DatabaseEvent) -> Void)?

    /// The default configuration: 5-second busy timeout, `synchronous = FULL`, no trace.
    public init() {}

    /// SQLite's `PRAGMA synchronous` setting in WAL mode (https://www.sqlite.org/pragma.html#pragma_synchronous).
    public enum SynchronousMode: String, Sendable {
        /// `FULL`: every commit syncs the WAL file. "In WAL mode when synchronous is NORMAL (1), the WAL
        /// file is synchronized before each checkpoint … A transaction committed in WAL mode with
        /// synchronous=NORMAL might roll back following a power loss or system crash." With `FULL`, a
        /// commit that returned survives power loss too. The privacy budget ledger and the audit chain
        /// need that: a spent budget that silently un-spends after a power cut breaks the guarantee.
        case full = "FULL"
        /// `NORMAL`: commits are durable across application crashes (SIGKILL) and the database stays
        /// consistent, but the last commits may roll back after a power loss. Faster for bulk work that
        /// can be redone.
        case normal = "NORMAL"
    }
}
