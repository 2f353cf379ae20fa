public import Lake
public import Telemetry

/// The log lines of ingest: counts, source names and reason codes, never object keys, file names or
/// patient values.
///
/// ```swift
/// let log = IngestLog(logger: Logger(label: "fedlake.ingest"))
/// let report = try await node.ingest(events: { log.record($0) }) { log.recordPass($0, duration: .seconds(3)) }
/// ```
///
/// Source names come from the configuration (`name`, or the connector's printable ID) and are logged as
/// public. The message of a failed source is logged as `.phi` (written `[redacted]`): it is built from
/// connector and file-system errors, and a file-system error can quote a file name, which can hold a
/// patient's name. `fedlake node status` shows it to the operator on the node itself.
public struct IngestLog: Sendable {
    /// The logger written to.
    public let logger: Logger
    /// Whether a live progress line shows the counts: the lines per committed batch and per quarantined
    /// object are then written at `.debug` (instead of `.info` and `.warning`), so they do not scroll the
    /// line away; the pass totals and errors are still written.
    public let progressShown: Bool

    /// A log writing to `logger`.
    public init(logger: Logger, progressShown: Bool = false) {
        self.logger = logger
        self.progressShown = progressShown
    }

    /// Logs an event: a warning per quarantined object (source, reason code), a line per committed batch
    /// (counts), an error per failed source. Committed objects are counted in their batch's line.
    public func record(_ event: IngestEvent) {
        switch event {
        case .objectCommitted:
            break
        case .objectQuarantined(let source, let code):
            logger.log(
                level: progressShown ? .debug : .warning, "object quarantined",
                metadata: ["source": .public(source), "reason": .public(code)])
        case .batchCommitted(let source, let counts, let passComplete):
            logger.log(
                level: progressShown ? .debug : .info, "batch committed",
                metadata: [
                    "source": .public(source), "listed": .integer(counts.listed), "committed": .integer(counts.committed),
                    "unchanged": .integer(counts.unchanged), "quarantined": .integer(counts.quarantined),
                    "deleted": .integer(counts.deleted), "vanished": .integer(counts.vanished),
                    "bytes": .integer(counts.sourceBytes), "passComplete": .init(.bool(passComplete), sensitivity: .public),
                ])
        case .sourceFailed(let source, let message):
            logger.error(
                "source failed; its cursor stays and the next pass retries (see fedlake node status)",
                metadata: ["source": .public(source), "error": .phi(message)])
        }
    }

    /// Logs the end of a pass with its totals and duration.
    public func recordPass(_ report: IngestPipeline.RunReport, duration: Duration) {
        let totals = report.totals
        let failed = report.sources.filter { $0.error != nil }
        logger.log(
            level: failed.isEmpty ? .info : .warning, "pass finished",
            metadata: [
                "listed": .integer(totals.listed), "committed": .integer(totals.committed),
                "unchanged": .integer(totals.unchanged), "quarantined": .integer(totals.quarantined),
                "deleted": .integer(totals.deleted), "bytes": .integer(totals.sourceBytes),
                "failedSources": .init(.array(failed.map { .public($0.source) }), sensitivity: .public),
                "stopped": .init(.bool(report.stopped), sensitivity: .public),
                "seconds": .double(Self.seconds(duration)),
            ])
    }

    /// `duration` in seconds, rounded to milliseconds.
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }
}
