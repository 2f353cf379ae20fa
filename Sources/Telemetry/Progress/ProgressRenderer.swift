import Synchronization

/// Draws a ``ProgressLine`` in place on a terminal, redrawing at most a given number of times per second.
///
/// On a terminal (`isatty` of the output) each redraw returns the cursor with `\r` and rewrites the line;
/// log lines written through the same ``LogOutput`` appear above it. When the output is not a terminal
/// (a pipe, a file, a daemon's journal) the renderer draws nothing: logs carry the progress there.
///
/// ```swift
/// let progress = ProgressRenderer()               // standard error, 10 redraws a second
/// for object in backlog {
///     try ingest(object)
///     progress.update(done: done, total: backlog.count, bytes: bytes)
/// }
/// progress.finish(done: done, total: backlog.count, bytes: bytes)
/// ```
public final class ProgressRenderer: Sendable {
    private struct State {
        var lastDraw: Duration?
        var finished = false
    }

    private let output: LogOutput
    private let minimumInterval: Duration
    private let unit: String
    private let label: String?
    private let now: @Sendable () -> Duration
    private let start: Duration
    private let state = Mutex(State())

    /// A renderer on `output`.
    /// - Parameters:
    ///   - output: Where to draw; standard error by default (used by the log handlers as well).
    ///   - maximumRedrawsPerSecond: Redraws allowed per second (at least 1).
    ///   - unit: The plural noun for what is counted.
    ///   - label: Text put first on every line, such as the name of what is being worked on.
    ///   - now: A monotonic clock reading; tests pass a fake one. Elapsed time counts from this init.
    public init(
        output: LogOutput = .standardError, maximumRedrawsPerSecond: Int = 10, unit: String = "objects",
        label: String? = nil, now: (@Sendable () -> Duration)? = nil
    ) {
        self.output = output
        self.unit = unit
        self.label = label
        minimumInterval = .seconds(1) / max(1, maximumRedrawsPerSecond)
        let origin = ContinuousClock.now
        let clock: @Sendable () -> Duration = now ?? { origin.duration(to: ContinuousClock.now) }
        self.now = clock
        start = clock()
    }

    /// Whether anything is drawn: true when the output is a terminal.
    public var isEnabled: Bool { output.isTerminal }

    /// Redraws the line if the output is a terminal and the last redraw is old enough.
    /// - Parameter detail: Text put last on the line (``ProgressLine/format(done:total:bytes:elapsed:unit:barWidth:label:detail:)``).
    /// - Returns: Whether the line was redrawn.
    @discardableResult
    public func update(done: Int, total: Int?, bytes: Int64, detail: String? = nil) -> Bool {
        guard output.isTerminal else { return false }
        let instant = now()
        let due = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            if let last = state.lastDraw, instant - last < minimumInterval { return false }
            state.lastDraw = instant
            return true
        }
        guard due else { return false }
        output.setStatusLine(
            ProgressLine.format(
                done: done, total: total, bytes: bytes, elapsed: instant - start, unit: unit, label: label, detail: detail))
        return true
    }

    /// Draws the final state and ends the line; later updates draw nothing.
    public func finish(done: Int, total: Int?, bytes: Int64, detail: String? = nil) {
        guard output.isTerminal else { return }
        let instant = now()
        let first = state.withLock { state -> Bool in
            defer { state.finished = true }
            return !state.finished
        }
        guard first else { return }
        output.setStatusLine(
            ProgressLine.format(
                done: done, total: total, bytes: bytes, elapsed: instant - start, unit: unit, label: label, detail: detail))
        output.setStatusLine(nil)
    }
}
