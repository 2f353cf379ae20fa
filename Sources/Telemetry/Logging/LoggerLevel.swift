extension Logger {
    /// The severity of a log message, from least to most severe (the levels of swift-log and RFC 5424
    /// syslog, without `alert` and `emergency`).
    public enum Level: String, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        /// Detail for tracing a problem through the program; very verbose.
        case trace
        /// Detail useful while debugging.
        case debug
        /// What the program is doing, in the normal course of events.
        case info
        /// Normal but significant conditions that may need attention.
        case notice
        /// Something unexpected that the program worked around.
        case warning
        /// An operation failed; the program goes on.
        case error
        /// The program cannot go on.
        case critical

        /// The level's name as written in logs and configurations, e.g. `"info"`.
        public var description: String { rawValue }

        /// Orders by severity: `.trace` < `.debug` < … < `.critical`.
        public static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.severity < rhs.severity
        }

        private var severity: Int {
            switch self {
            case .trace: 0
            case .debug: 1
            case .info: 2
            case .notice: 3
            case .warning: 4
            case .error: 5
            case .critical: 6
            }
        }
    }
}
