public import Lake
import Synchronization
public import Telemetry

/// A live progress line per source and pass on a terminal: objects done out of the pass's total when it
/// is known, the rate, the time left and the objects quarantined.
///
/// ```
/// radiology  [=========>              ]  42% 420/1000 objects  210.0 MiB  35.0 objects/s  17.5 MiB/s  ETA 0:17  3 quarantined
/// ```
///
/// ``LocalNode`` calls ``beginSource(_:total:)`` when a source's pass starts (with the objects its listing
/// holds from the source's cursor, counted beforehand), the pipeline's events move the count, and the line
/// ends with a newline when the source's pass completes or fails. Redraws are limited by
/// ``ProgressRenderer`` (10 a second by default); nothing is drawn when the output is not a terminal.
public final class IngestProgress: Sendable {
    private struct Line {
        var renderer: ProgressRenderer
        var total: Int?
        /// Objects listed by the batches committed so far.
        var completed = 0
        /// Objects committed or quarantined in the batch under way.
        var inBatch = 0
        var bytes: Int64 = 0
        var quarantined = 0

        var done: Int { completed + inBatch }
        var shownTotal: Int? { total.map { max($0, done) } }
        var detail: String { "\(quarantined) quarantined" }
    }

    private let makeRenderer: @Sendable (String) -> ProgressRenderer
    private let lines = Mutex<[String: Line]>([:])

    /// Progress drawn on `output`.
    /// - Parameters:
    ///   - output: The terminal (shared with the log handler, so log lines appear above the bar).
    ///   - maximumRedrawsPerSecond: Redraws allowed per second.
    public init(output: LogOutput, maximumRedrawsPerSecond: Int = 10) {
        makeRenderer = { source in
            ProgressRenderer(output: output, maximumRedrawsPerSecond: maximumRedrawsPerSecond, label: source)
        }
    }

    /// Whether anything is drawn (the output is a terminal).
    public var isEnabled: Bool { makeRenderer("").isEnabled }

    /// Starts the line of `source` for a new pass. A pass whose listing is empty draws no line, so following
    /// an idle source prints nothing.
    /// - Parameter total: The objects the pass will list, or nil when unknown (rate only).
    public func beginSource(_ source: String, total: Int?) {
        guard total != 0 else { return }
        let line = Line(renderer: makeRenderer(source), total: total)
        let previous = lines.withLock { lines in
            defer { lines[source] = line }
            return lines[source]
        }
        if let previous {
            previous.renderer.finish(
                done: previous.done, total: previous.shownTotal, bytes: previous.bytes, detail: previous.detail)
        }
        line.renderer.update(done: 0, total: total, bytes: 0, detail: line.detail)
    }

    /// Moves the count of the event's source; ends its line when its pass completes or fails.
    public func record(_ event: IngestEvent) {
        let source: String
        var ends = false
        switch event {
        case .objectCommitted(let name, _, let sourceBytes, _):
            source = name
            update(source) { line in
                line.inBatch += 1
                line.bytes += sourceBytes
            }
        case .objectQuarantined(let name, _):
            source = name
            update(source) { line in
                line.inBatch += 1
                line.quarantined += 1
            }
        case .batchCommitted(let name, let counts, let passComplete):
            source = name
            update(source) { line in
                line.completed += counts.listed
                line.inBatch = 0
            }
            ends = passComplete
        case .sourceFailed(let name, _):
            source = name
            ends = true
        }
        if ends { finish(source) }
    }

    /// Ends every line still drawn (at the end of a pass).
    public func finishAll() {
        let open = lines.withLock { lines in
            defer { lines.removeAll() }
            return Array(lines.values)
        }
        for line in open {
            line.renderer.finish(done: line.done, total: line.shownTotal, bytes: line.bytes, detail: line.detail)
        }
    }

    private func update(_ source: String, _ change: (inout Line) -> Void) {
        let line = lines.withLock { lines -> Line? in
            guard var line = lines[source] else { return nil }
            change(&line)
            lines[source] = line
            return line
        }
        guard let line else { return }
        line.renderer.update(done: line.done, total: line.shownTotal, bytes: line.bytes, detail: line.detail)
    }

    private func finish(_ source: String) {
        guard let line = lines.withLock({ $0.removeValue(forKey: source) }) else { return }
        line.renderer.finish(done: line.done, total: line.shownTotal, bytes: line.bytes, detail: line.detail)
    }
}
