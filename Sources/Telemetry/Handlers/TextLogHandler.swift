/// A human-readable handler for terminals: `time level label: message key=value …`.
///
/// ```
/// 2026-12-03T20:16:33.123Z info    fedlake.ingest: stored [redacted] bytes=5120 source=orthanc
/// ```
/// Non-public values are redacted unless the handler is made with
/// ``Redaction/revealForDebuggingSyntheticDataOnly``.
public struct TextLogHandler: LogHandler {
    /// Where lines go.
    public let output: LogOutput
    /// Whether non-public values are redacted (the default) or shown.
    public let redaction: Redaction

    /// A handler writing to `output` (standard error by default).
    /// - Parameter redaction: `.redact` unless debugging on synthetic data.
    public init(output: LogOutput = .standardError, redaction: Redaction = .redact) {
        self.output = output
        self.redaction = redaction
    }

    /// Writes the record as one line (control characters in values shown as `\u{…}` escapes, so a value
    /// cannot forge further lines).
    public func log(_ record: LogRecord) {
        output.writeLine(Self.format(record, redaction: redaction))
    }

    /// The text line for `record` under `redaction`, without the trailing newline; metadata keys sorted.
    public static func format(_ record: LogRecord, redaction: Redaction = .redact) -> String {
        let level = record.level.rawValue
        var line = record.time.iso8601 + " " + level + String(repeating: " ", count: max(0, 8 - level.count))
        line += record.label + ": " + escaped(record.message.rendered(redaction))
        for key in record.metadata.keys.sorted() {
            guard let value = record.metadata[key] else { continue }
            line += " " + escaped(key) + "=" + escaped(value.rendered(redaction))
        }
        return line
    }

    private static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
