/// JSON text building for the handlers (RFC 8259), without Foundation.
enum JSONText {
    /// `text` as a JSON string literal (``JSONString/quoted(_:)``).
    static func quoted(_ text: String) -> String { JSONString.quoted(text) }

    /// A metadata value as JSON; non-public values become `"[redacted]"` under `.redact`.
    static func value(_ value: Logger.MetadataValue, _ redaction: Redaction) -> String {
        if value.sensitivity.isRedacted, redaction == .redact { return quoted(Sensitivity.redactionMarker) }
        switch value.value {
        case .string(let text): return quoted(text)
        case .integer(let number): return String(number)
        case .double(let number): return number.isFinite ? String(describing: number) : quoted(String(describing: number))
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let elements): return "[" + elements.map { Self.value($0, redaction) }.joined(separator: ",") + "]"
        case .dictionary(let entries): return object(entries, redaction)
        }
    }

    /// A metadata dictionary as a JSON object with keys in sorted order.
    static func object(_ entries: Logger.Metadata, _ redaction: Redaction) -> String {
        let members = entries.keys.sorted().map { key in
            quoted(key) + ":" + (entries[key].map { value($0, redaction) } ?? "null")
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

/// JSON string literals (RFC 8259 §7), for every module that writes JSON text by hand: the log handlers, the
/// cohort language's canonical form, the synthetic corpus's manifest.
///
/// ```swift
/// JSONString.quoted("a \"b\"\n")   // "\"a \\\"b\\\"\\n\""
/// ```
public enum JSONString {
    /// `text` as a JSON string literal: quotes, backslashes and control characters (and DEL) escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20 || control.value == 0x7F:
                let hex = String(control.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

}
