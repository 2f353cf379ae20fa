/// The production handler: one JSON object per line, with every non-public value redacted, always.
///
/// ```
/// {"time":"2026-12-03T20:16:33.123Z","level":"info","label":"fedlake.ingest","message":"stored [redacted]","metadata":{"bytes":5120,"source":"orthanc"}}
/// ```
/// Members in this order: `time` (UTC, ISO 8601 with milliseconds), `level`, `label`, `message`, and
/// `metadata` (keys sorted; the member is left out when there is no metadata). There is no switch to show
/// PHI in this format: it is what daemons write to files and log collectors (STYLE.md R5).
public struct JSONLinesLogHandler: LogHandler {
    /// Where lines go.
    public let output: LogOutput

    /// A handler writing to `output` (standard error by default).
    public init(output: LogOutput = .standardError) {
        self.output = output
    }

    /// Writes the record as one line.
    public func log(_ record: LogRecord) {
        output.writeLine(Self.format(record))
    }

    /// The JSON line for `record`, without the trailing newline; `.phi` and `.sensitive` values are
    /// `"[redacted]"`.
    public static func format(_ record: LogRecord) -> String {
        var line = "{\"time\":\"" + record.time.iso8601 + "\""
        line += ",\"level\":" + JSONText.quoted(record.level.rawValue)
        line += ",\"label\":" + JSONText.quoted(record.label)
        line += ",\"message\":" + JSONText.quoted(record.message.rendered(.redact))
        if !record.metadata.isEmpty {
            line += ",\"metadata\":" + JSONText.object(record.metadata, .redact)
        }
        return line + "}"
    }
}
