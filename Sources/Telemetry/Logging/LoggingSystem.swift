import Synchronization

/// The process-wide logging setup: which handler a ``Logger/init(label:)`` gets, and at which level.
///
/// The only process-wide state of FedLake (STYLE.md R10). The command-line tool bootstraps it once, before
/// making loggers; libraries never do. Until then loggers write redacting text to standard error at `.info`.
///
/// ```swift
/// LoggingSystem.bootstrap(format: .json, level: .info)       // from the node configuration's "log"
/// let logger = Logger(label: "fedlake.node")
/// ```
public enum LoggingSystem {
    struct Setup: Sendable {
        var factory: @Sendable (String) -> any LogHandler
        var level: Logger.Level
        var bootstrapped: Bool
    }

    private static let setup = Mutex(
        Setup(factory: { _ in TextLogHandler(output: .standardError) }, level: .info, bootstrapped: false))

    static var current: Setup { setup.withLock { $0 } }

    /// Sets the handler factory and level for every ``Logger/init(label:)`` made afterwards. Call once.
    ///
    /// - Parameters:
    ///   - level: The level new loggers start with.
    ///   - factory: Makes the handler for a logger label.
    /// - Precondition: Not bootstrapped before (a second bootstrap is a programming error, as in swift-log).
    public static func bootstrap(level: Logger.Level = .info, _ factory: @escaping @Sendable (String) -> any LogHandler) {
        setup.withLock { setup in
            precondition(!setup.bootstrapped, "LoggingSystem.bootstrap may be called only once per process")
            setup = Setup(factory: factory, level: level, bootstrapped: true)
        }
    }

    /// Bootstraps with one of the production handlers, sharing one handler between all loggers.
    ///
    /// - Parameters:
    ///   - format: `.json` for ``JSONLinesLogHandler`` (daemons, pipes), `.text` for ``TextLogHandler``.
    ///   - level: The level new loggers start with.
    ///   - output: Where lines go; standard error by default, leaving standard output for `--json` results.
    /// - Precondition: Not bootstrapped before.
    public static func bootstrap(format: LogFormat, level: Logger.Level = .info, output: LogOutput = .standardError) {
        let handler: any LogHandler =
            switch format {
            case .json: JSONLinesLogHandler(output: output)
            case .text: TextLogHandler(output: output)
            }
        bootstrap(level: level) { _ in handler }
    }
}

/// The log line formats of the node configuration's `log.format`.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object per line (``JSONLinesLogHandler``).
    case json
    /// Human-readable lines (``TextLogHandler``).
    case text
}
