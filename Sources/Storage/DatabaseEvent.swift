/// A statement event reported to a trace hook (``Database/trace(_:)``, ``DatabaseConfiguration/trace``).
///
/// The SQL is the text as written, with `?` for bound values: events never contain arguments, so a hook
/// may log them. This layer logs nothing itself; callers decide.
///
/// Related SQLite documentation: https://www.sqlite.org/c3ref/c_trace.html
public enum DatabaseEvent: Sendable, Hashable {
    /// A statement started running (or a trigger fired: the text is then an SQL comment naming it).
    case statement(sql: String)
    /// A statement finished, after `duration` (SQLite's own measurement).
    case profile(sql: String, duration: Duration)
}
